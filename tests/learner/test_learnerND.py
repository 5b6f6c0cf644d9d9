"""Tests of LearnerND: reference API and points, determinism, bad input, persistence, plots."""

from __future__ import annotations

import math
import pickle
import sys
from collections.abc import Callable
from typing import Any

import adaptive  # the reference, adaptive 1.5
import numpy as np
import pytest
import scipy.spatial
from adaptive.learner import learnerND as refnd  # noqa: N813
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adaptive_nb
from adaptive_nb import LearnerFileError
from adaptive_nb.learner import learnerND as nd  # noqa: N813
from adaptive_nb.learner._lossnd import default_loss_batch
from adaptive_nb.learner.learnerND import (
    LearnerND,
    curvature_loss_function,
    default_loss,
    std_loss,
    triangle_loss,
    uniform_loss,
)

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ring(xs: Any) -> float:
    r2 = sum(x * x for x in xs)
    return float(xs[0] + math.exp(-((r2 - 0.75**2) ** 2) / 0.01**2))


def vector(xs: Any) -> np.ndarray:
    return np.array([ring(xs), xs[0] * xs[1]])


def run(learner: Any, n: int, f: Callable[[Any], Any] | None = None) -> list[Any]:
    f = f or learner.function
    asked = []
    for _ in range(n):
        (p,), _ = learner.ask(1)
        learner.tell(p, f(p))
        asked.append(tuple(map(float, p)))
    return asked


def state(learner: LearnerND) -> tuple[Any, ...]:
    tri = learner.tri
    return (
        dict(learner.data),
        set(learner.pending_points),
        None if tri is None else set(tri.simplices),
        None if tri is None else tri._hint,
        dict(learner._losses),
        learner.loss(),
    )


# -- reference behaviour --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "bounds", "loss"),
    [
        (ring, [(-1, 1), (-1, 1)], None),
        (ring, [(-1, 1), (-1, 1), (-1, 1)], None),
        (ring, [(0, 2), (-1, 3)], refnd.uniform_loss),
        (vector, [(-1, 1), (-1, 1)], None),
        (ring, [(-1, 1), (0, 1), (-1, 1), (0, 2)], None),
    ],
)
def test_same_points_as_the_reference(f: Any, bounds: Any, loss: Any) -> None:
    ours_loss = None if loss is None else getattr(nd, loss.__name__)
    ours = LearnerND(f, bounds, ours_loss)
    ref = adaptive.LearnerND(f, bounds, loss)
    for i in range(60):
        (p,), (lp,) = ours.ask(1)
        (q,), (lq,) = ref.ask(1)
        assert np.allclose(p, q, rtol=0, atol=1e-12), i
        assert math.isclose(lp, lq, rel_tol=1e-9) or lp == lq == math.inf
        ours.tell(p, f(p))
        ref.tell(q, f(q))
    assert math.isclose(ours.loss(), ref.loss(), rel_tol=1e-9)
    assert ours.npoints == ref.npoints == 60
    assert ours.vdim == ref.vdim
    assert np.allclose(ours.to_numpy(), ref.to_numpy())


def test_same_batches_as_the_reference() -> None:
    bounds = [(-1, 1), (-1, 1)]
    ours, ref = LearnerND(ring, bounds), adaptive.LearnerND(ring, bounds)
    for _ in range(8):
        ps, _ = ours.ask(7)
        qs, _ = ref.ask(7)
        assert np.allclose(ps, qs, atol=1e-12)
        ours.tell_many(ps, [ring(p) for p in ps])
        ref.tell_many(qs, [ring(q) for q in qs])


def test_convex_hull_bounds_like_the_reference() -> None:
    hull = scipy.spatial.ConvexHull([(0, 0), (1, 0), (0.5, 1), (0.2, 0.8)])
    ours, ref = LearnerND(ring, hull), adaptive.LearnerND(ring, hull)
    for _ in range(30):
        (p,), _ = ours.ask(1)
        (q,), _ = ref.ask(1)
        assert np.allclose(p, q, atol=1e-12)
        assert ours.inside_bounds(p)
        ours.tell(p, ring(p))
        ref.tell(q, ring(q))
    assert not ours.inside_bounds((0.9, 0.9))
    assert ours.bounds_are_done


