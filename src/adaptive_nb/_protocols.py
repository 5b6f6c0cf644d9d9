"""What observers (hooks, the watchdog, the widgets) need of a runner and of a learner.

These protocols are the boundary between the engine and the notebook layer: the widgets type
their runner and learner arguments with them, and touch nothing else. They live on the engine's
side of the boundary (standard library and numpy typing only), so engine modules and their tests
can check that ``AsyncRunner`` and the learners satisfy them without loading the Jupyter stack.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from adaptive_nb._status import RunnerSnapshot

__all__ = ["IncrementalLearner", "ObservedRunner"]


class ObservedRunner(Protocol):
    """A running ``AsyncRunner`` as observers see it."""

    @property
    def task(self) -> asyncio.Task[None]:
        """The asyncio task that drives the runner."""

    @property
    def learner(self) -> Any:
        """The learner the runner feeds."""

    def snapshot(self) -> RunnerSnapshot:
        """Return the runner's state at this instant (cheap; no learner data copied)."""

    def status(self) -> str:
        """Return ``"running"``, ``"cancelled"``, ``"failed"`` or ``"finished"``."""

    def cancel(self) -> None:
        """Stop the runner."""


@runtime_checkable
class IncrementalLearner(Protocol):
    """A learner whose told points can be read incrementally (the live plot's fast view)."""

    @property
    def npoints(self) -> int:
        """Number of told points."""

    def data_since(
        self, start: int
    ) -> tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.floating[Any]]]:
        """Return the points and values told after the first ``start`` ones, in tell order.

        Parameters
        ----------
        start
            How many told points to skip.

        Returns
        -------
        tuple of numpy.ndarray
            ``xs`` of shape ``(k,)`` (1D) or ``(k, d)``, and ``ys`` of shape ``(k,)`` or
            ``(k, vdim)``.
        """
