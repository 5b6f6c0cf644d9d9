"""Tests of AverageLearner: statistics, seeds, loss, errors, dataframes, persistence, plot."""

from __future__ import annotations

import math
import pickle
import random
import statistics
from typing import Any

import adaptive
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb import AverageLearner, LearnerFileError
from adaptive_nb.runner import simple


def gauss(seed: int, sigma: float = 0.5) -> float:
    return random.Random(seed).gauss(2.0, sigma)


def run(learner: Any, n: int, per_ask: int = 1) -> None:
    for _ in range(n):
        seeds, _ = learner.ask(per_ask)
        for s in seeds:
            learner.tell(s, learner.function(s))


def test_mean_std_match_the_statistics_module() -> None:
    learner = AverageLearner(gauss, atol=0.01)
    run(learner, 200)
    values = list(learner.data.values())
    assert learner.npoints == 200
    assert learner.mean == pytest.approx(statistics.fmean(values), rel=1e-13)
    assert learner.std == pytest.approx(statistics.stdev(values), rel=1e-12)
    assert learner.sum_f == pytest.approx(sum(values), rel=1e-13)
    assert learner.sum_f_sq == pytest.approx(sum(v * v for v in values), rel=1e-13)


def test_std_is_stable_for_a_large_mean_and_a_tiny_spread() -> None:
    # sum(f**2) - n * mean**2 cancels to noise here; Welford's update keeps the digits.
    values = [1e9 + 1e-3 * math.sin(i) for i in range(1000)]
    learner = AverageLearner(lambda s: values[s], rtol=1e-12)
    for i, v in enumerate(values):
        learner.tell(i, v)
    assert learner.std == pytest.approx(statistics.stdev(values), rel=1e-4)
    reference = adaptive.AverageLearner(lambda s: values[s], rtol=1e-12)
    reference.tell_many(range(1000), values)
    assert reference.std > 1000 * learner.std  # the reference's formula: noise


def _representable(v: float) -> bool:
    return v == 0 or abs(v) > 1e-150


def expected_loss(values: list[float], n: int, atol: float, rtol: float) -> float:
    """The documented loss, from exactly rounded statistics."""
    se = statistics.stdev(values) / math.sqrt(n)
    mean = statistics.fmean(values)
    return max(se / atol, se / rtol / abs(mean) if mean else se / rtol)


@settings(max_examples=30, deadline=None)
@given(
    # Values whose squares underflow (|v| < 1e-150) have no variance in floating point at all.
    st.lists(
        st.tuples(st.integers(0, 60), st.floats(-1e3, 1e3).filter(_representable)), max_size=80
    ),
    st.lists(st.integers(0, 60), max_size=20),
)
def test_same_statistics_and_losses_as_the_reference(
    tells: list[tuple[int, float]], pendings: list[int]
) -> None:
    ours = AverageLearner(gauss, atol=0.1, rtol=0.05, min_npoints=3)
    ref = adaptive.AverageLearner(gauss, atol=0.1, rtol=0.05, min_npoints=3)
    for s in pendings:
        ours.tell_pending(s)
        if s not in ref.data:
            ref.tell_pending(s)
    for s, v in tells:
        ours.tell(s, v)
        ref.tell(s, v)
    assert ours.data == ref.data
    assert ours.pending_points == ref.pending_points
    assert ours.n_requested == ref.n_requested
    values = list(ours.data.values())
    if values:
        assert ours.mean == pytest.approx(ref.mean, rel=1e-9, abs=1e-9)
    if len(values) < 3:
        assert ours.loss() == ours.loss(real=False) == math.inf
        return
    exact_std = statistics.stdev(values)
    assert ours.std == pytest.approx(exact_std, rel=1e-7, abs=1e-12)
    for n in (len(values), ours.n_requested, 100):
        expected = expected_loss(values, n, 0.1, 0.05)
        assert ours.loss(n=n) == pytest.approx(expected, rel=1e-6, abs=1e-12)
    # The reference computes std as sqrt((sum(f**2) - n * mean**2) / (n - 1)), which loses
    # every digit for a large mean and a small spread; where it does not, the losses agree.
    if abs(ref.std - exact_std) <= 1e-9 * max(exact_std, 1.0):
        for real in (True, False):
            assert ours.loss(real) == pytest.approx(ref.loss(real), rel=1e-6, abs=1e-9)


