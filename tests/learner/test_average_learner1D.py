"""Tests of AverageLearner1D: the reference's points and statistics, its fixes, and invariants."""

from __future__ import annotations

import copy
import math
import pickle
import random
import re
import statistics
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import adaptive
import cloudpickle
import numpy as np
import pytest
import scipy.stats
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import adaptive_nb
from adaptive_nb import AverageLearner1D, DataSaver
from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner._average1d_data import t_quantile
from adaptive_nb.learner._interval_index import _NODE_STATE
from adaptive_nb.learner.learner1D import curvature_loss_function, uniform_loss
from adaptive_nb.runner import BlockingRunner, replay_log, simple


def noisy(seed_x: tuple[int, float], sigma: float = 0.1) -> float:
    seed, x = seed_x
    rnd = random.Random(hash((seed, x)))
    return x + 0.01**2 / (0.01**2 + (x - 0.123) ** 2) + rnd.gauss(0, sigma)


def coarse(seed_x: tuple[int, float]) -> float:
    # Values on a grid of 0.01: ties in the losses are frequent.
    seed, x = seed_x
    return round(math.sin(3 * x) + random.Random(hash((seed, x))).gauss(0, 0.3), 2)


def dice(seed_x: tuple[int, float]) -> float:
    # Three values only: equal samples, and errors of 0, are frequent.
    seed, x = seed_x
    return round(math.sin(3 * x), 1) + random.Random(hash((seed, x))).choice([-0.5, 0.0, 0.5])


def drive(learner: Any, steps: int, n: int = 1) -> list[Any]:
    asked = []
    for _ in range(steps):
        points, improvements = learner.ask(n)
        asked.append((points, improvements))
        for p in points:
            learner.tell(p, learner.function(p))
    return asked


def assert_same_state(ours: AverageLearner1D, ref: Any, *, exact_means: bool = True) -> None:
    assert ours.nsamples == ref.nsamples
    assert ours.npoints == ref.npoints
    assert dict(ours._number_samples) == dict(ref._number_samples)
    if exact_means:
        assert ours.data == dict(ref.data)
    else:
        assert ours.data.keys() == ref.data.keys()
        for x, y in ref.data.items():
            assert ours.data[x] == pytest.approx(y, rel=1e-13, abs=1e-15)
    for x, e in ref.error.items():
        assert ours.error[x] == pytest.approx(e, rel=1e-12, abs=1e-15), x
    assert ours._undersampled_points == ref._undersampled_points
    assert list(ours.rescaled_error) == list(ref.rescaled_error)
    for x, r in ref.rescaled_error.items():
        assert ours.rescaled_error[x] == pytest.approx(r, rel=1e-12), x
    assert ours.loss() == pytest.approx(ref.loss(), rel=1e-12)


def assert_same_asks(ours_asked: list[Any], ref_asked: list[Any]) -> None:
    for (p1, i1), (p2, i2) in zip(ours_asked, ref_asked, strict=True):
        assert p1 == p2
        assert i1 == pytest.approx(i2, rel=1e-12)


# ------------------------------------------------------------------- the reference library ---

PARAMS = [
    {},
    {"delta": 0.05, "min_samples": 5, "neighbor_sampling": 0.5},
    {"delta": 0.5, "min_samples": 3, "max_samples": 40, "alpha": 0.05},
    {"min_samples": 10, "min_error": 0.02},
    {"min_samples": 4, "loss_per_interval": uniform_loss},
    {"min_samples": 4, "loss_per_interval": curvature_loss_function()},
]


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(sorted(map(str, p))) or "default")
@pytest.mark.parametrize("function", [noisy, coarse], ids=["noisy", "coarse"])
def test_same_points_and_statistics_as_the_reference(function: Any, params: dict[str, Any]) -> None:
    ref = adaptive.AverageLearner1D(function, (-1, 1), **params)
    ours = AverageLearner1D(function, (-1, 1), **params)
    assert_same_asks(drive(ours, 1500), drive(ref, 1500))
    assert_same_state(ours, ref)
    ours._check_invariants()


@pytest.mark.parametrize("n", [2, 7])
def test_ask_many_matches_the_reference(n: int) -> None:
    ref = adaptive.AverageLearner1D(noisy, (-1, 1), min_samples=10)
    ours = AverageLearner1D(noisy, (-1, 1), min_samples=10)
    assert_same_asks(drive(ours, 200, n), drive(ref, 200, n))
    assert_same_state(ours, ref)


