"""Tests of Learner2D: API against the reference, determinism (hypothesis), local losses,
bad input, persistence (including files of the reference library), plotting."""

from __future__ import annotations

import json
import math
import pickle
import random
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import adaptive  # the reference library (adaptive 1.5)
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adaptive_nb
from adaptive_nb import LearnerFileError
from adaptive_nb.learner.learner2D import (
    Learner2D,
    areas,
    default_loss,
    deviations,
    interpolation_error_loss,
    interpolation_error_loss_function,
    minimize_triangle_surface_loss,
    resolution_loss_function,
    thresholded_loss_function,
    triangle_loss,
    uniform_loss,
)
from adaptive_nb.runner import replay_log, simple

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDS = [(-1.0, 1.0), (-1.0, 2.0)]


def ring(xy: tuple[float, float]) -> float:
    x, y = xy
    return x * y + math.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2)


def vector(xy: tuple[float, float]) -> np.ndarray:
    x, y = xy
    return np.array([math.sin(3 * x) * y, x**2 - y])


def run(learner: Any, n: int, f: Callable[[Any], Any] | None = None) -> None:
    f = f or learner.function
    for _ in range(n):
        (p,), _ = learner.ask(1)
        learner.tell(p, f(p))


def tri_set(learner: Learner2D) -> set[frozenset[tuple[float, float]]]:
    verts, simp = learner.triangles()
    return {frozenset(map(tuple, verts[s].tolist())) for s in simp}


def state(learner: Learner2D) -> tuple[Any, ...]:
    return (
        dict(learner.data),
        set(learner.pending_points),
        learner.loss(),
        learner.loss(real=False),
        learner.npoints,
    )


# ------------------------------------------------------------------------------ API ---


def test_is_exported_and_matches_the_reference_api() -> None:
    assert adaptive_nb.Learner2D is Learner2D
    assert adaptive_nb.learner.Learner2D is Learner2D
    ours = Learner2D(ring, BOUNDS)
    ref = adaptive.Learner2D(ring, BOUNDS)
    for name in dir(ref):
        if not name.startswith("_"):
            assert hasattr(ours, name), name
    assert ours.bounds == ref.bounds
    assert ours.ndim == 2
    assert ours.stack_size == ref.stack_size == 10
    assert ours.aspect_ratio == ref.aspect_ratio == 1
    np.testing.assert_array_equal(ours.xy_scale, ref.xy_scale)
    assert ours.vdim == ref.vdim == 1
    assert ours.npoints == 0
    assert ours.loss() == ref.loss() == math.inf
    assert not ours.bounds_are_done
    assert ours.inside_bounds((1, 2))
    assert not ours.inside_bounds((1.01, 0))


def test_first_points_are_the_reference_s_corners() -> None:
    ours = Learner2D(ring, BOUNDS)
    ref = adaptive.Learner2D(ring, BOUNDS)
    pts, imps = ours.ask(4)
    rpts, rimps = ref.ask(4)
    assert pts == [tuple(p) for p in rpts]
    assert imps == rimps == [math.inf] * 4
    for p in pts:
        ours.tell(p, ring(p))
        ref.tell(p, ring(p))
    assert ours.bounds_are_done
    assert ref.bounds_are_done
    assert math.isfinite(ours.loss())
    # The first point after the corners refines one of the two triangles of the square.
    (p,), _ = ours.ask(1)
    assert ours.inside_bounds(p)


def test_ask_one_at_a_time_gives_the_corners_then_interior_points() -> None:
    learner = Learner2D(ring, BOUNDS)
    seen = []
    for _ in range(6):
        (p,), (imp,) = learner.ask(1)
        seen.append(p)
        assert (imp == math.inf) == (len(seen) <= 4)
    assert seen[:4] == [(-1.0, -1.0), (-1.0, 2.0), (1.0, -1.0), (1.0, 2.0)]
    assert learner.pending_points == set(seen)