def test_asks_the_same_seeds_and_improvements_as_the_reference_in_a_run() -> None:
    ours = AverageLearner(gauss, rtol=0.01)
    ref = adaptive.AverageLearner(gauss, rtol=0.01)
    for n in [1, 3, 1, 5, 2, 1, 1, 4] * 5:
        p1, i1 = ours.ask(n)
        p2, i2 = ref.ask(n)
        assert p1 == p2
        np.testing.assert_allclose(i1, i2, rtol=1e-9)
        for s in p1[::2]:  # half of them arrive
            ours.tell(s, gauss(s))
            ref.tell(s, gauss(s))


def test_ask_returns_the_smallest_free_seeds() -> None:
    learner = AverageLearner(gauss, atol=0.1)
    for s in range(5, 10):
        learner.tell(s, 1.0)
    learner.tell_pending(0)
    assert learner.ask(6)[0] == [1, 2, 3, 4, 10, 11]
    learner.remove_unfinished()
    assert learner.ask(3, tell_pending=False)[0] == [0, 1, 2]
    learner.tell(1, 2.0)
    assert learner.ask(3)[0] == [0, 2, 3]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("atpru"), st.integers(0, 30)), max_size=60))
def test_asked_seeds_are_never_taken(ops: list[tuple[str, int]]) -> None:
    learner = AverageLearner(gauss, atol=0.1)
    for op, k in ops:
        if op == "a":
            seeds, imps = learner.ask(k % 4)
            assert len(seeds) == len(imps) == k % 4
        elif op == "t":
            learner.tell(k, float(k))
        elif op == "p":
            learner.tell_pending(k)
        elif op == "r":
            learner.remove_unfinished()
        taken = set(learner.data) | learner.pending_points
        free = [s for s in range(len(taken) + 3) if s not in taken][:3]
        assert learner.ask(3, tell_pending=False)[0] == free
        assert all(s in taken for s in range(learner._cursor))


def test_loss_and_min_npoints() -> None:
    learner = AverageLearner(lambda s: 0.1, atol=0.01, rtol=0.01, min_npoints=5)
    simple(learner, loss_goal=1.0)
    assert learner.npoints == 5  # constant values: the loss is 0 once it is finite
    assert learner.loss() == 0.0
    assert AverageLearner(gauss, atol=1, min_npoints=0).min_npoints == 2


def test_zero_mean_and_empty_learner() -> None:
    learner = AverageLearner(gauss, rtol=0.01)
    assert math.isnan(learner.mean)
    assert learner.std == math.inf
    assert learner.loss() == learner.loss(real=False) == math.inf
    learner.tell_pending(0)
    learner.tell_pending(1)
    assert learner.loss(real=False) == math.inf  # the reference divides by zero here
    learner.tell(0, -1.0)
    learner.tell(1, 1.0)
    assert learner.mean == 0.0
    assert math.isfinite(learner.loss())


def test_runs_to_the_tolerance() -> None:
    learner = AverageLearner(gauss, atol=0.05)
    simple(learner, loss_goal=1.0)
    assert learner.loss() <= 1.0
    assert learner.std / math.sqrt(learner.npoints) <= 0.05
    assert learner._cache["loss"] == learner.loss()


def test_ask_zero_and_pure_ask() -> None:
    learner = AverageLearner(gauss, atol=0.1)
    run(learner, 5)
    learner.ask(2)
    before = (dict(learner.data), set(learner.pending_points), learner._cursor)
    assert learner.ask(0) == ([], [])
    assert learner.ask(4, tell_pending=False)[0] == [7, 8, 9, 10]
    assert (dict(learner.data), set(learner.pending_points), learner._cursor) == before


