"""Tests of Learner1D: API, invariants (hypothesis), losses, errors, persistence, plotting."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from adaptive.learner import learner1D as ref1d  # noqa: N813  (the reference, adaptive 1.5)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_nb import LearnerFileError
from adaptive_nb.learner.learner1D import (
    Learner1D,
    abs_min_log_loss,
    curvature_loss_function,
    default_loss,
    interpolation_error_loss,
    resolution_loss_function,
    triangle_loss,
    uniform_loss,
    uses_nth_neighbors,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def peak(x: float, a: float = 0.01) -> float:
    return x + a**2 / (a**2 + (x - 0.123) ** 2)


def vector(x: float) -> np.ndarray:
    return np.array([math.sin(20 * x), x**2, peak(x)])


def run(learner: Learner1D, n: int, f: Callable[[float], Any] | None = None) -> None:
    f = f or learner.function
    for _ in range(n):
        (x,), _ = learner.ask(1)
        learner.tell(x, f(x))


def snapshot(learner: Learner1D) -> tuple[Any, ...]:
    """Everything that determines the learner's future answers (heap layout excluded)."""
    return (list(learner.data.items()), sorted(learner.pending_points), learner._snapshot())


def same_data(a: dict[float, Any], b: dict[float, Any]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


LOSSES: dict[str, Any] = {
    "uniform": uniform_loss,
    "default": default_loss,
    "abs_min_log": abs_min_log_loss,
    "triangle": triangle_loss,
    "curvature": curvature_loss_function(),
    "resolution": resolution_loss_function(min_length=0.001, max_length=0.1),
}

xs_strategy = st.lists(
    st.floats(-1, 1, allow_nan=False, allow_subnormal=False), min_size=0, max_size=60, unique=True
)


# ------------------------------------------------------------------------- basic behaviour ---


def test_first_points_are_the_bounds_and_loss_is_inf_until_both_known() -> None:
    learner = Learner1D(peak, (-1, 1))
    assert learner.loss() == math.inf
    assert learner.ask(0) == ([], [])
    points, improvements = learner.ask(2)
    assert points == [-1.0, 1.0]
    assert improvements == [math.inf, math.inf]
    learner.tell(-1.0, peak(-1.0))
    assert learner.loss() == math.inf
    learner.tell(1.0, peak(1.0))
    assert math.isfinite(learner.loss())


def test_empty_learner_asks_the_bounds_then_a_linspace() -> None:
    learner = Learner1D(peak, (0, 4))
    assert learner.ask(5, tell_pending=False)[0] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert learner.ask(1)[0] == [0.0]
    assert learner.ask(2)[0] == [4.0, 2.0]


def test_run_refines_the_peak_and_keeps_invariants() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 300)
    learner._check_invariants()
    assert learner.npoints == 300
    xs = np.array(sorted(learner.data))
    assert np.sum(np.abs(xs - 0.123) < 0.05) > 60  # a uniform grid would put 7 there
    assert learner.loss() < 0.05
    assert learner.loss(real=False) == learner.loss()
    assert learner._cache["loss"] == learner.loss()  # the reference's live_info reads it


def test_same_calls_give_same_answers() -> None:
    def drive(learner: Learner1D) -> list[Any]:
        rng = random.Random(7)
        answers = []
        pending: list[float] = []
        for _ in range(80):
            points, imps = learner.ask(rng.choice([1, 2, 5]))
            answers.append((points, imps))
            pending += points
            rng.shuffle(pending)
            for x in pending[: rng.randint(0, len(pending))]:
                learner.tell(x, peak(x))
            pending = [p for p in pending if p not in learner.data]
        return answers

    assert drive(Learner1D(peak, (-1, 1))) == drive(Learner1D(peak, (-1, 1)))


def test_new_and_copy_from() -> None:
    learner = Learner1D(peak, (-1, 1), loss_per_interval=uniform_loss)
    run(learner, 30)
    fresh = learner.new()
    assert fresh.npoints == 0
    assert fresh.function is learner.function
    assert fresh.bounds == learner.bounds
    assert fresh.loss_per_interval is uniform_loss
    fresh.copy_from(learner)
    assert same_data(fresh.data, learner.data)
    assert fresh.loss() == pytest.approx(learner.loss())


def test_remove_unfinished() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 20)
    real_loss = learner.loss()
    learner.ask(7)
    assert len(learner.pending_points) == 7
    assert learner.loss(real=False) < real_loss
    learner.remove_unfinished()
    learner._check_invariants()
    assert learner.pending_points == set()
    assert learner.loss(real=False) == pytest.approx(real_loss)


def test_points_add_no_objects_for_the_garbage_collector() -> None:
    # One tracked object per point made the collector's full passes, which come each time the
    # tracked objects grow by a quarter, cost more per point as n grew.
    learner = Learner1D(peak, (-1, 1))
    run(learner, 1000)
    gc.collect()
    before = len(gc.get_objects())
    run(learner, 5000)
    gc.collect()
    # (a SortedList splits a sublist every few hundred points: a few new lists)
    assert len(gc.get_objects()) - before < 100


