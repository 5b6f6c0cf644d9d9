"""Tests of IntegratorLearner: API, CQUAD tables, differential tests against the reference,
invariants (hypothesis), divergence, persistence, plotting, runners."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import adaptive  # the reference library, adaptive 1.5
import numpy as np
import pytest
import scipy.integrate
from adaptive.learner import integrator_coeffs as ref_coeffs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adaptive_nb
from adaptive_nb.exceptions import AdaptiveNbError, DivergentIntegralError
from adaptive_nb.learner import _cquad
from adaptive_nb.learner._exact_sum import ExactSum
from adaptive_nb.learner.integrator_learner import IntegratorLearner

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def f24(x: float) -> float:
    """The step function of the reference's tutorial: 20 jumps on [0, 3]."""
    return float(np.floor(np.exp(x)))


def peak(x: float) -> float:
    return 1 / (1e-4 + (x - 0.3) ** 2)


def kink(x: float) -> float:
    return math.sqrt(abs(x - 0.3)) + math.sin(40 * x)


def smooth(x: float) -> float:
    return math.exp(-(x**2)) * math.cos(3 * x)


def f24_exact() -> float:
    # floor(e^x) = k on [ln k, ln(k + 1)), up to e^3 ~ 20.09.
    return sum(k * (math.log(k + 1) - math.log(k)) for k in range(1, 20)) + 20 * (3 - math.log(20))


def drive(learner: Any, f: Callable[[float], float], n: int, limit: int = 40_000) -> list[Any]:
    """Ask n points at a time and tell them in order until done; return what ask returned."""
    asked = []
    while not learner.done() and learner.npoints < limit:
        xs, imps = learner.ask(n)
        asked.append((list(xs), list(imps)))
        for x in xs:
            learner.tell(x, f(x))
    return asked


def run(f: Callable[[float], float], bounds: tuple[float, float], tol: float, n: int = 1) -> Any:
    learner = IntegratorLearner(f, bounds, tol)
    drive(learner, f, n)
    return learner


# ---- the CQUAD tables ----------------------------------------------------------------------


def test_tables_are_bitwise_the_references() -> None:
    tb = _cquad.tables()
    for d in range(4):
        np.testing.assert_array_equal(tb.xi[d], ref_coeffs.xi[d])
        np.testing.assert_array_equal(tb.v_inv[d], ref_coeffs.V_inv[d])
        np.testing.assert_array_equal(tb.b_def[d], ref_coeffs.b_def[d])
        assert tb.v_cond[d] == ref_coeffs.Vcond[d]
        # nested rules: the lower rules' nodes are every STRIDE-th node of the 33-point rule
        np.testing.assert_array_equal(tb.xi[d], tb.xi[3][:: _cquad.STRIDE[d]])
    np.testing.assert_array_equal(tb.t_left, ref_coeffs.T_left)
    np.testing.assert_array_equal(tb.t_right, ref_coeffs.T_right)
    np.testing.assert_array_equal(tb.alpha, ref_coeffs.alpha)
    np.testing.assert_array_equal(tb.gamma, ref_coeffs.gamma)
    assert (
        ref_coeffs.eps,
        ref_coeffs.min_sep,
        ref_coeffs.hint,
        ref_coeffs.ndiv_max,
    ) == (_cquad.EPS, _cquad.MIN_SEP, _cquad.HINT, _cquad.NDIV_MAX)


@pytest.mark.parametrize(
    "name",
    [
        "eps", "ns", "xi", "V", "V_inv", "Vcond", "T_left", "T_right", "hint", "min_sep",
        "ndiv_max", "k", "alpha", "gamma", "b_def",
    ],
)  # fmt: skip
def test_integrator_coeffs_has_the_references_tables(name: str) -> None:
    from adaptive_nb.learner import integrator_coeffs

    ours, ref = getattr(integrator_coeffs, name), getattr(ref_coeffs, name)
    if isinstance(ref, list):
        assert len(ours) == len(ref)
        for a, b in zip(ours, ref, strict=True):
            np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_array_equal(ours, ref)