def test_rescaling_and_recomputation_match_the_reference() -> None:
    # The y-range grows in jumps (rare large samples): the y-scale follows the samples, not the
    # means, and every loss is recomputed when it has doubled, as in the reference.
    def jumpy(seed_x: tuple[int, float]) -> float:
        seed, x = seed_x
        rnd = random.Random(hash((seed, x)))
        return x + (rnd.random() < 0.02) * rnd.gauss(0, 5) + rnd.gauss(0, 0.05)

    ref = adaptive.AverageLearner1D(jumpy, (0, 3), min_samples=8)
    ours = AverageLearner1D(jumpy, (0, 3), min_samples=8)
    assert_same_asks(drive(ours, 2000), drive(ref, 2000))
    assert_same_state(ours, ref)
    assert ours._yscale == ref._scale[1]


def test_tell_many_and_tell_many_at_point_match_the_reference() -> None:
    rnd = random.Random(3)
    xs = [-1.0, 1.0, 0.0, 0.5, -0.25]
    points = [(s, x) for x in xs for s in range(rnd.randint(1, 60))]
    rnd.shuffle(points)
    ys = [noisy(p) for p in points]
    ref = adaptive.AverageLearner1D(noisy, (-1, 1), min_samples=20)
    ours = AverageLearner1D(noisy, (-1, 1), min_samples=20)
    ref.tell_many(points, ys)
    ours.tell_many(points, ys)
    # means: sample by sample here, a batch mean in the reference (equal to round-off)
    assert_same_state(ours, ref, exact_means=False)
    extra = {s: noisy((s, 0.5)) for s in range(100, 130)}
    ref.tell_many_at_point(0.5, extra)
    ours.tell_many_at_point(0.5, extra)
    assert_same_state(ours, ref, exact_means=False)
    ours._check_invariants()
    assert_same_asks(drive(ours, 300), drive(ref, 300))


def test_means_and_errors_equal_the_statistics_of_the_samples() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=20)
    drive(learner, 2000)
    for x, samples in learner._data_samples.items():
        values = list(samples.values())
        assert learner.data[x] == pytest.approx(statistics.fmean(values), rel=1e-13)
        if len(values) > 1:
            sem = statistics.stdev(values) / math.sqrt(len(values))
            t = scipy.stats.t.ppf(1 - learner.alpha, df=len(values) - 1)
            assert learner.error[x] == pytest.approx(t * sem, rel=1e-10)


@pytest.mark.parametrize("alpha", [0.005, 0.05, 0.3])
def test_t_quantiles_equal_scipy_bit_for_bit(alpha: float) -> None:
    for n in [2, 3, 10, 255, 256, 257, 600, 2000]:
        assert t_quantile(alpha, n) == scipy.stats.t.ppf(1 - alpha, df=n - 1)


# ------------------------------------------------------------------ the reference's bugs, fixed ---


def test_a_pending_bound_is_not_asked_again() -> None:
    learner = AverageLearner1D(noisy, (-1, 1))
    first, _ = learner.ask(1)
    second, _ = learner.ask(1)
    assert first == [(0, -1.0)]
    assert second == [(0, 1.0)]
    ref = adaptive.AverageLearner1D(noisy, (-1, 1))
    assert ref.ask(1)[0] == ref.ask(1)[0] == [(0, -1.0)]  # the reference asks it twice


def test_resampling_skips_pending_and_told_seeds() -> None:
    learner = AverageLearner1D(noisy, (-1, 1))
    learner.tell_many_at_point(-1.0, {s: noisy((s, -1.0)) for s in (0, 1, 2, 5)})
    points, _ = learner.ask(3)
    assert points == [(4, -1.0), (6, -1.0), (7, -1.0)]  # seed 5 is told
    more, _ = learner.ask(2)
    assert more == [(8, -1.0), (9, -1.0)]  # 4, 6, 7 are pending
    assert len(learner.pending_points) == 5


def test_a_parallel_runner_never_gets_a_point_twice() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=3)
    for _ in range(40):
        asked = [learner.ask(1)[0][0] for _ in range(4)]
        assert len(set(asked)) == 4
        for p in asked:
            learner.tell(p, noisy(p))
    learner._check_invariants()


