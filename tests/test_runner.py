"""Runner behaviour: goals, determinism, logs, failures, cancelling, never dropping results,
BlockingRunner in a running loop and in a script, async functions, periodic saving."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import adaptive_nb
from _support.aio import asyncio_test
from adaptive_nb import Learner1D
from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.runner import (
    AsyncRunner,
    BlockingRunner,
    EvaluationError,
    Runner,
    SaveFailedWarning,
    SequentialExecutor,
    _goals,
    active_runners,
    replay_log,
    simple,
)

ROOT = Path(__file__).resolve().parents[1]


def f(x: float) -> float:
    return x + 0.01**2 / (0.01**2 + (x - 0.3) ** 2)


def new_learner(function=f) -> Learner1D:
    return Learner1D(function, bounds=(-1, 1))


# -- goals ------------------------------------------------------------------------------------


def test_every_goal_kind_stops_the_runner() -> None:
    seq = SequentialExecutor()
    learner = new_learner()
    BlockingRunner(learner, goal=lambda lrn: lrn.npoints >= 15, executor=seq)
    assert learner.npoints == 15
    learner = new_learner()
    BlockingRunner(learner, npoints_goal=25, executor=seq)
    assert learner.npoints == 25
    learner = new_learner()
    BlockingRunner(learner, loss_goal=0.05, executor=seq)
    assert learner.loss() <= 0.05
    assert new_learner().loss() > 0.05  # the goal did something


def test_duration_goal_uses_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(_goals, "_monotonic", lambda: clock[0])

    def tick(x: float) -> float:
        clock[0] += 1.0  # every evaluation takes one fake second
        return x

    learner = new_learner(tick)
    BlockingRunner(learner, duration_goal=10, executor=SequentialExecutor())
    assert learner.npoints == 10
    learner = new_learner(tick)
    BlockingRunner(learner, duration_goal=timedelta(seconds=5), executor=SequentialExecutor())
    assert learner.npoints == 5


def test_end_time_goal_uses_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [datetime(2030, 1, 1, 12, 0, 0)]
    monkeypatch.setattr(_goals, "_now", lambda tz=None: now[0])

    def tick(x: float) -> float:
        now[0] += timedelta(seconds=1)
        return x

    learner = new_learner(tick)
    end = datetime(2030, 1, 1, 12, 0, 7)
    BlockingRunner(learner, end_time_goal=end, executor=SequentialExecutor())
    assert learner.npoints == 7


@pytest.mark.parametrize(
    "kwargs",
    [
        {"goal": lambda lrn: True, "npoints_goal": 3},
        {"loss_goal": 0.1, "npoints_goal": 3},
        {"end_time_goal": datetime(2030, 1, 1), "duration_goal": 1},
        {"loss_goal": 0.1, "duration_goal": 1},
    ],
)
@pytest.mark.parametrize("runner_cls", [BlockingRunner, AsyncRunner, "simple"])
def test_goals_are_mutually_exclusive(
    kwargs: dict, runner_cls: type[BlockingRunner] | type[AsyncRunner] | str
) -> None:
    start: Callable[[], object] = (
        partial(simple, new_learner(), **kwargs)
        if isinstance(runner_cls, str)  # "simple"
        else partial(runner_cls, new_learner(), executor=SequentialExecutor(), **kwargs)
    )
    with pytest.raises(ValueError, match=r"exactly one of goal, loss_goal"):
        start()


def test_goal_of_the_wrong_type_is_explained() -> None:
    with pytest.raises(TypeError, match=r"loss_goal=0\.01"):
        BlockingRunner(new_learner(), goal=0.01, executor=SequentialExecutor())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="npoints_goal must be an int"):
        BlockingRunner(new_learner(), npoints_goal=2.5, executor=SequentialExecutor())  # type: ignore[arg-type]


def test_blocking_runner_and_simple_need_a_goal() -> None:
    with pytest.raises(ValueError, match="needs a goal"):
        BlockingRunner(new_learner(), executor=SequentialExecutor())
    with pytest.raises(ValueError, match="needs a goal"):
        simple(new_learner())


@asyncio_test
async def test_async_runner_without_goal_runs_until_cancelled() -> None:
    runner = AsyncRunner(new_learner(), executor=SequentialExecutor())
    await asyncio.sleep(0.2)
    assert runner.status() == "running"
    assert runner.learner.npoints > 50
    runner.cancel()
    assert runner.status() == "cancelled"  # at once, before the task processed it
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    assert runner.status() is RunnerStatus.CANCELLED
    assert runner.task.cancelled()


# -- determinism, logs ------------------------------------------------------------------------


def test_simple_and_sequential_runs_are_deterministic() -> None:
    a, b, c = new_learner(), new_learner(), new_learner()
    simple(a, npoints_goal=80)
    simple(b, npoints_goal=80)
    BlockingRunner(c, npoints_goal=80, executor=SequentialExecutor())
    assert list(a.data.items()) == list(b.data.items())
    assert a.data == c.data


@asyncio_test
async def test_async_sequential_run_matches_simple() -> None:
    a, b = new_learner(), new_learner()
    simple(a, loss_goal=0.02)
    runner = Runner(b, loss_goal=0.02, executor=SequentialExecutor())
    await runner.task
    assert a.data == b.data


def test_simple_points_per_ask_and_async_function() -> None:
    learner = new_learner()
    simple(learner, npoints_goal=20, points_per_ask=4)
    assert learner.npoints == 20

    async def g(x: float) -> float:
        await asyncio.sleep(0)
        return f(x)

    learner = new_learner(g)
    simple(learner, npoints_goal=10)
    assert learner.data == {x: f(x) for x in learner.data}


def sleepy(x: float) -> float:
    time.sleep(0.001 * (hash(x) % 3))  # finish out of order
    return f(x)


@pytest.mark.parametrize("runner_cls", [BlockingRunner, AsyncRunner])
def test_log_replays_to_identical_data(runner_cls: type) -> None:
    learner = new_learner(sleepy)
    runner: AsyncRunner | BlockingRunner
    with cf.ThreadPoolExecutor(4) as ex:
        if runner_cls is AsyncRunner:

            async def go() -> AsyncRunner:
                r = AsyncRunner(learner, npoints_goal=60, executor=ex, log=True)
                await r.task
                return r

            runner = asyncio.run(go())
        else:
            runner = BlockingRunner(learner, npoints_goal=60, executor=ex, log=True)
    assert runner.log is not None
    assert {entry[0] for entry in runner.log} == {"ask", "tell"}
    replayed = new_learner(sleepy)
    replay_log(replayed, runner.log)
    assert replayed.data == learner.data
    assert list(replayed.data) == list(learner.data)


def test_log_is_off_by_default_and_replay_rejects_junk() -> None:
    runner = BlockingRunner(new_learner(), npoints_goal=3, executor=SequentialExecutor())
    assert runner.log is None
    with pytest.raises(ValueError, match="replayable"):
        replay_log(new_learner(), [("plot",)])


# -- failures, retries, tracebacks ------------------------------------------------------------


def fails_at_positive(x: float) -> float:
    if x > 0:
        raise ValueError(f"no positive x please ({x})")
    return x


@asyncio_test
async def test_failure_ends_the_task_with_a_chained_error() -> None:
    runner = AsyncRunner(new_learner(fails_at_positive), executor=SequentialExecutor())
    with pytest.raises(EvaluationError) as info:
        await runner.task
    err = info.value
    assert isinstance(err, RuntimeError)
    assert isinstance(err.__cause__, ValueError)
    assert err.point == 1
    assert f"learner.function({err.point})" in str(err)
    assert "no positive x please" in str(err)
    assert "Traceback" in str(err)
    assert runner.status() == "failed"
    assert runner.task.done()
    with pytest.raises(EvaluationError):
        runner.task.result()
    [(point, tb)] = runner.tracebacks
    assert point == 1
    assert "fails_at_positive" in tb
    assert "ValueError: no positive x please" in tb
    snap = runner.snapshot()
    assert snap.status == "failed"
    assert snap.error is not None
    assert snap.error.startswith("EvaluationError")
    assert snap.n_failed == 1
    assert snap.last_traceback == tb
    assert runner.failed == {1}
    assert not runner.learner.pending_points  # the run ended cleanly


def test_blocking_runner_raises_the_chained_error() -> None:
    with pytest.raises(EvaluationError, match=r"learner\.function\(1") as info:
        BlockingRunner(
            new_learner(fails_at_positive), npoints_goal=50, executor=SequentialExecutor()
        )
    assert isinstance(info.value.__cause__, ValueError)


def test_retries_keep_the_runner_going() -> None:
    failures: dict[float, int] = {}

    def flaky(x: float) -> float:
        failures[x] = failures.get(x, 0) + 1
        if failures[x] <= 2:
            raise RuntimeError("try again")
        return x

    learner = new_learner(flaky)
    runner = BlockingRunner(learner, npoints_goal=10, executor=SequentialExecutor(), retries=2)
    assert learner.npoints == 10
    assert all(n == 3 for n in failures.values())
    assert runner.tracebacks == []  # every failure was retried successfully
    assert runner.to_retry == []
    assert runner.failed == set()


def test_retries_exceeded_without_raising_skips_the_point() -> None:
    learner = new_learner(fails_at_positive)
    runner = BlockingRunner(
        learner,
        goal=lambda lrn: lrn.npoints >= 20,
        executor=SequentialExecutor(),
        retries=1,
        raise_if_retries_exceeded=False,
    )
    assert runner.status() == "finished"
    assert learner.npoints == 20
    assert runner.failed
    assert all(x > 0 for x in runner.failed)
    assert {x for x, _ in runner.tracebacks} == runner.failed
    assert all("no positive x" in tb for _, tb in runner.tracebacks)


@asyncio_test
async def test_retry_in_flight_is_listed_in_to_retry() -> None:
    gate = threading.Event()
    calls: list[float] = []

    def fail_once_then_wait(x: float) -> float:
        calls.append(x)
        if calls.count(x) == 1:
            raise RuntimeError("first time fails")
        gate.wait(5)
        return x

    with cf.ThreadPoolExecutor(1) as ex:
        runner = AsyncRunner(new_learner(fail_once_then_wait), executor=ex, ntasks=1, retries=1)
        for _ in range(100):
            await asyncio.sleep(0.01)
            if runner.to_retry:
                break
        assert runner.to_retry == [(-1, 1)]
        assert runner.pending_points[0][1] == -1
        runner.cancel()
        gate.set()
        with pytest.raises(asyncio.CancelledError):
            await runner.task


# -- cancelling and never dropping results ----------------------------------------------------


def recording_f() -> tuple[list[float], Callable[[float], float]]:
    """``f`` plus the list of every x it was called with (appended from worker threads)."""
    calls: list[float] = []
    lock = threading.Lock()

    def record(x: float) -> float:
        with lock:
            calls.append(x)
        return f(x)

    return calls, record


@asyncio_test
async def test_cancel_keeps_every_result_that_arrived() -> None:
    calls, record = recording_f()

    with cf.ThreadPoolExecutor(4) as ex:
        runner = AsyncRunner(new_learner(record), executor=ex, ntasks=4)
        await asyncio.sleep(0.05)
        # Block the loop: the workers finish what they have, the runner cannot collect it.
        while not all(fut.done() for fut, _ in runner.pending_points):
            time.sleep(0.01)
        n_done = len(calls)
        runner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runner.task
    assert n_done == len(calls)  # nothing ran after the cancel
    assert set(runner.learner.data) == set(calls)  # every finished evaluation was told
    assert not runner.learner.pending_points
    assert runner.pending_points == []


@asyncio_test
async def test_goal_reached_keeps_results_that_arrived_meanwhile() -> None:
    calls, record = recording_f()

    runners: list[AsyncRunner] = []

    def slow_goal(learner: Learner1D) -> bool:
        if learner.npoints >= 5:
            # The goal is met; meanwhile the other evaluations finish, uncollected.
            while not all(fut.done() for fut, _ in runners[0].pending_points):
                time.sleep(0.01)
            return True
        return False

    with cf.ThreadPoolExecutor(4) as ex:
        runners.append(AsyncRunner(new_learner(record), goal=slow_goal, executor=ex, ntasks=4))
        runner = runners[0]
        await runner.task
    assert runner.status() == "finished"
    assert set(runner.learner.data) == set(calls)
    assert runner.learner.npoints > 5


@asyncio_test
async def test_cancel_of_unfinished_work_removes_pending_points() -> None:
    gate = threading.Event()

    def wait(x: float) -> float:
        gate.wait(5)
        return x

    with cf.ThreadPoolExecutor(2) as ex:
        runner = AsyncRunner(new_learner(wait), executor=ex, ntasks=6)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if runner.pending_points:
                break
        assert len(runner.pending_points) == 6
        assert len(runner.learner.pending_points) == 6
        t0 = time.monotonic()
        runner.cancel()
        assert runner.status() == "cancelled"  # at once
        with pytest.raises(asyncio.CancelledError):
            await runner.task
        # prompt: does not wait for the evaluations still running (they take 5 s)
        assert time.monotonic() - t0 < 1.0
        assert not runner.learner.pending_points
        assert runner.snapshot().n_pending == 0
        gate.set()


@asyncio_test
async def test_cancel_before_the_task_starts() -> None:
    runner = AsyncRunner(new_learner(), executor=SequentialExecutor())
    runner.cancel()
    assert runner.status() == "cancelled"
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    assert runner.learner.npoints == 0
    assert runner.end_time is not None
    assert runner not in active_runners()


# -- status, snapshot, registry ---------------------------------------------------------------


@asyncio_test
async def test_snapshot_and_active_runners() -> None:
    gate = threading.Event()

    def wait(x: float) -> float:
        gate.wait(60)  # released by the test (a timeout only so a failed test cannot hang)
        return x

    def enough(learner: Learner1D) -> bool:
        # Not npoints_goal=4: results arrive in any order, so 4 points may be known while a
        # bound is still pending (infinite loss). Ending only once the loss is finite makes
        # the finished snapshot's loss deterministic.
        return learner.npoints >= 4 and math.isfinite(learner.loss())

    with cf.ThreadPoolExecutor(2) as ex:
        runner = AsyncRunner(new_learner(wait), goal=enough, executor=ex, ntasks=2)
        try:
            deadline = time.monotonic() + 30  # a loaded machine may take a while to start
            while len(runner.pending_points) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert runner in active_runners()
            snap = runner.snapshot()
            assert isinstance(snap, RunnerSnapshot)
            assert snap.status == "running"
            assert snap.npoints == 0
            assert snap.n_pending == 2
            assert snap.loss is None  # no loss before the first points
            assert snap.error is None
        finally:
            gate.set()
        await runner.task
    snap = runner.snapshot()
    assert snap.status == "finished"
    assert snap.npoints == runner.learner.npoints >= 4
    assert snap.loss is not None
    assert snap.loss == runner.learner.loss()
    assert snap.error is None
    assert runner not in active_runners()
    assert runner.start_time <= runner.end_time  # type: ignore[operator]
    frozen = runner.elapsed_time()
    await asyncio.sleep(0.02)
    assert runner.elapsed_time() == frozen
    assert 0 <= runner.overhead() <= 100


@asyncio_test
async def test_snapshot_survives_a_failing_loss() -> None:
    class BadLoss(Learner1D):
        def loss(self, real: bool = True) -> float:
            raise ZeroDivisionError("no loss today")

    runner = AsyncRunner(BadLoss(f, (-1, 1)), npoints_goal=5, executor=SequentialExecutor())
    await runner.task
    assert runner.snapshot().loss is None
    assert runner.snapshot().npoints == 5


def test_status_enum_compares_equal_to_strings() -> None:
    runner = BlockingRunner(new_learner(), npoints_goal=3, executor=SequentialExecutor())
    assert runner.status() == "finished"
    assert isinstance(runner.status(), str)
    assert {s.value for s in RunnerStatus} == {"running", "cancelled", "failed", "finished"}


# -- loops: BlockingRunner in a running loop, block_until_done ---------------------------------


def test_blocking_runner_inside_a_running_loop() -> None:
    # What a notebook cell does: the kernel's loop is running while the cell blocks.
    async def cell() -> BlockingRunner:
        with cf.ThreadPoolExecutor(2) as ex:
            return BlockingRunner(new_learner(), npoints_goal=30, executor=ex)

    runner = asyncio.run(cell())
    assert runner.status() == "finished"
    assert runner.learner.npoints >= 30
    assert not runner.learner.pending_points


def test_blocking_runner_in_a_script_with_the_default_executor(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import adaptive_nb as adaptive
            from adaptive_nb import Learner1D

            learner = Learner1D(lambda x: x**2, (-1, 1))  # a lambda: loky ships it by value
            runner = adaptive.BlockingRunner(learner, npoints_goal=40)
            print(runner.status(), learner.npoints >= 40, len(learner.pending_points))

            runner = adaptive.Runner(Learner1D(lambda x: x, (-1, 1)), npoints_goal=10)
            runner.block_until_done()
            print(runner.status(), runner.learner.npoints >= 10)
            """
        )
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["finished", "True", "0", "finished", "True"]


