"""Sampling quality of Learner1D losses: how close to the best possible points they get.

For each test function on [-1, 1] and N in (200, 1000, 5000), the function is learned with the
ask(1) + tell loop by

* ``ref``: the reference library's (adaptive 1.5) default loss;
* ``uni``: a uniform grid of N points (no learner);
* ``opt``: the optimal knots for the max error of linear interpolation, density ``|f''|**(1/2)``
  (equidistributed ``∫|f''|**(1/2)`` from the known f'' on a fine grid; for the functions that
  are not smooth, f'' is taken by finite differences of that grid, so a jump or a kink is a
  spike of density there): a limit for smooth functions, a yardstick for the others;
* ``ie``: adaptive_nb's ``interpolation_error_loss``.

Printed:

(a) max and RMS error of the linear interpolant through the learned points against the true
    function, for every method, and the ratios ie / opt (max error; the target is <= 2 at 1000
    points and <= 3 at 200 on the smooth functions) and ie / min(ref, uni) (RMS error; the
    target is <= 1 at 200 and 1000 points on every function). The error is measured on a
    200k-point grid plus the points and the quarter and middle points of every learned
    interval (so a cluster of points is measured as finely as it is sampled); the RMS is the
    trapezoid rule over those nodes. For the noisy functions, the error is against the
    noiseless function; the hash noise (independent at every x) is averaged over 8 seeds.
    The "sawtooth noise" is the shader hash frac(sin(12.9898 x) 43758.5453): a function with
    a jump every ~2e-6. For the NaN function, the error is on the finite part, with the
    interpolant through the finite values. The needle (width 0.002, invisible from outside)
    is found only when a point lands near it: a limit of any sampling that is not uniform.
    Where ie's RMS loses to the better of ref and uni at N <= 256 (a function without
    noise), the least RMS error that any Learner1D loss can reach is printed too: ask(1)
    splits intervals at their middles, and an exhaustive search over those point sets
    (``best_bisection_knots``) gives the limit (sin(30x) at 200 points: above the uniform
    grid's, which no bisection reproduces);
(b) how well ``learner.loss()`` estimates the max error relative to the y-range (item 2 of
    issue 15): estimate / true, per function and N;
(c) the cost per point of the ask(1) + tell loop with the new loss against the default loss
    (ours, and the reference's), on the peak function.

Usage: ``python benchmarks/bench_sampling.py [--quick]`` (``--quick``: N = 200 and 1000 only,
and a shorter timing loop).
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

import adaptive_nb
from adaptive_nb.learner.learner1D import interpolation_error_loss, uses_nth_neighbors

Array = np.ndarray[Any, Any]


def _noise(x: Array, seed: int = 0) -> Array:
    """Deterministic noise in [-1, 1): a hash of the bits of x (and the seed), independent at
    every x, like measurement noise (the same x gives the same value)."""
    bits = np.atleast_1d(np.asarray(x, dtype=np.float64)).view(np.uint64)
    bits = bits ^ np.uint64(seed * 0x2545F4914F6CDD1D % 2**64)
    h = bits * np.uint64(0x9E3779B97F4A7C15)  # splitmix64's finaliser (wraps modulo 2**64)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    u = (h >> np.uint64(11)).astype(np.float64) / 2.0**53
    return (2.0 * u - 1.0).reshape(np.shape(x))


def _sawtooth_noise(x: Array) -> Array:
    """The shader trick frac(sin(12.9898 x) 43758.5453): a sawtooth of period ~2e-6 in x."""
    s = np.sin(np.asarray(x, dtype=float) * 12.9898 + 78.233) * 43758.5453
    return 2.0 * (s - np.floor(s)) - 1.0


def _nan_outside(x: Array) -> Array:
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where((x > 0.3) & (x < 0.5), np.nan, np.cos(4 * x))


@dataclass(frozen=True)
class Case:
    name: str
    f: Callable[[Array], Array]  # vectorised; also used for the learners (one float at a time)
    smooth: bool  # the optimal-knot limit applies (the max-error target is checked)
    truth: Callable[[Array], Array] | None = None  # for the noisy function: without the noise
    # Noise realisations (other seeds) besides f: errors are averaged over all of them (RMS as
    # the root of the mean square), so that a ranking is not the luck of one draw.
    others: tuple[Callable[[Array], Array], ...] = ()
    issue: bool = False  # one of the smooth functions of issue 15's targets


CASES = [
    Case(
        "peak x+a²/(a²+(x-.123)²)", lambda x: x + 1e-4 / (1e-4 + (x - 0.123) ** 2), True, issue=True
    ),
    Case("sin(30x)", lambda x: np.sin(30 * x), True, issue=True),
    Case("tanh(50x)", lambda x: np.tanh(50 * x), True, issue=True),
    Case("exp(10x)", lambda x: np.exp(10 * x), True, issue=True),
    Case("gauss exp(-(x-.4)²/1e-4)", lambda x: np.exp(-((x - 0.4) ** 2) / 1e-4), True),
    Case(
        "two peaks (a=.01, a=.002)",
        lambda x: 1e-4 / (1e-4 + (x + 0.5) ** 2) + 4e-6 / (4e-6 + (x - 0.7) ** 2),
        True,
    ),
    Case("kink |x-0.1|", lambda x: np.abs(x - 0.1), False),
    Case("sqrt(|x|)", lambda x: np.sqrt(np.abs(x)), False),
    Case("sin(3x)+step(x-0.2)", lambda x: np.sin(3 * x) + (x > 0.2), False),
    Case(
        "sin(3x)+1% noise",
        lambda x: np.sin(3 * x) + 0.01 * _noise(x),
        False,
        truth=lambda x: np.sin(3 * x),
        others=tuple(
            functools.partial(lambda x, k: np.sin(3 * x) + 0.01 * _noise(x, k), k=k)
            for k in range(1, 8)
        ),
    ),
    Case(
        "sin(3x)+1% sawtooth noise",
        lambda x: np.sin(3 * x) + 0.01 * _sawtooth_noise(x),
        False,
        truth=lambda x: np.sin(3 * x),
    ),
    Case("cos(4x), NaN on (.3,.5)", _nan_outside, False),
    # A needle: invisible from outside its width (0.002), found only by a point landing in it.
    Case("needle exp(-(x-.7)²/4e-6)", lambda x: np.exp(-((x - 0.7) ** 2) / 4e-6), False),
]

GRID = np.linspace(-1.0, 1.0, 200_001)


def scalar(f: Callable[[Array], Array]) -> Callable[[float], float]:
    def g(x: float) -> float:
        return float(f(np.array(x)))

    return g


def learn(lib: Any, f: Callable[[float], float], n: int, **kwargs: Any) -> Any:
    learner = lib.Learner1D(f, (-1, 1), **kwargs)
    for _ in range(n):
        (x,), _ = learner.ask(1)
        learner.tell(x, f(x))
    return learner


def points_of(learner: Any) -> Array:
    return np.array(sorted(learner.data))


def errors(case: Case, xs: Array, f: Callable[[Array], Array] | None = None) -> tuple[float, float]:
    """Max and RMS error of the linear interpolant through (xs, f(xs)) against the truth."""
    xs = np.unique(xs)
    ys = (f or case.f)(xs)
    ok = np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    truth = case.truth or case.f
    # Max and RMS on the grid plus the quarter and middle points of every interval plus the
    # points themselves; RMS as the trapezoid rule over those nodes, so that an interval
    # narrower than the grid (around a jump) weighs its width, not a grid cell.
    a, b = xs[:-1], xs[1:]
    extra = np.concatenate([a + (b - a) * q for q in (0.25, 0.5, 0.75)])
    pts = np.unique(np.concatenate([GRID, extra, xs]))
    tp = truth(pts)
    fin = np.isfinite(tp)
    pts, tp = pts[fin], tp[fin]
    err = np.abs(np.interp(pts, xs, ys) - tp)
    mx = float(np.max(err))
    w = np.diff(pts)
    w[w > 1e-3] = 0.0  # the NaN gap, where there is no truth to compare with
    sq = err**2
    rms = float(np.sqrt(np.sum((sq[1:] + sq[:-1]) * 0.5 * w) / np.sum(w)))
    return mx, rms


def optimal_knots(case: Case, n: int) -> Array:
    """N knots that equidistribute ∫|f''|**(1/2) (f'' by finite differences on a fine grid)."""
    x = np.linspace(-1.0, 1.0, 2_000_001)
    dx = x[1] - x[0]
    y = (case.truth or case.f)(x)
    d2 = np.zeros_like(x)
    d2[1:-1] = (y[2:] - 2 * y[1:-1] + y[:-2]) / dx**2
    d2[0], d2[-1] = d2[1], d2[-2]
    dens = np.sqrt(np.abs(np.nan_to_num(d2, nan=0.0)))
    dens += 1e-12 * max(float(dens.max()), 1.0)  # a positive density everywhere
    cum = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) * 0.5 * dx)])
    return np.interp(np.linspace(0.0, cum[-1], n), cum, x)


def best_bisection_knots(case: Case, n: int) -> Array:
    """The n points with the least RMS error among all that midpoint bisection can make.

    ``ask(1)`` splits an interval at its middle, so every learner's points lie on a dyadic
    tree over [-1, 1]; this searches all of its subtrees with n leaves' ends (dynamic
    programming over the tree, depth ``log2(8 n)``; the squared error of an interval by a
    129-point trapezoid rule). A limit that no Learner1D loss can beat.
    """
    truth = case.truth or case.f
    depth_max = math.ceil(math.log2(8 * n))

    def sq_error(a: float, b: float) -> float:
        t = np.linspace(a, b, 129)
        fa, fb = truth(np.array([a, b]))
        e = truth(t) - (fa + (fb - fa) * (t - a) / (b - a))
        return float(np.trapezoid(e * e, t))

    def solve(
        a: float, b: float, depth: int, most: int
    ) -> tuple[Array, Callable[[int], list[float]]]:
        # best[m]: least squared error with m intervals; points(m): their ends
        most = min(most, 2 ** (depth_max - depth))
        best = np.full(most + 1, np.inf)
        best[1] = sq_error(a, b)
        split: dict[int, tuple[int, int]] = {}
        left_points: Callable[[int], list[float]] | None = None
        right_points: Callable[[int], list[float]] | None = None
        if depth < depth_max and most > 1:
            m = 0.5 * (a + b)
            left, left_points = solve(a, m, depth + 1, most - 1)
            right, right_points = solve(m, b, depth + 1, most - 1)
            for i in range(1, len(left)):
                k = min(len(right) - 1, most - i)
                if k < 1 or not np.isfinite(left[i]):
                    continue
                total = left[i] + right[1 : k + 1]
                better = np.nonzero(total < best[i + 1 : i + k + 1])[0]
                best[i + 1 + better] = total[better]
                for j in better:
                    split[i + 1 + int(j)] = (i, 1 + int(j))

        def points(count: int) -> list[float]:
            if count not in split or left_points is None or right_points is None:
                return [a, b]
            i, j = split[count]
            return left_points(i)[:-1] + right_points(j)

        return best, points

    _, points = solve(-1.0, 1.0, 0, n - 1)
    return np.array(points(n - 1))


def y_range(case: Case) -> float:
    t = case.f(GRID)
    t = t[np.isfinite(t)]
    return float(t.max() - t.min())


def bench_quality(sizes: list[int]) -> list[tuple[Case, int, float, float]]:
    print("\n(a) max and RMS error of linear interpolation through N points, on [-1, 1]")
    print(
        "    ref = reference default loss, uni = uniform grid, opt = optimal knots "
        "(density |f''|^1/2), ie = interpolation_error_loss"
    )
    head = (
        f"  {'function':<26} {'N':>5} |{'max ref':>9} {'uni':>9} {'opt':>9} {'ie':>9}"
        f" {'ie/opt':>7} |{'rms ref':>9} {'uni':>9} {'ie':>9} {'ie/best':>8}"
    )
    print(head)
    estimates = []
    worst_smooth = dict.fromkeys(sizes, 0.0)
    worst_issue = dict.fromkeys(sizes, 0.0)
    worst_rms = dict.fromkeys(sizes, 0.0)
    worst_rms_loose = dict.fromkeys(sizes, 0.0)
    limits: list[tuple[Case, int, float, float]] = []
    for case in CASES:
        for n in sizes:
            runs = []  # per realisation: (ref, uni, ie) max and RMS errors
            for i, f in enumerate((case.f, *case.others)):
                g = scalar(f)
                ref = learn(adaptive, g, n)
                ours = learn(adaptive_nb, g, n, loss_per_interval=interpolation_error_loss)
                runs.append(
                    [errors(case, xs, f) for xs in (points_of(ref), np.linspace(-1, 1, n))]
                    + [errors(case, points_of(ours), f)]
                )
                if i == 0:
                    estimate = ours.loss()
            mx = np.mean([[e[0] for e in r] for r in runs], axis=0)
            rms = np.sqrt(np.mean([[e[1] ** 2 for e in r] for r in runs], axis=0))
            (m_ref, m_uni, m_ie), (r_ref, r_uni, r_ie) = mx, rms
            m_opt, _ = errors(case, optimal_knots(case, n))
            ratio = m_ie / m_opt
            rms_ratio = r_ie / min(r_ref, r_uni)
            if case.smooth:
                worst_smooth[n] = max(worst_smooth[n], ratio)
            if case.issue:
                worst_issue[n] = max(worst_issue[n], ratio)
            worst_rms[n] = max(worst_rms[n], rms_ratio)
            if rms_ratio > 1 and n <= 256 and not case.others and case.truth is None:
                limits.append((case, n, errors(case, best_bisection_knots(case, n))[1], r_uni))
            worst_rms_loose[n] = max(worst_rms_loose[n], r_ie / max(r_ref, r_uni))
            estimates.append((case, n, estimate, runs[0][2][0] / y_range(case)))
            print(
                f"  {case.name:<26} {n:>5} |{m_ref:9.2e} {m_uni:9.2e} {m_opt:9.2e} {m_ie:9.2e}"
                f" {ratio:7.2f}{'' if case.smooth else '*'}|"
                f"{r_ref:9.2e} {r_uni:9.2e} {r_ie:9.2e} {rms_ratio:8.2f}"
            )
    print("  * not smooth: the optimal-knot column is a yardstick, not a limit")
    print("  ie/best: RMS of ie over the better of ref and uni; noise: mean over 8 seeds")
    for case, n, best, uni in limits:
        print(
            f"  {case.name} at N={n}: the best RMS that midpoint bisection can reach (any loss)"
            f" is {best:.4e}, {best / uni:.5f}x the uniform grid's"
        )
    for n in sizes:
        print(
            f"  N={n}: worst ie/opt (max error) on the issue's smooth functions "
            f"{worst_issue[n]:.2f}, on all smooth functions {worst_smooth[n]:.2f}; "
            f"worst RMS ie/min(ref, uni) {worst_rms[n]:.2f}, ie/max(ref, uni) "
            f"{worst_rms_loose[n]:.2f} (all functions)"
        )
    return estimates


def report_estimates(estimates: list[tuple[Case, int, float, float]]) -> None:
    print("\n(b) learner.loss() as an estimate of max error / y-range (ie loss)")
    print(f"  {'function':<26} {'N':>5} {'loss()':>10} {'true':>10} {'loss/true':>10}")
    ratios = []
    for case, n, est, true in estimates:
        ratios.append((case.smooth, est / true))
        print(f"  {case.name:<26} {n:>5} {est:10.2e} {true:10.2e} {est / true:10.2f}")
    issue = [r for (case, *_), (_, r) in zip(estimates, ratios, strict=True) if case.issue]
    print(
        f"  the issue's smooth functions: loss/true between {min(issue):.2f} and {max(issue):.2f}"
    )
    low = sorted({case.name for (case, _, est, true) in estimates if est / true < 0.5})
    print(f"  loss() under-reports (loss/true < 0.5) on: {', '.join(low) or 'none'}")


# The first points of the peak function leave the peak unresolved, so most of the new loss's
# intervals take its noise guard there; the cost section shows them apart from the rest.
_EARLY = 500


def per_point_us(
    make: Callable[[], Any], f: Callable[[float], float], n: int
) -> tuple[float, float, float]:
    """µs per point of the ask(1) + tell loop: over all n points, the first _EARLY, the rest."""
    learner = make()
    gc.collect()
    t0 = time.perf_counter()
    t_early = t0
    for i in range(n):
        (x,), _ = learner.ask(1)
        learner.tell(x, f(x))
        if i + 1 == _EARLY:
            t_early = time.perf_counter()
    t1 = time.perf_counter()
    return (t1 - t0) / n * 1e6, (t_early - t0) / _EARLY * 1e6, (t1 - t_early) / (n - _EARLY) * 1e6


@uses_nth_neighbors(2)
def _width_nth2(xs: Any, ys: Any) -> float:
    """The cheapest loss with two neighbours and no batch protocol (``window_losses``): what
    the learner's generic path (one call per interval) costs."""
    return float(xs[3] - xs[2])