def test_integrator_coeffs_functions_match_the_references() -> None:
    from fractions import Fraction

    from adaptive_nb.learner import integrator_coeffs as ours

    for n in (1, 2, 5, 12):
        assert ours.legendre(n) == ref_coeffs.legendre(n)
    for n in (5, 9, 17, 33):
        np.testing.assert_array_equal(ours.newton(n), ref_coeffs.newton(n))
    a, b = [Fraction(1), Fraction(2)], [Fraction(0), Fraction(1), Fraction(3)]
    assert ours.scalar_product(a, b) == ref_coeffs.scalar_product(a, b) == Fraction(10, 3)
    for x, y in zip(ours.calc_bdef((5, 9)), ref_coeffs.calc_bdef((5, 9)), strict=True):
        np.testing.assert_array_equal(x, y)
    x = np.linspace(-1, 1, 7)
    np.testing.assert_array_equal(ours.calc_V(x, 5), ref_coeffs.calc_V(x, 5))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = ours.nope


def test_tables_are_what_they_claim() -> None:
    tb = _cquad.tables()
    for d, n in enumerate(_cquad.NS):
        x = tb.xi[d]
        assert np.all(x == -x[::-1])
        # V_inv maps values of a Legendre polynomial to its unit coefficient.
        p3 = np.sqrt(3.5) * (5 * x**3 - 3 * x) / 2
        c = tb.v_inv[d] @ p3
        assert abs(c[3] - 1) < 1e-13
        assert np.abs(np.delete(c, 3)).max() < 1e-13
        assert 1 <= tb.v_cond[d] < 10
        # b_def holds the nodal polynomial prod(x - x_k): it vanishes at the nodes.
        vand = np.polynomial.legendre.legvander(x, n) * np.sqrt(np.arange(n + 1) + 0.5)
        assert np.abs(vand @ tb.b_def[d]).max() < 1e-12


def test_coefficients_drop_non_finite_values() -> None:
    tb = _cquad.tables()
    x = tb.xi[1]
    fx = 1 + x + x**2
    fx_bad = fx.copy()
    fx_bad[[2, 5]] = [np.nan, np.inf]
    # A quadratic is still interpolated exactly by the 7 remaining nodes.
    np.testing.assert_allclose(
        _cquad.coefficients(fx_bad, 1), _cquad.coefficients(fx, 1), atol=1e-13
    )
    assert np.isnan(fx_bad[2])  # the input is not modified


@given(st.lists(st.floats(allow_nan=False, width=64), max_size=30), st.data())
@SETTINGS
def test_exact_sum_adds_and_removes_exactly(values: list[float], data: st.DataObject) -> None:
    s = ExactSum()
    for v in values:
        s.add(v)
    keep = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    for v, k in zip(values, keep, strict=True):
        if not k:
            s.remove(v)
    kept = [v for v, k in zip(values, keep, strict=True) if k]
    finite = [v for v in kept if math.isfinite(v)]
    if any(v == math.inf for v in kept) and any(v == -math.inf for v in kept):
        assert math.isnan(s.value())
    elif any(math.isinf(v) for v in kept):
        assert s.value() == next(v for v in kept if math.isinf(v))
    else:
        try:
            expected = math.fsum(finite)
        except OverflowError:
            expected = math.copysign(math.inf, sum(math.ldexp(v, -10) for v in finite))
        assert s.value() == expected


# ---- differential tests against the reference ----------------------------------------------

CASES = [
    ("f24", f24, (0, 3), 1e-4, 1),
    pytest.param("f24", f24, (0, 3), 1e-7, 1, marks=pytest.mark.slow),
    ("peak", peak, (0, 1), 1e-6, 1),
    ("peak", peak, (0, 1), 1e-10, 1),
    ("kink", kink, (0, 1), 1e-4, 1),
    ("kink", kink, (0, 1), 1e-10, 1),
    ("kink", kink, (0, 1), 1e-4, 7),
    ("kink", kink, (0, 1), 1e-8, 7),
    ("kink", kink, (0, 1), 1e-10, 7),
    ("smooth", smooth, (-2, 1.5), 1e-12, 1),
    ("smooth", smooth, (-2, 1.5), 1e-12, 5),
]


@pytest.mark.parametrize(("name", "f", "bounds", "tol", "n"), CASES)
def test_same_points_and_estimates_as_the_reference(
    name: str, f: Callable[[float], float], bounds: tuple[float, float], tol: float, n: int
) -> None:
    ref = adaptive.IntegratorLearner(f, bounds, tol)
    ours = IntegratorLearner(f, bounds, tol)
    ref_asked = drive(ref, f, n)
    ours_asked = drive(ours, f, n)
    assert ours_asked == ref_asked  # same points, same loss improvements, same order
    assert ours.npoints == ref.npoints
    assert ours.done()
    assert ref.done()
    assert ours.igral == pytest.approx(ref.igral, rel=1e-12, abs=0)
    assert ours.err == pytest.approx(ref.err, rel=1e-12, abs=0)
    assert ours.loss() == pytest.approx(ref.loss(), rel=1e-9)
    assert len(ours.ivals) == len(ref.ivals)
    assert len(ours.approximating_intervals) == len(ref.approximating_intervals)
    assert ours.pending_points == ref.pending_points
    np.testing.assert_array_equal(ours.to_numpy(), ref.to_numpy())