@asyncio_test
async def test_block_until_done_in_a_running_loop_says_await() -> None:
    runner = AsyncRunner(new_learner(), npoints_goal=5, executor=SequentialExecutor())
    with pytest.raises(RuntimeError, match=r"await runner\.task"):
        runner.block_until_done()
    await runner.task


def test_block_until_done_outside_a_loop() -> None:
    runner = AsyncRunner(new_learner(), npoints_goal=12, executor=SequentialExecutor())
    try:
        runner.block_until_done()
        assert runner.status() == "finished"
        assert runner.learner.npoints == 12
    finally:
        runner.ioloop.close()
        asyncio.set_event_loop(None)


# -- async functions --------------------------------------------------------------------------


@asyncio_test
async def test_async_function_runs_on_the_loop() -> None:
    running = 0
    peak = 0

    async def g(x: float) -> float:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1
        return f(x)

    runner = AsyncRunner(new_learner(g), npoints_goal=30, ntasks=3)
    await runner.task
    assert runner.status() == "finished"
    assert runner.learner.npoints >= 30
    assert peak == 3
    assert all(y == f(x) for x, y in runner.learner.data.items())


@asyncio_test
async def test_async_function_rejects_executors() -> None:
    async def g(x: float) -> float:
        return x

    with pytest.raises(ValueError, match="async def"):
        AsyncRunner(new_learner(g), npoints_goal=3, executor=SequentialExecutor())
    with pytest.raises(ValueError, match=r"await runner\.task"):
        BlockingRunner(new_learner(g), npoints_goal=3)