def test_losses_agree_with_the_reference_functions() -> None:
    rng = np.random.default_rng(0)
    for dim, vdim in ((2, 1), (3, 1), (2, 3)):
        simplex = rng.random((dim + 1, dim))
        values = rng.random(dim + 1) if vdim == 1 else rng.random((dim + 1, vdim))
        nbrs = [rng.random(dim) for _ in range(dim)] + [None]
        nvals = [rng.random() if vdim == 1 else rng.random(vdim) for _ in range(dim)] + [None]
        for ours, ref in ((default_loss, refnd.default_loss), (std_loss, refnd.std_loss)):
            expected = float(np.asarray(ref(simplex, values, 1.0)).item())
            assert math.isclose(ours(simplex, values, 1.0), expected)
        assert math.isclose(
            uniform_loss(simplex, values, 1.0), refnd.uniform_loss(simplex, values, 1.0)
        )
        args = (simplex, values, 1.0, nbrs, nvals)
        assert math.isclose(triangle_loss(*args), refnd.triangle_loss(*args))
        assert math.isclose(
            curvature_loss_function(0.1)(*args), refnd.curvature_loss_function(0.1)(*args)
        )
        xs = simplex[None]
        ys = np.reshape(values, (1, dim + 1, -1))
        assert math.isclose(default_loss_batch(xs, ys)[0], default_loss(simplex, values, 1.0))
    # uses_nth_neighbors sets the attribute at runtime; the Callable type does not declare it
    assert curvature_loss_function().nth_neighbors == 1  # type: ignore[attr-defined]
    assert nd.orientation([(0, 0), (1, 0), (0, 1)]) == refnd.orientation([(0, 0), (1, 0), (0, 1)])
    pts = np.array([(0.0, 0.0), (1.0, 0.0), (0.0, 0.1)])
    assert np.allclose(nd.choose_point_in_simplex(pts), refnd.choose_point_in_simplex(pts))
    t = np.diag([1.0, 20.0])
    assert np.allclose(nd.choose_point_in_simplex(pts, t), refnd.choose_point_in_simplex(pts, t))


@pytest.mark.parametrize("loss", [curvature_loss_function(), triangle_loss, std_loss])
def test_neighbour_losses_run_and_stay_consistent(loss: Any) -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)], loss)
    run(learner, 150)
    tri = learner.tri
    assert tri is not None
    assert set(learner._losses) == tri.simplices
    fresh = {s: learner._compute_losses([s])[0] for s in sorted(tri.simplices)}
    assert learner._losses == pytest.approx(fresh)
    assert learner.loss() == pytest.approx(max(fresh.values()))


def test_public_api_of_the_reference() -> None:
    ref_names = {n for n in dir(adaptive.LearnerND) if not n.startswith("_")}
    ref_names -= {"triangulation_backend"}
    assert ref_names <= set(dir(LearnerND))
    names = ("default_loss", "uniform_loss", "std_loss", "triangle_loss", "volume", "to_list")
    for name in (*names, "curvature_loss_function", "choose_point_in_simplex"):
        assert callable(getattr(nd, name))
    assert adaptive_nb.LearnerND is LearnerND
    assert adaptive_nb.learner.LearnerND is LearnerND
    for backend in ("auto", "python", "rust"):
        assert LearnerND(ring, [(-1, 1)] * 2, triangulation_backend=backend).ask(1)
    with pytest.raises(ValueError, match="triangulation_backend"):
        LearnerND(ring, [(-1, 1)] * 2, triangulation_backend="fortran")
    far_loss = adaptive_nb.learner.base_learner.uses_nth_neighbors(2)(lambda *args: 1.0)
    with pytest.raises(NotImplementedError, match="nth_neighbors=2"):
        LearnerND(ring, [(-1, 1)] * 2, far_loss)


# -- contract -------------------------------------------------------------------------------------


