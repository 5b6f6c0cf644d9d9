"""Periodic saving of an AsyncRunner's learner, off the event loop."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import os
import threading
import time
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from adaptive_nb.exceptions import RunnerWarning, SaveFailedWarning
from adaptive_nb.runner._base import _one_line

__all__ = ["_PeriodicSaving"]

# Learners are pickled and written in these threads, so a big save never stalls the event loop
# on file I/O or compression (both release the GIL).
_SAVE_POOL: cf.ThreadPoolExecutor | None = None
_SAVE_POOL_LOCK = threading.Lock()
# The file each live runner saves to periodically (absolute path -> runner), to warn when a
# second runner would overwrite the first one's file.
_SAVERS: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()


def _save_pool() -> cf.ThreadPoolExecutor:
    global _SAVE_POOL  # noqa: PLW0603 - created lazily: most sessions never save
    with _SAVE_POOL_LOCK:
        if _SAVE_POOL is None:
            _SAVE_POOL = cf.ThreadPoolExecutor(max_workers=4, thread_name_prefix="adaptive_nb-save")
        return _SAVE_POOL


class _PeriodicSaving:
    """``start_periodic_saving`` for AsyncRunner; the run loop waits while ``_saving`` is set."""

    learner: Any
    ioloop: asyncio.AbstractEventLoop
    task: asyncio.Task[None]
    saving_task: asyncio.Task[None] | None
    _saving: asyncio.Future[None] | None  # the save running in a thread
    _save_time: float | None
    _save_error: str | None

    def _init_saving(self) -> None:
        self._saving = None
        self._save_time = None
        self._save_error = None
        self.saving_task = None

    def start_periodic_saving(
        self,
        save_kwargs: dict[str, Any] | None = None,
        interval: float = 30,
        method: Callable[..., Any] | None = None,
    ) -> asyncio.Task[None]:
        """Save the learner every ``interval`` seconds, and once more when the runner ends.

        The learner is pickled and written in a thread, so the event loop (and the kernel)
        keeps running; the runner does not change the learner while a save reads it. A save
        that fails emits a :class:`SaveFailedWarning` and shows in
        ``runner.snapshot().last_save_error``; the runner keeps going.

        Parameters
        ----------
        save_kwargs : dict, optional
            Keyword arguments for ``learner.save(**save_kwargs)``, e.g. ``dict(fname=...)``.
        interval : float
            Seconds between saves.
        method : callable, optional
            ``method(learner, **save_kwargs)`` is called instead of ``learner.save``.

        Returns
        -------
        asyncio.Task
            The saving task (also ``runner.saving_task``).
        """
        kwargs = dict(save_kwargs or {})
        if method is None and not kwargs:
            msg = "Pass save_kwargs=dict(fname=...) (or a method=) to start_periodic_saving."
            raise ValueError(msg)
        if not interval > 0:
            msg = f"interval must be a positive number of seconds, got {interval!r}."
            raise ValueError(msg)
        learner = self.learner

        def save() -> None:
            if method is None:
                learner.save(**kwargs)
            else:
                method(learner, **kwargs)

        self._claim_file(kwargs.get("fname"))
        if self.saving_task is not None and not self.saving_task.done():
            self.saving_task.cancel()  # one saver per runner: the new settings replace the old
        self.saving_task = self.ioloop.create_task(
            self._periodic_saver(save, interval), name=f"adaptive_nb.saver-{id(self):x}"
        )
        return self.saving_task

    def _claim_file(self, fname: Any) -> None:
        """Warn if another live runner periodically saves to ``fname`` too."""
        if not isinstance(fname, str | os.PathLike):
            return
        path = os.path.realpath(os.fspath(fname))
        other = _SAVERS.get(path)
        if other is not None and other is not self and not other.task.done():
            warnings.warn(
                f"{other!r} already saves its learner to {os.fspath(fname)!r} periodically: "
                "the two runners would overwrite each other's file. Give each runner its own "
                "file name.",
                RunnerWarning,
                stacklevel=3,
            )
        _SAVERS[path] = self

    async def _periodic_saver(self, save: Callable[[], None], interval: float) -> None:
        while True:
            finished = self.task.done()
            if not finished:
                await asyncio.wait([self.task], timeout=interval)
            await self._save_in_thread(save)
            if finished or self.task.done():
                if not finished:
                    continue  # the task ended during that save: save its final state
                return

    async def _save_in_thread(self, save: Callable[[], None]) -> None:
        while self._saving is not None:  # another saver's save is running: don't overlap
            await asyncio.wait([self._saving])
        saving = self.ioloop.run_in_executor(_save_pool(), save)
        self._saving = saving
        saving.add_done_callback(self._on_save_done)
        # wait (not await): the outcome is handled in _on_save_done, and cancelling the saver
        # does not cancel a save that is still writing
        await asyncio.wait([saving])

    def _on_save_done(self, fut: asyncio.Future[None]) -> None:
        self._saving = None
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is None:
            self._save_time = time.time()
            self._save_error = None
            return
        self._save_error = _one_line(exc)
        warnings.warn(
            f"Saving the learner of {self!r} failed ({self._save_error}); the runner keeps "
            "going and saving is retried at the next interval. Check the file name and the "
            "disk, or pass a different method= to start_periodic_saving.",
            SaveFailedWarning,
            stacklevel=1,  # called from the event loop: there is no user frame to point at
        )

    def _last_save_time(self) -> float | None:
        return self._save_time

    def _last_save_error(self) -> str | None:
        return self._save_error