def test_nodes_of_removed_pending_points_are_reused() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 50)
    for _ in range(30):
        learner.ask(10)
        learner.remove_unfinished()
        learner._check_invariants()
    assert learner._snapshot().index.slots == 50 + 10
    run(learner, 20)
    learner._check_invariants()
    assert learner._snapshot().index.slots == 70


def rebuilt_without_pending(learner: Learner1D) -> Learner1D:
    """A copy of ``learner`` whose combined structures are rebuilt from scratch, pending-free."""
    fresh = copy.deepcopy(learner)
    fresh.pending_points = set()
    fresh._rebuild_from_reals()
    return fresh


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 40),
    asks=st.lists(st.integers(0, 8), max_size=4),
    extra=st.lists(st.floats(-1.2, 1.2, allow_nan=False), max_size=6),
    told=st.integers(0, 5),
    loss=st.sampled_from(sorted(LOSSES)),
)
def test_remove_unfinished_equals_a_rebuild(
    n: int, asks: list[int], extra: list[float], told: int, loss: str
) -> None:
    learner = Learner1D(peak, (-1, 1), loss_per_interval=LOSSES[loss])
    run(learner, n)
    for m in asks:  # pending points from ask: inside intervals, or the bounds early on
        learner.ask(m)
    for x in extra:  # arbitrary ones too: outside the hull of the real points, or the bounds
        learner.tell_pending(x)
    for x in sorted(learner.pending_points)[:told]:
        learner.tell(x, peak(x))
    expected = rebuilt_without_pending(learner)
    learner.remove_unfinished()
    learner._check_invariants()
    assert snapshot(learner) == snapshot(expected)
    # Same future: the same points asked, in batches and one by one, and the same losses.
    for k in (5, 1, 1, 3):
        got, want = learner.ask(k), expected.ask(k)
        assert got == want
        for x in got[0][: k // 2]:
            learner.tell(x, peak(x))
            expected.tell(x, peak(x))
        assert learner.loss() == expected.loss()
        assert learner.loss(real=False) == expected.loss(real=False)
    learner._check_invariants()


def test_loss_not_real_is_inf_while_a_bound_is_neither_known_nor_pending() -> None:
    learner = Learner1D(peak, (-1, 1))
    learner.tell(0.0, peak(0.0))
    assert learner.loss(real=False) == math.inf
    learner.ask(2)
    assert learner.pending_points == {-1.0, 1.0}
    assert learner.loss(real=False) == math.inf  # both bound intervals are unknown yet


def test_points_outside_bounds_are_kept_but_not_learned_from() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 10)
    before = learner.ask(3, tell_pending=False)
    learner.tell(5.0, 123.0)
    learner.tell_pending(-7.0)
    assert learner.data[5.0] == 123.0
    assert learner.npoints == 11
    assert -7.0 in learner.pending_points
    assert learner.ask(3, tell_pending=False) == before
    learner._check_invariants()


def test_ints_and_numpy_scalars_are_accepted() -> None:
    learner = Learner1D(peak, (np.int64(-1), 1.0))
    learner.tell(np.float32(0.5), np.float64(2.0))
    learner.tell(1, 3)
    learner.tell(np.array(-1.0), np.array(1.0))
    assert learner.bounds == (-1.0, 1.0)
    assert learner.data == {0.5: 2.0, 1.0: 3.0, -1.0: 1.0}
    assert all(type(x) is float for x in learner.data)
    learner._check_invariants()


