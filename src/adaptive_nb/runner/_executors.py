"""Executor adapters: one per kind, all behind the ``ExecutorAdapter`` protocol.

Each adapter knows how its kind counts workers, how many points to keep in flight, whether
and how to submit several points per task, and how to shut down; the runner knows none of it.

The cluster libraries (dask.distributed, ipyparallel, mpi4py) are never imported here: an object
of one of their types can only exist if its library is already in ``sys.modules``, so we look the
classes up there. ``import adaptive_nb`` therefore stays light (and, unlike the reference, does not
initialise MPI just because mpi4py is installed).
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures as cf
import contextlib
import functools
import math
import os
import signal
import sys
import time
import types
import warnings
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from time import monotonic
from typing import Any

from adaptive_nb._optional import optional_dependencies
from adaptive_nb.exceptions import RunnerWarning
from adaptive_nb.runner._protocols import ExecutorAdapter, FutureLike, StopOutcome, cancel_all
from adaptive_nb.runner._shipping import ship
from adaptive_nb.utils import SequentialExecutor

__all__ = [
    "ExecutorAdapter",
    "adapt_executor",
    "default_executor",
    "event_loop_executor",
    "needs_event_loop",
    "submit_chunked",
]


def default_executor() -> cf.Executor:
    """Return loky's reusable process pool, shared by all runners that get no executor.

    Notes
    -----
    loky ships the function by value with cloudpickle, so functions and lambdas defined in a
    notebook work. A stdlib ``ProcessPoolExecutor`` pickles functions by reference and its
    workers must import them from ``__main__``, which fails for interactively defined functions
    with the "spawn" and "forkserver" start methods (the Linux default from Python 3.14; see
    CPython gh-84559).
    """
    import loky

    return loky.get_reusable_executor()  # type: ignore[no-any-return]


# How long a finished dask task may wait for others to finish, so they share one gather.
_GATHER_DELAY = 0.02


class _DaskExecutor(cf.Executor):
    """Submit to a ``distributed.Client`` (synchronous or asynchronous); futures are stdlib ones.

    Per point this costs the parent process (which, with a ``LocalCluster``, also runs the
    scheduler) as little as dask allows: a batch of points is one ``client.map`` (one graph
    update for the scheduler, not one per point), and finished tasks are fetched in batches by
    one coroutine on the client's loop (one ``gather`` round trip per batch, not one per point).
    Measured on a 2-worker ``LocalCluster`` (whose scheduler runs in the parent) with a 20 ms
    function, parent CPU per point: one submit and one gather per point 5.9-6.5 ms, batched
    4.1-5.2 ms (``client.map`` of all points at once, then one gather: 2.7-4.1 ms).

    Unlike ``client.get_executor()``, cancelling one of our futures cancels the dask task
    cleanly: distributed's executor tries to set the result of the cancelled future anyway and
    logs an ``InvalidStateError`` traceback for every task cancelled at the end of a run.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._ours: dict[Any, cf.Future[Any]] = {}  # dask future -> our future
        self._completed: Any = None  # distributed.as_completed, created on first use
        self._collecting = False  # the collector coroutine runs (only touched on the loop)
        self._collector: asyncio.Future[None] | None = None  # referenced: tasks are weak

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        # pure=False: two evaluations of one point (a retry) must not share a cached result.
        dask_future = self.client.submit(fn, *args, pure=False, **kwargs)
        return self._track([dask_future])[0]

    def submit_many(self, fn: Any, xs: list[Any]) -> list[cf.Future[Any]]:
        """Evaluate ``fn(x)`` for every ``x`` of ``xs``; one graph update for all of them."""
        if not xs:
            return []
        return self._track(self.client.map(fn, xs, pure=False))

    def submit_chunks(self, fn: Any, chunks: list[list[Any]]) -> list[cf.Future[Any]]:
        """Evaluate ``fn`` on every point of ``chunks``, one dask task per chunk.

        Returns one future per point (in order), as :func:`submit_chunked` does.
        """
        evaluate = functools.partial(_EVALUATE_CHUNK_BY_VALUE, fn)
        futures: list[cf.Future[Any]] = []
        for chunk, points in zip(self.submit_many(evaluate, chunks), chunks, strict=True):
            futures.extend(_parts_of(chunk, len(points)))
        return futures

    def _track(self, dask_futures: list[Any]) -> list[cf.Future[Any]]:
        with optional_dependencies():
            from distributed import as_completed

        futures: list[cf.Future[Any]] = []
        for dask_future in dask_futures:
            future: cf.Future[Any] = cf.Future()
            future.add_done_callback(functools.partial(self._cancel_if_cancelled, dask_future))
            self._ours[dask_future] = future
            futures.append(future)
        if self._completed is None:
            self._completed = as_completed(loop=self.client.loop)  # type: ignore[no-untyped-call]
        self._completed.update(dask_futures)  # thread-safe; tracked on the client's loop
        self.client.loop.add_callback(self._ensure_collector)
        return futures

    def _ensure_collector(self) -> None:
        # On the client's loop. The collector ends when nothing is in flight; submissions made
        # after that schedule this again (after their ``update``), so none is missed.
        if not self._collecting:
            self._collecting = True
            self._collector = asyncio.ensure_future(self._collect())

    async def _collect(self) -> None:
        completed = self._completed
        loop = asyncio.get_running_loop()
        try:
            async for first in completed:
                batch = [first, *completed.next_batch(block=False)]
                # Wait a little for more to finish while at least half of what is in flight is
                # still queued or running: the workers stay busy, and one gather (and the
                # runner's next submission) then serves several points.
                deadline = loop.time() + _GATHER_DELAY
                while 2 * len(batch) < len(self._ours):
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(await asyncio.wait_for(completed.__anext__(), remaining))
                    except (TimeoutError, StopAsyncIteration):
                        break
                    batch.extend(completed.next_batch(block=False))
                await self._deliver(batch)
        finally:
            self._collecting = False

    async def _deliver(self, batch: list[Any]) -> None:
        ok = [f for f in batch if f.status == "finished"]
        if ok:
            try:
                results = await self.client.gather(ok, asynchronous=True)
            except Exception as e:  # e.g. a worker holding a result died: fetch one by one
                # Drop the traceback: it holds this frame, and so the batch (see below).
                e.__traceback__ = None
                results = None
            if results is not None:
                for dask_future, result in zip(ok, results, strict=True):
                    future = self._ours.pop(dask_future, None)
                    if future is not None and not future.done():
                        future.set_result(result)
        for dask_future in batch:
            future = self._ours.pop(dask_future, None)
            if future is None or future.done():
                continue
            if dask_future.status == "error":
                # The worker's exception with the worker's traceback, fetched without raising
                # it here: a raised exception's traceback would hold this frame, and so the
                # whole batch, in a reference cycle with distributed's frame that holds the
                # exception, keeping the batch's finished futures in the cluster's memory until
                # the cyclic garbage collector runs.
                error = await dask_future.exception(asynchronous=True)
                tb = await dask_future.traceback(asynchronous=True)
                future.set_exception(error.with_traceback(tb))
                continue
            # Cancelled, or the batched gather failed: awaiting the dask future raises why.
            try:
                result = await dask_future
            except BaseException as e:
                if not future.done():
                    future.set_exception(e)
                continue
            if not future.done():
                future.set_result(result)

    def _cancel_if_cancelled(self, dask_future: Any, future: cf.Future[Any]) -> None:
        if future.cancelled():
            # Ask the scheduler from its own loop, without blocking the caller.
            self.client.loop.add_callback(self.client.cancel, [dask_future], asynchronous=True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Do nothing: the client belongs to the user, who closes it."""


class _RemoteTracebackError(Exception):
    """Carries the worker's traceback text as the ``__cause__`` of a chunked point's error."""

    def __init__(self, tb: str) -> None:
        super().__init__(tb)
        self.tb = tb

    def __str__(self) -> str:
        return self.tb


def _evaluate_chunk(function: Any, xs: list[Any]) -> list[tuple[bool, Any]]:
    """Run in a worker: ``(True, function(x))`` or ``(False, (error, traceback text))`` per x."""
    import traceback  # here, not global: the by-value copy below must not need our module

    out: list[tuple[bool, Any]] = []
    for x in xs:
        try:
            out.append((True, function(x)))
        except Exception as e:  # reported per point, like a task of its own
            tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
            out.append((False, (e, tb)))
    return out


def _by_value(fn: Any) -> Any:
    # A copy of ``fn`` whose module cannot be imported, so cloudpickle (dask) ships its code
    # by value: a cluster's workers need not have adaptive_nb installed.
    namespace = {"__builtins__": builtins, "__name__": "adaptive_nb_shipped"}
    return types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__)


_EVALUATE_CHUNK_BY_VALUE = _by_value(_evaluate_chunk)


def _split_chunk(
    parts: list[cf.Future[Any]], link: list[cf.Future[Any]], chunk: cf.Future[Any]
) -> None:
    # Runs when the chunk's task is done: resolve each point's future (skipping cancelled ones).
    link.clear()  # the parts no longer reach the chunk: it (and a dask task's data) can be freed
    if chunk.cancelled():
        for part in parts:
            part.cancel()  # the core evaluates these points again
        return
    exc = chunk.exception()
    results: list[tuple[bool, Any]] = [] if exc is not None else chunk.result()
    for i, part in enumerate(parts):
        if not part.set_running_or_notify_cancel():
            continue  # cancelled by the runner
        if exc is not None:  # the whole task failed (e.g. a result could not be pickled)
            part.set_exception(exc)
            continue
        ok, value = results[i]
        if ok:
            part.set_result(value)
        else:
            error, tb = value
            error.__cause__ = _RemoteTracebackError(f'\n"""\n{tb}"""')
            part.set_exception(error)


def _cancel_chunk(link: list[cf.Future[Any]], remaining: list[int], part: cf.Future[Any]) -> None:
    # Parts are cancelled by the runner's thread only, so the count needs no lock.
    if part.cancelled():
        remaining[0] -= 1
        if remaining[0] == 0:
            with contextlib.suppress(IndexError):  # the chunk is done already
                link[0].cancel()  # nobody wants these points (a running task stays running)


def submit_chunked(submit: Any, function: Any, xs: list[Any], size: int) -> list[cf.Future[Any]]:
    """Evaluate ``function`` on ``xs`` with one executor task per ``size`` points.

    Parameters
    ----------
    submit
        The executor's ``submit``; its workers must be able to import adaptive_nb.
    function
        The function to evaluate.
    xs
        The points.
    size
        Points per task.

    Returns
    -------
    list of concurrent.futures.Future
        One future per point, resolved when its chunk is done; a failing point gets its own
        exception (with the worker's traceback as ``__cause__``) and does not affect the others.
        Cancelling every future of a chunk cancels the chunk's task if it has not started.
    """
    futures: list[cf.Future[Any]] = []
    for start in range(0, len(xs), size):
        points = xs[start : start + size]
        if len(points) == 1:
            futures.append(submit(function, points[0]))
        else:
            futures.extend(_parts_of(submit(_evaluate_chunk, function, points), len(points)))
    return futures


def _parts_of(chunk: cf.Future[Any], n: int) -> list[cf.Future[Any]]:
    # No reference cycles: a part reaches its chunk only through ``link``, emptied when the
    # chunk is done, so finished chunks are freed at once (not at the next garbage collection).
    parts: list[cf.Future[Any]] = [cf.Future() for _ in range(n)]
    link, remaining = [chunk], [n]
    for part in parts:
        part.add_done_callback(functools.partial(_cancel_chunk, link, remaining))
    chunk.add_done_callback(functools.partial(_split_chunk, parts, link))
    return parts


def _class_from(module: str, qualname: str) -> type | None:
    mod = sys.modules.get(module)
    if mod is None:
        return None
    obj: Any = mod
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if isinstance(obj, type) else None


def _isinstance(obj: object, module: str, qualname: str) -> bool:
    cls = _class_from(module, qualname)
    return cls is not None and isinstance(obj, cls)


# How often an elastic executor's (dask, ipyparallel) workers are re-counted, in seconds.
_RECOUNT_INTERVAL = 2.0
# Evaluations shorter than this (seconds per worker) get a deeper queue of points in flight
# and, on process pools, are sent several points per task.
_SHORT_TASK = 0.002
# On a cluster, evaluations are grouped so that one task lasts at least this long (seconds).
_CLUSTER_TASK_TIME = 0.05


class _Adapter:
    """What every adapter shares: the executor, its worker count and the automatic ntasks.

    Subclasses say how to count workers (``nworkers``), whether points are queued beyond one
    per worker (``prefetches``), whether the worker count can change (``elastic``) and, where
    it pays, how to submit a batch (``submit_many``, with ``batches = True``).
    """

    elastic = False
    prefetches = True
    batches = False
    replaceable = False

    def __init__(self, executor: Any, *, owned: bool = False) -> None:
        self.executor = executor
        self.owned = owned  # the runner chose this executor (executor=None): it may replace it
        self.auto_ntasks: int | None = None  # the latest automatic ntasks (None: never asked)
        self._nworkers: int | None = None  # the latest worker count
        self._nworkers_time = -math.inf
        self._short_tasks = False  # evaluations are much shorter than the executor round trip

    def nworkers(self) -> int:
        """Return how many function evaluations the executor can run at the same time."""
        raise NotImplementedError

    def default_ntasks(self, nworkers: int) -> int:
        """Return how many points to keep in flight for ``nworkers`` workers.

        A worker that finishes must not sit idle while its result travels back, the learner
        suggests a new point and that point travels out. Process pools and clusters therefore
        get a queued point per worker plus a few more, so that one wake-up of the runner
        collects several results (measured on 2 workers: 4 in flight gave 0.73 dask efficiency
        for a 20 ms function, 8 gave 0.80, more gave nothing). Thread pools and the sequential
        executor, whose round trip is nearly free, get exactly one point per worker.
        """
        if not self.prefetches:
            return nworkers
        return 2 * nworkers + 4

    def max_tasks(self, latency: float | None) -> int:
        """Return how many points to keep in flight, given the mean evaluation latency.

        Called before every submission: a few attribute reads, no I/O (except re-counting an
        elastic cluster's workers every ``_RECOUNT_INTERVAL`` seconds). The answer, and the
        short-task mode it decides, size the batches of the following ``submit_many`` calls.
        """
        now = monotonic()
        if self._nworkers is None or (
            self.elastic and now - self._nworkers_time > _RECOUNT_INTERVAL
        ):
            self._nworkers = self.nworkers()
            self._nworkers_time = now
        nworkers = self._nworkers
        ntasks = self.default_ntasks(nworkers)
        if self.prefetches and latency is not None and latency * nworkers < _SHORT_TASK * ntasks:
            # Little's law: each worker spends latency * nworkers / ntasks per evaluation. For
            # evaluations this short the executor's round trip is the bottleneck, and a deeper
            # queue lets every wake-up of the runner collect and submit more at once (measured:
            # 2 process workers, trivial function, 8 in flight: 3800 points/s, 16: 6700).
            ntasks *= 2
            self._short_tasks = True
        else:
            self._short_tasks = False
        self.auto_ntasks = ntasks
        return ntasks

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        """Start evaluating ``function(x)``."""
        return self.executor.submit(function, x)  # type: ignore[no-any-return]

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        """Start evaluating ``function`` on every point of ``xs``; one future per point."""
        submit = self.executor.submit
        return [submit(function, x) for x in xs]

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut the executor down, waiting for its workers to exit.

        With ``kill`` (an evaluation is still running), futures not started are cancelled and
        the running ones are not waited for: a generic executor cannot stop them.
        """
        if kill:
            self.executor.shutdown(wait=False, cancel_futures=True)
            return
        # wait=True: shutting loky down with wait=False can leave broken workers behind
        # (joblib/loky#241).
        self.executor.shutdown(wait=True)

    # -- faults (see FaultHandler) -----------------------------------------------------------

    def is_worker_death(self, error: BaseException) -> bool:
        """Return whether ``error`` reports a dead worker (none, for a generic executor)."""
        return False

    def recover(self) -> bool:
        """Return False: a generic executor cannot be repaired by the runner."""
        return False

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Cancel the futures; those already running are abandoned, with a warning."""
        if cancel_all(futures):
            return "cancelled"
        _warn_abandoned(self.describe(), "after its evaluation_timeout")
        return "abandoned"

    def describe(self) -> str:
        """Name the executor for messages."""
        whose = "the runner's" if self.owned else "the"
        suffix = "" if self.owned else " you passed in"
        return f"{whose} {type(self.executor).__name__}{suffix}"


def _warn_abandoned(executor: str, when: str) -> None:
    warnings.warn(
        f"An evaluation still running {when} cannot be stopped on {executor}: it is "
        "abandoned and keeps a worker busy until it returns (a thread cannot be killed). Use a "
        "process pool (executor=None for loky) to have hung evaluations stopped.",
        RunnerWarning,
        stacklevel=4,
    )


class _SequentialAdapter(_Adapter):
    """``SequentialExecutor``: evaluates in ``submit``, one point at a time."""

    prefetches = False

    def nworkers(self) -> int:
        return 1


def _max_workers(executor: Any) -> int:
    # ProcessPoolExecutor, ThreadPoolExecutor and loky have no public worker count; the private
    # ``_max_workers`` (set from the constructor argument) is stable across Python versions and
    # loky releases, and the reference relies on it too.
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    return os.cpu_count() or 1


class _ThreadPoolAdapter(_Adapter):
    """``concurrent.futures.ThreadPoolExecutor``: a nearly free round trip, no prefetch."""

    prefetches = False

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut down; with ``kill``, abandon the threads still running, with a warning."""
        super().shutdown(kill=kill)
        if kill:
            _warn_abandoned(self.describe(), "at shutdown")

    def nworkers(self) -> int:
        return _max_workers(self.executor)


class _ProcessPoolAdapter(_Adapter):
    """loky, ``ProcessPoolExecutor`` and any other ``concurrent.futures.Executor``.

    Their workers can import adaptive_nb (it is installed where the parent runs), so a task may
    be our chunk evaluator (see :func:`submit_chunked`).
    """

    batches = True

    def __init__(self, executor: Any, *, owned: bool = False) -> None:
        super().__init__(executor, owned=owned)
        self._shipped: tuple[Any, Any] | None = None  # (function, its ShippedFunction)
        # loky's process-wide reusable executor is replaced by loky itself when broken, so a
        # runner may replace it whoever passed it in; any other pool is the user's to replace.
        self._reusable = _isinstance(executor, "loky.reusable_executor", "_ReusablePoolExecutor")
        self.replaceable = self._reusable

    # -- faults: a dead worker breaks the whole pool (every evaluation in flight fails) -----

    def is_worker_death(self, error: BaseException) -> bool:
        """Return True for loky's TerminatedWorkerError and the stdlib's BrokenProcessPool."""
        return isinstance(error, BrokenProcessPool)

    def recover(self) -> bool:
        """Replace loky's broken reusable executor by a new one; other pools are the user's."""
        if not self._reusable:
            return False
        import loky

        old = self.executor
        _wait_until_broken(old)
        self.executor = loky.get_reusable_executor(max_workers=_max_workers(old))
        return True

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Kill the pool's workers (which one runs which task is unknown) and replace it.

        Evaluations that have not started are only cancelled. A pool the runner may not
        replace is broken by this: the runner then stops with an error that says so.
        """
        if cancel_all(futures):
            return "cancelled"
        if self._reusable:
            _kill_pool_processes(self.executor)
            self.recover()
            return "replaced"
        if _kill_pool_processes(self.executor):
            return "broken"
        return super().stop(futures)

    def shutdown(self, *, kill: bool = False) -> None:
        """Shut the pool down; with ``kill``, stop the workers still evaluating first."""
        if not kill:
            super().shutdown()
        elif _kill_pool_processes(self.executor):
            _wait_until_broken(self.executor)
            self.executor.shutdown(wait=True)  # joins the manager thread, which has ended
        else:
            super().shutdown(kill=True)

    def nworkers(self) -> int:
        return _max_workers(self.executor)

    def _ship(self, function: Callable[[Any], Any]) -> Any:
        # Pickled once per function, not once per task, with the pickler that does not depend
        # on the order of imports in this process (see _shipping).
        if self._shipped is None or self._shipped[0] is not function:
            self._shipped = (function, ship(function))
        return self._shipped[1]

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        """Start evaluating ``function(x)``."""
        return self.executor.submit(self._ship(function), x)  # type: ignore[no-any-return]

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        function = self._ship(function)
        # Only evaluations far shorter than a process pool's round trip are chunked: then the
        # pool's per-task cost in this process (a pipe write to wake its manager thread,
        # pickling, a result message) is what limits the rate, and one task per few points
        # divides it. Longer evaluations keep one task per point (no added latency).
        submit = self.executor.submit
        nworkers = self._nworkers or 1
        size = 1
        if self._short_tasks and self.auto_ntasks:
            size = max(1, min(len(xs), self.auto_ntasks // (2 * nworkers)))
        if size == 1:
            return [submit(function, x) for x in xs]
        return [*submit_chunked(submit, function, xs, size)]


def _kill_pool_processes(executor: Any) -> bool:
    """SIGKILL the workers of a stdlib or loky process pool; False if it has none we can see."""
    # ``_processes`` (pid -> Process) is private but has been stable in concurrent.futures
    # since 3.2 and in loky; Python 3.14's ``kill_workers()`` is the public successor.
    kill_workers = getattr(executor, "kill_workers", None)
    if callable(kill_workers):
        kill_workers()
        return True
    processes = getattr(executor, "_processes", None)
    if not isinstance(processes, dict):
        return False
    for process in list(processes.values()):
        pid = getattr(process, "pid", None)
        if isinstance(pid, int):
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signal.SIGKILL)
    return True


def _wait_until_broken(executor: Any, limit: float = 5.0) -> None:
    """Wait (briefly) until loky's manager thread has noticed its killed workers.

    Killing the workers, not ``shutdown(kill_workers=True)``: loky's broken-pool path skips
    futures the runner has cancelled, its shutdown path raises on them in its manager thread.
    A pool noticed as broken is the one ``loky.get_reusable_executor`` then replaces.
    """
    flags = getattr(executor, "_flags", None)
    deadline = monotonic() + limit
    while flags is not None and not flags.broken and not flags.shutdown:
        if monotonic() > deadline:
            return
        time.sleep(0.005)


def _is_killed_worker(error: BaseException) -> bool:
    # distributed.scheduler.KilledWorker: the task's worker died allowed-failures + 1 times.
    cls = _class_from("distributed.scheduler", "KilledWorker")
    return cls is not None and isinstance(error, cls)


def _dask_nworkers(client: Any) -> int:
    if getattr(client, "asynchronous", False):
        # An asynchronous client cannot make a blocking call; its cached identity only carries
        # cluster-wide totals.
        info: Any = client.scheduler_info()
        total = info.get("total_threads") or info.get("nthreads")
        if total:
            return int(total)
        workers = info.get("workers") or {}
        return sum(int(w.get("nthreads", 1)) for w in workers.values())
    return sum(client.nthreads().values())


def _is_asynchronous_dask_client(executor: Any) -> bool:
    if type(executor).__module__.split(".")[0] != "distributed":
        return False
    # ``Client.asynchronous`` is only True when asked from the client's own loop, so the flag
    # the client was created with (``Client(asynchronous=True)``) is checked too.
    return bool(getattr(executor, "asynchronous", False)) or bool(
        getattr(executor, "_asynchronous", False)
    )


class _DaskClientAdapter(_Adapter):
    """A ``distributed.Client``, through :class:`_DaskExecutor`: batched, grouped submission."""

    elastic = True
    batches = True

    def __init__(self, client: Any) -> None:
        super().__init__(_DaskExecutor(client))
        self._client = client
        self._latency: float | None = None

    def is_worker_death(self, error: BaseException) -> bool:
        """``KilledWorker``: a task whose workers kept dying (a task groups several points)."""
        return _is_killed_worker(error)

    replaceable = True

    def recover(self) -> bool:
        """Return True: the cluster replaces dead workers itself."""
        return True

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Cancel the tasks (dask frees the worker's slot; its thread may run on)."""
        for f in futures:
            f.cancel()
        return "cancelled"

    def describe(self) -> str:
        """Name the cluster."""
        return "the dask cluster"

    def nworkers(self) -> int:
        return _dask_nworkers(self._client)

    def max_tasks(self, latency: float | None) -> int:
        self._latency = latency
        return super().max_tasks(latency)

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        executor: _DaskExecutor = self.executor
        size = self._chunk_size(len(xs))
        if size == 1:
            return executor.submit_many(function, xs)  # type: ignore[return-value]
        chunks = [xs[i : i + size] for i in range(0, len(xs), size)]
        return executor.submit_chunks(function, chunks)  # type: ignore[return-value]

    def _chunk_size(self, n: int) -> int:
        """Points per task on a cluster: each task should last at least _CLUSTER_TASK_TIME.

        A dask task costs the client (and a LocalCluster's scheduler, which runs in this
        process) milliseconds of CPU, whatever the function; measured on 2 workers with a
        20 ms function: ~5 ms of parent CPU per point with one point per task. Only automatic
        ntasks chunk (an explicit ntasks never asks ``max_tasks``), and at least two tasks per
        worker stay in flight.
        """
        ntasks, nworkers, latency = self.auto_ntasks, self._nworkers, self._latency
        if not ntasks or not nworkers or latency is None:
            return 1
        per_point = latency * nworkers / ntasks  # Little's law: service time of one point
        want = int(_CLUSTER_TASK_TIME / per_point) if per_point > 0 else n
        return max(1, min(n, ntasks // (2 * nworkers), want))


class _DaskExecutorAdapter(_Adapter):
    """dask's own ``ClientExecutor`` (``client.get_executor()``): one task per point."""

    elastic = True

    def is_worker_death(self, error: BaseException) -> bool:
        """``KilledWorker``: the task's workers kept dying."""
        return _is_killed_worker(error)

    def recover(self) -> bool:
        """Return True: the cluster replaces dead workers itself."""
        return True

    def nworkers(self) -> int:
        return _dask_nworkers(self.executor._client)


class _IpyparallelAdapter(_Adapter):
    """An ipyparallel ``ViewExecutor`` (from a ``Client`` or one of its views)."""

    elastic = True

    def nworkers(self) -> int:
        return len(self.executor.view)


class _MPIAdapter(_Adapter):
    """``mpi4py.futures.MPIPoolExecutor``."""

    def nworkers(self) -> int:
        return int(self.executor.num_workers)  # public since mpi4py 4.0


class _EventLoopAdapter(_Adapter):
    """An ``async def`` function: each point is a task on the event loop, one per core."""

    prefetches = False

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(None)
        self._loop = loop

    def nworkers(self) -> int:
        return os.cpu_count() or 1

    def submit(self, function: Callable[[Any], Any], x: Any) -> FutureLike:
        return self._loop.create_task(function(x))

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any]) -> list[FutureLike]:
        return [self._loop.create_task(function(x)) for x in xs]

    def shutdown(self, *, kill: bool = False) -> None:
        """Do nothing: there is no executor (the event loop belongs to its owner)."""

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Cancel the tasks: an ``async def`` function stops at its next ``await``."""
        for f in futures:
            f.cancel()
        return "cancelled"


def event_loop_executor(loop: asyncio.AbstractEventLoop) -> ExecutorAdapter:
    """Return the adapter that runs an ``async def`` function's points as tasks on ``loop``."""
    return _EventLoopAdapter(loop)


def needs_event_loop(executor: Any) -> bool:
    """Return whether ``executor`` delivers its results on an event loop.

    True for an asynchronous dask ``Client``: a runner that blocks its thread would never see
    the results.
    """
    return _is_asynchronous_dask_client(executor)


def adapt_executor(executor: Any) -> ExecutorAdapter:  # noqa: PLR0911 - one per kind
    """Wrap a user-supplied executor in the adapter for its kind.

    Parameters
    ----------
    executor
        ``None`` (loky's reusable executor), any ``concurrent.futures.Executor`` (including
        ``SequentialExecutor``, loky, ``mpi4py.futures.MPIPoolExecutor`` and dask's or
        ipyparallel's executors), a ``distributed.Client`` or an ``ipyparallel.Client`` (or one
        of its views).

    Returns
    -------
    ExecutorAdapter
        How to submit to the executor, count its workers and shut it down.

    Raises
    ------
    TypeError
        For anything else, saying what is accepted.
    """
    if executor is None:
        return _ProcessPoolAdapter(default_executor(), owned=True)
    if isinstance(executor, SequentialExecutor):
        return _SequentialAdapter(executor)
    if _isinstance(executor, "distributed", "Client"):
        return _DaskClientAdapter(executor)
    if _isinstance(executor, "distributed.cfexecutor", "ClientExecutor"):
        return _DaskExecutorAdapter(executor)
    if _isinstance(executor, "ipyparallel", "Client"):
        # load-balanced view: tasks go to whichever engine is free
        return _IpyparallelAdapter(executor.executor())
    if _isinstance(executor, "ipyparallel.client.view", "View"):
        return _IpyparallelAdapter(executor.executor)
    if _isinstance(executor, "ipyparallel.client.view", "ViewExecutor"):
        return _IpyparallelAdapter(executor)
    if _isinstance(executor, "mpi4py.futures", "MPIPoolExecutor"):
        return _MPIAdapter(executor)
    if isinstance(executor, cf.ThreadPoolExecutor):
        return _ThreadPoolAdapter(executor)
    if isinstance(executor, cf.Executor):
        return _ProcessPoolAdapter(executor)
    msg = (
        f"Cannot run on {type(executor).__name__!r}: pass a concurrent.futures.Executor "
        "(e.g. ProcessPoolExecutor, loky, SequentialExecutor, mpi4py's MPIPoolExecutor), "
        "a dask distributed.Client or an ipyparallel.Client, or None for loky's default."
    )
    raise TypeError(msg)
