"""Faults a long run meets: dead workers, hung points, values the learner refuses, bad input.

Whatever goes wrong, the runner names the right point, charges no innocent point, never leaks a
pending point and never hangs. Worker deaths are real (``os._exit`` and SIGKILL in loky's
workers, a ``ProcessPoolExecutor``'s and a dask ``LocalCluster``'s); they cost seconds each
(a pool restarts), so those tests are marked slow.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _support.aio import asyncio_test
from _support.cluster import local_cluster
from adaptive_nb import Learner1D
from adaptive_nb.exceptions import EvaluationError, RunnerWarning
from adaptive_nb.runner import AsyncRunner, BlockingRunner, SequentialExecutor, simple

ROOT = Path(__file__).resolve().parents[2]
CULPRIT = 0.5  # Learner1D(..., (0, 1)) asks the bounds, then 0.5


def _x_or_oops(x: float) -> Any:
    return "oops" if x > 0.3 else x


def _exit_at_culprit(x: float) -> float:
    if x == CULPRIT:
        os._exit(3)
    time.sleep(0.01)
    return x


def _sigkill_at_culprit(x: float) -> float:
    if x == CULPRIT:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return x


def _hang_at_culprit(x: float) -> float:
    if x == CULPRIT:
        time.sleep(3600)
    time.sleep(0.05)  # the run outlasts the timeout
    return x


# -- tell errors and leaks (B1) ---------------------------------------------------------------


def test_rejected_values_leak_no_pending_point_and_name_the_point() -> None:
    learner = Learner1D(_x_or_oops, (0, 1))
    with pytest.raises(EvaluationError, match=r"learner.tell refused the value y='oops'") as info:
        BlockingRunner(learner, npoints_goal=50, executor=SequentialExecutor(), ntasks=8)
    assert info.value.point > 0.3
    assert learner.pending_points == set()
    # a later loss_goal runner ends: no leaked pending point keeps the loss infinite
    learner.function = lambda x: x
    BlockingRunner(learner, loss_goal=0.5, executor=SequentialExecutor())


def test_rejected_values_are_recorded_like_evaluation_errors() -> None:
    learner = Learner1D(_x_or_oops, (0, 1))
    runner = BlockingRunner(
        learner,
        npoints_goal=5,
        executor=SequentialExecutor(),
        ntasks=4,
        retries=1,
        raise_if_retries_exceeded=False,
    )
    failed = runner.failed
    assert failed
    assert all(x > 0.3 for x in failed)
    # the last evaluation of every failed point failed; a point may also await its retry
    assert failed <= {x for x, _ in runner.tracebacks} <= failed | {x for x, _ in runner.to_retry}
    for x, tb in runner.tracebacks:
        assert f"learner.function({x!r})" in tb
        assert "'oops'" in tb
    assert learner.pending_points == set()
    assert all(x <= 0.3 for x in learner.data)


# -- worker deaths ----------------------------------------------------------------------------


def _assert_only_the_culprit_failed(runner: Any, learner: Learner1D) -> None:
    assert runner.failed == {CULPRIT}
    assert [x for x, _ in runner.tracebacks] == [CULPRIT]
    assert "died" in runner.tracebacks[0][1]
    assert learner.pending_points == set()
    assert CULPRIT not in learner.data


def _run_until_the_culprit_failed(learner: Learner1D, **kwargs: Any) -> AsyncRunner:
    """Run 30 points, and on until the runner has given up on the culprit.

    Finding the culprit costs a worker restart per death, which can outlast 30 quick points on a
    loaded machine; a runner that reached its goal first would rightly drop the culprit unjudged.
    A runner that never names it fails the test by the timeout instead of hanging.
    """
    holder: list[AsyncRunner] = []

    def goal(learner: Learner1D) -> bool:
        return learner.npoints >= 30 and bool(holder[0].failed)

    async def run() -> AsyncRunner:
        runner = AsyncRunner(learner, goal=goal, raise_if_retries_exceeded=False, **kwargs)
        holder.append(runner)
        await asyncio.wait_for(asyncio.shield(runner.task), timeout=120)
        return runner

    return asyncio.run(run())


@pytest.mark.slow
@pytest.mark.parametrize("function", [_exit_at_culprit, _sigkill_at_culprit])
def test_worker_death_on_loky_charges_the_culprit_only(function: Any) -> None:
    learner = Learner1D(function, (0, 1))
    runner = BlockingRunner(learner, npoints_goal=30, retries=1, raise_if_retries_exceeded=False)
    _assert_only_the_culprit_failed(runner, learner)
    assert learner.npoints >= 30


@pytest.mark.slow
def test_worker_death_on_loky_raises_naming_the_culprit() -> None:
    learner = Learner1D(_exit_at_culprit, (0, 1))
    with pytest.raises(EvaluationError, match=r"worker evaluating learner.function\(0.5\) died"):
        BlockingRunner(learner, npoints_goal=30)
    assert learner.pending_points == set()


@pytest.mark.slow
@pytest.mark.parametrize("function", [_exit_at_culprit, _sigkill_at_culprit])
def test_a_broken_pool_the_user_passed_stops_naming_the_point(function: Any) -> None:
    learner = Learner1D(function, (0, 1))
    with cf.ProcessPoolExecutor(2) as pool:
        with pytest.raises(EvaluationError, match="is broken") as info:
            BlockingRunner(learner, npoints_goal=30, executor=pool, ntasks=1)
        assert info.value.point == CULPRIT
        assert "ProcessPoolExecutor you passed in" in str(info.value)
    assert learner.pending_points == set()


@pytest.mark.slow
def test_a_broken_user_pool_with_several_points_in_flight_names_the_suspects() -> None:
    learner = Learner1D(_exit_at_culprit, (0, 1))
    with (
        cf.ProcessPoolExecutor(2) as pool,
        pytest.raises(EvaluationError, match="died while evaluating one of") as info,
    ):
        BlockingRunner(learner, npoints_goal=30, executor=pool, ntasks=4)
    assert CULPRIT in info.value.point
    assert learner.pending_points == set()


@pytest.fixture(scope="module")
def fragile_cluster() -> Iterator[Any]:
    """A LocalCluster whose scheduler gives up on a task after one worker death."""
    dask = pytest.importorskip("dask")
    # distributed adds its defaults to dask's config when first imported: import it before
    # config.set saves the config, or leaving the block restores one without them and every
    # later cluster fails (KeyError: 'distributed').
    pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        local_cluster(silence_logs=50) as cluster,
    ):
        yield cluster


@pytest.mark.slow
@pytest.mark.parametrize("function", [_exit_at_culprit, _sigkill_at_culprit])
def test_worker_death_on_dask_charges_the_culprit_only(fragile_cluster: Any, function: Any) -> None:
    from distributed import Client

    learner = Learner1D(function, (0, 1))
    with Client(fragile_cluster) as client:
        runner = _run_until_the_culprit_failed(learner, executor=client)
    _assert_only_the_culprit_failed(runner, learner)


# -- hung points and timeouts (B6) ------------------------------------------------------------


@pytest.mark.slow
def test_a_hung_point_times_out_on_loky_and_the_run_finishes() -> None:
    learner = Learner1D(_hang_at_culprit, (0, 1))
    t0 = time.monotonic()
    runner = BlockingRunner(
        learner, npoints_goal=60, evaluation_timeout=1.0, raise_if_retries_exceeded=False
    )
    assert time.monotonic() - t0 < 30
    assert runner.failed == {CULPRIT}
    (x, tb), *others = runner.tracebacks
    assert x == CULPRIT
    assert not others
    assert "took longer than evaluation_timeout=1.0 s" in tb
    assert learner.pending_points == set()


def test_a_hung_thread_is_abandoned_with_a_warning() -> None:
    release = threading.Event()

    def f(x: float) -> float:
        if x == CULPRIT:
            release.wait(30)
        time.sleep(0.02)  # the run outlasts the timeout
        return x

    learner = Learner1D(f, (0, 1))
    with cf.ThreadPoolExecutor(2) as pool:
        try:
            with pytest.warns(RunnerWarning, match="cannot be stopped"):
                runner = BlockingRunner(
                    learner,
                    npoints_goal=50,
                    executor=pool,
                    evaluation_timeout=0.3,
                    raise_if_retries_exceeded=False,
                )
        finally:
            release.set()
    assert runner.failed == {CULPRIT}
    assert "evaluation_timeout=0.3 s" in runner.tracebacks[0][1]


@asyncio_test
async def test_a_hung_async_function_is_cancelled() -> None:
    async def f(x: float) -> float:
        if x == CULPRIT:
            await asyncio.sleep(3600)
        await asyncio.sleep(0.02)  # the run outlasts the timeout
        return x

    learner = Learner1D(f, (0, 1))
    runner = AsyncRunner(
        learner, npoints_goal=60, evaluation_timeout=0.2, retries=1, raise_if_retries_exceeded=False
    )
    await asyncio.wait_for(runner.task, 10)
    assert runner.failed == {CULPRIT}
    assert runner.to_retry == []


def test_evaluation_timeout_is_checked() -> None:
    learner = Learner1D(lambda x: x, (0, 1))
    bad_values: list[Any] = [0, -1, float("nan"), float("inf"), "1", True]
    for bad in bad_values:
        with pytest.raises(ValueError, match="evaluation_timeout"):
            BlockingRunner(
                learner, npoints_goal=1, evaluation_timeout=bad, executor=cf.ThreadPoolExecutor(1)
            )
    with pytest.raises(ValueError, match="SequentialExecutor"):
        BlockingRunner(learner, npoints_goal=1, evaluation_timeout=1, executor=SequentialExecutor())


B6_SCRIPT = textwrap.dedent(
    """
    import asyncio, time
    from adaptive_nb import Learner1D, Runner
    from adaptive_nb.runner import BlockingRunner

    def f(x):
        if x == 0.5:
            time.sleep(3600)
        return x

    async def main():
        runner = Runner(Learner1D(f, (0, 1)), npoints_goal=10**6, shutdown_executor=True)
        await asyncio.sleep(2)  # 0.5 is hanging by now
        t0 = time.monotonic()
        runner.cancel()
        await asyncio.wait([runner.task], timeout=10)
        print("async", runner.task.done(), time.monotonic() - t0, runner.status(), flush=True)

    asyncio.run(main())
    t0 = time.monotonic()
    learner = Learner1D(f, (0, 1))
    BlockingRunner(learner, npoints_goal=10, shutdown_executor=True)
    print("blocking", time.monotonic() - t0, sorted(learner.pending_points), flush=True)
    """
)


@pytest.mark.slow
def test_a_hung_point_never_keeps_a_runner_or_the_process_alive() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", B6_SCRIPT],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=True,
    )
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    task_done, cancel_seconds, status = lines["async"].split()
    assert task_done == "True"
    assert float(cancel_seconds) < 1.0
    assert status == "cancelled"
    blocking_seconds, pending = lines["blocking"].split(" ", 1)
    assert float(blocking_seconds) < 30
    assert pending == "[]"
    print(
        f"B6: cancel ended the task in {float(cancel_seconds):.3f} s; process exited after "
        f"{time.monotonic() - t0:.1f} s"
    )


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "goal",
    [
        {"npoints_goal": -5},
        {"duration_goal": -1},
        {"duration_goal": float("nan")},
        {"loss_goal": -0.1},
        {"loss_goal": float("nan")},
    ],
)
def test_negative_goals_are_errors(goal: dict[str, Any]) -> None:
    learner = Learner1D(lambda x: x, (0, 1))
    with pytest.raises(ValueError, match=next(iter(goal))):
        BlockingRunner(learner, executor=SequentialExecutor(), **goal)
    with pytest.raises(ValueError, match=next(iter(goal))):
        simple(learner, **goal)


@asyncio_test
async def test_two_runners_saving_to_one_file_get_a_warning(tmp_path: Path) -> None:
    fname = tmp_path / "learner.pickle"
    first = AsyncRunner(Learner1D(lambda x: x, (0, 1)), executor=SequentialExecutor())
    second = AsyncRunner(Learner1D(lambda x: -x, (0, 1)), executor=SequentialExecutor())
    first.start_periodic_saving({"fname": str(fname)}, interval=10)
    with pytest.warns(RunnerWarning, match="overwrite each other"):
        second.start_periodic_saving({"fname": fname}, interval=10)
    first.cancel()
    second.cancel()
    await asyncio.wait([first.task, second.task])
    # a runner that has ended no longer claims its file
    third = AsyncRunner(Learner1D(lambda x: x, (0, 1)), executor=SequentialExecutor())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RunnerWarning)
        third.start_periodic_saving({"fname": fname}, interval=10)
    third.cancel()
    await asyncio.wait([third.task])


@pytest.mark.cluster
@asyncio_test
async def test_a_cluster_without_workers_is_reported_and_the_run_resumes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distributed import Client, LocalCluster

    from adaptive_nb.runner import _base

    monkeypatch.setattr(_base, "_WORKER_CHECK_INTERVAL", 0.1)
    monkeypatch.setattr(_base, "NO_WORKERS_WARNING_AFTER", 0.5)
    async with (
        # In-process (inproc:// transport): no port is opened at all.
        LocalCluster(
            n_workers=0, processes=False, dashboard_address=None, asynchronous=True
        ) as cluster,
        Client(cluster, asynchronous=True) as client,
    ):  # fmt: skip
        runner = AsyncRunner(Learner1D(lambda x: x * x, (-1, 1)), npoints_goal=20, executor=client)
        deadline = time.monotonic() + 10
        while not runner.snapshot().waiting_for_workers:
            assert time.monotonic() < deadline, "the runner never noticed the empty cluster"
            await asyncio.sleep(0.05)
        with pytest.warns(RunnerWarning, match="waiting for workers"):
            await asyncio.sleep(1.0)  # past NO_WORKERS_WARNING_AFTER
        assert runner.status() == "running"
        cluster.scale(1)
        await asyncio.wait_for(runner.task, 30)
        assert runner.status() == "finished"
        assert not runner.snapshot().waiting_for_workers


def test_reaching_the_goal_waits_briefly_for_prefetched_evaluations() -> None:
    # Points still evaluating when the goal is reached finish within milliseconds: shutting a
    # thread pool down waits for them instead of abandoning them with a warning.
    import warnings

    def f(x: float) -> float:
        time.sleep(0.02)
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("error", RunnerWarning)
        runner = BlockingRunner(
            Learner1D(f, (-1, 1)), npoints_goal=30, executor=cf.ThreadPoolExecutor(4),
            ntasks=8, shutdown_executor=True,
        )  # fmt: skip
    assert runner.learner.npoints >= 30
    assert not runner.learner.pending_points