def test_data_since() -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 25)
    learner.tell(5.0, 1.5)  # outside the bounds: told, so included
    xs, ys = learner.data_since(0)
    assert xs.tolist() == list(learner.data)
    assert ys.tolist() == list(learner.data.values())
    xs, ys = learner.data_since(20)
    assert xs.tolist() == list(learner.data)[20:]
    assert xs[-1] == 5.0
    assert ys.shape == (6,)
    xs, ys = learner.data_since(100)
    assert xs.shape == (0,)
    assert ys.shape == (0,)
    vec = Learner1D(vector, (-1, 1))
    run(vec, 12)
    xs, ys = vec.data_since(10)
    assert ys.shape == (2, 3)
    np.testing.assert_array_equal(ys[1], vec.data[xs[1]])
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="non-negative"):
            learner.data_since(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------- the reference library ---

_REF_LOSSES: dict[str, Callable[[], tuple[Any, Any]]] = {
    "default": lambda: (default_loss, ref1d.default_loss),
    "uniform": lambda: (uniform_loss, ref1d.uniform_loss),
    "abs_min_log": lambda: (abs_min_log_loss, ref1d.abs_min_log_loss),
    "triangle": lambda: (triangle_loss, ref1d.triangle_loss),
    "curvature": lambda: (curvature_loss_function(), ref1d.curvature_loss_function()),
    "resolution": lambda: (
        resolution_loss_function(0.001, 0.1),
        ref1d.resolution_loss_function(0.001, 0.1),
    ),
}


@pytest.mark.parametrize("loss", sorted(_REF_LOSSES))
def test_same_points_as_the_reference_library(loss: str) -> None:
    """ask(1)+tell, then batches with pending points: bit-identical to adaptive 1.5."""
    ours_loss, ref_loss = _REF_LOSSES[loss]()
    ours = Learner1D(peak, (-1, 1), loss_per_interval=ours_loss)
    ref = ref1d.Learner1D(peak, (-1, 1), loss_per_interval=ref_loss)
    for _ in range(300):
        (x,), _ = ours.ask(1)
        (rx,), _ = ref.ask(1)
        assert x == rx
        ours.tell(x, peak(x))
        ref.tell(rx, peak(rx))
    for k in (7, 3, 12):
        xs, _ = ours.ask(k)
        rxs, _ = ref.ask(k)
        assert xs == list(rxs)
        for x in xs[::2]:  # tell half, leave the rest pending
            ours.tell(x, peak(x))
            ref.tell(x, peak(x))
    assert ours.loss() == pytest.approx(ref.loss(), rel=1e-12)


# -------------------------------------------------------------------- hypothesis invariants ---


@SETTINGS
@given(xs=xs_strategy, data=st.data())
def test_tell_order_does_not_matter(xs: list[float], data: st.DataObject) -> None:
    xs = [-1.0, 1.0, *(x for x in xs if abs(x) != 1.0)]
    order = data.draw(st.permutations(xs))
    bulk, one_by_one = Learner1D(peak, (-1, 1)), Learner1D(peak, (-1, 1))
    # Factor 1: losses are always recomputed at the current scale, so they depend on the data
    # only (with the default factor they may be computed at an older scale, as in adaptive).
    bulk._recompute_losses_factor = one_by_one._recompute_losses_factor = 1
    bulk.tell_many(xs, [peak(x) for x in xs], force=True)
    for x in order:
        one_by_one.tell(x, peak(x))
    bulk._check_invariants()
    one_by_one._check_invariants()
    assert bulk.loss() == one_by_one.loss()
    assert bulk.ask(10) == one_by_one.ask(10)


@SETTINGS
@given(n=st.integers(1, 60), m=st.integers(0, 20), seed=st.integers(0, 2**16))
def test_retelling_known_data_changes_nothing(n: int, m: int, seed: int) -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, n)
    learner.ask(m)
    before = snapshot(learner)
    items = list(learner.data.items())
    random.Random(seed).shuffle(items)
    for x, y in items:
        learner.tell(x, y)
    learner.tell_many([x for x, _ in items], [y + 1 for _, y in items])  # values ignored
    assert snapshot(learner) == before
    learner._check_invariants()


@SETTINGS
@given(n=st.integers(0, 50), pending=st.integers(0, 10), k=st.integers(0, 30))
def test_ask_without_tell_pending_is_pure(n: int, pending: int, k: int) -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, n)
    learner.ask(pending)
    before = snapshot(learner)
    first = learner.ask(k, tell_pending=False)
    assert snapshot(learner) == before
    assert learner.ask(k, tell_pending=False) == first
    assert learner.ask(k) == first
    learner._check_invariants()


@settings(max_examples=6, deadline=None)
@given(
    x_scale=st.floats(0.01, 100),
    x_shift=st.floats(-10, 10),
    y_scale=st.floats(0.01, 1000) | st.floats(-1000, -0.01),
    y_shift=st.floats(-100, 100),
)
def test_scaling_the_function_does_not_change_where_points_go(
    x_scale: float, x_shift: float, y_scale: float, y_shift: float
) -> None:
    control = Learner1D(peak, (-1, 1))
    lo, hi = -1 * x_scale + x_shift, 1 * x_scale + x_shift
    scaled = Learner1D(lambda x: y_scale * peak((x - x_shift) / x_scale) + y_shift, (lo, hi))
    control._recompute_losses_factor = scaled._recompute_losses_factor = 1
    for _ in range(150):
        (cx,), _ = control.ask(1)
        (sx,), _ = scaled.ask(1)
        assert (sx - x_shift) / x_scale == pytest.approx(cx, abs=1e-9)
        control.tell(cx, control.function(cx))
        scaled.tell(sx, scaled.function(sx))
    assert scaled.loss() == pytest.approx(control.loss(), rel=1e-6)


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("ask"), st.integers(0, 6), st.booleans()),
        st.tuples(st.just("tell_pending_points"), st.integers(0, 10), st.just(0)),
        st.tuples(st.just("tell_new"), st.floats(-1.2, 1.2), st.sampled_from(["f", "nan", "inf"])),
        st.tuples(st.just("tell_pending"), st.floats(-1.2, 1.2), st.just(0)),
        st.tuples(st.just("tell_many"), st.integers(0, 10), st.booleans()),
        st.tuples(st.just("remove_unfinished"), st.just(0), st.just(0)),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(ops=_OPS, loss=st.sampled_from(sorted(LOSSES)), vec=st.booleans())