def test_errors_are_clear() -> None:
    with pytest.raises(ValueError, match=r"atol= .* rtol="):
        AverageLearner(gauss)
    with pytest.raises(ValueError, match="atol must be > 0"):
        AverageLearner(gauss, atol=0)
    with pytest.raises(ValueError, match="rtol must be > 0"):
        AverageLearner(gauss, rtol=float("nan"))
    with pytest.raises(TypeError, match="atol must be a positive number"):
        AverageLearner(gauss, atol="0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        AverageLearner(3, atol=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="min_npoints"):
        AverageLearner(gauss, atol=1, min_npoints=2.5)  # type: ignore[arg-type]
    learner = AverageLearner(gauss, atol=1)
    with pytest.raises(TypeError, match="int seeds"):
        learner.tell(0.5, 1.0)  # type: ignore[arg-type]  # a float seed: refused
    with pytest.raises(TypeError, match="averages real numbers"):
        learner.tell(0, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="averages real numbers"):
        learner.tell_many([0, 1], [1.0, "x"])
    assert learner.npoints == 0  # tell_many checks everything first
    with pytest.raises(ValueError, match="non-negative"):
        learner.ask(-1)


def test_retelling_keeps_the_first_value() -> None:
    learner = AverageLearner(gauss, atol=1)
    learner.tell(np.int64(3), 1.0)
    learner.tell(3, 5.0)
    assert learner.data == {3: 1.0}
    assert type(next(iter(learner.data))) is int
    assert learner.sum_f == 1.0


def test_numpy_and_dataframe_round_trip() -> None:
    def f(seed: int, scale: float = 2.0) -> float:
        return scale * random.Random(seed).random()

    learner = AverageLearner(f, atol=0.1)
    run(learner, 7, per_ask=3)
    arr = learner.to_numpy()
    assert arr.shape == (21, 2)
    assert arr[:, 0].tolist() == list(range(21))
    df = learner.to_dataframe()
    assert list(df.columns) == ["seed", "y", "function.scale"]
    assert df.attrs == {"inputs": ["seed"], "output": "y"}
    other = learner.new()
    other.load_dataframe(df)
    assert other.data == learner.data
    assert other.mean == pytest.approx(learner.mean)
    assert other.function(1) == f(1)
    named = learner.to_dataframe(seed_name="s", y_name="v", with_default_function_args=False)
    assert list(named.columns) == ["s", "v"]
    with pytest.raises(KeyError, match="seed_name="):
        learner.new().load_dataframe(named)
    assert AverageLearner(f, atol=1).to_numpy().shape == (0, 2)


def test_save_load_and_reference_files(tmp_path: Any) -> None:
    learner = AverageLearner(gauss, atol=0.1, rtol=0.2)
    run(learner, 20)
    learner.save(tmp_path / "a.p")
    other = learner.new()
    other.load(tmp_path / "a.p")
    assert other.data == learner.data
    assert other.std == pytest.approx(learner.std)
    assert (other.atol, other.rtol) == (0.1, 0.2)
    # Files of the reference library load, and it loads ours (same data layout).
    ref = adaptive.AverageLearner(gauss, atol=0.1)
    ref.load(str(tmp_path / "missing.p"))
    adaptive.runner.simple(ref, npoints_goal=10)
    ref.save(str(tmp_path / "ref.p"))
    mine = AverageLearner(gauss, atol=0.1)
    mine.load(tmp_path / "ref.p")
    assert mine.data == ref.data
    (tmp_path / "bad.p").write_bytes(pickle.dumps({"not": "it"}))
    with pytest.raises(LearnerFileError):
        mine.load(tmp_path / "bad.p")
    assert mine.data == ref.data


def test_pickle_keeps_state_and_lambda() -> None:
    learner = AverageLearner(lambda s: s * 0.5, atol=0.1)
    run(learner, 4)
    learner.ask(2)
    copy = pickle.loads(pickle.dumps(learner))
    assert copy.data == learner.data
    assert copy.pending_points == learner.pending_points
    assert copy.ask(3) == learner.ask(3)
    assert copy.function(4) == 2.0


def test_plot_is_a_histogram() -> None:
    hv = pytest.importorskip("holoviews")
    learner = AverageLearner(gauss, atol=0.1)
    empty = learner.plot()
    assert isinstance(empty, hv.Histogram)
    run(learner, 100)
    plot = learner.plot()
    assert isinstance(plot, hv.Histogram)
    assert (empty.kdims, empty.vdims) == (plot.kdims, plot.vdims)
    assert len(plot.data[plot.vdims[0].name]) == 10  # sqrt(100) bins