def test_same_as_the_reference_at_every_step() -> None:
    ref = adaptive.IntegratorLearner(kink, (0, 1), 1e-8)
    ours = IntegratorLearner(kink, (0, 1), 1e-8)
    while not ref.done():
        assert not ours.done()
        (x,), _ = ref.ask(1)
        (y,), _ = ours.ask(1)
        assert x == y
        ref.tell(x, kink(x))
        ours.tell(y, kink(y))
        if math.isinf(ref.err):
            assert math.isinf(ours.err)
        else:
            assert ours.err == pytest.approx(ref.err, rel=1e-12, abs=0)
            assert ours.igral == pytest.approx(ref.igral, rel=1e-12, abs=1e-300)
    assert ours.done()


def test_asking_in_batches_where_the_reference_asserts() -> None:
    # The reference can queue an interval twice for a forced split and then fails an assert;
    # this learner splits it once and goes on.
    learner = run(f24, (0, 3), 1e-8, n=7)
    assert learner.done()
    assert learner.igral == pytest.approx(f24_exact(), rel=1e-8)
    assert learner.err < 1e-8 * abs(learner.igral)


# ---- properties ----------------------------------------------------------------------------


@given(
    st.lists(st.floats(-3, 3), min_size=1, max_size=6),
    st.floats(0.5, 8),
    st.tuples(st.floats(-2, 1), st.floats(0.1, 3)),
    st.sampled_from([1, 3, 10]),
)
@SETTINGS
def test_igral_matches_quad_for_smooth_functions(
    coeffs: list[float], freq: float, span: tuple[float, float], n: int
) -> None:
    a, width = span
    bounds = (a, a + width)

    def f(x: float) -> float:
        return float(np.polyval(coeffs, x)) + math.sin(freq * x)

    learner = run(f, bounds, 1e-8, n)
    assert learner.done()
    expected, quad_err = scipy.integrate.quad(f, *bounds, epsabs=1e-13, epsrel=1e-13)
    scale = max(abs(expected), 1e-8)
    assert abs(learner.igral - expected) <= max(learner.err, 1e-12 * scale) + quad_err
    check_invariants(learner)


def check_invariants(learner: IntegratorLearner) -> None:
    leaves = sorted(learner.approximating_intervals, key=lambda iv: iv.a)
    # The approximating intervals tile the domain.
    assert leaves[0].a == learner.bounds[0]
    assert leaves[-1].b == learner.bounds[1]
    assert all(left.b == right.a for left, right in itertools.pairwise(leaves))
    # The running totals are the sums over them.
    assert learner.igral == pytest.approx(math.fsum(iv.igral for iv in leaves), rel=1e-13)
    assert learner.err == pytest.approx(math.fsum(iv.err for iv in leaves), rel=1e-13)
    # Candidates for subdivision are unsplit; data and pending points are disjoint.
    assert all(not iv.children for iv in learner.ivals)
    assert not (learner.pending_points & learner.data.keys())
    for iv in leaves:
        assert iv.depth_complete is not None
        assert all(learner.data[x] == y for x, y in iv.data.items())


@given(st.sampled_from([1, 2, 5, 16]), st.integers(0, 3), st.randoms(use_true_random=False))
@settings(max_examples=10, deadline=None)
def test_invariants_under_shuffled_tells(n: int, delay: int, rnd: Any) -> None:
    """Tell results out of order, some of them late (as a parallel runner does)."""
    learner = IntegratorLearner(kink, (0, 1), 1e-5)
    in_flight: list[float] = []
    for step in itertools.count():
        if learner.done():
            break
        xs, _ = learner.ask(n)
        in_flight += xs
        rnd.shuffle(in_flight)
        while len(in_flight) > delay * n:
            x = in_flight.pop()
            learner.tell(x, kink(x))
        if step % 25 == 0 and learner.approximating_intervals:
            check_invariants(learner)
    check_invariants(learner)
    assert learner.igral == pytest.approx(scipy.integrate.quad(kink, 0, 1, limit=200)[0], rel=1e-5)