def test_invariants_hold_after_any_operations(
    ops: list[tuple[str, Any, Any]], loss: str, vec: bool
) -> None:
    f = vector if vec else peak
    learner = Learner1D(f, (-1, 1), loss_per_interval=LOSSES[loss])

    def value(x: float, kind: str = "f") -> Any:
        y = f(x)
        if kind == "f":
            return y
        bad = math.nan if kind == "nan" else math.inf
        return np.full(3, bad) if vec else bad

    for op, a, b in ops:
        if op == "ask":
            learner.ask(a, tell_pending=b)
        elif op == "tell_pending_points":
            for x in sorted(learner.pending_points)[:a]:
                learner.tell(x, value(x))
        elif op == "tell_new":
            learner.tell(a, value(a, b))
        elif op == "tell_pending":
            learner.tell_pending(a)
        elif op == "tell_many":
            xs = sorted(learner.pending_points)[:a]
            learner.tell_many(xs, [value(x) for x in xs], force=b)
        else:
            learner.remove_unfinished()
        learner._check_invariants()


# ------------------------------------------------------------------------ NaN and infinity ---


def test_nan_and_inf_values_do_not_corrupt_the_learner() -> None:
    def holes(x: float) -> float:
        if 0.5 < x < 0.6:
            return math.nan
        if -0.5 < x < -0.45:
            return math.inf if x > -0.47 else -math.inf
        return peak(x)

    learner = Learner1D(holes, (-1, 1))
    run(learner, 400)
    learner._check_invariants()
    loss = learner.loss()
    assert math.isfinite(loss)
    # The y-scale comes from the finite values only, so the peak is still resolved...
    state = learner._snapshot()
    assert state.y_scale == pytest.approx(state.y_max - state.y_min)
    assert math.isfinite(state.y_scale)
    xs = np.array(sorted(learner.data))
    assert np.sum(np.abs(xs - 0.123) < 0.05) > 60
    # ...and the regions without finite values are sampled like uniform_loss would.
    assert 0 < np.sum((xs > 0.5) & (xs < 0.6)) < 60


def test_inf_value_alone_keeps_a_finite_loss() -> None:
    learner = Learner1D(peak, (-1, 1))
    learner.tell_many([-1.0, 0.0, 1.0], [0.0, math.inf, 1.0])
    assert learner._snapshot().y_scale == 1.0
    assert learner.loss() == pytest.approx(0.5)  # the intervals' width over the bounds' width
    learner._check_invariants()


def test_nan_vector_components_are_ignored_for_the_scale() -> None:
    learner = Learner1D(vector, (-1, 1))
    learner.tell(-1.0, [0.0, math.nan, 1.0])
    learner.tell(1.0, [2.0, 5.0, 1.0])
    learner.tell(0.0, [1.0, 1.0, math.nan])
    assert learner._snapshot().y_scale == 4.0  # component 1: 5 - 1; its NaN is ignored
    assert math.isfinite(learner.loss())
    learner._check_invariants()


# --------------------------------------------------------------------------- loss functions ---


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("f", [peak, vector], ids=["scalar", "vector"])
def test_every_loss_function_learns(name: str, f: Callable[[float], Any]) -> None:
    learner = Learner1D(f, (-1, 1), loss_per_interval=LOSSES[name])
    run(learner, 120)
    learner._check_invariants()
    assert learner.npoints == 120
    assert learner.vdim == (3 if f is vector else 1)
    if name != "resolution":
        assert math.isfinite(learner.loss())


def test_resolution_loss_respects_min_and_max_length() -> None:
    loss = resolution_loss_function(min_length=0.01, max_length=0.05)
    learner = Learner1D(peak, (-1, 1), loss_per_interval=loss)
    run(learner, 100)
    widths = np.diff(sorted(learner.data)) / 2  # relative to the bounds' width
    assert widths.max() <= 0.05
    assert widths.min() >= 0.01 / 2  # an interval is only split while above min_length


def test_uniform_loss_gives_a_uniform_grid() -> None:
    learner = Learner1D(peak, (0, 1), loss_per_interval=uniform_loss)
    run(learner, 17)
    assert sorted(learner.data) == pytest.approx(np.linspace(0, 1, 17).tolist())


def test_custom_loss_with_neighbours_sees_them() -> None:
    seen: list[tuple[Any, ...]] = []

    @uses_nth_neighbors(2)
    def loss(xs: tuple[Any, ...], ys: tuple[Any, ...]) -> float:
        seen.append(xs)
        return xs[3] - xs[2]

    learner = Learner1D(peak, (0, 1), loss_per_interval=loss)
    run(learner, 20)
    learner._check_invariants()
    assert all(len(xs) == 6 for xs in seen)
    assert any(xs[0] is None for xs in seen)
    assert any(None not in xs for xs in seen)


def test_a_tell_keeps_the_entries_of_intervals_whose_loss_is_unchanged() -> None:
    # With nth_neighbors=1 a tell recomputes four losses, but this loss changes only for the
    # two intervals the new point splits: the other two keep their heap entries. (The bounds
    # fix the y-scale of a linear function, so no loss is redone for a new scale.)
    @uses_nth_neighbors(1)
    def width(xs: tuple[Any, ...], ys: tuple[Any, ...]) -> float:
        return float(xs[2] - xs[1])

    learner = Learner1D(lambda x: x, (-1, 1), loss_per_interval=width)
    run(learner, 10)
    rng = random.Random(3)
    for _ in range(30):
        xs, _ = learner.ask(3)
        rng.shuffle(xs)
        for x in xs:
            before = len(learner._rheap)
            learner.tell(x, x)
            assert len(learner._rheap) - before <= 2 or len(learner._rheap) < before
            learner._check_invariants()