def test_a_lone_point_with_equal_samples_is_resampled_later() -> None:
    def values(seed_x: tuple[int, float]) -> float:
        return [1.0, 1.0][seed_x[0]] if seed_x[0] < 2 else float(seed_x[0] % 3)

    learner = AverageLearner1D(values, (-1, 1), min_samples=4)
    ref = adaptive.AverageLearner1D(values, (-1, 1), min_samples=4)
    drive(learner, 4)
    drive(ref, 4)
    assert learner.error[-1.0] > 0
    assert -1.0 in learner.rescaled_error
    assert -1.0 not in ref.rescaled_error  # dropped at error 0, after 2 samples, for good
    drive(learner, 40)
    assert learner._number_samples[-1.0] > 4  # resampled once it has neighbours
    learner._check_invariants()


def test_tell_many_at_point_ignores_told_seeds() -> None:
    learner = AverageLearner1D(noisy, (-1, 1))
    learner.tell_many_at_point(0.0, {0: 1.0, 1: 3.0})
    learner.tell_many_at_point(0.0, {1: 100.0, 2: 5.0})
    assert learner.nsamples == 3
    assert learner.data[0.0] == pytest.approx(3.0)
    assert learner._data_samples[0.0] == {0: 1.0, 1: 3.0, 2: 5.0}


def test_ask_zero_and_preview() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=3)
    drive(learner, 30)
    assert learner.ask(0) == ([], [])
    before = (dict(learner.data), set(learner.pending_points), learner.nsamples)
    preview = learner.ask(3, tell_pending=False)
    assert (dict(learner.data), set(learner.pending_points), learner.nsamples) == before
    assert learner.ask(3) == preview


@pytest.mark.parametrize(
    ("point", "value", "error"),
    [
        ((0, 2.0), 1.0, ValueError),  # outside the bounds
        ((0, 0.5), math.nan, ValueError),
        ((0, 0.5), [1.0, 2.0], TypeError),
        ((0, 0.5), None, TypeError),
        (0.5, 1.0, TypeError),
        ((0.5, 0.5), 1.0, TypeError),
        ((0, 0.5, 1), 1.0, ValueError),
    ],
)
def test_bad_input_is_a_clear_error(point: Any, value: Any, error: type[Exception]) -> None:
    learner = AverageLearner1D(noisy, (-1, 1))
    with pytest.raises(error):
        learner.tell(point, value)
    assert learner.nsamples == 0
    assert not learner.data


