"""Runners on real executors: loky, stdlib pools, dask, ipyparallel and MPI (all on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import gc
import os
import shutil
import subprocess
import sys
import textwrap
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from _support.aio import asyncio_test
from _support.cluster import dask_cluster
from adaptive_nb import Learner1D
from adaptive_nb.runner import AsyncRunner, BlockingRunner, EvaluationError, SequentialExecutor
from adaptive_nb.runner._executors import adapt_executor

__all__ = ["dask_cluster"]  # the fixture, imported for pytest

ROOT = Path(__file__).resolve().parents[1]


def square(x: float) -> float:
    return x**2


def nap_square(x: float) -> float:
    time.sleep(0.005)
    return x**2


def check_data(learner: Learner1D, function: Callable[[float], float] = square) -> None:
    assert learner.data
    assert all(y == function(x) for x, y in learner.data.items())
    assert not learner.pending_points


# -- local executors --------------------------------------------------------------------------


def test_default_executor_runs_lambdas() -> None:
    learner = Learner1D(lambda x: x**2, (-1, 1))  # only works because loky uses cloudpickle
    runner = BlockingRunner(learner, npoints_goal=30)
    assert runner.status() == "finished"
    assert type(runner.executor).__module__.startswith("loky")
    check_data(learner)


@asyncio_test
async def test_default_executor_async_runner() -> None:
    runner = AsyncRunner(Learner1D(lambda x: x**2, (-1, 1)), npoints_goal=30)
    await runner.task
    check_data(runner.learner)


def test_process_pool_executor() -> None:
    with cf.ProcessPoolExecutor(2) as ex:
        learner = Learner1D(nap_square, (-1, 1))
        runner = BlockingRunner(learner, npoints_goal=40, executor=ex)
    assert runner.status() == "finished"
    check_data(learner, nap_square)


def fails_near_zero(x: float) -> float:
    if abs(x) < 0.05:
        raise ValueError(f"no evaluation at {x}")
    return x**2


def test_submit_chunked_resolves_each_point_on_its_own() -> None:
    from adaptive_nb.runner._executors import submit_chunked

    with cf.ProcessPoolExecutor(2) as ex:
        xs = [-0.5, 0.0, 0.25, 0.5, 0.75]
        futures = submit_chunked(ex.submit, fails_near_zero, xs, 2)
        assert len(futures) == len(xs)
        cf.wait(futures)
    for x, fut in zip(xs, futures, strict=True):
        if x == 0.0:
            err = fut.exception()
            assert isinstance(err, ValueError)
            # the worker's traceback travels with the error, as for a task of its own
            assert "fails_near_zero" in str(err.__cause__)
        else:
            assert fut.result() == x**2


def test_submit_chunked_cancels_a_chunk_nobody_wants() -> None:
    from adaptive_nb.runner._executors import submit_chunked

    with cf.ThreadPoolExecutor(1) as ex:
        gate = ex.submit(time.sleep, 0.2)  # keeps the only worker busy: the chunk stays queued
        futures = submit_chunked(ex.submit, square, [0.1, 0.2, 0.3], 3)
        assert all(f.cancel() for f in futures)
        gate.result()
    assert all(f.cancelled() for f in futures)


class CountingPool(cf.ProcessPoolExecutor):
    """A process pool that counts the tasks it gets, by function name."""

    def __init__(self, nworkers: int) -> None:
        super().__init__(nworkers)
        self.counts: dict[str, int] = {}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        self.counts[fn.__name__] = self.counts.get(fn.__name__, 0) + 1
        return super().submit(fn, *args, **kwargs)


def test_short_evaluations_on_a_process_pool_are_chunked_and_replay_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adaptive_nb.runner import replay_log
    from adaptive_nb.runner._executors import _base

    # Whether evaluations count as short depends on the machine's load: make it certain.
    monkeypatch.setattr(_base, "_SHORT_TASK", 10.0)
    with CountingPool(2) as ex:
        learner = Learner1D(fails_near_zero, (-1, 1))
        runner = BlockingRunner(
            learner,
            npoints_goal=400,
            executor=ex,
            log=True,
            retries=1,
            raise_if_retries_exceeded=False,
        )
        # several points per task: far fewer tasks than points
        assert ex.counts.get("_evaluate_chunk", 0) > 0
        assert sum(ex.counts.values()) < learner.npoints / 2
    assert runner.status() == "finished"
    assert learner.npoints >= 400
    assert runner.failed  # points near 0 failed twice each, with their own tracebacks
    assert all("no evaluation at" in tb for _, tb in runner.tracebacks)
    assert all(y == x**2 for x, y in learner.data.items())
    fresh = Learner1D(fails_near_zero, (-1, 1))
    assert runner.log is not None
    replay_log(fresh, runner.log)
    assert fresh.data == learner.data


def test_shutdown_executor() -> None:
    ex = cf.ThreadPoolExecutor(2)
    BlockingRunner(Learner1D(square, (-1, 1)), npoints_goal=5, executor=ex, shutdown_executor=True)
    with pytest.raises(RuntimeError, match="shutdown"):
        ex.submit(square, 1)


def test_default_number_of_tasks() -> None:
    assert adapt_executor(SequentialExecutor()).default_ntasks(1) == 1
    with cf.ThreadPoolExecutor(3) as threads:
        info = adapt_executor(threads)
        assert info.nworkers() == 3
        assert info.default_ntasks(info.nworkers()) == 3
    with cf.ProcessPoolExecutor(2) as procs:
        info = adapt_executor(procs)
        assert info.nworkers() == 2
        assert info.default_ntasks(2) == 8  # queued points hide the round trip


def test_unsupported_executor_is_explained() -> None:
    with pytest.raises(TypeError, match=r"concurrent\.futures\.Executor"):
        BlockingRunner(Learner1D(square, (-1, 1)), npoints_goal=3, executor=object())


# -- dask -------------------------------------------------------------------------------------


def assert_released(client: Any, seconds: float) -> None:
    """Every future of ``client`` is released within ``seconds``."""
    deadline = time.monotonic() + seconds
    while client.futures and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.futures == {}


@pytest.mark.cluster
def test_dask_client(dask_cluster: Any) -> None:
    from distributed import Client

    with Client(dask_cluster) as client:
        info = adapt_executor(client)
        assert info.nworkers() == 2
        learner = Learner1D(lambda x: x**2, (-1, 1))
        runner = BlockingRunner(learner, npoints_goal=40, executor=client)
        assert runner.status() == "finished"
        check_data(learner)

        # a failure on a worker arrives with its traceback
        def boom(x: float) -> float:
            raise ValueError("dask boom")

        with pytest.raises(EvaluationError, match="dask boom") as err:
            BlockingRunner(Learner1D(boom, (-1, 1)), npoints_goal=5, executor=client)
        assert isinstance(err.value.__cause__, ValueError)

        async def cell() -> AsyncRunner:
            runner = AsyncRunner(
                Learner1D(lambda x: x**2, (-1, 1)), npoints_goal=30, executor=client
            )
            await runner.task
            return runner

        runner2 = asyncio.run(cell())
        assert runner2.status() == "finished"
        check_data(runner2.learner)


@pytest.mark.cluster
def test_dask_failures_keep_no_future_alive(dask_cluster: Any) -> None:
    from distributed import Client

    from adaptive_nb.runner._executors._dask import DaskExecutor

    def picky(x: float) -> float:
        if x == 0:
            raise ValueError("no evaluation at 0")
        return x

    # With the cyclic collector off, only reference counting frees futures: a reference cycle
    # that holds a batch of dask futures (a raised exception's traceback once did) keeps their
    # results on the workers, and this test sees it every time instead of now and then.
    gc.disable()
    try:
        with Client(dask_cluster) as client:
            for _ in range(3):
                futures = DaskExecutor(client).submit_many(picky, [0.0, 0.5, 0.7, 0.9])
                error = futures[0].exception(timeout=30)
                assert isinstance(error, ValueError)
                # the worker's traceback, not the collector's frames
                assert "in picky" in "".join(traceback.format_exception(error))
                assert [f.result() for f in futures[1:]] == [0.5, 0.7, 0.9]
                del futures, error
                assert_released(client, 5)
    finally:
        gc.enable()


@pytest.mark.cluster
def test_dask_retries_evaluate_again(dask_cluster: Any, tmp_path: Path) -> None:
    from distributed import Client

    marker = tmp_path / "seen"
    marker.mkdir()

    def flaky(x: float) -> float:
        # Fails the first time per point (state on disk: the workers are other processes).
        path = marker / repr(x)
        if not path.exists():
            path.touch()
            raise RuntimeError("first try fails")
        return x**2

    with Client(dask_cluster) as client:
        learner = Learner1D(flaky, (-1, 1))
        runner = BlockingRunner(learner, npoints_goal=10, executor=client, retries=1)
    assert runner.status() == "finished"
    assert learner.npoints >= 10
    assert runner.failed == set()  # every point's second try succeeded
    assert all("first try fails" in tb for _, tb in runner.tracebacks)


@pytest.mark.cluster
def test_dask_groups_points_into_tasks(dask_cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    from adaptive_nb.runner import replay_log
    from adaptive_nb.runner._executors import _dask

    chunks: list[int] = []
    submit_chunks = _dask.DaskExecutor.submit_chunks

    def counting(self: Any, fn: Any, groups: list[list[Any]]) -> Any:
        chunks.extend(len(g) for g in groups)
        return submit_chunks(self, fn, groups)

    monkeypatch.setattr(_dask.DaskExecutor, "submit_chunks", counting)
    # Grouping depends on the measured evaluation time: make it certain.
    monkeypatch.setattr(_dask, "_CLUSTER_TASK_TIME", 10.0)

    def picky(x: float) -> float:  # defined here: the workers get it by value
        if abs(x) < 0.05:
            raise ValueError(f"no evaluation at {x}")
        return x**2

    # Leftovers must be cancelled or delivered and released soon, by reference counting alone:
    # with the cyclic collector off, a reference cycle that holds a future fails this every
    # time, not only when the collector happens not to run (two CI runs caught one: a failed
    # point's traceback held the runner's frames, which named a finished future).
    gc.disable()
    try:
        with Client(dask_cluster) as client:
            learner = Learner1D(picky, (-1, 1))
            runner = BlockingRunner(
                learner,
                npoints_goal=60,
                executor=client,
                log=True,
                retries=1,
                raise_if_retries_exceeded=False,
            )
            assert_released(client, 10)
    finally:
        gc.enable()
    assert chunks
    assert max(chunks) > 1
    assert runner.failed
    assert all("no evaluation at" in tb for _, tb in runner.tracebacks)
    assert all(y == x**2 for x, y in learner.data.items())
    fresh = Learner1D(picky, (-1, 1))
    assert runner.log is not None
    replay_log(fresh, runner.log)
    assert fresh.data == learner.data


@pytest.mark.cluster
@asyncio_test
async def test_dask_asynchronous_client(dask_cluster: Any) -> None:
    from distributed import Client

    # connect by address: a client on this loop (the cluster object runs on its own loop)
    async with Client(dask_cluster.scheduler_address, asynchronous=True) as client:
        runner = AsyncRunner(Learner1D(lambda x: x**2, (-1, 1)), npoints_goal=30, executor=client)
        await runner.task
        assert runner.status() == "finished"
        check_data(runner.learner)
        with pytest.raises(ValueError, match="asynchronous dask Client"):
            BlockingRunner(Learner1D(square, (-1, 1)), npoints_goal=3, executor=client)


# -- ipyparallel ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ipp_client() -> Iterator[Any]:
    ipp = pytest.importorskip("ipyparallel")
    cluster = ipp.Cluster(n=2, log_level=40)
    client = cluster.start_and_connect_sync()
    try:
        client.wait_for_engines(2, timeout=90)
        # The engines cannot import this test module: ship functions by value, as loky does.
        client[:].use_cloudpickle()
        yield client
    finally:
        client.close()
        cluster.stop_cluster_sync()


def make_slow_square() -> Callable[[float], float]:
    # A closure: cloudpickle ships it by value (the engines cannot import this test module).
    def slow_square(x: float) -> float:
        import time

        time.sleep(0.5)
        return x**2

    return slow_square


@pytest.mark.cluster
@pytest.mark.timeout(120)
def test_ipyparallel_blocking_runner_ends(ipp_client: Any) -> None:
    assert adapt_executor(ipp_client).nworkers() == 2
    learner = Learner1D(lambda x: x**2, (-1, 1))
    runner = BlockingRunner(learner, npoints_goal=20, executor=ipp_client)
    assert runner.status() == "finished"
    check_data(learner)
    # With slow evaluations still running at the end, the runner returns at once instead of
    # waiting for (or hanging on) evaluations it cannot cancel.
    t0 = time.monotonic()
    learner = Learner1D(make_slow_square(), (-1, 1))
    BlockingRunner(learner, npoints_goal=2, executor=ipp_client, ntasks=4)
    assert time.monotonic() - t0 < 3
    assert learner.npoints >= 2
    assert not learner.pending_points


@pytest.mark.cluster
@pytest.mark.timeout(120)
@asyncio_test
async def test_ipyparallel_async_runner_cancel(ipp_client: Any) -> None:
    runner = AsyncRunner(Learner1D(make_slow_square(), (-1, 1)), executor=ipp_client)
    await asyncio.sleep(0.8)
    t0 = time.monotonic()
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    assert time.monotonic() - t0 < 0.5
    assert runner.status() == "cancelled"
    assert not runner.learner.pending_points
    runner = AsyncRunner(Learner1D(lambda x: x**2, (-1, 1)), npoints_goal=10, executor=ipp_client)
    await runner.task
    check_data(runner.learner)


# -- MPI --------------------------------------------------------------------------------------

MPI_SCRIPT = """
import asyncio, time
from mpi4py.futures import MPIPoolExecutor
import adaptive_nb
from adaptive_nb import Learner1D