# -- periodic saving --------------------------------------------------------------------------


@asyncio_test
async def test_periodic_saving_runs_off_the_loop_and_saves_at_the_end(tmp_path: Path) -> None:
    threads: list[str] = []
    saved_sizes: list[int] = []

    def save(learner: Learner1D, fname: Path) -> None:
        threads.append(threading.current_thread().name)
        n = learner.npoints
        time.sleep(0.03)  # a slow disk: the runner must not change the learner meanwhile
        assert learner.npoints == n
        saved_sizes.append(n)
        learner.save(fname)

    fname = tmp_path / "learner.p"
    runner = AsyncRunner(new_learner(), npoints_goal=2000, executor=SequentialExecutor())
    runner.start_periodic_saving({"fname": fname}, interval=0.01, method=save)
    await runner.task
    assert runner.saving_task is not None
    await runner.saving_task
    assert threading.current_thread().name not in threads
    assert len(saved_sizes) >= 2
    assert saved_sizes[-1] == runner.learner.npoints  # the final save has everything
    loaded = new_learner()
    loaded.load(fname)
    assert loaded.data == runner.learner.data
    assert runner.snapshot().last_save_time is not None
    assert runner.snapshot().last_save_error is None


@asyncio_test
async def test_periodic_saving_with_learner_save(tmp_path: Path) -> None:
    fname = tmp_path / "sub" / "saved.p"
    runner = AsyncRunner(new_learner(), executor=SequentialExecutor())
    runner.start_periodic_saving(save_kwargs={"fname": str(fname)}, interval=0.02)
    for _ in range(500):
        await asyncio.sleep(0.01)
        if fname.exists():
            break
    assert fname.exists()
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    assert runner.saving_task is not None
    await runner.saving_task
    loaded = new_learner()
    loaded.load(str(fname))
    assert loaded.data == runner.learner.data  # final save after cancel