# ---- the learner contract ------------------------------------------------------------------


def test_ask_zero_and_bad_n() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-6)
    assert learner.ask(0) == ([], [])
    assert learner.ask(0, tell_pending=False) == ([], [])
    with pytest.raises(ValueError, match="non-negative int"):
        learner.ask(-1)


def test_bad_bounds() -> None:
    with pytest.raises(ValueError, match="a < b"):
        IntegratorLearner(smooth, (1, 0), 1e-6)
    with pytest.raises(ValueError, match="finite"):
        IntegratorLearner(smooth, (0, math.inf), 1e-6)


def test_tell_of_a_point_it_did_not_ask_for() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-6)
    learner.ask(3)
    with pytest.raises(ValueError, match="not a point this IntegratorLearner asked for"):
        learner.tell(0.123, 1.0)
    assert learner.npoints == 0


def test_tell_of_a_non_number_says_so() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-6)
    (x,), _ = learner.ask(1)
    with pytest.raises(TypeError, match="complex"):
        learner.tell(x, 1j)
    with pytest.raises(TypeError, match="real number"):
        learner.tell(x, None)
    assert learner.npoints == 0


def fingerprint(learner: IntegratorLearner) -> Any:
    """Everything that decides the learner's future answers."""

    def ivals(ivs: Any) -> list[Any]:
        return sorted((iv.a, iv.b, iv.depth, iv.depth_complete, iv.err, iv.igral) for iv in ivs)

    return (
        dict(learner.data),
        set(learner.pending_points),
        list(learner._stack),
        list(learner._asked),
        ivals(learner.ivals),
        ivals(learner.approximating_intervals),
        # (entries split or removed since they were queued are skipped, so they do not count)
        [(iv.a, iv.b) for iv in learner.priority_split if iv in learner.ivals and not iv.children],
        {x: [(iv.a, iv.b, slot) for iv, slot in e] for x, e in learner._x_ivals.items()},
        learner.igral,
        learner.err,
    )


def test_ask_without_tell_pending_changes_nothing() -> None:
    learner = IntegratorLearner(kink, (0, 1), 1e-8)
    for n in [1, 3, 17, 40, 1, 2, 33, 5, 70, 1]:
        before = fingerprint(learner)
        peeked = learner.ask(n, tell_pending=False)
        assert fingerprint(learner) == before
        asked = learner.ask(n)
        assert peeked == asked
        for x in asked[0]:
            learner.tell(x, kink(x))


def test_peek_then_tell_pending_is_ask() -> None:
    """The BalancingLearner's way: ask(1, tell_pending=False), then tell_pending(x)."""
    plain = IntegratorLearner(kink, (0, 1), 1e-8)
    drive(plain, kink, 1)
    learner = IntegratorLearner(kink, (0, 1), 1e-8)
    seen = []
    while not learner.done():
        (x,), _ = learner.ask(1, tell_pending=False)
        learner.tell_pending(x)
        seen.append(x)
        learner.tell(x, kink(x))
    assert seen == sorted(plain.data, key=list(plain.data).index)
    assert learner.igral == plain.igral
    with pytest.raises(ValueError, match="not a point this IntegratorLearner chose"):
        learner.tell_pending(0.123456)


def test_nothing_left_to_subdivide() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-10)
    learner.max_ivals = 0  # every fill then drops the only candidate
    learner.tell_pending()  # the reference's signature: a no-op
    xs, _ = learner.ask(18)
    assert len(xs) == 18
    assert not learner.ivals
    assert learner.done()
    with pytest.raises(RuntimeError, match="No way to improve the integral estimate"):
        learner.ask(100)


def test_remove_unfinished_asks_the_points_again() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-10)
    first, _ = learner.ask(5)
    learner.tell(first[0], smooth(first[0]))
    learner.remove_unfinished()
    again, _ = learner.ask(4)
    assert again == first[1:]
    drive(learner, smooth, 3)
    assert learner.done()


def test_values_told_before_they_are_asked_are_not_asked_again() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-10)
    queued = list(learner._stack)
    learner.tell(queued[3], smooth(queued[3]))
    xs, _ = learner.ask(len(queued))
    assert queued[3] not in xs


