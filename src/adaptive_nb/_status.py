"""Runner status and the snapshot that observers (widgets, dashboards, the watchdog) read.

The notebook layer never reaches into a runner's internals: it calls ``runner.snapshot()``, which
returns one of these frozen records. Taking a snapshot is cheap (no copying of learner data), so
a widget can poll it every few hundred milliseconds on the kernel's event loop.

The snapshot's field names and the colour of each status have one source, ``_status.json`` beside
this module: Python reads it here, and the TypeScript widgets (``js/src``) import it when they are
bundled. Tests fail when ``RunnerSnapshot``, ``RunnerStatus`` or the widgets disagree with it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

__all__ = ["SNAPSHOT_FIELDS", "STATUS_COLORS", "RunnerSnapshot", "RunnerStatus"]

_SPEC = json.loads(
    resources.files(__package__ or "adaptive_nb").joinpath("_status.json").read_text("utf-8")
)

#: Field names of :class:`RunnerSnapshot`, in order, as the widgets receive them.
SNAPSHOT_FIELDS: tuple[str, ...] = tuple(_SPEC["snapshot_fields"])
#: CSS colour of each status, shared by the live widgets and the dashboards.
STATUS_COLORS: Mapping[str, str] = MappingProxyType(dict(_SPEC["status_colors"]))


class RunnerStatus(enum.StrEnum):
    """Lifecycle of a runner; compares equal to the reference library's status strings."""

    RUNNING = "running"  # started, goal not reached, not cancelled
    CANCELLED = "cancelled"  # runner.cancel() or a widget's Cancel button
    FAILED = "failed"  # the function raised and retries were exhausted, or the runner crashed
    FINISHED = "finished"  # the goal was reached

    @property
    def color(self) -> str:
        """CSS colour the widgets and dashboards show this status in."""
        return STATUS_COLORS[self.value]


@dataclass(frozen=True, slots=True)
class RunnerSnapshot:
    """What a runner looks like at one instant.

    Attributes
    ----------
    status
        The runner's status.
    elapsed_time
        Seconds since the runner started (frozen once it ends).
    npoints
        Number of evaluated points in the learner.
    loss
        The learner's current loss, computed when the snapshot was taken; ``None`` when the
        learner has no loss yet (for example before any point arrived).
    overhead
        Percentage of time not spent evaluating the function (``runner.overhead()``).
    n_pending
        Points submitted to the executor and not yet back.
    n_failed
        Points whose evaluation raised (``len(runner.tracebacks)``).
    last_traceback
        Traceback text of the most recent failure, or ``None``.
    error
        For a failed runner, a one-line description of the exception that ended it.
    last_save_time
        ``time.time()`` of the last successful periodic save, or ``None``.
    last_save_error
        Description of the last failed periodic save, or ``None`` once a later save succeeds.
    waiting_for_workers
        Whether the runner's cluster had no worker at its latest count (an elastic cluster
        scaled to zero): the runner waits for workers to join.
    """

    status: RunnerStatus
    elapsed_time: float
    npoints: int
    loss: float | None
    overhead: float
    n_pending: int
    n_failed: int
    last_traceback: str | None
    error: str | None
    last_save_time: float | None
    last_save_error: str | None
    waiting_for_workers: bool = False
