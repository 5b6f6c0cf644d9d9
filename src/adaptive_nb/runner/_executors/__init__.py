"""Executor adapters: one per kind, all behind the ``ExecutorAdapter`` protocol.

Each adapter knows how its kind counts workers, how many points to keep in flight, whether
and how to submit several points per task, and how to shut down; the runner knows none of it.
This module is the factory that picks the adapter for an executor; the adapters live in
``_local`` (sequential, threads, the event loop), ``_pools`` (process pools and loky),
``_dask``, ``_ipyparallel`` and ``_mpi``, on top of ``_base`` (what they share) and ``_chunks``
(several points per task).

The cluster libraries (dask.distributed, ipyparallel, mpi4py) are never imported here: an object
of one of their types can only exist if its library is already in ``sys.modules``, so we look the
classes up there. ``import adaptive_nb`` therefore stays light (and, unlike the reference, does not
initialise MPI just because mpi4py is installed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from typing import Any

from adaptive_nb.runner._executors._chunks import submit_chunked
from adaptive_nb.runner._executors._dask import (
    DaskClientAdapter,
    DaskExecutorAdapter,
    is_asynchronous_dask_client,
)
from adaptive_nb.runner._executors._ipyparallel import IpyparallelAdapter
from adaptive_nb.runner._executors._local import (
    EventLoopAdapter,
    SequentialAdapter,
    ThreadPoolAdapter,
)
from adaptive_nb.runner._executors._lookup import is_instance_of
from adaptive_nb.runner._executors._mpi import MPIAdapter
from adaptive_nb.runner._executors._pools import ProcessPoolAdapter, default_executor
from adaptive_nb.runner._protocols import ExecutorAdapter
from adaptive_nb.utils import SequentialExecutor

__all__ = [
    "ExecutorAdapter",
    "adapt_executor",
    "default_executor",
    "event_loop_executor",
    "needs_event_loop",
    "submit_chunked",
]


def event_loop_executor(loop: asyncio.AbstractEventLoop) -> ExecutorAdapter:
    """Return the adapter that runs an ``async def`` function's points as tasks on ``loop``."""
    return EventLoopAdapter(loop)


def needs_event_loop(executor: Any) -> bool:
    """Return whether ``executor`` delivers its results on an event loop.

    True for an asynchronous dask ``Client``: a runner that blocks its thread would never see
    the results.
    """
    return is_asynchronous_dask_client(executor)


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
        return ProcessPoolAdapter(default_executor(), owned=True)
    if isinstance(executor, SequentialExecutor):
        return SequentialAdapter(executor)
    if is_instance_of(executor, "distributed", "Client"):
        return DaskClientAdapter(executor)
    if is_instance_of(executor, "distributed.cfexecutor", "ClientExecutor"):
        return DaskExecutorAdapter(executor)
    if is_instance_of(executor, "ipyparallel", "Client"):
        # load-balanced view: tasks go to whichever engine is free
        return IpyparallelAdapter(executor.executor())
    if is_instance_of(executor, "ipyparallel.client.view", "View"):
        return IpyparallelAdapter(executor.executor)
    if is_instance_of(executor, "ipyparallel.client.view", "ViewExecutor"):
        return IpyparallelAdapter(executor)
    if is_instance_of(executor, "mpi4py.futures", "MPIPoolExecutor"):
        return MPIAdapter(executor)
    if isinstance(executor, cf.ThreadPoolExecutor):
        return ThreadPoolAdapter(executor)
    if isinstance(executor, cf.Executor):
        return ProcessPoolAdapter(executor)
    msg = (
        f"Cannot run on {type(executor).__name__!r}: pass a concurrent.futures.Executor "
        "(e.g. ProcessPoolExecutor, loky, SequentialExecutor, mpi4py's MPIPoolExecutor), "
        "a dask distributed.Client or an ipyparallel.Client, or None for loky's default."
    )
    raise TypeError(msg)