def test_estimates_before_and_after_data() -> None:
    learner = IntegratorLearner(smooth, (0, 1), 1e-10)
    assert learner.igral == 0
    assert learner.err == math.inf
    assert learner.loss() == math.inf
    assert not learner.done()
    assert learner.npoints == 0
    assert learner.to_numpy().shape == (0, 2)
    drive(learner, smooth, 4)
    assert learner.done()
    assert learner.loss() == abs(abs(learner.igral) * learner.tol - learner.err)
    exact = scipy.integrate.quad(smooth, 0, 1, epsabs=1e-14, epsrel=1e-14)[0]
    assert learner.igral == pytest.approx(exact, rel=1e-10)
    assert learner.to_numpy().shape == (learner.npoints, 2)


def test_a_nan_at_a_node_is_left_out() -> None:
    def f(x: float) -> float:
        return math.nan if x == 0.5 else x**2

    learner = run(f, (0, 1), 1e-10)
    assert learner.igral == pytest.approx(1 / 3, rel=1e-10)


def test_max_ivals_bounds_the_candidates() -> None:
    learner = IntegratorLearner(f24, (0, 3), 1e-10)
    learner.max_ivals = 10
    drive(learner, f24, 1, limit=3000)
    assert len(learner.ivals) <= 10


@pytest.mark.parametrize(
    "f",
    [
        lambda x: 1 / x**2 if x else math.inf,
        lambda x: abs(x - 0.5) ** -1.5 if x != 0.5 else math.inf,
        lambda x: 1 / x,  # 1 / np.float64(0) is inf; the coefficients overflow
    ],
)
def test_divergent_integral(f: Callable[[float], float]) -> None:
    learner = IntegratorLearner(f, (0, 1), 1e-6)
    with (
        pytest.raises(DivergentIntegralError, match="appears to diverge near") as info,
        np.errstate(divide="ignore", over="ignore", invalid="ignore"),
    ):
        drive(learner, f, 1)
    assert isinstance(info.value, ValueError)


def test_divergent_integral_error_is_where_users_find_it() -> None:
    from adaptive_nb.learner import integrator_learner

    assert integrator_learner.DivergentIntegralError is DivergentIntegralError
    assert issubclass(DivergentIntegralError, AdaptiveNbError)
    assert issubclass(DivergentIntegralError, ValueError)
    assert issubclass(adaptive.learner.integrator_learner.DivergentIntegralError, ValueError)
    assert adaptive_nb.IntegratorLearner is IntegratorLearner
    assert adaptive_nb.learner.IntegratorLearner is IntegratorLearner


# ---- persistence ---------------------------------------------------------------------------


def half_run(tol: float = 1e-9) -> tuple[IntegratorLearner, list[float]]:
    learner = IntegratorLearner(kink, (0, 1), tol)
    for _ in range(40):
        xs, _ = learner.ask(3)
        for x in xs[:2]:
            learner.tell(x, kink(x))
    return learner, list(learner._asked)


@pytest.mark.parametrize("how", ["pickle", "copy_from", "save"])
def test_a_copy_goes_on_like_the_original(how: str, tmp_path: Any) -> None:
    import cloudpickle

    learner, in_flight = half_run()
    if how == "pickle":
        copy = cloudpickle.loads(cloudpickle.dumps(learner))
    elif how == "copy_from":
        copy = learner.new()
        copy.copy_from(learner)
    else:
        learner.save(tmp_path / "l.pickle")
        copy = learner.new()
        copy.load(tmp_path / "l.pickle")
    assert copy.igral == learner.igral
    assert copy.err == learner.err
    assert copy.pending_points == learner.pending_points
    for lrn in (learner, copy):
        for x in in_flight:
            lrn.tell(x, kink(x))
    steps = [drive(lrn, kink, 4) for lrn in (learner, copy)]
    assert steps[0] == steps[1]
    assert copy.igral == learner.igral
    # no interval is shared: the original is unchanged by the copy's run
    assert copy.approximating_intervals.isdisjoint(learner.approximating_intervals)


def test_a_loaded_learner_asks_the_points_that_were_in_flight(tmp_path: Any) -> None:
    learner, in_flight = half_run()
    learner.save(tmp_path / "l.pickle")
    resumed = learner.new()
    resumed.load(tmp_path / "l.pickle")
    xs, _ = resumed.ask(len(in_flight))
    assert xs == in_flight
    assert resumed.pending_points == learner.pending_points