@asyncio_test
async def test_failing_save_is_reported_not_swallowed(tmp_path: Path) -> None:
    attempts = []

    def save(learner: Learner1D) -> None:
        attempts.append(learner.npoints)
        if len(attempts) == 1:
            raise OSError("disk full")

    runner = AsyncRunner(new_learner(), executor=SequentialExecutor())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runner.start_periodic_saving(interval=0.02, method=save)
        for _ in range(100):
            await asyncio.sleep(0.005)
            if attempts:
                break
        await asyncio.sleep(0.005)
    [warning] = [w for w in caught if issubclass(w.category, SaveFailedWarning)]
    assert "disk full" in str(warning.message)
    assert runner.snapshot().last_save_error == "OSError: disk full"
    for _ in range(100):
        await asyncio.sleep(0.01)
        if len(attempts) > 1 and runner.snapshot().last_save_error is None:
            break
    assert runner.snapshot().last_save_error is None  # a later save succeeded
    assert runner.status() == "running"  # saving problems never stop the runner
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner.task
    assert runner.saving_task is not None
    await runner.saving_task


@asyncio_test
async def test_periodic_saving_needs_a_target() -> None:
    runner = AsyncRunner(new_learner(), npoints_goal=3, executor=SequentialExecutor())
    with pytest.raises(ValueError, match="save_kwargs"):
        runner.start_periodic_saving()
    await runner.task