def g(x):
    time.sleep(0.005)
    return x**2

if __name__ == "__main__":
    with MPIPoolExecutor() as ex:
        learner = Learner1D(g, (-1, 1))
        runner = adaptive_nb.BlockingRunner(learner, npoints_goal=40, executor=ex)
        ok = all(y == g(x) for x, y in learner.data.items()) and not learner.pending_points
        print("blocking", runner.status(), learner.npoints >= 40, ok, flush=True)

        async def main():
            runner = adaptive_nb.Runner(Learner1D(g, (-1, 1)), npoints_goal=30, executor=ex)
            await runner.task
            print("async", runner.status(), runner.learner.npoints >= 30, flush=True)

        asyncio.run(main())
"""


@pytest.mark.cluster
@pytest.mark.timeout(180)
def test_mpi_pool_executor(tmp_path: Path) -> None:
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip(
            "!!! MPI NOT TESTED: `mpiexec` is missing; install Open MPI (scripts/test.sh does: "
            "apt-get install openmpi-bin libopenmpi-dev) !!!"
        )
    script = tmp_path / "mpi_script.py"
    script.write_text(textwrap.dedent(MPI_SCRIPT))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [mpiexec, "-n", "3", sys.executable, "-m", "mpi4py.futures", str(script)]
    if os.geteuid() == 0:
        cmd[1:1] = ["--allow-run-as-root", "--oversubscribe"]
    else:
        cmd[1:1] = ["--oversubscribe"]
    out = subprocess.run(
        cmd, capture_output=True, text=True, env=env, timeout=150, check=False, cwd=tmp_path
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert "blocking finished True True" in lines, out.stdout + out.stderr
    assert "async finished True" in lines, out.stdout + out.stderr


class _PoolLikeExecutor(cf.Executor):
    """A generic executor (neither a stdlib thread pool nor sequential) backed by threads."""

    def __init__(self, workers: int) -> None:
        self._max_workers = workers
        self._pool = cf.ThreadPoolExecutor(workers)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_short_evaluations_get_a_deeper_queue() -> None:
    ex = _PoolLikeExecutor(2)
    try:
        quick = BlockingRunner(Learner1D(square, (-1, 1)), npoints_goal=200, executor=ex)
        assert quick._executor.auto_ntasks == 16  # 2 * (2 * 2 + 4): the round trip dominates

        def slow(x: float) -> float:
            time.sleep(0.02)
            return x

        slow_runner = BlockingRunner(Learner1D(slow, (-1, 1)), npoints_goal=20, executor=ex)
        assert slow_runner._executor.auto_ntasks == 8  # one queued point per worker, plus a few
    finally:
        ex.shutdown()


def test_long_evaluations_keep_one_point_per_worker_and_leave_nothing_queued_on_cancel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adaptive_nb.runner._executors import _base

    monkeypatch.setattr(_base, "_LONG_TASK", 0.05)  # "long" is 50 ms here, to stay quick

    def slow(x: float) -> float:
        time.sleep(0.1)
        return x

    ex = _PoolLikeExecutor(2)

    async def run() -> tuple[list[int], list[Any]]:
        runner = AsyncRunner(Learner1D(slow, (-1, 1)), executor=ex)
        in_flight = []
        for _ in range(12):
            await asyncio.sleep(0.05)
            in_flight.append(len(runner.pending_points))
        futures = [f for f, _ in runner.pending_points]
        runner.cancel()
        await asyncio.sleep(0.01)
        return in_flight, futures

    try:
        in_flight, futures = asyncio.run(run())
    finally:
        ex.shutdown()
    # From the start (nothing measured yet) to the end, as many points as workers: a queued
    # point would only outlive cancel() and hold up the next runner on this pool.
    assert max(in_flight) == 2
    assert all(f.done() or f.running() for f in futures)