def test_new_keeps_the_parameters_and_drops_the_data() -> None:
    loss = resolution_loss_function(0.01, 0.5)
    learner = Learner2D(ring, BOUNDS, loss_per_triangle=loss)
    run(learner, 20)
    fresh = learner.new()
    assert fresh.npoints == 0
    assert fresh.loss_per_triangle is loss
    assert fresh.bounds == learner.bounds
    assert fresh.function is ring


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="bounds"):
        Learner2D(ring, [(1, 0), (0, 1)])
    with pytest.raises(ValueError, match="bounds"):
        Learner2D(ring, [(0, 1)])
    with pytest.raises(TypeError, match="callable"):
        Learner2D(ring, BOUNDS, loss_per_triangle=3)  # type: ignore[arg-type]


def test_ask_without_tell_pending_changes_nothing() -> None:
    learner = Learner2D(ring, BOUNDS)
    for n in (1, 3, 6):
        before = state(learner)
        pts, _ = learner.ask(n, tell_pending=False)
        assert state(learner) == before
        assert learner.ask(n, tell_pending=False)[0] == pts
        learner._check_invariants()
        run(learner, 15)
    pts, imps = learner.ask(5, tell_pending=False)
    assert learner.ask(5) == (pts, imps)  # the same points as when they are marked pending
    assert len(set(pts)) == 5


def test_loss_is_local_and_matches_a_full_recomputation() -> None:
    learner = Learner2D(ring, BOUNDS)
    for _ in range(10):
        run(learner, 30)
        learner._check_invariants()  # compares every loss with a from-scratch computation
    losses = [learner.loss()]
    run(learner, 300)
    losses.append(learner.loss())
    assert losses[1] < losses[0]


def test_pending_points_and_remove_unfinished() -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 50)
    pts, _ = learner.ask(7)
    assert learner.pending_points == set(pts)
    assert learner.loss(real=False) <= learner.loss()
    learner._check_invariants()
    for p in pts[:3]:
        learner.tell(p, ring(p))
    learner._check_invariants()
    learner.remove_unfinished()
    assert not learner.pending_points
    learner._check_invariants()
    other = Learner2D(ring, BOUNDS)
    other.tell_many(list(learner.data), list(learner.data.values()))
    assert learner.ask(3) == other.ask(3)


def test_tell_pending_outside_or_known_points_is_ignored() -> None:
    learner = Learner2D(ring, BOUNDS)
    learner.tell_pending((5, 5))
    learner.tell((0, 0), 1.0)
    learner.tell_pending((0, 0))
    assert not learner.pending_points
    learner._check_invariants()


# ------------------------------------------------------------------- determinism ---

grid_coord = st.integers(0, 8)


@st.composite
def datasets(draw: st.DrawFn) -> dict[tuple[float, float], float]:
    """Grid-like points (many cocircular) and a few random ones, with values."""
    n = draw(st.integers(4, 40))
    pts = draw(st.lists(st.tuples(grid_coord, grid_coord), min_size=n, max_size=n, unique=True))
    keys = [(-1 + i / 4, -1 + 3 * j / 8) for i, j in pts]
    keys += draw(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 2)), max_size=10, unique=True))
    flat = draw(st.booleans())
    return {k: (1.0 if flat else ring(k)) for k in keys}


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_order_of_tells_does_not_matter(
    data: dict[tuple[float, float], float], rnd: random.Random
) -> None:
    items = list(data.items())
    a, b = Learner2D(ring, BOUNDS), Learner2D(ring, BOUNDS)
    for k, v in items:
        a.tell(k, v)
    rnd.shuffle(items)
    for k, v in items:
        b.tell(k, v)
    c = Learner2D(ring, BOUNDS)
    c.tell_many([k for k, _ in items] * 1, [v for _, v in items])  # the bulk path
    d = pickle.loads(pickle.dumps(a))
    a._check_invariants()
    b._check_invariants()
    c._check_invariants()
    assert tri_set(a) == tri_set(b) == tri_set(c)
    assert a.loss() == b.loss() == c.loss() == d.loss()
    asked = a.ask(5)
    assert b.ask(5) == asked
    assert c.ask(5) == asked
    assert d.ask(5) == asked


