"""live_info's goal progress and ETA (``_progress.py``) and each learner's natural loss."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from widget_helpers import finished_runner

import adaptive_nb as adaptive
from adaptive_nb._status import RunnerSnapshot, RunnerStatus
from adaptive_nb.notebook import LiveInfo
from adaptive_nb.notebook._progress import GoalProgress, loglog_points_needed, natural_loss
from adaptive_nb.runner._goals import _NpointsGoal, make_goal


def snap(npoints: int, *, loss: float | None = None, elapsed: float = 0.0, status="running"):
    return RunnerSnapshot(
        status=RunnerStatus(status),
        elapsed_time=elapsed,
        npoints=npoints,
        loss=loss,
        overhead=0.0,
        n_pending=0,
        n_failed=0,
        last_traceback=None,
        error=None,
        last_save_time=None,
        last_save_error=None,
    )


def tracker(learner: Any, goal: Any = None, **goals: Any) -> GoalProgress:
    return GoalProgress(SimpleNamespace(learner=learner, goal=make_goal(learner, goal, **goals)))


@given(
    st.floats(0.3, 4.0),
    st.floats(1e-3, 1e3),
    st.integers(10, 1000),
    st.floats(1e-6, 0.9),
)
def test_loglog_fit_finds_the_points_of_a_power_law(power, scale, n0, shrink) -> None:
    ns = [n0 * 2**k for k in range(6)]
    history = [(n, scale * n**-power) for n in ns]
    target = history[-1][1] * shrink
    want = (scale / target) ** (1 / power)
    assert loglog_points_needed(history, target) == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize(
    "history",
    [
        [(10, 1.0), (20, 1.0), (40, 1.0)],  # flat: never reaches the target
        [(10, 1.0), (20, 2.0), (40, 3.0)],  # rising
        [(10, 1.0), (20, 0.5)],  # too short to tell
        [(10, 1.0), (10, 0.5), (10, 0.25)],  # no spread in n
    ],
)
def test_loglog_fit_gives_none_without_a_falling_trend(history) -> None:
    assert loglog_points_needed(history, 0.01) is None


def test_npoints_goal_eta_is_points_left_over_the_measured_rate() -> None:
    learner = adaptive.Learner1D(np.sin, (0, 1))
    progress = tracker(learner, npoints_goal=1000)
    for t in range(5):
        learner.tell_many(np.random.default_rng(t).random(50), np.zeros(50))
        out = progress.update(snap(learner.npoints), now=float(t))
    assert out["kind"] == "npoints"
    assert out["rate"] == pytest.approx(50.0)
    assert out["progress"] == pytest.approx(250 / 1000)
    assert out["eta"] == pytest.approx(750 / 50)
    assert progress.update(snap(learner.npoints, status="finished"), now=6.0)["eta"] is None


def test_duration_and_end_time_goals_are_clock_arithmetic() -> None:
    learner = adaptive.Learner1D(np.sin, (0, 1))
    out = tracker(learner, duration_goal=timedelta(seconds=40)).update(snap(0, elapsed=10.0))
    assert (out["kind"], out["progress"], out["eta"]) == ("duration", 0.25, 30.0)
    end = datetime.now() + timedelta(seconds=100)
    out = tracker(learner, end_time_goal=end).update(snap(0, elapsed=100.0))
    assert out["eta"] == pytest.approx(100.0, abs=1.0)
    assert out["progress"] == pytest.approx(0.5, abs=0.01)


def test_loss_goal_eta_follows_the_loss_trend() -> None:
    learner = adaptive.Learner1D(np.sin, (0, 1))
    progress = tracker(learner, loss_goal=1e-4)
    # loss = 1 / n, 100 points per second: the target is at n = 10_000, 100 s after t = 0.
    for t in range(1, 11):
        out = progress.update(snap(100 * t, loss=1 / (100 * t)), now=float(t))
    assert out["kind"] == "loss"
    assert out["eta"] == pytest.approx((10_000 - 1000) / 100, rel=1e-6)
    # progress on a log scale from the first loss seen (0.01) to the target (1e-4)
    assert out["progress"] == pytest.approx(math.log(10) / math.log(100))
    out = progress.update(snap(20_000, loss=5e-5), now=12.0)
    assert (out["progress"], out["eta"]) == (1.0, 0.0)


def test_done_goal_of_a_sequence_counts_elements_and_integrator_uses_its_error() -> None:
    seq = adaptive.SequenceLearner(float, range(100))
    progress = tracker(seq)
    for t in range(3):
        points, _ = seq.ask(10)
        seq.tell_many(points, [0.0] * 10)
        out = progress.update(snap(seq.npoints), now=float(t))
    assert (out["kind"], out["progress"]) == ("done", 0.3)
    assert out["eta"] == pytest.approx(70 / 10)
    assert out["natural"] == "30 / 100 done (30.0 %)"

    integ = adaptive.IntegratorLearner(lambda x: 1 / (1e-3 + x * x), (-1, 1), tol=1e-10)
    progress = tracker(integ)
    nodes, _ = integ.ask(33)
    integ.tell_many(nodes, [integ.function(x) for x in nodes])
    out = progress.update(snap(integ.npoints, loss=integ.loss()), now=0.0)
    assert out["kind"] == "done"
    assert 0.0 <= out["progress"] < 1.0
    assert out["natural"].startswith(f"igral {integ.igral:.10g}, err ")


def test_a_custom_goal_is_named_and_gets_no_estimate() -> None:
    def enough(learner):
        return learner.npoints > 10

    learner = adaptive.Learner1D(np.sin, (0, 1))
    out = tracker(learner, goal=enough).update(snap(0), now=0.0)
    assert (out["goal"], out["kind"], out["progress"], out["eta"]) == (
        "goal=test_a_custom_goal_is_named_and_gets_no_estimate.<locals>.enough",
        "other",
        None,
        None,
    )


def test_natural_loss_of_each_learner() -> None:
    avg = adaptive.AverageLearner(lambda s: random.Random(s).gauss(0, 1), atol=0.1)
    assert natural_loss(avg) == "0 samples (the error needs 2)"
    seeds, _ = avg.ask(100)
    avg.tell_many(seeds, [avg.function(s) for s in seeds])
    se = avg.std / 10
    assert natural_loss(avg) == f"mean {avg.mean:.6g} ± {se:.3g} (target atol 0.1)"
    saver = adaptive.DataSaver(adaptive.SequenceLearner(float, [1, 2]), arg_picker=float)
    assert natural_loss(saver) == "0 / 2 done (0.0 %)"
    fake = SimpleNamespace(data={0.0: 1.0, 1.0: 2.0}, _number_samples={0.0: 3, 1.0: 5}, nsamples=8)
    fake.error = {0.0: math.inf, 1.0: 0.25}
    assert natural_loss(fake) == "8 samples at 2 points, largest error 0.25"
    assert natural_loss(adaptive.Learner1D(np.sin, (0, 1))) is None


def test_live_info_sends_the_goal_progress(run) -> None:
    async def main():
        learner = adaptive.SequenceLearner(float, range(20))
        runner = adaptive.Runner(learner, executor=adaptive.runner.SequentialExecutor())
        await runner.task
        w = LiveInfo(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        return w._progress

    progress = run(main())
    assert progress["goal"] == "learner.done()"
    assert progress["progress"] == 1.0
    assert progress["eta"] is None  # finished
    assert progress["natural"] == "20 / 20 done (100.0 %)"


def test_a_failing_estimate_does_not_stop_live_info(run) -> None:
    async def main():
        learner = adaptive.Learner1D(np.sin, (0, 1))
        runner = await finished_runner(learner, 10)
        runner.goal = _NpointsGoal(20, target=object())  # its target has no npoints
        w = LiveInfo(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        return w

    w = run(main())
    assert w._snapshot["npoints"] == 10
    assert w._progress["goal"] == "npoints_goal=20"
    assert "npoints" in w._progress["error"]