def bench_cost(n: int, repeats: int) -> None:
    print(f"\n(c) µs per point of the ask(1) + tell loop to {n} points, peak function")
    print(f"    (best of {repeats}, the three alternating)")

    def f(x: float) -> float:
        return x + 1e-4 / (1e-4 + (x - 0.123) ** 2)

    makes = {
        "ours, default loss": lambda: adaptive_nb.Learner1D(f, (-1, 1)),
        "ours, interpolation_error_loss": lambda: adaptive_nb.Learner1D(
            f, (-1, 1), loss_per_interval=interpolation_error_loss
        ),
        "ours, a trivial nth=2 loss": lambda: adaptive_nb.Learner1D(
            f, (-1, 1), loss_per_interval=_width_nth2
        ),
        "reference, default loss": lambda: adaptive.Learner1D(f, (-1, 1)),
    }
    # best of the repeats, for each of (all points, the first _EARLY, the rest) on its own
    best = {name: [math.inf] * 3 for name in makes}
    for _ in range(repeats):
        for name, make in makes.items():
            best[name] = [
                min(b, t) for b, t in zip(best[name], per_point_us(make, f, n), strict=True)
            ]
    print(f"  {'':<32} {'all':>8} {'first ' + str(_EARLY):>10} {'the rest':>10}")
    for name, (us, early, late) in best.items():
        print(f"  {name:<32} {us:8.1f} {early:10.1f} {late:10.1f}  µs")
    ie = best["ours, interpolation_error_loss"]
    ours = best["ours, default loss"]
    print(
        f"  interpolation_error / our default: {ie[0] / ours[0]:.2f}x (first {_EARLY} points"
        f" {ie[1] / ours[1]:.2f}x, the rest {ie[2] / ours[2]:.2f}x); / reference default:"
        f" {ie[0] / best['reference, default loss'][0]:.2f}x (target <= 2 against our default;"
        " wall time on a shared machine varies by several percent from run to run); the"
        " trivial nth=2 loss through the generic path (one call per interval):"
        f" {best['ours, a trivial nth=2 loss'][0] / ie[0]:.2f}x the loss's cost"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 1000 only")
    args = parser.parse_args()
    print(f"Sampling benchmark: adaptive {adaptive.__version__} vs adaptive_nb")
    t0 = time.perf_counter()
    sizes = [200, 1000] if args.quick else [200, 1000, 5000]
    report_estimates(bench_quality(sizes))
    bench_cost(2000 if args.quick else 5000, repeats=3)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