def test_bulk_and_incremental_agree_on_a_sampled_run() -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 400)
    bulk = Learner2D(ring, BOUNDS)
    bulk.tell_many(list(learner.data), list(learner.data.values()))
    bulk._check_invariants()
    assert tri_set(bulk) == tri_set(learner)
    assert bulk.loss() == learner.loss()
    assert bulk.ask(10) == learner.ask(10)


def test_replay_log_reproduces_the_learner() -> None:
    learner = Learner2D(ring, BOUNDS)
    log: list[tuple[Any, ...]] = []
    for _ in range(60):
        pts, _ = learner.ask(3)
        log.append(("ask", 3))
        for p in pts[:2]:
            learner.tell(p, ring(p))
            log.append(("tell", p, ring(p)))
    other = learner.new()
    replay_log(other, log)
    assert other.data == learner.data
    assert other.pending_points == learner.pending_points
    assert other.ask(4) == learner.ask(4)


def test_simple_runner_reaches_a_loss_goal() -> None:
    learner = Learner2D(ring, BOUNDS)
    simple(learner, loss_goal=0.01)
    assert learner.loss() <= 0.01
    learner._check_invariants()


# --------------------------------------------------------------------------- losses ---


@pytest.mark.parametrize(
    "loss",
    [
        default_loss,
        uniform_loss,
        minimize_triangle_surface_loss,
        resolution_loss_function(0.01, 0.3),
        thresholded_loss_function(lower_threshold=-0.5, upper_threshold=0.5),
        interpolation_error_loss,
    ],
)
@pytest.mark.parametrize("f", [ring, vector])
def test_builtin_losses_run_locally(loss: Callable[..., Any], f: Callable[..., Any]) -> None:
    learner = Learner2D(f, BOUNDS, loss_per_triangle=loss)
    assert learner._kind is not None
    run(learner, 120)
    learner._check_invariants()
    assert learner.npoints == 120
    assert math.isfinite(learner.loss()) or loss is not default_loss


def test_uniform_loss_samples_evenly() -> None:
    learner = Learner2D(ring, [(0, 1), (0, 1)], loss_per_triangle=uniform_loss)
    run(learner, 200)
    pts = np.array(list(learner.data))
    counts, _, _ = np.histogram2d(pts[:, 0], pts[:, 1], bins=2, range=[(0, 1), (0, 1)])
    assert counts.min() > 0.15 * counts.sum()


def test_default_loss_concentrates_on_the_ring() -> None:
    learner = Learner2D(ring, [(-1, 1), (-1, 1)])
    run(learner, 600)
    r = np.hypot(*np.array(list(learner.data)).T)
    near = np.abs(r - 0.75) < 0.1
    # The band holds about 15% of the area but most of the points.
    assert near.mean() > 0.4


def test_a_custom_loss_on_the_interpolator_takes_the_slow_path() -> None:
    calls = []

    def my_loss(ip: Any) -> np.ndarray:
        calls.append(len(ip.values))
        return np.sqrt(areas(ip)) * (1 + np.abs(ip.values[ip.tri.simplices]).mean(axis=(1, 2)))

    learner = Learner2D(ring, BOUNDS, loss_per_triangle=my_loss)
    assert learner._kind is None
    run(learner, 60)
    assert calls
    assert learner.npoints == 60
    assert learner.loss() == pytest.approx(float(my_loss(learner.interpolator(scaled=True)).max()))
    learner._check_invariants()
    pts, _ = learner.ask(15)
    assert len(set(pts)) == 15


def test_reference_style_triangle_loss_runs_on_the_slow_path() -> None:
    learner = Learner2D(ring, BOUNDS, loss_per_triangle=triangle_loss)
    run(learner, 30)
    assert learner.npoints == 30
    assert math.isfinite(learner.loss())