def test_ask_zero_and_ask_without_telling_change_nothing() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    assert learner.ask(0) == ([], [])
    run(learner, 30)
    learner.ask(3)  # some pending points
    before = state(learner)
    first = learner.ask(5, tell_pending=False)
    assert state(learner) == before
    assert learner.ask(5, tell_pending=False) == first
    assert learner.ask(5) == first
    with pytest.raises(ValueError, match=">= 0"):
        learner.ask(-1)
    with pytest.raises(TypeError):
        learner.ask(1.5)  # type: ignore[arg-type]


def test_pickle_save_load_and_copy_ask_the_same_next_points(tmp_path: Any) -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1), (-1, 1)])
    run(learner, 80)
    clone = pickle.loads(pickle.dumps(learner))
    fname = tmp_path / "nd.pickle"
    learner.save(fname)
    loaded = learner.new()
    loaded.load(fname)
    copied = learner.new()
    copied.copy_from(learner)
    expected = learner.ask(6, tell_pending=False)
    for other in (clone, loaded, copied):
        assert other.ask(6, tell_pending=False) == expected
        assert other.loss() == learner.loss()
        assert list(other.data) == list(learner.data)


def test_a_corrupt_file_leaves_the_learner_unchanged(tmp_path: Any) -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 20)
    fname = tmp_path / "bad.pickle"
    fname.write_bytes(b"not a pickle")
    before = state(learner)
    with pytest.raises(LearnerFileError):
        learner.load(fname)
    assert state(learner) == before


def test_reference_files_load(tmp_path: Any) -> None:
    ref = adaptive.LearnerND(ring, [(-1, 1), (-1, 1)])
    adaptive.runner.simple(ref, npoints_goal=40)
    fname = tmp_path / "ref.pickle"
    ref.save(fname)
    ours = LearnerND(ring, [(-1, 1), (-1, 1)])
    ours.load(fname)
    assert ours.data == dict(ref.data)
    assert math.isclose(ours.loss(), ref.loss())


def test_tell_many_pending_and_remove_unfinished() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 40)
    points, _ = learner.ask(10)
    assert learner.pending_points == set(points)
    learner.remove_unfinished()
    assert not learner.pending_points
    assert not learner._subtriangulations
    assert learner.ask(10)[0] == points  # their simplices are offered again
    learner.tell_many(points, [ring(p) for p in points])
    assert not learner.pending_points
    assert learner.npoints == 50
    learner.tell(points[0], None)  # None: the reference marks it pending; it is known already
    assert not learner.pending_points


def test_data_since_returns_tells_in_order() -> None:
    learner = LearnerND(vector, [(-1, 1), (-1, 1)])
    asked = run(learner, 12)
    pts, vals = learner.data_since(0)
    assert pts.shape == (12, 2)
    assert vals.shape == (12, 2)
    assert [tuple(p) for p in pts] == asked
    pts, vals = learner.data_since(10)
    assert [tuple(p) for p in pts] == asked[10:]
    assert np.allclose(vals, [vector(p) for p in asked[10:]])
    assert learner.data_since(12)[0].shape == (0, 2)


def test_dataframe_and_numpy_round_trip() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 25)
    arr = learner.to_numpy()
    assert arr.shape == (25, 3)
    assert np.array_equal(arr[:, :2], sorted(learner.data))
    df = learner.to_dataframe(point_names=("x", "y"))
    assert list(df.columns[:3]) == ["x", "y", "value"]
    other = learner.new()
    other.load_dataframe(df, point_names=("x", "y"))
    assert other.data == learner.data
    assert other.ask(3, tell_pending=False) == learner.ask(3, tell_pending=False)
    assert list(learner.to_dataframe().columns[:3]) == ["x", "y", "value"]  # default names
    with pytest.raises(ValueError, match="point_names"):
        learner.to_dataframe(point_names=("x", "y", "z"))
    assert LearnerND(ring, [(-1, 1)] * 2).to_numpy().shape == (0, 3)


# -- bad input ------------------------------------------------------------------------------------


