"""An executor whose futures finish when, and how, the test says.

``ScriptedExecutor.submit`` records the call and returns a pending ``concurrent.futures.Future``;
nothing runs until the test resolves a job with :meth:`~ScriptedExecutor.succeed` (evaluates the
function now, in the test's thread), :meth:`~ScriptedExecutor.fail` or
:meth:`~ScriptedExecutor.lose` (cancels the future behind the runner's back, as a lost dask
worker does); :meth:`~ScriptedExecutor.start` makes a job uncancellable, as a running task is;
:meth:`~ScriptedExecutor.kill` kills a worker, which breaks the pool as a process pool's
death does (every job not done fails with ``BrokenProcessPool``). :class:`ScriptedFaults` is
the runner core's fault handler for it.
Done-callbacks therefore run synchronously, in the order the test chooses, which makes
completion order a test input instead of a scheduling accident.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from adaptive_nb.runner._protocols import StopOutcome

__all__ = ["Job", "ScriptedExecutor", "ScriptedFaults"]


@dataclass(eq=False)
class Job:
    """One submitted call: ``fn(*args)`` and the future handed out for it."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: cf.Future[Any] = field(default_factory=cf.Future)
    running: bool = False  # started: the future can no longer be cancelled

    @property
    def point(self) -> Any:
        """The first argument (the point, for a runner's ``submit(function, x)``)."""
        return self.args[0]


class ScriptedExecutor(cf.Executor):
    """A ``concurrent.futures.Executor`` whose jobs are resolved by the test, one by one."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        if self._shutdown:
            msg = "cannot schedule new futures after shutdown"
            raise RuntimeError(msg)
        if kwargs:
            msg = "ScriptedExecutor records positional arguments only"
            raise TypeError(msg)
        job = Job(fn, args)
        self.jobs.append(job)
        return job.future

    def pending(self) -> list[Job]:
        """Return the jobs whose future is not done (and not cancelled), oldest first."""
        return [job for job in self.jobs if not job.future.done()]

    def start(self, job: Job) -> None:
        """Mark the job as running: from now on its future cannot be cancelled."""
        self._start(job)

    def succeed(self, job: Job) -> Any:
        """Evaluate the job now and resolve its future with the result; return the result."""
        self._start(job)
        result = job.fn(*job.args)
        job.future.set_result(result)
        return result

    def fail(self, job: Job, error: BaseException) -> None:
        """Resolve the job's future with ``error``."""
        self._start(job)
        job.future.set_exception(error)

    def lose(self, job: Job) -> bool:
        """Cancel the job's future behind its submitter's back; return whether it could be."""
        return job.future.cancel()

    def kill(self, job: Job) -> list[Job]:
        """The worker running ``job`` dies: every job not done fails; return them."""
        self._start(job)
        broken = self.pending()
        for other in broken:
            self._start(other)
            other.future.set_exception(BrokenProcessPool(f"a worker died (at {job.point})"))
        return broken

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True
        if cancel_futures:
            for job in self.pending():
                job.future.cancel()

    @staticmethod
    def _start(job: Job) -> None:
        if job.running:
            return
        if not job.future.set_running_or_notify_cancel():
            msg = "this job's future was cancelled: it cannot be resolved"
            raise RuntimeError(msg)
        job.running = True


class ScriptedFaults:
    """The core's fault handler for a :class:`ScriptedExecutor`: a broken pool is replaced."""

    def __init__(self, executor: ScriptedExecutor) -> None:
        self.executor = executor
        self.replacements = 0

    def is_worker_death(self, error: BaseException) -> bool:
        return isinstance(error, BrokenProcessPool)

    def recover(self) -> bool:
        self.replacements += 1
        return True

    def stop(self, futures: list[Any]) -> StopOutcome:
        return "cancelled" if all([f.cancel() for f in futures]) else "abandoned"  # noqa: C419

    def describe(self) -> str:
        return "the scripted executor"
