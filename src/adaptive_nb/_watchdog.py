"""Busy-loop watchdog: warn when a cell blocks the kernel's event loop while a runner is active.

An ``AsyncRunner`` works in an asyncio task on the kernel's event loop. A cell that busy-waits
(``while not runner.task.done(): pass``) or sleeps synchronously starves that loop: the runner
makes no progress and the live widgets freeze, with no sign of why. The watchdog makes it visible.

How it works
------------
* A **heartbeat** is scheduled on the runner's event loop (``loop.call_later``) while at least one
  watched runner is active. Each beat records the time.
* A **daemon thread** compares that time with the clock. When the loop has not ticked for
  ``threshold`` seconds it issues one :class:`KernelBlockedWarning` pointing at the line the loop
  thread is stuck on (the user's cell), and tells the listeners (a widget can show "kernel
  blocked"). ipykernel's output is delivered by its IOPub thread, so the warning reaches
  the blocked cell while it is still running. When the loop ticks again the episode ends; a later
  block warns again.
* **No cost when idle**: when the last watched runner ends, the heartbeat stops and the thread
  parks on an event; nothing runs until the next runner starts.

Nothing happens on import. :func:`install` (idempotent) subscribes the process-wide watchdog to
the engine's runner-started hook (:mod:`adaptive_nb._hooks`); the engine calls it when a runner
starts inside an IPython kernel, and :func:`configure` calls it too. Each runner started inside a
kernel is then watched. Configure it with :func:`configure` or the environment variable
``ADAPTIVE_NB_WATCHDOG`` (``0``/``off`` switches it off; a number sets the threshold in seconds).
The public path is :mod:`adaptive_nb.notebook.watchdog`; this module needs only the standard
library, so the engine can install it without loading the Jupyter stack.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import sysconfig
import threading
import time
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from adaptive_nb import _hooks
from adaptive_nb.exceptions import KernelBlockedWarning

__all__ = [
    "KernelBlockedWarning",
    "Watchdog",
    "WatchdogState",
    "add_listener",
    "configure",
    "get_watchdog",
    "install",
    "kernel_blocked",
    "state",
    "watch",
]

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 2.0

FIX_HINT = (
    "Runners and live widgets make no progress until the loop is free again. Do not busy-wait "
    "on a runner (`while not runner.task.done(): pass`) or sleep with time.sleep(); to wait for "
    "a runner use `await runner.task` (top-level await works in Jupyter), or run to completion "
    "without live updates with `adaptive_nb.BlockingRunner(learner, goal=...)` or "
    "`adaptive_nb.runner.simple(learner, goal=...)`. Interrupt the kernel to leave this cell."
)


@dataclass(frozen=True, slots=True)
class WatchdogState:
    """What the watchdog sees at one instant.

    Attributes
    ----------
    enabled
        Whether new runners are watched (see :func:`configure`).
    threshold
        Seconds without a heartbeat after which the loop counts as blocked.
    watching
        Whether a heartbeat is running, i.e. at least one watched runner is active.
    blocked
        Whether a watched loop is blocked right now.
    lag
        Seconds since the last heartbeat of the most lagging watched loop (0 when not watching).
    n_runners
        Number of watched, still active runners.
    n_blocks
        Blocked episodes seen since the process started (each warned once).
    last_block_time
        ``time.time()`` when the most recent episode was noticed, or ``None``.
    last_block_duration
        How long the most recent episode lasted, in seconds (so far, while it lasts), to within
        one check period.
    """

    enabled: bool
    threshold: float
    watching: bool
    blocked: bool
    lag: float
    n_runners: int
    n_blocks: int = 0
    last_block_time: float | None = None
    last_block_duration: float = 0.0


Listener = Callable[[WatchdogState], None]


@dataclass(eq=False)
class _LoopWatch:
    """Heartbeat bookkeeping for one event loop."""

    loop: asyncio.AbstractEventLoop
    thread_id: int
    last_beat: float
    runners: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)
    handle: asyncio.TimerHandle | None = None
    blocked: bool = False
    lag: float = 0.0


def _runner_active(runner: Any) -> bool:
    task = getattr(runner, "task", None)
    return task is not None and not task.done()


_LIBRARY_DIRS = tuple(
    {
        str(Path(p).resolve())
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
    | {str(Path(__file__).resolve().parent)}  # adaptive_nb itself
)


def _user_frame(frame: FrameType | None) -> FrameType | None:
    """Return the innermost frame that is not library code (the user's cell).

    Without one (the loop is blocked by library code alone, e.g. an import inside a task), the
    innermost frame that is not frozen, else None: a frozen module's source cannot be read, and
    ``warnings.warn_explicit`` with its globals raises ImportError instead of warning.
    """
    fallback = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen"):
            resolved = str(Path(filename).resolve()) if os.path.isabs(filename) else filename
            if not resolved.startswith(_LIBRARY_DIRS):
                return frame
            if fallback is None:
                fallback = frame
        frame = frame.f_back
    return fallback


class Watchdog:
    """Heartbeat on watched event loops plus a thread that notices when one stops ticking.

    Parameters
    ----------
    threshold
        Seconds without a heartbeat after which the loop counts as blocked.
    enabled
        Whether :meth:`watch` accepts runners.
    clock
        Monotonic clock; tests inject a fake one.
    start_thread
        Start the checking thread on the first :meth:`watch`. Tests that drive :meth:`check` by
        hand pass ``False``.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        start_thread: bool = True,
    ) -> None:
        self._validate_threshold(threshold)
        self.threshold = float(threshold)
        self.enabled = enabled
        self._clock = clock
        self._start_thread = start_thread
        self._lock = threading.RLock()
        self._watches: dict[asyncio.AbstractEventLoop, _LoopWatch] = {}
        self._armed = threading.Event()  # set while anything is watched; else the thread parks
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list[Listener] = []
        self._n_blocks = 0
        self._last_block_time: float | None = None
        self._last_block_duration = 0.0

    # -- configuration ---------------------------------------------------------------------------

    @staticmethod
    def _validate_threshold(threshold: float) -> None:
        if not threshold > 0:
            msg = f"watchdog threshold must be a positive number of seconds, got {threshold!r}"
            raise ValueError(msg)

    @property
    def period(self) -> float:
        """Seconds between heartbeats (and between the thread's checks)."""
        return min(self.threshold / 4, 0.25)

    def configure(self, *, threshold: float | None = None, enabled: bool | None = None) -> None:
        """Change the threshold or switch the watchdog on or off.

        Parameters
        ----------
        threshold
            New threshold in seconds (``None`` keeps the current one).
        enabled
            ``False`` stops watching at once (heartbeats are cancelled); ``True`` watches runners
            started from now on.
        """
        if threshold is not None:
            self._validate_threshold(threshold)
            self.threshold = float(threshold)
        if enabled is not None:
            self.enabled = enabled
            if not enabled:
                self._unwatch_all()

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(state)`` whenever a loop becomes blocked or free again.

        The listener runs on the watchdog thread, usually while the event loop is blocked, so it
        must not rely on the loop (setting a widget trait is fine: ipykernel sends it from its
        IOPub thread).

        Parameters
        ----------
        listener
            Called with the new :class:`WatchdogState`.

        Returns
        -------
        Callable[[], None]
            Removes the listener again.
        """
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    # -- watching --------------------------------------------------------------------------------

    def watch(self, runner: Any) -> bool:
        """Watch ``runner``'s event loop until the runner ends.

        Call it on the loop's own thread (the runner-started hook does).

        Parameters
        ----------
        runner
            An ``AsyncRunner`` whose ``task`` is scheduled.

        Returns
        -------
        bool
            Whether the runner is watched (``False`` when disabled or the runner is not active).
        """
        if not self.enabled or not _runner_active(runner):
            return False
        loop = runner.task.get_loop()
        with self._lock:
            lw = self._watches.get(loop)
            if lw is None:
                lw = _LoopWatch(loop=loop, thread_id=threading.get_ident(), last_beat=self._clock())
                self._watches[loop] = lw
                lw.handle = loop.call_later(self.period, self._beat, lw)
            lw.runners.add(runner)
            self._armed.set()
        if self._start_thread:
            self._ensure_thread()
        return True

    def _beat(self, lw: _LoopWatch) -> None:
        """Heartbeat, on the watched loop: record the time; stop when no watched runner is left."""
        with self._lock:
            lw.last_beat = self._clock()
            if any(_runner_active(r) for r in list(lw.runners)):
                lw.handle = lw.loop.call_later(self.period, self._beat, lw)
                return
            lw.handle = None
            self._drop(lw)
        if lw.blocked:  # the episode ended together with the last runner
            lw.blocked = False
            self._notify()

    def _drop(self, lw: _LoopWatch) -> None:
        """Forget ``lw`` (caller holds the lock); park the thread when nothing is left."""
        if self._watches.get(lw.loop) is lw:  # not a newer watch of the same loop
            del self._watches[lw.loop]
        if not self._watches:
            self._armed.clear()

    def _unwatch_all(self) -> None:
        with self._lock:
            for lw in self._watches.values():
                if lw.handle is not None:
                    lw.handle.cancel()
            self._watches.clear()
            self._armed.clear()

    # -- checking (watchdog thread) --------------------------------------------------------------

    def check(self) -> None:
        """Compare each watched loop's last heartbeat with the clock; warn on a new block.

        The thread calls this every :attr:`period`; tests call it directly.
        """
        changed = False
        newly_blocked: list[_LoopWatch] = []
        with self._lock:
            now = self._clock()
            for lw in list(self._watches.values()):
                lw.lag = max(0.0, now - lw.last_beat)
                # Runners that ended after the last beat do not count: blocking the loop then
                # stalls nothing (the next beat, whenever it comes, drops the watch).
                active = any(_runner_active(r) for r in list(lw.runners))
                if not active and lw.loop.is_closed():  # e.g. asyncio.run() returned: no beat
                    self._drop(lw)  # will ever come to drop it, so the thread would never park
                    continue
                blocked = active and lw.lag > self.threshold
                if blocked:
                    self._last_block_duration = lw.lag
                if blocked != lw.blocked:
                    lw.blocked = blocked
                    changed = True
                    if blocked:
                        newly_blocked.append(lw)
                        self._n_blocks += 1
                        self._last_block_time = time.time()
        for lw in newly_blocked:
            self._warn(lw)
        if changed:
            self._notify()

    def _warn(self, lw: _LoopWatch) -> None:
        active = [r for r in list(lw.runners) if _runner_active(r)]
        n = len(active)
        kinds = sorted({type(getattr(r, "learner", None)).__name__ for r in active})
        what = f"{n} runner{'s' if n != 1 else ''} ({', '.join(kinds)})" if kinds else "a runner"
        message = (
            f"The kernel's event loop has been blocked for {lw.lag:.1f} s while {what} "
            f"{'is' if n == 1 else 'are'} active. {FIX_HINT}"
        )
        frame = _user_frame(sys._current_frames().get(lw.thread_id))
        try:
            if frame is None:
                warnings.warn(message, KernelBlockedWarning, stacklevel=1)
            else:
                warnings.warn_explicit(
                    message,
                    KernelBlockedWarning,
                    frame.f_code.co_filename,
                    frame.f_lineno,
                    module=str(frame.f_globals.get("__name__", "__main__")),
                    registry=None,  # warn once per episode, not once per cell location
                    module_globals=frame.f_globals,
                )
            sys.stderr.flush()  # ipykernel: hand the text to the IOPub thread now
        except Exception:  # e.g. a filter turned the warning into an error on this thread
            logger.exception("could not emit the KernelBlockedWarning")

    def state(self) -> WatchdogState:
        """Return the current :class:`WatchdogState` (thread-safe, cheap)."""
        with self._lock:
            watches = list(self._watches.values())
            now = self._clock()
            lag = max((max(0.0, now - lw.last_beat) for lw in watches), default=0.0)
            n = sum(1 for lw in watches for r in list(lw.runners) if _runner_active(r))
            return WatchdogState(
                enabled=self.enabled,
                threshold=self.threshold,
                watching=bool(watches),
                blocked=any(lw.blocked for lw in watches),
                lag=lag,
                n_runners=n,
                n_blocks=self._n_blocks,
                last_block_time=self._last_block_time,
                last_block_duration=self._last_block_duration,
            )

    def _notify(self) -> None:
        current = self.state()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(current)
            except Exception:  # a widget's bug must not kill the watchdog thread
                logger.exception("watchdog listener %r failed", listener)

    @property
    def thread_parked(self) -> bool:
        """Whether the checking thread has nothing to do (no watched runner)."""
        return not self._armed.is_set()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="adaptive_nb-watchdog", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._armed.wait()  # parks here while no runner is watched: no cost when idle
            if self._stop.is_set():
                return
            try:
                self.check()
            except Exception:
                logger.exception("watchdog check failed")
            self._stop.wait(self.period)

    def stop(self) -> None:
        """Stop watching and end the thread (it is a daemon; this is for tests and unloading)."""
        self._unwatch_all()
        self._stop.set()
        self._armed.set()  # wake the parked thread so it sees the stop flag
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)
        self._armed.clear()
        self._thread = None


def _settings_from_env() -> tuple[bool, float]:
    raw = os.environ.get("ADAPTIVE_NB_WATCHDOG", "").strip().lower()
    if raw in {"0", "off", "false", "no"}:
        return False, DEFAULT_THRESHOLD
    try:
        threshold = float(raw) if raw else DEFAULT_THRESHOLD
    except ValueError:
        threshold = DEFAULT_THRESHOLD
    return True, threshold if threshold > 0 else DEFAULT_THRESHOLD


_lock = threading.RLock()
_WATCHDOG: Watchdog | None = None  # created on first use, from the environment at that time
_only_in_kernel = True
_installed = False


def get_watchdog() -> Watchdog:
    """Return the process-wide watchdog that watches every runner started in a kernel.

    It is created on first use, configured from ``$ADAPTIVE_NB_WATCHDOG`` as it is then.
    """
    global _WATCHDOG  # noqa: PLW0603 - one process-wide watchdog, created lazily
    with _lock:
        if _WATCHDOG is None:
            enabled, threshold = _settings_from_env()
            _WATCHDOG = Watchdog(threshold, enabled=enabled)
        return _WATCHDOG


def _on_runner_started(runner: Any) -> None:
    dog = get_watchdog()
    if dog.enabled and (not _only_in_kernel or _hooks.in_kernel()):
        dog.watch(runner)


def _watch_active_runners() -> None:
    """Watch the runners that started before :func:`install`.

    Only runners on the event loop running in this thread are taken: the heartbeat must be
    scheduled from the loop's own thread.
    """
    dog = get_watchdog()
    if not dog.enabled or (_only_in_kernel and not _hooks.in_kernel()):
        return
    loop = asyncio._get_running_loop()
    if loop is None:
        return
    for runner in _hooks.active_runners():
        if runner.task.get_loop() is loop:
            dog.watch(runner)


def install() -> None:
    """Subscribe the process-wide watchdog to runner starts; watch the runners already running.

    Idempotent: only the first call subscribes. The engine calls it when a runner starts inside
    an IPython kernel; :func:`configure` calls it as well.
    """
    global _installed  # noqa: PLW0603 - one subscription per process
    with _lock:
        if _installed:
            return
        _hooks.add_runner_started_callback(_on_runner_started)
        _installed = True
    _watch_active_runners()


def configure(
    *,
    threshold: float | None = None,
    enabled: bool | None = None,
    only_in_kernel: bool | None = None,
) -> WatchdogState:
    """Configure the process-wide watchdog.

    Parameters
    ----------
    threshold
        Seconds the loop may stay blocked before the warning (default 2, or
        ``$ADAPTIVE_NB_WATCHDOG``).
    enabled
        ``False`` switches the watchdog off (running heartbeats stop at once); ``True`` on again.
    only_in_kernel
        By default only runners started inside an IPython kernel are watched. ``False`` also
        watches runners elsewhere (for example in a ``panel serve`` app).

    Returns
    -------
    WatchdogState
        The state after the change.

    Examples
    --------
    >>> from adaptive_nb.notebook import watchdog
    >>> watchdog.configure(threshold=5).threshold
    5.0
    """
    global _only_in_kernel  # noqa: PLW0603 - one process-wide setting, like warnings filters
    get_watchdog().configure(threshold=threshold, enabled=enabled)
    if only_in_kernel is not None:
        _only_in_kernel = only_in_kernel
    install()
    return get_watchdog().state()


def watch(runner: Any) -> bool:
    """Watch ``runner`` explicitly (runners started in a kernel are watched automatically).

    Parameters
    ----------
    runner
        An active ``AsyncRunner``; call this on its event loop's thread.

    Returns
    -------
    bool
        Whether the runner is now watched.
    """
    return get_watchdog().watch(runner)


def state() -> WatchdogState:
    """Return the process-wide watchdog's current state."""
    return get_watchdog().state()


def kernel_blocked() -> bool:
    """Return whether the kernel's event loop is blocked right now while a runner is active."""
    return get_watchdog().state().blocked


def add_listener(listener: Listener) -> Callable[[], None]:
    """Call ``listener(state)`` on the watchdog thread when the loop becomes blocked or free.

    This is how a widget can show "kernel blocked": its own poller runs on the blocked loop and
    cannot notice. Setting a synced trait from the listener reaches the page, because ipykernel
    sends comm messages from its IOPub thread. See :meth:`Watchdog.add_listener`.

    Parameters
    ----------
    listener
        Called with the new :class:`WatchdogState`.

    Returns
    -------
    Callable[[], None]
        Removes the listener again.
    """
    return get_watchdog().add_listener(listener)