def test_interpolator_losses_match_the_reference() -> None:
    ref = adaptive.Learner2D(ring, BOUNDS)
    rng = np.random.default_rng(1)
    pts = [tuple(p) for p in rng.uniform((-1, -1), (1, 2), (200, 2)).tolist()]
    pts += ref._bounds_points
    ref.tell_many(pts, [ring(p) for p in pts])
    ip = ref.interpolator(scaled=True)
    from adaptive.learner import learner2D as r2d  # noqa: N813  (the reference)

    np.testing.assert_allclose(areas(ip), r2d.areas(ip))
    # deviations cancel terms, so allow for a different order of operations
    np.testing.assert_allclose(deviations(ip), r2d.deviations(ip), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(default_loss(ip), r2d.default_loss(ip), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(uniform_loss(ip), r2d.uniform_loss(ip))
    np.testing.assert_allclose(
        minimize_triangle_surface_loss(ip), r2d.minimize_triangle_surface_loss(ip), rtol=1e-8
    )
    for ours, theirs in [
        (resolution_loss_function(0.01, 0.2), r2d.resolution_loss_function(0.01, 0.2)),
        (thresholded_loss_function(0, 0.5, 0.2), r2d.thresholded_loss_function(0, 0.5, 0.2)),
    ]:
        np.testing.assert_allclose(ours(ip), theirs(ip), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(triangle_loss(ip), r2d.triangle_loss(ip), rtol=1e-9)


def test_the_reference_s_own_default_loss_runs_locally() -> None:
    from adaptive.learner import learner2D as r2d  # noqa: N813  (the reference)

    learner = Learner2D(ring, BOUNDS, loss_per_triangle=r2d.default_loss)
    assert learner._kind == ("default", ())


# ------------------------------------------------------------------------ bad input ---


def test_points_outside_the_bounds_are_stored_but_not_sampled() -> None:
    learner = Learner2D(ring, BOUNDS)
    ref = adaptive.Learner2D(ring, BOUNDS)
    for lrn in (learner, ref):
        lrn.tell((5.0, 5.0), 1.0)
    assert learner.data == ref.data
    assert learner.npoints == ref.npoints == 1
    assert (5.0, 5.0) not in learner._lm.vid
    run(learner, 30)
    learner._check_invariants()
    assert learner.to_numpy().shape == (31, 3)


@pytest.mark.parametrize(
    ("point", "exc", "match"),
    [
        ((math.nan, 0.0), ValueError, "finite"),
        ((0.0, math.inf), ValueError, "finite"),
        ((1.0,), TypeError, "pairs"),
        (("a", 0.0), TypeError, "pairs"),
        ((True, 0.0), TypeError, "pairs"),
    ],
)
def test_bad_points_raise_and_name_the_point(point: Any, exc: type, match: str) -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 20)
    before = state(learner)
    with pytest.raises(exc, match=match) as info:
        learner.tell(point, 1.0)
    assert repr(point) in str(info.value)
    with pytest.raises(exc):
        learner.tell_pending(point)
    assert state(learner) == before
    learner._check_invariants()


def test_wrong_value_shapes_raise_and_name_the_point() -> None:
    learner = Learner2D(vector, BOUNDS)
    run(learner, 10)
    before = state(learner)
    with pytest.raises(ValueError, match=r"\(0\.5, 0\.5\).*length 3.*length 2"):
        learner.tell((0.5, 0.5), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="scalar"):
        learner.tell((0.5, 0.5), 1.0)
    with pytest.raises(TypeError, match=r"\(0\.5, 0\.5\)"):
        learner.tell((0.5, 0.5), None)
    with pytest.raises(ValueError, match="shape"):
        learner.tell((0.5, 0.5), [[1.0, 2.0]])
    # tell_many checks everything before storing anything
    with pytest.raises(ValueError, match="length 3"):
        learner.tell_many([(0.1, 0.1), (0.2, 0.2)], [[1.0, 2.0], [1.0, 2.0, 3.0]])
    assert state(learner) == before
    learner._check_invariants()


def test_non_finite_values_do_not_corrupt_the_learner() -> None:
    def holes(xy: tuple[float, float]) -> float:
        x, y = xy
        if x > 0.5 and y > 0.5:
            return math.nan
        if x < -0.5 and y < -0.5:
            return math.inf
        return ring(xy)

    learner = Learner2D(holes, BOUNDS)
    run(learner, 300)
    learner._check_invariants()
    assert math.isfinite(learner.loss())
    # The value scale ignores the non-finite values, so the ring still gets refined.
    r = np.hypot(*np.array(list(learner.data)).T)
    assert (np.abs(r - 0.75) < 0.1).mean() > 0.25
    bulk = Learner2D(holes, BOUNDS)
    bulk.tell_many(list(learner.data), list(learner.data.values()))
    assert bulk.ask(3) == learner.ask(3)


def test_telling_a_point_again_replaces_its_value() -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 40)
    p = next(iter(learner.data))
    learner.tell(p, 100.0)
    assert learner.data[p] == 100.0
    learner._check_invariants()
    assert learner.npoints == 40


# ---------------------------------------------------------------------- vector, data ---


def test_vector_output() -> None:
    learner = Learner2D(vector, BOUNDS)
    ref = adaptive.Learner2D(vector, BOUNDS)
    run(learner, 50)
    for p, v in learner.data.items():
        ref.tell(p, v)
    assert learner.vdim == ref.vdim == 2
    np.testing.assert_array_equal(learner.to_numpy(), ref.to_numpy())
    xs, _, zs = learner.interpolated_on_grid(20)
    rxs, _, rzs = ref.interpolated_on_grid(20)
    np.testing.assert_allclose(xs, rxs)
    np.testing.assert_allclose(zs, rzs)
    pts, vals = learner.data_since(45)
    assert pts.shape == (5, 2)
    assert vals.shape == (5, 2)


def test_data_since_and_triangles() -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 30)
    pts, vals = learner.data_since(0)
    assert [tuple(p) for p in pts.tolist()] == list(learner.data)
    assert vals.tolist() == list(learner.data.values())
    assert learner.data_since(30)[0].shape == (0, 2)
    with pytest.raises(ValueError, match="start"):
        learner.data_since(-1)
    verts, simp = learner.triangles()
    used = {tuple(v) for v in verts[np.unique(simp)].tolist()}
    assert used == set(learner.data)
    assert tri_set(learner) == {
        frozenset(map(tuple, learner._unscale(learner.interpolator(scaled=True).tri.points[s])))
        for s in learner.interpolator(scaled=True).tri.simplices
    } or len(simp) == len(learner.interpolator().tri.simplices)
    # Pending points are vertices too; triangles touching them are left out.
    asked, _ = learner.ask(2)
    verts, simp2 = learner.triangles()
    assert len(simp2) < len(simp)
    assert not set(asked) & {tuple(v) for v in verts[np.unique(simp2)].tolist()}