@pytest.mark.parametrize(
    "kwargs",
    [
        {"delta": 0},
        {"delta": 1.5},
        {"alpha": 0},
        {"neighbor_sampling": 0},
        {"min_samples": -1},
        {"min_samples": 10, "max_samples": 5},
        {"min_error": -1},
    ],
)
def test_bad_parameters(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        AverageLearner1D(noisy, (-1, 1), **kwargs)


def test_parameters_can_change_on_a_live_learner() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=5)
    drive(learner, 600)
    errors = sorted(e for e in learner.error.values() if math.isfinite(e))
    learner.min_error = errors[len(errors) // 2]
    learner._check_invariants()
    assert all(learner.error[x] > learner.min_error for x in learner.rescaled_error)
    learner.min_error = 0
    learner._check_invariants()
    assert len(learner.rescaled_error) == learner.npoints
    learner.max_samples = 5
    learner._check_invariants()
    assert all(learner._number_samples[x] < 5 for x in learner.rescaled_error)
    learner.delta = 1.0
    with pytest.raises(ValueError, match="delta"):
        learner.delta = 0
    drive(learner, 100)
    learner._check_invariants()


# --------------------------------------------------------------------------- invariants ---

OPS = st.lists(
    st.tuples(
        st.sampled_from(["ask", "ask", "tell", "tell", "batch", "forget"]),
        st.integers(0, 6),
        st.integers(0, 10**6),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, min_samples=st.integers(0, 4), delta=st.sampled_from([0.01, 0.2, 1.0]))
def test_invariants_hold_after_any_calls(
    ops: list[tuple[str, int, int]], min_samples: int, delta: float
) -> None:
    learner = AverageLearner1D(dice, (-1, 1), min_samples=min_samples, delta=delta)
    asked: list[Any] = []
    for op, i, r in ops:
        if op == "ask":
            preview = learner.ask(i, tell_pending=False)
            points, _ = learner.ask(i)
            assert points == preview[0]
            assert len(set(points)) == len(points)
            assert not set(points) & set(asked)  # never a pending point twice
            asked.extend(points)
        elif op == "tell" and asked:
            p = asked.pop(i % len(asked))
            learner.tell(p, dice(p))
        elif op == "batch":
            x = (r % 17) / 8 - 1
            learner.tell_many_at_point(x, {r + s: dice((r + s, x)) for s in range(i)})
            asked = [p for p in asked if p in learner.pending_points]
        elif op == "forget":
            learner.remove_unfinished()
            asked.clear()
        learner._check_invariants()
        assert learner.pending_points == set(asked)


# ---------------------------------------------------------- a failing loss function ---


class FailingLoss:
    """The x-y length of an interval, except on the calls numbered in ``fail_at`` (``mode``)."""

    __name__ = "flaky_loss"
    nth_neighbors = 0

    def __init__(self, fail_at: set[int], mode: str) -> None:
        self.fail_at = fail_at
        self.mode = mode
        self.calls = 0
        self.armed = True  # off while the invariant check recomputes the losses

    def __call__(self, xs: tuple[float, ...], ys: tuple[float, ...]) -> Any:
        if not self.armed:
            return math.hypot(xs[1] - xs[0], ys[1] - ys[0])
        self.calls += 1
        if self.calls in self.fail_at:
            if self.mode == "raise":
                msg = "boom"
                raise ZeroDivisionError(msg)
            return {"none": None, "str": "0.5", "array": np.array([1.0, 2.0])}[self.mode]
        return math.hypot(xs[1] - xs[0], ys[1] - ys[0])


# Attributes that are representation only: the node columns (a pickle renumbers the nodes;
# `_snapshot()` reads the index along its links instead), heaps with lazily dropped entries
# (their live entries are in `_re`/`_ce`/`_resc`), and the counter that orders combined entries
# of equal loss and equal left end (which cannot happen).
_REPRESENTATION = _NODE_STATE | {"_resc_heap", "_seq", "function", "loss_per_interval"}


def full_state(learner: AverageLearner1D) -> dict[str, Any]:
    """Everything but the representation, deep-copied.

    Taken from the learner itself rather than from a copy: a pickled copy (and so a deepcopy)
    rebuilds the set of undersampled points, whose order (which `ask` follows) depends on the
    set's history.
    """
    state = {k: v for k, v in vars(learner).items() if k not in _REPRESENTATION}
    state["index"] = learner._snapshot()
    state["undersampled order"] = list(learner._undersampled_points)
    state["rescaled_error"] = learner.rescaled_error.items()
    state["loss"] = (learner.loss(), learner.loss(real=False))
    state["next ask"] = learner.ask(3, tell_pending=False)
    return copy.deepcopy(state)


def _check_invariants(learner: AverageLearner1D) -> None:
    loss = learner.loss_per_interval
    assert isinstance(loss, FailingLoss)
    loss.armed = False
    try:
        learner._check_invariants()
    finally:
        loss.armed = True


def _failing_learner(mode: str, fail_at: set[int]) -> tuple[AverageLearner1D, FailingLoss]:
    loss = FailingLoss(set(), mode)
    learner = AverageLearner1D(noisy, (-1, 1), loss_per_interval=loss, min_samples=3)
    drive(learner, 40)
    loss.fail_at = {loss.calls + k for k in fail_at}
    return learner, loss


@pytest.mark.parametrize("mode", ["raise", "none", "str", "array"])
def test_a_resample_with_a_failing_loss_changes_nothing(mode: str) -> None:
    learner, _ = _failing_learner(mode, {1})
    x = next(iter(learner.data))
    seed = max(learner._data_samples[x]) + 1
    learner.tell_pending((seed, x))
    before = full_state(learner)
    with pytest.raises(LossFunctionError) as err:
        learner.tell((seed, x), 10.0)  # a new mean at x: the losses next to it change
    text = str(err.value)
    assert "flaky_loss" in text
    assert re.search(r"on the interval \(-?[\d.e-]+, -?[\d.e-]+\)", text), text
    if mode == "raise":
        assert isinstance(err.value.__cause__, ZeroDivisionError)
    _check_invariants(learner)
    assert full_state(learner) == before
    assert (seed, x) in learner.pending_points
    learner.tell((seed, x), 10.0)  # the loss works again: the same sample is told
    _check_invariants(learner)
    assert learner._data_samples[x][seed] == 10.0


def test_a_failure_when_every_loss_is_recomputed_changes_nothing() -> None:
    # A sample far outside the y-range doubles the y-scale: every loss is recomputed.
    learner, _ = _failing_learner("raise", {5})
    x = next(iter(learner.data))
    before = full_state(learner)
    with pytest.raises(LossFunctionError):
        learner.tell((10**6, x), 1e6)
    _check_invariants(learner)
    assert full_state(learner) == before


_MANY_OPS = {
    "tell_many": lambda lrn, xs: lrn.tell_many(
        [(10**6 + s, x) for x in xs for s in range(3)] + [(0, 0.3), (1, 0.3)],
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    ),
    "at a new x": lambda lrn, xs: lrn.tell_many_at_point(0.3, {0: 1.0, 1: 2.0, 2: 3.0}),
    "at a known x": lambda lrn, xs: lrn.tell_many_at_point(xs[0], {10**6: 1.0, 10**7: 9.0}),
    "copy_from": lambda lrn, xs: lrn.copy_from(_other(xs)),
    "load_dataframe": lambda lrn, xs: lrn.load_dataframe(_other(xs).to_dataframe()),
}


def _other(xs: list[float]) -> AverageLearner1D:
    other = AverageLearner1D(noisy, (-1, 1))
    other.tell_many([(10**6 + s, x) for x in [*xs, 0.3] for s in range(3)], [1.0, 2.0, 3.0] * 3)
    return other


@pytest.mark.parametrize("op", _MANY_OPS)
def test_tell_many_and_loads_with_a_failing_loss_are_all_or_nothing(op: str) -> None:
    learner, loss = _failing_learner("raise", set())
    xs = sorted(learner.data)[1:3]  # inner points: a new mean changes two losses
    trial = copy.deepcopy(learner)
    trial_loss = trial.loss_per_interval
    assert isinstance(trial_loss, FailingLoss)
    calls_before = trial_loss.calls
    _MANY_OPS[op](trial, xs)
    calls = trial_loss.calls - calls_before
    assert calls >= 2
    for k in range(1, calls + 1):  # fail on each call the operation makes, one at a time
        before = full_state(learner)
        loss.fail_at = {loss.calls + k}
        with pytest.raises(LossFunctionError):
            _MANY_OPS[op](learner, xs)
        _check_invariants(learner)
        assert full_state(learner) == before
    loss.fail_at = set()
    _MANY_OPS[op](learner, xs)
    _check_invariants(learner)
    assert learner._data_samples == trial._data_samples
    assert learner.data == trial.data


def test_after_a_failed_tell_many_the_next_undersampled_point_is_the_same() -> None:
    # `ask` resamples the first undersampled point in the set's order, which depends on the
    # set's history: emptying and refilling it (as restoring a copy would) changes it here.
    loss = FailingLoss(set(), "raise")
    learner = AverageLearner1D(dice, (-1, 1), loss_per_interval=loss, min_samples=3)
    xs = [i / 16 - 1 for i in range(33)]
    for x in xs:
        learner.tell((0, x), dice((0, x)))
    for x in xs:
        if x not in (0.0625, 1.0):
            learner.tell_many_at_point(x, {s: dice((s, x)) for s in range(1, 9)})
    order = list(learner._undersampled_points)
    assert order == [1.0, 0.0625]  # (not sorted)
    before = full_state(learner)
    loss.fail_at = {loss.calls + 3}  # the second point's first loss
    with pytest.raises(LossFunctionError):
        learner.tell_many([(9, -1.0), (9, 0.5)], [5.0, 6.0])
    assert list(learner._undersampled_points) == order
    assert full_state(learner) == before
    assert learner.ask(1)[0] == [(1, 1.0)]


_FAIL_OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["step", "step", "ask", "tell", "many", "at_point", "new", "pending", "forget"]
        ),
        st.integers(0, 5),
        st.integers(0, 10**6),
    ),
    max_size=30,
)