def test_bad_points_and_values_name_the_point_and_change_nothing() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 10)
    before = state(learner)
    with pytest.raises(ValueError, match=r"\(0\.1, 0\.2, 0\.3\)"):
        learner.tell((0.1, 0.2, 0.3), 1.0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        learner.tell((math.nan, 0.2), 1.0)
    with pytest.raises(ValueError, match=r"\(0\.1, 0\.2\).*shape"):
        learner.tell((0.1, 0.2), [1.0, 2.0])
    with pytest.raises(ValueError, match="number"):
        learner.tell((0.1, 0.2), "abc")
    assert state(learner) == before


def test_points_outside_the_bounds_are_kept_but_not_meshed() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 10)
    learner.tell((5.0, 5.0), 1.0)
    assert (5.0, 5.0) in learner.data
    assert learner.npoints == 11
    assert learner.tri is not None
    assert (5.0, 5.0) not in learner.tri.vertices
    learner.tell_pending((7.0, 0.0))
    assert (7.0, 0.0) not in learner.pending_points
    run(learner, 10)
    assert all(learner.inside_bounds(p) for p in learner.tri.vertices)


def test_non_finite_values_do_not_corrupt_the_learner() -> None:
    def spiky(xs: Any) -> float:
        return math.nan if xs[0] > 0.5 else (math.inf if xs[1] > 0.8 else ring(xs))

    learner = LearnerND(spiky, [(-1, 1), (-1, 1)])
    run(learner, 150)
    assert math.isfinite(learner.loss())
    assert all(math.isfinite(v) for v in learner._losses.values())
    assert learner.tri is not None
    assert math.isclose(sum(learner.tri.volumes()), 4.0)
    assert any(p[0] > 0.5 for p in learner.data)  # the NaN region is still sampled


def test_bad_bounds() -> None:
    with pytest.raises(ValueError, match="min < max"):
        LearnerND(ring, [(1, -1), (0, 1)])
    with pytest.raises(ValueError, match="pair"):
        LearnerND(ring, [(0, 1, 2), (0, 1)])
    with pytest.raises(ValueError, match="Learner1D"):
        LearnerND(ring, [(0, 1)])


# -- properties -----------------------------------------------------------------------------------


@SETTINGS
@given(st.permutations(range(40)), st.integers(2, 3))
def test_any_tell_order_gives_a_valid_mesh_of_all_points(order: list[int], dim: int) -> None:
    rng = np.random.default_rng(dim)
    pts = [tuple(p) for p in rng.uniform(-1, 1, (40, dim)).tolist()]
    learner = LearnerND(ring, [(-1, 1)] * dim)
    corners = learner._bounds_points
    for p in [*corners, *(pts[i] for i in order)]:
        learner.tell(p, ring(p))
    tri = learner.tri
    assert tri is not None
    assert len(tri.vertices) == 40 + len(corners)
    assert math.isclose(sum(tri.volumes()), 2.0**dim)
    assert tri.reference_invariant()
    assert set(learner._losses) == tri.simplices
    # general position: the Delaunay mesh is unique, whatever the order
    expected = LearnerND(ring, [(-1, 1)] * dim)
    for p in [*corners, *pts]:
        expected.tell(p, ring(p))
    assert expected.tri is not None
    assert {frozenset(map(tri.vertices.__getitem__, s)) for s in tri.simplices} == {
        frozenset(map(expected.tri.vertices.__getitem__, s)) for s in expected.tri.simplices
    }


@SETTINGS
@given(st.integers(1, 6), st.integers(0, 40))
def test_batches_never_repeat_points_and_stay_inside(n: int, start: int) -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, start)
    points, losses = learner.ask(n)
    assert len(set(points)) == n == len(losses)
    assert not set(points) & set(learner.data)
    assert all(learner.inside_bounds(p) for p in points)


def test_vector_output_and_anisotropic() -> None:
    learner = LearnerND(vector, [(-1, 1), (-1, 1)])
    run(learner, 50)
    assert learner.vdim == 2
    assert learner.values.shape == (50, 2)
    aniso = LearnerND(ring, [(-1, 1), (-1, 1)], anisotropic=True)
    run(aniso, 80)
    assert aniso.npoints == 80
    assert math.isfinite(aniso.loss())


# -- plots ----------------------------------------------------------------------------------------


