"""One asyncio task per widget that polls a runner and pushes updates to the front end.

Why polling and not runner callbacks: a snapshot is cheap, a poll coalesces any number of runner
events into one message per ``update_interval``, and the runner never has to know a widget exists
(DESIGN.md: the notebook layer reads the engine, never the other way round).

Back-off: every update carries a sequence number and the front end sends the number of the
latest update it has drawn back in an ``ack`` message. When more than ``max_lag``
updates are unacknowledged (tab closed, notebook not open, output cleared, browser too slow), the
poller stops sending routine updates and only sends a probe every ``backoff`` seconds, doubling up
to ``max_backoff``; as soon as the front end acknowledges again it resumes at full rate. This
bounds what a kernel queues for a front end that is not listening (the reference library's
``should_update`` reads a private ipykernel attribute for the same purpose; acks need none).
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["PolledWidget", "Poller", "format_exception"]


class PolledWidget(Protocol):
    """What a poller needs from its widget."""

    def _push(self, *, final: bool) -> bool:
        """Send an update; return True when a message was sent (a new sequence number)."""

    def _lag(self) -> int:
        """Return how many updates were sent but not yet acknowledged by a front end."""

    def _show_error(self, text: str) -> None:
        """Show an error in the widget (never swallow it)."""

    def _on_stopped(self) -> None:
        """Record that the poller was cancelled (stopped, replaced, or the kernel shut down)."""


def format_exception(exc: BaseException) -> str:
    """Full traceback text of ``exc``."""
    return "".join(traceback.format_exception(exc)).rstrip()


class Poller:
    """Poll ``widget`` every ``interval`` seconds until ``runner_task`` is done.

    Parameters
    ----------
    widget
        The widget; its ``_push`` reads the runner and writes traits / sends messages.
    runner_task
        The runner's asyncio task; when it is done the poller sends one final update and ends.
    interval
        Seconds between updates while the front end keeps up.
    max_lag
        Unacknowledged updates tolerated before backing off.
    max_backoff
        Longest pause between probes while backing off, in seconds.
    clock
        Monotonic clock (injectable for tests).
    """

    def __init__(
        self,
        widget: PolledWidget,
        runner_task: asyncio.Future[Any],
        interval: float,
        *,
        max_lag: int = 5,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not interval > 0:
            msg = f"update_interval must be a positive number of seconds, got {interval!r}."
            raise ValueError(msg)
        self.widget = widget
        self.runner_task = runner_task
        self.interval = float(interval)
        self.max_lag = max_lag
        self.max_backoff = max(max_backoff, self.interval)
        self.clock = clock
        self.sent = 0
        self.skipped = 0
        self.backoff = self.interval
        self._next_probe = 0.0
        self.task: asyncio.Task[None] | None = None

    def start(self, name: str) -> asyncio.Task[None]:
        """Create the polling task on the runner's event loop."""
        loop = self.runner_task.get_loop()
        self.task = loop.create_task(self._run(), name=name)
        return self.task

    def tick(self) -> None:
        """One poll: send an update unless the front end is behind (then probe rarely)."""
        now = self.clock()
        if self.widget._lag() <= self.max_lag:
            self.backoff = self.interval
            if self.widget._push(final=False):
                self.sent += 1
            return
        if now >= self._next_probe:
            if self.widget._push(final=False):
                self.sent += 1
            self._next_probe = now + self.backoff
            self.backoff = min(2 * self.backoff, self.max_backoff)
        else:
            self.skipped += 1

    async def _run(self) -> None:
        try:
            while not self.runner_task.done():
                self.tick()
                # Wakes early when the runner ends, so the final state shows without delay.
                await asyncio.wait({self.runner_task}, timeout=self.interval)
            self.widget._push(final=True)
        except asyncio.CancelledError:
            self.widget._on_stopped()
            raise
        except Exception as exc:  # a poller that dies silently is what this module prevents
            self.widget._show_error(format_exception(exc))
        finally:
            # A saved notebook shows the widget's static view (see _static_view.py): make it the
            # last state, however the polling ended.
            refresh = getattr(self.widget, "_static_refresh", None)
            if refresh is not None:
                refresh()