def test_dataframe_round_trip() -> None:
    def f(xy: tuple[float, float], a: float = 2.0) -> float:
        return a * xy[0] + xy[1]

    learner = Learner2D(f, BOUNDS)
    run(learner, 30)
    df = learner.to_dataframe()
    ref = adaptive.Learner2D(f, BOUNDS)
    for p, v in learner.data.items():
        ref.tell(p, v)
    assert df.equals(ref.to_dataframe())
    other = learner.new()
    other.load_dataframe(df)
    assert other.data == learner.data
    with pytest.raises(KeyError, match="zz"):
        other.load_dataframe(df, z_name="zz")


# ---------------------------------------------------------------------- persistence ---


def test_pickle_and_save_load_ask_the_same_points(tmp_path: Path) -> None:
    learner = Learner2D(ring, BOUNDS)
    run(learner, 200)
    learner.ask(3)  # with pending points: the pickle keeps them
    copy = pickle.loads(pickle.dumps(learner))
    copy._check_invariants()
    assert copy.ask(5) == learner.ask(5)
    learner.remove_unfinished()
    fname = tmp_path / "l.pickle"
    learner.save(fname)
    loaded = learner.new()
    loaded.load(fname)
    assert loaded.data == learner.data
    assert loaded.ask(5) == learner.ask(5)