# -- entry points -----------------------------------------------------------------------------


def test_public_names() -> None:
    assert adaptive_nb.Runner is AsyncRunner
    assert adaptive_nb.runner.SequentialExecutor is adaptive_nb.utils.SequentialExecutor
    assert callable(adaptive_nb.runner.active_runners)


# -- other learners ---------------------------------------------------------------------------


def test_balancing_learner_goals() -> None:
    children = [Learner1D(partial(lambda x, a: x + a, a=a), (-1, 1)) for a in (0, 1, 2)]
    balancing = adaptive_nb.BalancingLearner(children)
    runner = BlockingRunner(balancing, npoints_goal=10, executor=SequentialExecutor())
    assert runner.status() == "finished"
    assert all(child.npoints >= 10 for child in children)  # every child, as in the reference
    balancing = adaptive_nb.BalancingLearner([Learner1D(f, (-1, 1)) for _ in range(2)])
    BlockingRunner(balancing, loss_goal=0.05, executor=SequentialExecutor())
    assert balancing.loss() <= 0.05


@asyncio_test
async def test_data_saver_with_async_runner() -> None:
    def with_extra(x: float) -> dict[str, float]:
        return {"y": f(x), "extra": 2 * x}

    saver = adaptive_nb.DataSaver(Learner1D(with_extra, (-1, 1)), arg_picker=lambda d: d["y"])
    with cf.ThreadPoolExecutor(2) as ex:
        runner = AsyncRunner(saver, npoints_goal=20, executor=ex)
        await runner.task
    assert saver.learner.npoints >= 20
    assert all(saver.extra_data[x]["extra"] == 2 * x for x in saver.learner.data)