def test_load_a_file_of_the_reference(tmp_path: Any) -> None:
    ref = adaptive.IntegratorLearner(kink, (0, 1), 1e-8)
    drive(ref, kink, 1)
    ref.save(str(tmp_path / "ref.pickle"))
    learner = IntegratorLearner(kink, (0, 1), 1e-8)
    learner.load(tmp_path / "ref.pickle")
    assert learner.npoints == ref.npoints
    assert learner.igral == pytest.approx(ref.igral, rel=1e-12)
    assert learner.done()


def test_load_of_another_learners_file_leaves_it_unchanged(tmp_path: Any) -> None:
    other = IntegratorLearner(kink, (0, 2), 1e-8)
    drive(other, kink, 1, limit=100)
    other.save(tmp_path / "other.pickle")
    learner, _ = half_run()
    before = learner.to_numpy()
    with pytest.raises(adaptive_nb.LearnerFileError, match="bounds"):
        learner.load(tmp_path / "other.pickle")
    np.testing.assert_array_equal(learner.to_numpy(), before)


def test_dataframe_round_trip() -> None:
    def f(x: float, shift: float = 0.5) -> float:
        return kink(x) + shift

    learner = run(f, (0, 1), 1e-8)
    df = learner.to_dataframe()
    assert list(df.columns) == ["x", "y", "function.shift"]
    assert df.attrs == {"inputs": ["x"], "output": "y"}
    assert len(df) == learner.npoints
    np.testing.assert_array_equal(df[["x", "y"]].to_numpy(), learner.to_numpy())
    other = IntegratorLearner(f, (0, 1), 1e-8)
    other.load_dataframe(df)
    assert other.npoints == learner.npoints
    assert other.igral == learner.igral
    assert other.done()
    renamed = learner.to_dataframe(with_default_function_args=False, x_name="t", y_name="v")
    assert list(renamed.columns) == ["t", "v"]


def test_dataframe_of_a_run_in_another_order_warns_about_leftovers() -> None:
    learner = IntegratorLearner(kink, (0, 1), 1e-8)
    drive(learner, kink, 7)
    other = learner.new()
    with pytest.warns(UserWarning, match="were not used"):
        other.load_dataframe(learner.to_dataframe())
    assert 0 < other.npoints < learner.npoints


# ---- plot, runners, BalancingLearner -------------------------------------------------------


def test_plot() -> None:
    hv = pytest.importorskip("holoviews")
    learner = IntegratorLearner(kink, (0, 1), 1e-6)
    assert isinstance(learner.plot(), hv.Path)
    drive(learner, kink, 1)
    path = learner.plot()
    assert isinstance(path, hv.Path)
    xs = path.data[0]["x"] if isinstance(path.data, list) else path.dframe()["x"]
    assert len(xs) > 0


def test_blocking_runner_and_replay_log() -> None:
    from adaptive_nb.runner import BlockingRunner, replay_log

    learner = IntegratorLearner(smooth, (0, 1), 1e-10)
    runner = BlockingRunner(
        learner,
        goal=lambda lrn: lrn.done(),
        executor=adaptive_nb.runner.SequentialExecutor(),
        log=True,
    )
    assert learner.done()
    replayed = learner.new()
    assert runner.log is not None
    replay_log(replayed, runner.log)
    assert replayed.igral == learner.igral
    assert replayed.npoints == learner.npoints


def test_inside_a_data_saver() -> None:
    learner = adaptive_nb.DataSaver(
        IntegratorLearner(smooth, (0, 1), 1e-9), arg_picker=lambda d: d["y"]
    )
    inner = learner.learner
    assert isinstance(inner, IntegratorLearner)
    while not inner.done():
        xs, _ = learner.ask(4)
        for x in xs:
            learner.tell(x, {"y": smooth(x), "x2": 2 * x})
    assert learner.extra_data[xs[0]]["x2"] == 2 * xs[0]
    assert inner.igral == pytest.approx(scipy.integrate.quad(smooth, 0, 1)[0])


def test_inside_a_balancing_learner() -> None:
    learners = [IntegratorLearner(smooth, (0, b), 1e-9) for b in (1, 2)]
    bal = adaptive_nb.BalancingLearner(learners)
    for _ in range(3000):
        if all(lrn.done() for lrn in learners):
            break
        points, _ = bal.ask(1)
        for i, x in points:
            bal.tell((i, x), smooth(x))
    for lrn, b in zip(learners, (1, 2), strict=True):
        assert lrn.done()
        assert lrn.igral == pytest.approx(scipy.integrate.quad(smooth, 0, b)[0], rel=1e-9)