def test_files_of_the_reference_library_load(tmp_path: Path) -> None:
    ref = adaptive.Learner2D(ring, BOUNDS)
    adaptive.runner.simple(ref, npoints_goal=120)
    fname = tmp_path / "ref.pickle"
    ref.save(fname)
    ours = Learner2D(ring, BOUNDS)
    ours.load(fname)
    assert ours.data == ref.data
    ours._check_invariants()
    assert math.isfinite(ours.loss())
    vref = adaptive.Learner2D(vector, BOUNDS)
    adaptive.runner.simple(vref, npoints_goal=30)
    vref.save(fname, compress=False)
    vours = Learner2D(vector, BOUNDS)
    vours.load(fname)
    assert vours.vdim == 2
    assert vours.npoints == 30


def test_a_corrupt_file_leaves_the_learner_unchanged(tmp_path: Path) -> None:
    fname = tmp_path / "bad.pickle"
    adaptive.Learner2D(ring, BOUNDS).save(fname)
    bad = {(0.0, 0.0): 1.0, (0.5, 0.5): [1.0, 2.0]}
    import gzip

    with gzip.open(fname, "wb") as f:
        pickle.dump(bad, f)
    learner = Learner2D(ring, BOUNDS)
    run(learner, 20)
    before = state(learner)
    with pytest.raises(LearnerFileError):
        learner.load(fname)
    assert state(learner) == before
    learner._check_invariants()


# ----------------------------------------------------------------------------- plot ---


def test_plot() -> None:
    import holoviews as hv

    learner = Learner2D(ring, BOUNDS)
    assert isinstance(learner.plot(), hv.Overlay)  # empty
    run(learner, 40)
    assert isinstance(learner.plot(n=30, tri_alpha=0.3), hv.Overlay)
    vec = Learner2D(vector, BOUNDS)
    run(vec, 20)
    plot = vec.plot()
    assert isinstance(plot, hv.Overlay | hv.HoloMap)


def test_ip_is_deprecated_and_interpolator_scales() -> None:
    learner = Learner2D(ring, BOUNDS)
    with pytest.raises(ValueError, match="at least 3"):
        learner.interpolator()
    run(learner, 20)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ip = learner.ip()
    assert w
    assert issubclass(w[0].category, DeprecationWarning)
    assert w[0].filename == __file__
    p = next(iter(learner.data))
    assert learner.interpolator()(*p).item() == pytest.approx(learner.data[p])
    assert ip(*learner._scale(p)).item() == pytest.approx(learner.data[p])


# ------------------------------------------------------- point placement and quality ---