def test_runners_import_no_cluster_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        import adaptive_nb
        from adaptive_nb.runner import SequentialExecutor
        learner = adaptive_nb.Learner1D(lambda x: x, (-1, 1))
        adaptive_nb.BlockingRunner(learner, npoints_goal=5, executor=SequentialExecutor())
        adaptive_nb.BlockingRunner(learner, npoints_goal=10)  # loky
        print(*sorted({m.split(".")[0] for m in sys.modules}))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    loaded = set(out.stdout.split())
    assert loaded.isdisjoint({"dask", "distributed", "ipyparallel", "mpi4py"}), loaded


@asyncio_test
async def test_live_info_terminal_and_stop_after(capsys: pytest.CaptureFixture[str]) -> None:
    runner = AsyncRunner(
        new_learner(),
        goal=adaptive_nb.runner.stop_after(seconds=0.1),
        executor=SequentialExecutor(),
    )
    printer = runner.live_info_terminal(update_interval=0.02, overwrite_previous=False)
    await runner.task
    await printer
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 2
    assert lines[0].startswith("status: running")
    assert lines[-1].startswith("status: finished")
    assert "# of points:" in lines[-1]


async def _notebook_integration_receives_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    from adaptive_nb import notebook_integration

    calls: list[tuple[str, object, dict[str, object]]] = []
    monkeypatch.setattr(
        notebook_integration, "live_info", lambda r, **kw: calls.append(("info", r, kw))
    )
    monkeypatch.setattr(
        notebook_integration, "live_plot", lambda r, **kw: calls.append(("plot", r, kw))
    )
    runner = AsyncRunner(new_learner(), npoints_goal=3, executor=SequentialExecutor())
    runner.live_info()
    runner.live_plot(update_interval=0.5, name="x")
    await runner.task
    assert calls == [
        ("info", runner, {"update_interval": 0.1}),
        (
            "plot",
            runner,
            {"plotter": None, "update_interval": 0.5, "name": "x", "normalize": True},
        ),
    ]