def test_skipped_entries_stay_exact_with_pending_points_around() -> None:
    learner = Learner1D(peak, (-1, 1), loss_per_interval=interpolation_error_loss)
    rng = random.Random(5)
    run(learner, 20)
    for _ in range(40):
        xs, _ = learner.ask(rng.randint(1, 4))
        rng.shuffle(xs)
        for x in xs[: rng.randint(1, len(xs))]:
            learner.tell(x, peak(x))
            learner._check_invariants()


def test_window_losses_of_intervals_below_the_resolution_are_those_of_the_generic_path() -> None:
    # The batch path (window_losses) hands intervals narrower than the floating-point
    # resolution back to the generic path (loss 0), wherever they lie in the run of points.
    learner = Learner1D(peak, (-1, 1), loss_per_interval=interpolation_error_loss)
    learner._recompute_losses_factor = 1
    for x in np.linspace(-1, 1, 41).tolist():
        learner.tell(x, peak(x))
    x0 = 0.3
    tiny = [x0]
    for _ in range(3):
        tiny.append(math.nextafter(tiny[-1], 1.0))
    for x in tiny[1:]:
        learner.tell(x, peak(x))
        learner._check_invariants()
    # (grid spacing 0.05) 0.375: the tiny interval (tiny[2], tiny[3]) is the first of the
    # intervals whose losses the new point changes; 0.225: (x0, tiny[1]) is the last; then
    # closer points
    for x in [0.375, 0.225, x0 + 0.02, x0 - 0.02, x0 + 0.01, x0 - 0.01, x0 + 0.005]:
        learner.tell(x, peak(x))
        learner._check_invariants()
        assert learner.losses[tiny[1], tiny[2]] == 0.0
    run(learner, 40)
    learner._check_invariants()


# ---------------------------------------------------------------------------- vector output ---


def test_vector_output() -> None:
    learner = Learner1D(vector, (-1, 1))
    assert learner.vdim == 1  # unknown yet
    run(learner, 50)
    assert learner.vdim == 3
    arr = learner.to_numpy()
    assert arr.shape == (50, 4)
    assert np.all(np.diff(arr[:, 0]) > 0)
    np.testing.assert_array_equal(arr[0, 1:], learner.data[arr[0, 0]])


def test_to_numpy_scalar_and_empty() -> None:
    learner = Learner1D(peak, (-1, 1))
    assert learner.to_numpy().shape == (0, 2)
    run(learner, 10)
    arr = learner.to_numpy()
    assert arr.shape == (10, 2)
    assert arr[:, 1].tolist() == [learner.data[x] for x in arr[:, 0]]


# ------------------------------------------------------------------------------- dataframes ---


def with_offset(x: float, offset: float = 0.25) -> float:
    return x + offset


def test_dataframe_round_trip_with_default_args() -> None:
    learner = Learner1D(with_offset, (-1, 1))
    run(learner, 15)
    df = learner.to_dataframe()
    assert list(df.columns) == ["x", "y", "function.offset"]
    assert df.attrs == {"inputs": ["x"], "output": "y"}
    assert (df["function.offset"] == 0.25).all()
    assert df["x"].is_monotonic_increasing
    df["function.offset"] = 0.5
    fresh = Learner1D(with_offset, (-1, 1))
    with pytest.warns(UserWarning, match="offset=0.25"):
        fresh.load_dataframe(df)
    assert same_data(fresh.data, learner.data)
    assert fresh.function(1.0) == 1.5  # the DataFrame's default is bound


def test_dataframe_names_prefix_and_vectors() -> None:
    learner = Learner1D(vector, (-1, 1))
    run(learner, 10)
    df = learner.to_dataframe(with_default_function_args=False, x_name="t", y_name="v")
    assert list(df.columns) == ["t", "v"]
    assert isinstance(df["v"].iloc[0], np.ndarray)
    fresh = Learner1D(vector, (-1, 1))
    fresh.load_dataframe(df, with_default_function_args=False, x_name="t", y_name="v")
    assert same_data(fresh.data, learner.data)
    assert fresh.function is vector
    with pytest.raises(KeyError, match="x_name"):
        fresh.load_dataframe(df)


def test_dataframe_prefix_errors() -> None:
    learner = Learner1D(with_offset, (-1, 1))
    run(learner, 5)
    df = learner.to_dataframe(function_prefix="fn_")
    assert "fn_offset" in df.columns
    with pytest.raises(ValueError, match="function_prefix"):
        learner.new().load_dataframe(df, function_prefix="")
    df["fn_nope"] = 1
    with pytest.raises(ValueError, match="no parameter 'nope'"):
        learner.new().load_dataframe(df, function_prefix="fn_")


# ------------------------------------------------------------------------------ persistence ---