# tell_many of two samples at a new point, failing at the second step
@example(warmup=2, ops=[("step", 1, 0)], fail_at={2}, mode="raise", min_samples=0)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    warmup=st.integers(0, 40),
    ops=_FAIL_OPS,
    fail_at=st.sets(st.integers(1, 60), max_size=6),
    mode=st.sampled_from(["raise", "none", "str"]),
    min_samples=st.integers(0, 4),
)
def test_a_loss_failing_on_random_calls_never_changes_the_learner(
    warmup: int, ops: list[tuple[str, int, int]], fail_at: set[int], mode: str, min_samples: int
) -> None:
    loss = FailingLoss(set(), mode)
    learner = AverageLearner1D(dice, (-1, 1), loss_per_interval=loss, min_samples=min_samples)
    drive(learner, warmup)
    loss.fail_at = {loss.calls + k for k in fail_at}  # the calls made by the operations below
    failures = 0
    for op, i, r in ops:
        if op == "step":  # ask, then tell: new points and resamples
            learner.ask(i + 1)
        before = full_state(learner)
        pending = sorted(learner.pending_points)
        x = (r % 17) / 8 - 1
        try:
            if op in ("step", "many") and pending:
                chosen = pending if op == "step" else pending[: i + 1]
                learner.tell_many(chosen, [dice(p) for p in chosen])
            elif op == "ask":
                learner.ask(i)
            elif op == "tell" and pending:
                p = pending[r % len(pending)]
                learner.tell(p, dice(p))
            elif op == "at_point":
                learner.tell_many_at_point(x, {r + s: dice((r + s, x)) for s in range(i)})
            elif op == "new":
                learner.tell((r, x), dice((r, x)))
            elif op == "pending":
                learner.tell_pending((r, x))
            elif op == "forget":
                learner.remove_unfinished()
        except LossFunctionError as e:
            failures += 1
            message = str(e)
            assert "flaky_loss" in message
            assert full_state(learner) == before
        _check_invariants(learner)
    assert failures <= len(fail_at)
    event(f"loss failures: {min(failures, 3)}")