def test_live_info_and_live_plot_delegate_to_notebook_integration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(_notebook_integration_receives_the_runner(monkeypatch))


@asyncio_test
async def test_final_save_after_a_failure(tmp_path: Path) -> None:
    fname = tmp_path / "failed.p"
    runner = AsyncRunner(new_learner(fails_at_positive), executor=SequentialExecutor())
    runner.start_periodic_saving({"fname": fname}, interval=60)  # only the final save is due
    with pytest.raises(EvaluationError):
        await runner.task
    assert runner.saving_task is not None
    await runner.saving_task
    assert runner.status() == "failed"
    loaded = new_learner(fails_at_positive)
    loaded.load(fname)
    assert loaded.data == runner.learner.data
    assert loaded.npoints > 0


def test_blocking_runner_with_loky_inside_a_running_loop() -> None:
    async def cell() -> BlockingRunner:
        return BlockingRunner(Learner1D(lambda x: x**2, (-1, 1)), npoints_goal=20)

    runner = asyncio.run(cell())
    assert runner.status() == "finished"
    assert all(y == x**2 for x, y in runner.learner.data.items())


# -- the core, with hand-driven futures -------------------------------------------------------


def _manual_core(learner: Learner1D, futures: list[cf.Future[float]]) -> Any:
    from adaptive_nb.runner._core import RunnerCore

    def submit(x: float) -> cf.Future[float]:
        fut: cf.Future[float] = cf.Future()
        fut.point = x  # type: ignore[attr-defined]
        futures.append(fut)
        return fut

    return RunnerCore(
        learner,
        lambda lrn: False,
        submit,
        lambda: 3,
        log=True,
        retries=1,
        raise_if_retries_exceeded=True,
    )


