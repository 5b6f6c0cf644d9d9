"""dask.distributed: a ``Client`` (batched, grouped submission) and dask's own ``ClientExecutor``.

distributed is never imported at module level: its classes are looked up in ``sys.modules``
(see ``_lookup``), and the one import of ``as_completed`` runs when a client is first used.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import functools
from collections.abc import Callable
from typing import Any

from adaptive_nb._optional import optional_dependencies
from adaptive_nb.runner._executors._base import Adapter
from adaptive_nb.runner._executors._chunks import EVALUATE_CHUNK_BY_VALUE, parts_of
from adaptive_nb.runner._executors._lookup import class_from
from adaptive_nb.runner._protocols import FutureLike, StopOutcome

__all__ = [
    "DaskClientAdapter",
    "DaskExecutor",
    "DaskExecutorAdapter",
    "is_asynchronous_dask_client",
]

# How long a finished dask task may wait for others to finish, so they share one gather.
_GATHER_DELAY = 0.02
# On a cluster, evaluations are grouped so that one task lasts at least this long (seconds).
_CLUSTER_TASK_TIME = 0.05


class DaskExecutor(cf.Executor):
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
        evaluate = functools.partial(EVALUATE_CHUNK_BY_VALUE, fn)
        futures: list[cf.Future[Any]] = []
        for chunk, points in zip(self.submit_many(evaluate, chunks), chunks, strict=True):
            futures.extend(parts_of(chunk, len(points)))
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


def _is_killed_worker(error: BaseException) -> bool:
    # distributed.scheduler.KilledWorker: the task's worker died allowed-failures + 1 times.
    cls = class_from("distributed.scheduler", "KilledWorker")
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


def is_asynchronous_dask_client(executor: Any) -> bool:
    """Return whether ``executor`` is a ``distributed.Client`` created asynchronous."""
    if type(executor).__module__.split(".")[0] != "distributed":
        return False
    # ``Client.asynchronous`` is only True when asked from the client's own loop, so the flag
    # the client was created with (``Client(asynchronous=True)``) is checked too.
    return bool(getattr(executor, "asynchronous", False)) or bool(
        getattr(executor, "_asynchronous", False)
    )


class DaskClientAdapter(Adapter):
    """A ``distributed.Client``, through :class:`DaskExecutor`: batched, grouped submission."""

    elastic = True
    batches = True

    def __init__(self, client: Any) -> None:
        super().__init__(DaskExecutor(client))
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
        executor: DaskExecutor = self.executor
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


class DaskExecutorAdapter(Adapter):
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