@pytest.mark.slow  # importing holoviews and bokeh takes seconds
def test_plots() -> None:
    import holoviews as hv

    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    assert isinstance(learner.plot(), hv.Overlay)  # empty
    run(learner, 60)
    assert isinstance(learner.plot(n=20, tri_alpha=0.3), hv.Overlay)
    assert isinstance(learner.plot(), hv.Overlay)  # grid size from the smallest triangle
    vec = LearnerND(vector, [(-1, 1), (-1, 1)])
    run(vec, 10)
    with pytest.raises(NotImplementedError, match="scalar"):
        vec.plot()
    assert isinstance(learner.plot_isoline(level=[0.0, 0.5], n=20), hv.Overlay)
    learner3 = LearnerND(ring, [(-1, 1)] * 3)
    run(learner3, 60)
    assert isinstance(learner3.plot_slice({0: 0.0}, n=10), hv.Image)
    assert isinstance(learner3.plot_slice({0: 0.0, 1: 0.1}, n=10), hv.Path)
    with pytest.raises(NotImplementedError, match="plot_slice"):
        learner3.plot()
    with pytest.raises(ValueError, match="level"):
        learner.plot_isoline(level=99.0)


def test_3d_plots_need_plotly_and_say_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    learner = LearnerND(ring, [(-1, 1)] * 3)
    run(learner, 20)
    with pytest.raises(ImportError, match=r"pip install adaptive_nb\[plotly\]"):
        learner.plot_3D()
    with pytest.raises(ImportError, match=r"pip install adaptive_nb\[plotly\]"):
        learner.plot_isosurface(0.5)


def check_pending_bookkeeping(learner: LearnerND) -> None:
    """Every pending point inside the mesh waits in, or subdivides, a live simplex holding it."""
    tri = learner.tri
    assert tri is not None
    assert set(learner._losses) == tri.simplices
    assert set(learner._lazy) <= tri.simplices
    assert set(learner._subtriangulations) <= tri.simplices
    for p in learner.pending_points:
        homes = [s for s, ps in learner._lazy.items() if p in ps]
        homes += [s for s, sub in learner._subtriangulations.items() if p in sub.vertices]
        assert homes or (p in learner._unplaced and not tri.locate_point(p)), p
        assert all(tri.point_in_simplex(p, s) for s in homes)


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("ask"), st.integers(1, 5)),
            st.tuples(st.just("tell_some"), st.integers(0, 3)),
            st.tuples(st.just("tell_new"), st.tuples(st.floats(-1, 1), st.floats(-1, 1))),
            st.tuples(st.just("remove_unfinished"), st.none()),
        ),
        max_size=25,
    )
)
def test_random_operations_keep_pending_points_and_losses_consistent(ops: list) -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    run(learner, 12)
    for op, arg in ops:
        if op == "ask":
            points, _ = learner.ask(arg)
            assert not set(points) & set(learner.data)
        elif op == "tell_some":
            for p in sorted(learner.pending_points)[:arg]:
                learner.tell(p, ring(p))
        elif op == "tell_new":
            learner.tell(arg, ring(arg))
        else:
            learner.remove_unfinished()
        check_pending_bookkeeping(learner)
        assert learner.tri is not None
        assert math.isclose(sum(learner.tri.volumes()), 4.0)
    before = state(learner)
    learner.ask(3, tell_pending=False)
    assert state(learner) == before


def test_pending_points_from_before_the_mesh_exists_are_placed_in_it() -> None:
    learner = LearnerND(ring, [(-1, 1), (-1, 1)])
    points, _ = learner.ask(7)  # 4 corners, then random points: no mesh yet
    assert learner.tri is None
    for p in points[:4]:
        learner.tell(p, ring(p))
    check_pending_bookkeeping(learner)
    assert len(learner.pending_points) == 3
    more, _ = learner.ask(4)
    assert not set(more) & set(points)


def test_the_same_calls_give_the_same_points() -> None:
    def drive(learner: LearnerND) -> list[Any]:
        out = []
        for k in range(15):
            points, _ = learner.ask(1 + k % 4)
            out += points
            for p in points[: 1 + k % 3]:
                learner.tell(p, ring(p))
        return out

    bounds = [(-1, 1), (-1, 1), (-1, 1)]
    assert drive(LearnerND(ring, bounds)) == drive(LearnerND(ring, bounds))