def test_core_finish_tells_arrived_results_and_forgets_the_rest() -> None:
    learner = new_learner()
    futures: list[cf.Future[float]] = []
    core = _manual_core(learner, futures)
    core.fill()
    assert len(futures) == 3
    assert len(learner.pending_points) == 3
    futures[0].set_result(1.0)  # arrived (its callback ran)
    futures[1].set_running_or_notify_cancel()  # running: cannot be cancelled
    core.finish()
    assert learner.data == {futures[0].point: 1.0}  # type: ignore[attr-defined]
    assert not learner.pending_points
    assert futures[2].cancelled()
    assert not futures[1].cancelled()
    futures[1].set_result(2.0)  # a late result is ignored, not an error
    assert learner.npoints == 1
    assert core.log[-1] == ("tell", futures[0].point, 1.0)  # type: ignore[attr-defined]


def test_core_resubmits_futures_cancelled_behind_its_back() -> None:
    learner = new_learner()
    futures: list[cf.Future[float]] = []
    core = _manual_core(learner, futures)
    core.fill()
    lost = futures[0]
    lost.cancel()  # e.g. a dask worker died
    assert core.has_results()
    core.collect()
    core.fill()
    assert len(futures) == 4
    assert futures[3].point == lost.point  # type: ignore[attr-defined]
    assert [p for _, p in core.pending_points()].count(lost.point) == 1  # type: ignore[attr-defined]


def test_core_retries_then_raises_with_the_point() -> None:
    learner = new_learner()
    futures: list[cf.Future[float]] = []
    core = _manual_core(learner, futures)
    core.fill()
    point = futures[0].point  # type: ignore[attr-defined]
    futures[0].set_exception(ValueError("first"))
    core.collect()
    assert core.to_retry() == [(point, 1)]
    core.fill()
    assert futures[3].point == point  # type: ignore[attr-defined]
    futures[3].set_exception(ValueError("second"))
    with pytest.raises(EvaluationError, match="second") as info:
        core.collect()
    assert info.value.point == point
    assert isinstance(info.value.__cause__, ValueError)
    assert core.failed() == [point]
    assert core.to_retry() == []


def test_core_submits_a_batch_with_one_submit_many_call() -> None:
    from adaptive_nb.runner._core import RunnerCore

    learner = new_learner()
    batches: list[list[float]] = []
    futures: list[cf.Future[float]] = []

    def submit(x: float) -> cf.Future[float]:
        raise AssertionError("submit_many is given: single submits are not expected")

    def submit_many(xs: list[float]) -> list[cf.Future[float]]:
        batches.append(list(xs))
        new: list[cf.Future[float]] = [cf.Future() for _ in xs]
        futures.extend(new)
        return new

    core = RunnerCore(
        learner,
        lambda lrn: False,
        submit,
        lambda: 4,
        log=True,
        retries=1,
        raise_if_retries_exceeded=True,
        submit_many=submit_many,  # type: ignore[arg-type]
    )
    core.fill()
    assert len(batches) == 1
    assert len(batches[0]) == 4
    futures[0].set_exception(ValueError("retry me"))
    futures[1].set_result(1.0)
    core.collect()
    core.fill()  # the retried point and one new point go out together
    assert len(batches) == 2
    assert len(batches[1]) == 2
    assert batches[1][0] == batches[0][0]
    assert core.n_pending == 4
    assert learner.data == {batches[0][1]: 1.0}