def test_save_load_round_trip(tmp_path: Any) -> None:
    learner = Learner1D(peak, (-1, 1))
    learner._recompute_losses_factor = 1
    run(learner, 150)
    fname = tmp_path / "sub" / "learner.p"
    learner.save(fname)
    control = Learner1D(peak, (-1, 1))
    control._recompute_losses_factor = 1
    control.load(fname)
    control._check_invariants()
    assert same_data(control.data, learner.data)
    assert control.loss() == learner.loss()
    assert control.ask(5) == learner.ask(5)
    control.load(tmp_path / "missing.p")  # a missing file is not an error
    assert control.npoints == 150


def test_load_rejects_corrupt_file_and_keeps_data(tmp_path: Any) -> None:
    learner = Learner1D(peak, (-1, 1))
    run(learner, 20)
    fname = tmp_path / "l.p"
    learner.save(fname)
    blob = fname.read_bytes()
    fname.write_bytes(blob[: len(blob) // 2])
    other = Learner1D(peak, (-1, 1))
    run(other, 5)
    before = snapshot(other)
    with pytest.raises(LearnerFileError):
        other.load(fname)
    assert snapshot(other) == before


def test_vector_save_load(tmp_path: Any) -> None:
    learner = Learner1D(vector, (-1, 1))
    run(learner, 30)
    learner.save(tmp_path / "v.p", compress=False)
    control = learner.new()
    control.load(tmp_path / "v.p")
    assert same_data(control.data, learner.data)
    assert control.vdim == 3


def test_pickle_with_lambda_and_closure() -> None:
    scale = 3.0

    def closure(x: float) -> float:
        return scale * peak(x)

    for f in (lambda x: x**3 - x, closure):
        learner = Learner1D(f, (-1, 1), loss_per_interval=curvature_loss_function())
        run(learner, 40)
        learner.ask(3)
        clone = pickle.loads(pickle.dumps(learner))
        clone._check_invariants()
        assert snapshot(clone) == snapshot(learner)
        assert clone.function(0.5) == f(0.5)
        for _ in range(20):  # the clone continues exactly like the original
            assert clone.ask(2) == learner.ask(2)
            for x in sorted(learner.pending_points):
                learner.tell(x, f(x))
                clone.tell(x, f(x))


def test_bulk_tell_many_of_many_points() -> None:
    rng = np.random.default_rng(1)
    xs = np.concatenate([[-1.0, 1.0], rng.uniform(-1, 1, 20_000)])
    ys = np.array([peak(x) for x in xs])
    learner = Learner1D(peak, (-1, 1))
    learner.tell_many(xs, ys)
    assert learner.npoints == len(np.unique(xs))
    learner._check_invariants()
    incremental = Learner1D(peak, (-1, 1))
    incremental._recompute_losses_factor = 1
    for x, y in zip(xs[:3000], ys[:3000], strict=True):
        incremental.tell(x, y)
    bulk = Learner1D(peak, (-1, 1))
    bulk.tell_many(xs[:3000], ys[:3000])
    assert bulk.ask(20) == incremental.ask(20)


@pytest.mark.parametrize("force", [False, True])
def test_tell_many_arrays_and_lists_agree(force: bool) -> None:
    xs = [0.5, -1.0, 0.25, 0.5, 1.0, 3.0, 0.25, 0.0]
    ys = [1.0, 2.0, math.nan, 9.0, 4.0, 5.0, 9.0, 6.0]  # repeated x: the first value counts
    as_lists, as_arrays = Learner1D(peak, (-1, 1)), Learner1D(peak, (-1, 1))
    as_lists.tell(0.0, 6.0)
    as_arrays.tell(0.0, 6.0)
    as_lists.tell_many(xs, ys, force=force)
    as_arrays.tell_many(np.array(xs), np.array(ys), force=force)
    assert list(as_arrays.data) == list(as_lists.data) == [0.0, 0.5, -1.0, 0.25, 1.0, 3.0]
    assert snapshot(as_arrays)[1:] == snapshot(as_lists)[1:]
    assert same_data(as_arrays.data, as_lists.data)
    as_arrays._check_invariants()
    ints = Learner1D(peak, (-1, 1))
    ints.tell_many(np.array([-1, 0, 1]), np.array([3, 4, 5]))
    assert ints.data == {-1.0: 3.0, 0.0: 4.0, 1.0: 5.0}
    with pytest.raises(ValueError, match="finite"):
        ints.tell_many(np.array([0.3, np.nan]), np.array([1.0, 2.0]))
    assert ints.npoints == 3


# -------------------------------------------------------------------------------- plotting ---


def test_plot_returns_holoviews_objects() -> None:
    hv = pytest.importorskip("holoviews")
    learner = Learner1D(peak, (-1, 1))
    empty = learner.new()
    run(learner, 20)
    plot = learner.plot()
    assert isinstance(plot, hv.Overlay)
    assert isinstance(plot.relabel("a") + empty.plot(), hv.Layout)
    # the exact form of the spec page (option groups, removed from holoviews' own .opts)
    combined = learner.plot().Scatter.I.opts(style=dict(size=6)) * empty.plot()  # noqa: C408
    assert isinstance(combined, hv.Overlay)
    style = hv.Store.lookup_options("bokeh", combined.Scatter.I, "style").kwargs
    assert style["size"] == 6
    assert isinstance(learner.plot(scatter_or_line="line"), hv.Overlay)
    assert isinstance(learner.plot().Scatter.I * empty.plot(), hv.Overlay)
    # copies and pickles of the plot are plain holoviews objects that render
    renderer = hv.renderer("bokeh")
    for clone in (copy.deepcopy(plot), pickle.loads(pickle.dumps(plot)), plot.clone()):
        assert isinstance(clone, hv.Overlay)
        renderer.get_plot(clone)
    renderer.get_plot(plot)
    vec = Learner1D(vector, (-1, 1))
    run(vec, 10)
    assert len(vec.plot()) == 3
    lo, hi = plot.get_dimension("x").range
    assert (lo, hi) == pytest.approx((-1.1, 1.1))


# ------------------------------------------------------------------------------ bad inputs ---


@pytest.mark.parametrize(
    ("bounds", "error", "match"),
    [
        ((0,), ValueError, "got 1 values"),
        ((0, 1, 2), ValueError, "got 3 values"),
        ((1, 0), ValueError, "swap them"),
        ((1, 1), ValueError, "lower < upper"),
        ((0, math.inf), ValueError, "finite"),
        ((math.nan, 1), ValueError, "finite"),
        (("a", 1), TypeError, "not a real number"),
        ((None, 1), TypeError, "not a real number"),
        ((1j, 2), TypeError, "not a real number"),
        (5, TypeError, "pair"),
        ("ab", TypeError, "pair"),
    ],
)
def test_bad_bounds(bounds: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        Learner1D(peak, bounds)


def test_bad_function_and_loss() -> None:
    with pytest.raises(TypeError, match="callable"):
        Learner1D(42, (0, 1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"curvature_loss_function\(\)"):
        Learner1D(peak, (0, 1), loss_per_interval=curvature_loss_function)  # type: ignore[arg-type]  # the factory, not a loss
    with pytest.raises(TypeError, match="must be a function"):
        Learner1D(peak, (0, 1), loss_per_interval="default")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="two arguments"):
        Learner1D(peak, (0, 1), loss_per_interval=lambda ip: 1.0)  # type: ignore[arg-type,misc]

    def loss(xs: Any, ys: Any) -> float:
        return 1.0

    loss.nth_neighbors = -1  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="non-negative"):
        Learner1D(peak, (0, 1), loss_per_interval=loss)
    learner = Learner1D(peak, (0, 1), loss_per_interval=lambda xs, ys: "big")
    learner.tell(0, 1)
    with pytest.raises(TypeError, match="must return a real number"):
        learner.tell(1, 2)


def test_bad_ask_and_tell() -> None:
    learner = Learner1D(vector, (-1, 1))
    with pytest.raises(ValueError, match=">= 0"):
        learner.ask(-1)
    with pytest.raises(TypeError, match="non-negative int"):
        learner.ask(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-negative int"):
        learner.ask(True)
    with pytest.raises(ValueError, match="finite"):
        learner.tell(math.nan, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        learner.tell_pending(math.inf)
    with pytest.raises(TypeError, match="real numbers"):
        learner.tell("0.5", [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="tell_pending"):
        learner.tell(0.5, None)
    with pytest.raises(TypeError, match="real number or a 1D sequence"):
        learner.tell(0.5, "abc")
    with pytest.raises(ValueError, match="shape"):
        learner.tell(0.5, np.ones((2, 2)))
    learner.tell(0.5, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same shape"):
        learner.tell(0.6, [1.0, 2.0])
    with pytest.raises(ValueError, match="same shape"):
        learner.tell(0.6, 1.0)
    with pytest.raises(ValueError, match="same length"):
        learner.tell_many([0.1, 0.2], [[1, 2, 3]])
    # a bad value in a batch leaves the learner unchanged
    before = snapshot(learner)
    with pytest.raises(ValueError, match="same shape"):
        learner.tell_many([0.1, 0.2, 0.3, 0.4], [[1, 2, 3], [1, 2, 3], [1, 2], [1, 2, 3]])
    assert snapshot(learner) == before
    with pytest.raises(ValueError, match="scatter_or_line"):
        learner.plot(scatter_or_line="bars")


def test_names_of_the_module_before_its_split_still_resolve() -> None:
    # learner1D.py was split into _loss1d, _interval_index and _data1d; code (and pickles)
    # that reached these names through this module keep working.
    import adaptive_nb.learner.learner1D as module  # noqa: N813

    names = [
        "BaseLearner",
        "CEntry",
        "Learner1D",
        "LossFunction",
        "REntry",
        "Real",
        "YInternal",
        "_BIG",
        "_EPS",
        "_INF",
        "_LOSS_FACTORIES",
        "_NODE_STATE",
        "_ROUND",
        "_SORTED_LOAD",
        "_as_x",
        "_as_y",
        "_assert_heap",
        "_chain",
        "_check_bounds",
        "_check_loss",
        "_check_real",
        "_finite",
        "_gc_paused",
        "_heappush",
        "_linspace",
        "_log_abs_min",
        "_refill_heap",
        "_same_float",
        "_sorted_list",
        "_triangle_area",
        "abs_min_log_loss",
        "accept_legacy_opts",
        "assign_defaults",
        "curvature_loss_function",
        "default_loss",
        "holoviews_with_backend",
        "partial_function_from_dataframe",
        "resolution_loss_function",
        "triangle_loss",
        "uniform_loss",
        "uses_nth_neighbors",
    ]
    assert [n for n in names if not hasattr(module, n)] == []
    # Names added since the split: the loss estimating the interpolation error.
    added = {"interpolation_error_loss", "interpolation_error_loss_function"}
    assert set(module.__all__) <= set(names) | added


# A Learner1D (math.sin on (-2, 2), default loss, 12 points told one by one through ask(1), then
# ask(3) pending) pickled by adaptive_nb before learner1D.py was split into private modules;
# zlib-compressed, base64. Pickles name classes and functions by module path.
OLD_PICKLE = (
    "eNqFlF1oFFcUx1dN1NjE2EolVqyg4Edr1+StSuEGkU7lyj5ofZTbycxNdnB2Zp2ZjRtRsIJf8UIKXp/EQslDqagv"
    "ikIlzlaf/QJftVIRQko0UGh9sOrd2Tn3zu7ObvKS2fMx95z//zf3eMeFv7oy0R9bq5t6MbBGKXGGsjbVPYd68H9g"
    "F2dde+Tzeb7lR77zN9F5vPPCz/ELjvHNbOlwyTECy3U46yjoQZ6zRb7liHq2eMgtOabPtUqtOqMNxg+nOPvYdn2f"
    "FKlHLCeg3qhu83nH6TbpsF6yA1LtrZ7Q4wR54lBrJD/kej7HGdZHPGq4hWIpoFEV9cmwbgSux/FC1mHqgc7F0Gqi"
    "cLbv35nHN76Vo2kIIhmIyIdwDh5mZr+f6Op+pSGIIIiEz6Hm2bXpAHfOaQgiCCLhI6h5ePnVk38+PawhiCCIhG+g"
    "5vXfRy5uLZzTEEQQRMJpqHn58O2qcKKnxJYXqWNazggpukJXn0+IZcMKNEI9iiM/scVCpRFS5geSogy23lwuLPeU"
    "68mt5DJyBzk6TEzjg8eig6UJzdorpaXAUlcpp1RRiic1k1LFClHWSUZNq8DxAtZBRqnBz7IegYgfkBgufoZ1k7wu"
    "IIzxPcOWkLJv6Dbl2uCK+MtZQswyoUUB9zfxtuLFYwUBvjw8CuhlLocQTWPxe9D7OPQRcW1Thf+v7S/UcTwqPgnc"
    "zZYSw3e9gJqcrak9GK4T6Jb4JvxsLWBbfsDZsn3Rjz3VH+frDVUwzTUYkeBVulZpdB9VGp1VTE83giG9BoroSb5X"
    "3A3Ep4c4HhCrGbqRp+IzFMI7rkmJ4dqlguPXoyAtlASAhYoAMD4nR80pBgCPnEJH0gCcUXGkOPOPXueHp29PpOiF"
    "qqln6yc19O7E13ffr5gOqjPeWzc+e/DdVIqsqJqyN6yur/990Y5r/YOfp6iPotTuTglEVH/n6CfLr0zeTzEJRamd"
    "v9bX39221zhr7kvxEkWpS2VJVm3+LVPjvfuPqjLldJQ6Fybqc4kGVfeofQNMlAJM6kQPVt3LT373X6JMKhqlek81"
    "HvDn5PjNF9tTsEPV1K2+mXqJKm9+uX1p5VQznQLuaqr/aqI+Nx8XeL0iA5LtycAbFBuQbM8G/kLRAcn2dOAvFR+Q"
    "bM8H/kz5Acmo43ojIXAp4KyGrseWQ7K+o/H2wNvm6Wi6ZnC/6shkUjqa7iM80KKjJYd4XYLE5FR3mkgEP7YKdYHF"
    "52kdjVch/qpFR0t48cYEvknPW+KLNyUAllzl6GleyvKh7Ad7a1q5"
)


def test_a_pickle_written_before_the_split_loads_and_continues_the_same() -> None:
    import base64
    import zlib

    old = pickle.loads(zlib.decompress(base64.b64decode(OLD_PICKLE)))
    old._check_invariants()
    assert old.loss_per_interval is default_loss
    # the same history replayed on a fresh learner: the same state and the same future
    fresh = Learner1D(math.sin, (-2, 2))
    for x, y in old.data.items():
        fresh.tell(x, y)
    for x in sorted(old.pending_points):
        fresh.tell_pending(x)
    assert len(old.data) == 12
    assert len(old.pending_points) == 3
    assert snapshot(old) == snapshot(fresh)
    assert old.ask(4) == fresh.ask(4)
    assert old.loss() == fresh.loss()