# ---------------------------------------------------------------------------- data out/in ---


def test_to_numpy_and_dataframe() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=3)
    drive(learner, 100)
    samples = learner.to_numpy()
    assert samples.shape == (learner.nsamples, 3)
    assert list(samples[:, 1]) == sorted(samples[:, 1])
    means = learner.to_numpy(mean=True)
    assert means.shape == (learner.npoints, 2)
    assert dict(zip(means[:, 0], means[:, 1], strict=True)) == learner.data
    assert AverageLearner1D(noisy, (-1, 1)).to_numpy().shape == (0, 3)
    df = learner.to_dataframe()
    assert list(df.columns) == ["seed", "x", "y", "function.sigma"]
    assert df.attrs["inputs"] == ["seed", "x"]
    assert df["seed"].dtype.kind == "i"
    assert len(df) == learner.nsamples
    mean_df = learner.to_dataframe(mean=True, x_name="a", y_name="b")
    assert list(mean_df.columns) == ["a", "b", "function.sigma"]
    assert dict(zip(mean_df["a"], mean_df["b"], strict=True)) == learner.data
    other = learner.new()
    other.load_dataframe(df)
    assert other.data == learner.data
    assert other.nsamples == learner.nsamples
    other._check_invariants()
    with pytest.raises(KeyError, match="mean=True"):
        learner.new().load_dataframe(mean_df)


def test_data_since_reads_points_and_current_means() -> None:
    learner = AverageLearner1D(noisy, (-1, 1))
    learner.tell_many([(0, 0.0), (1, 0.0), (0, 1.0)], [1.0, 3.0, 5.0])
    xs, ys = learner.data_since(0)
    assert xs.tolist() == [0.0, 1.0]
    assert ys.tolist() == [2.0, 5.0]
    learner.tell((2, 0.0), 8.0)
    assert learner.data_since(0)[1].tolist() == [4.0, 5.0]
    assert learner.data_since(1)[0].tolist() == [1.0]
    assert learner.data_since(5)[0].shape == (0,)
    with pytest.raises(ValueError, match="start"):
        learner.data_since(-1)