coord = st.floats(-1, 1, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(st.tuples(coord, coord, coord, coord, coord, coord))
def test_new_points_lie_in_their_triangle(tri: tuple[float, ...]) -> None:
    from adaptive_nb.learner._loss2d import _place

    ax, ay, bx, by, cx, cy = tri
    area2 = abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
    longest = max((ax - bx) ** 2 + (ay - by) ** 2, (bx - cx) ** 2 + (by - cy) ** 2,
                  (cx - ax) ** 2 + (cy - ay) ** 2)  # fmt: skip
    if not area2 > 1e-6 * longest:  # degenerate triangles are never refined
        return
    px, py = _place(ax, ay, bx, by, cx, cy, (-1.0, 1.0, -1.0, 1.0))
    # Barycentric coordinates, all >= 0 up to rounding: the point is in the closed triangle.
    w = [
        (bx - px) * (cy - py) - (by - py) * (cx - px),
        (cx - px) * (ay - py) - (cy - py) * (ax - px),
        (ax - px) * (by - py) - (ay - py) * (bx - px),
    ]
    total = sum(w)
    assert all(wi / total >= -1e-9 for wi in w)
    # It is the circumcentre (equidistant from the vertices), or a fifth of the way from the
    # longest edge's midpoint to the centroid (this box has no edge of the triangle on it).
    d = [math.dist((px, py), v) for v in ((ax, ay), (bx, by), (cx, cy))]
    edges = [((ax, ay), (bx, by)), ((bx, by), (cx, cy)), ((cx, cy), (ax, ay))]
    p, q = max(edges, key=lambda e: math.dist(*e))
    mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
    gx, gy = (ax + bx + cx) / 3, (ay + by + cy) / 3
    near_mid = (mid[0] + 0.2 * (gx - mid[0]), mid[1] + 0.2 * (gy - mid[1]))
    offset = math.dist((px, py), near_mid) <= 1e-9 * math.sqrt(longest)
    assert offset or max(d) - min(d) <= 1e-9 * max(d)


def test_a_triangle_with_its_longest_edge_on_the_bounds_is_split_at_its_midpoint() -> None:
    from adaptive_nb.learner._loss2d import _place

    box = (-0.5, 0.5, -0.5, 0.5)
    # Right triangles: the hypotenuse on the boundary gets its exact midpoint (so the edges of
    # the bounds are refined); an interior hypotenuse gets a point off it, inside the triangle.
    assert _place(-0.5, -0.5, -0.5, 0.5, 0.0, 0.0, box) == (-0.5, 0.0)
    assert _place(0.5, -0.5, 0.5, 0.5, 0.0, 0.0, box) == (0.5, 0.0)
    assert _place(-0.5, -0.5, 0.0, 0.0, 0.5, -0.5, box) == (0.0, -0.5)
    px, py = _place(-0.25, -0.25, 0.25, -0.25, 0.25, 0.25, box)  # an interior hypotenuse
    assert px == pytest.approx(0.2 / 12)  # a fifth of the way to the centroid (1/12, -1/12)
    assert py == pytest.approx(-0.2 / 12)
    px, py = _place(-0.5, -0.5, -0.5, 0.5, 0.5, 0.5, box)  # hypotenuse: the diagonal
    assert (px, py) != (0.0, 0.0)
    assert px < py  # on the triangle's side of the diagonal


def peaks_np(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x, y = 3 * x, 3 * y
    return (
        3 * (1 - x) ** 2 * np.exp(-(x**2) - (y + 1) ** 2)
        - 10 * (x / 5 - x**3 - y**5) * np.exp(-(x**2) - y**2)
        - np.exp(-((x + 1) ** 2) - y**2) / 3
    )


@pytest.mark.slow  # about 5 s: the reference learner to 1000 points
def test_sampling_quality_is_at_least_the_reference_s_on_peaks() -> None:
    """Issue 10's quality bar at 1000 points (both libraries are deterministic)."""

    def f(xy: tuple[float, float]) -> float:
        return float(peaks_np(np.array(xy[0]), np.array(xy[1])))

    g = np.linspace(-1, 1, 400)
    xx, yy = np.meshgrid(g, g)
    exact = peaks_np(xx, yy)
    errors = []
    for lib in (adaptive, adaptive_nb):
        learner = lib.Learner2D(f, [(-1, 1), (-1, 1)])
        while learner.npoints < 1000:
            (p,), _ = learner.ask(1)
            learner.tell(p, f(p))
        err = np.abs(learner.interpolator()(xx, yy).reshape(xx.shape) - exact)
        errors.append((np.sqrt(np.mean(err**2)), err.max()))
    (ref_rms, ref_max), (rms, mx) = errors
    assert rms <= ref_rms
    assert mx <= ref_max


# ------------------------------------------------------------ interpolation_error_loss ---


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_interpolation_error_loss_ignores_the_order_of_tells(
    data: dict[tuple[float, float], float], rnd: random.Random
) -> None:
    items = list(data.items())
    a = Learner2D(ring, BOUNDS, loss_per_triangle=interpolation_error_loss)
    b = a.new()
    for k, v in items:
        a.tell(k, v)
    rnd.shuffle(items)
    for k, v in items:
        b.tell(k, v)
    c = a.new()
    c.tell_many([k for k, _ in items], [v for _, v in items])
    for learner in (a, b, c):
        learner._check_invariants()
    assert a.loss() == b.loss() == c.loss()
    asked = a.ask(5)
    assert b.ask(5) == asked
    assert c.ask(5) == asked


def test_interpolation_error_loss_is_scale_invariant_and_estimates_the_error() -> None:
    def f(xy: tuple[float, float]) -> float:
        return float(peaks_np(np.array(xy[0]), np.array(xy[1])))

    a = Learner2D(f, [(-1, 1), (-1, 1)], loss_per_triangle=interpolation_error_loss)
    b = Learner2D(lambda xy: 2**10 * f(xy), a.bounds, loss_per_triangle=interpolation_error_loss)
    run(a, 400)
    run(b, 400)
    assert set(a.data) == set(b.data)  # a power of 2 scales every value exactly
    a._check_invariants()
    # The loss estimates the largest interpolation error relative to the data range.
    g = np.linspace(-1, 1, 200)
    xx, yy = np.meshgrid(g, g)
    exact = peaks_np(xx, yy)
    true_err = np.abs(a.interpolator()(xx, yy).reshape(xx.shape) - exact).max() / np.ptp(exact)
    assert 0.2 < a.loss() / true_err < 5


def test_interpolation_error_loss_has_a_resolution_floor() -> None:
    """A jump must not absorb every point: with a floor, the flat parts are refined too."""

    def step(xy: tuple[float, float]) -> float:
        return 1.0 if xy[0] > 0.1 else 0.0

    loss = interpolation_error_loss_function(min_area=1e-4)
    learner = Learner2D(step, [(-1, 1), (-1, 1)], loss_per_triangle=loss)
    run(learner, 600)
    pts = np.array(list(learner.data))
    far = np.abs(pts[:, 0] - 0.1) > 0.3
    assert far.sum() > 0.1 * len(pts)
    learner._check_invariants()


def test_interpolation_error_loss_on_the_interpolator_agrees_with_the_local_one() -> None:
    learner = Learner2D(ring, BOUNDS, loss_per_triangle=interpolation_error_loss)
    rng = np.random.default_rng(1)  # points in general position: both triangulations agree
    pts = [(-1.0, -1.0), (-1.0, 2.0), (1.0, -1.0), (1.0, 2.0)]
    pts += [(float(x), float(y)) for x, y in rng.uniform((-1, -1), (1, 2), size=(300, 2))]
    learner.tell_many(pts, [ring(p) for p in pts])
    global_max = float(np.max(interpolation_error_loss(learner.interpolator(scaled=True))))
    # The local loss divides by the data range rounded up to a power of 2**(1/8).
    assert global_max / 1.1 <= learner.loss() <= global_max * 1.0001


def test_interpolation_error_loss_function_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="min_area"):
        interpolation_error_loss_function(min_area=-1)
    with pytest.raises(ValueError, match="exploration"):
        interpolation_error_loss_function(exploration=math.nan)


def test_losses_pickled_under_their_former_module_still_load() -> None:
    from adaptive_nb.learner import _loss2d, learner2D

    for name in ("default_loss", "uniform_loss", "minimize_triangle_surface_loss"):
        fn = getattr(learner2D, name)
        # Protocol 0 names a function as "c<module>\n<name>\n": point it at the old module.
        data = pickle.dumps(fn, protocol=0).replace(b"._loss2d_ip\n", b"._loss2d\n")
        assert b"._loss2d\n" in data
        assert pickle.loads(data) is fn
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _loss2d.nope  # noqa: B018


def test_a_learner_pickled_before_the_bucketed_loss_queue_loads_and_asks_the_same_points() -> None:
    # Made by old_pickles/make_learner2d_pickle.py with adaptive_nb 877cee9, whose loss queue
    # was one binary heap: today's queue rebuilds itself from the pickled entries.
    folder = Path(__file__).parent / "old_pickles"
    meta = json.loads((folder / "learner2d_877cee9.json").read_text())
    with open(folder / "learner2d_877cee9.pickle", "rb") as f:
        learner = pickle.load(f)
    assert learner.npoints == meta["npoints"]
    nxt, _ = learner.ask(5)
    assert [list(p) for p in nxt] == meta["next"]
    assert learner.loss() == meta["loss"]
    learner._lm.check()
    for p in nxt:  # and it goes on learning
        learner.tell(p, 0.0)
    learner.ask(10)
    learner._lm.check()