def test_copy_pickle_and_save_load_keep_everything(tmp_path: Any) -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=5)
    drive(learner, 400)
    learner.ask(3)
    for clone in (
        pickle.loads(pickle.dumps(learner)),
        cloudpickle.loads(cloudpickle.dumps(learner)),
    ):
        clone._check_invariants()
        assert clone.data == learner.data
        assert clone.pending_points == learner.pending_points
        assert list(clone.rescaled_error.items()) == list(learner.rescaled_error.items())
        assert clone.ask(2) == learner.ask(2, tell_pending=False)
    copied = learner.new()
    copied.copy_from(learner)
    copied._check_invariants()
    assert copied.data == learner.data
    assert copied.error == learner.error
    fname = tmp_path / "avg.p"
    learner.save(fname)
    loaded = learner.new()
    loaded.load(fname)
    assert loaded.data == learner.data
    assert loaded._data_samples == learner._data_samples
    npz = tmp_path / "avg.npz"
    learner.save(npz, format="npz")
    from_npz = learner.new()
    from_npz.load(npz, format="npz")
    assert from_npz.data == learner.data
    assert from_npz._data_samples == learner._data_samples
    # the reference reads the (pickle) file
    ref = adaptive.AverageLearner1D(noisy, (-1, 1), min_samples=5)
    ref.load(fname)
    assert ref.nsamples == learner.nsamples


def test_plot_has_error_bars() -> None:
    learner = AverageLearner1D(noisy, (-1, 1), min_samples=3)
    assert learner.plot() is not None  # empty
    drive(learner, 50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plot = learner.plot()
    bars = plot.ErrorBars.I.data
    assert len(bars) == learner.npoints
    finite = {x: e for x, e in learner.error.items() if math.isfinite(e)}
    got = dict(zip(bars.iloc[:, 0], bars.iloc[:, 2], strict=True))
    for x, e in finite.items():
        assert got[x] == e


# ---------------------------------------------------------------------- with the others ---


def test_inside_a_balancing_learner_like_the_reference() -> None:
    # strategy="npoints" counts points (distinct x) plus pending samples, in both libraries:
    # neither looks at nsamples.
    def make(lib: Any) -> Any:
        children = [lib.AverageLearner1D(noisy, (-1, 1), min_samples=4) for _ in range(3)]
        return lib.BalancingLearner(children, strategy="npoints")

    ours, ref = make(adaptive_nb), make(adaptive)
    for _ in range(300):
        (p1,), _ = ours.ask(1)
        (p2,), _ = ref.ask(1)
        assert p1 == p2
        y = noisy(p1[1])
        ours.tell(p1, y)
        ref.tell(p2, y)
    assert ours.nsamples == ref.nsamples == 300
    assert [c.npoints for c in ours.learners] == [c.npoints for c in ref.learners]


def test_with_a_data_saver_and_runners() -> None:
    def with_extra(seed_x: tuple[int, float]) -> dict[str, float]:
        return {"y": noisy(seed_x), "seed": seed_x[0]}

    learner = AverageLearner1D(with_extra, (-1, 1), min_samples=5)
    saver = DataSaver(learner, arg_picker=lambda r: r["y"])
    simple(saver, npoints_goal=10)
    assert learner.npoints == 10
    assert len(saver.extra_data) == learner.nsamples
    with ThreadPoolExecutor(2) as pool:  # two workers: points asked while others are pending
        runner = BlockingRunner(
            AverageLearner1D(noisy, (-1, 1), min_samples=5),
            npoints_goal=8,
            log=True,
            executor=pool,
        )
    assert runner.learner.npoints >= 8
    replayed = AverageLearner1D(noisy, (-1, 1), min_samples=5)
    assert runner.log is not None
    replay_log(replayed, runner.log)
    assert replayed.data == runner.learner.data
    replayed._check_invariants()


def test_registered_in_the_package() -> None:
    assert adaptive_nb.AverageLearner1D is AverageLearner1D
    assert "AverageLearner1D" in adaptive_nb.learner.__all__
    import adaptive_nb.learner.average_learner1D as mod

    assert mod.AverageLearner1D is AverageLearner1D
    assert np.isinf(AverageLearner1D(noisy, (0, 1)).loss())
