"""IntegratorLearner: adaptive_nb against the reference library (adaptive 1.5), side by side.

Prints two parts:

(a) points per second of the loop a runner drives, ``ask(1)``, ``tell``, ``done()``, until the
    learner is done at tol 1e-10, on three integrands: a narrow peak, a sharper one, and the
    reference tutorial's step function ``floor(exp(x))`` (20 jumps; about 20k points). Both
    libraries choose the same points and end with the same integral; the run checks it;
(b) the cost of reading the estimates (``igral``, ``err``, ``loss()``, ``done()``) as the
    number of approximating intervals grows: the reference sums over all of them each time;
(c) the cost of ``ask(1, tell_pending=False)``, which a BalancingLearner calls on a child for
    every point: the reference deep-copies its whole state for it.

Ratios are reference / ours for times (higher is better for us). Each run is in a fresh
process, alternating between the libraries, so a slow phase of the shared machine does not land
on one side only. Usage: ``python benchmarks/bench_integrator.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

import adaptive_nb


def peak(x: float) -> float:
    return 1 / (1e-4 + (x - 0.3) ** 2)


def sharp(x: float) -> float:
    return 1 / (1e-8 + (x - 0.3) ** 2) + math.sin(30 * x)


def f24(x: float) -> float:
    return float(np.floor(np.exp(x)))


INTEGRANDS: dict[str, tuple[Callable[[float], float], tuple[float, float]]] = {
    "1/(1e-4+(x-0.3)^2) on [0,1]": (peak, (0, 1)),
    "1/(1e-8+(x-0.3)^2)+sin(30x)": (sharp, (0, 1)),
    "floor(exp(x)) on [0,3] (f24)": (f24, (0, 3)),
}
TOL = 1e-10


def integrate(lib_name: str, name: str, min_seconds: float) -> tuple[float, int, float, float]:
    """Run the ask(1)+tell+done() loop to the tolerance, repeated for at least min_seconds.

    Timed in CPU seconds of this process (``time.process_time``): on a machine shared with other
    jobs, wall-clock time also counts the time spent waiting for a core, which swamps a run of
    a few milliseconds. The fastest of the repeats is kept (the least disturbed).

    Returns (seconds per run, points per run, igral, err).
    """
    lib = importlib.import_module(lib_name)
    f, bounds = INTEGRANDS[name]
    times: list[float] = []
    total = 0.0
    while total < min_seconds or not times:
        learner = lib.IntegratorLearner(f, bounds, TOL)
        gc.collect()
        t0 = time.process_time()
        while not learner.done():
            (x,), _ = learner.ask(1)
            learner.tell(x, f(x))
        dt = time.process_time() - t0
        times.append(dt)
        total += dt
    return float(np.min(times)), learner.npoints, float(learner.igral), float(learner.err)


def read_estimates(lib_name: str, sizes: list[int]) -> list[tuple[int, float]]:
    """µs to read igral, err, loss() and done() once, at several numbers of intervals."""
    lib = importlib.import_module(lib_name)
    learner = lib.IntegratorLearner(f24, (0, 3), 1e-14)
    learner.max_ivals = 10**9
    out = []
    for size in sizes:
        while len(learner.approximating_intervals) < size:
            xs, _ = learner.ask(1)
            for x in xs:
                learner.tell(x, f24(x))
        out.append((len(learner.approximating_intervals), fastest(read, learner, 100) * 1e6))
    return out


def peek(learner: Any) -> None:
    learner.ask(1, tell_pending=False)


def read(learner: Any) -> None:
    _ = learner.igral, learner.err, learner.loss(), learner.done()


def fastest(fn: Callable[[Any], None], arg: Any, reps: int, blocks: int = 5) -> float:
    """CPU seconds per call of ``fn(arg)``: the fastest of ``blocks`` blocks of ``reps`` calls."""
    best = math.inf
    for _ in range(blocks):
        t0 = time.process_time()
        for _ in range(reps):
            fn(arg)
        best = min(best, (time.process_time() - t0) / reps)
    return best


def peek_cost(lib_name: str, sizes: list[int]) -> list[tuple[int, float]]:
    """ms per ask(1, tell_pending=False) at several numbers of points."""
    lib = importlib.import_module(lib_name)
    learner = lib.IntegratorLearner(f24, (0, 3), 1e-14)
    out = []
    for size in sizes:
        while learner.npoints < size:
            (x,), _ = learner.ask(1)
            learner.tell(x, f24(x))
        reps, blocks = (1, 3) if lib_name == "adaptive" else (100, 5)
        out.append((learner.npoints, fastest(peek, learner, reps, blocks) * 1e3))
    return out


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def bench_loop(repeats: int, min_seconds: float) -> None:
    print(f"\n(a) ask(1) + tell + done() until done at tol {TOL:g}")
    print(f"    ({repeats} processes per library, alternating, each repeating the integration for")
    print("    a while; CPU time, fastest repeat per process, median over the processes)")
    print(
        f"    {'integrand':<30}{'points':>8}{'ref pts/s':>12}{'ours pts/s':>12}{'ratio':>8}"
        f"{'|Δigral|/igral':>16}"
    )
    for name in INTEGRANDS:
        res: dict[str, list[tuple[float, int, float, float]]] = {"adaptive": [], "adaptive_nb": []}
        for _ in range(repeats):
            for lib, out in res.items():
                out.append(in_fresh_process(integrate, lib, name, min_seconds))
        t_ref = float(np.median([r[0] for r in res["adaptive"]]))
        t_our = float(np.median([r[0] for r in res["adaptive_nb"]]))
        (_, n_ref, i_ref, _), (_, n_our, i_our, _) = res["adaptive"][0], res["adaptive_nb"][0]
        if n_ref != n_our:
            print(f"    {name}: NOT THE SAME RUN: {n_ref} vs {n_our} points")
        rel = abs(i_ref - i_our) / abs(i_ref)
        print(
            f"    {name:<30}{n_our:>8}{n_ref / t_ref:>12,.0f}{n_our / t_our:>12,.0f}"
            f"{t_ref / t_our:>7.1f}x{rel:>16.1e}"
        )


def bench_estimates(sizes: list[int]) -> None:
    print("\n(b) µs (CPU) to read igral, err, loss() and done() once, by number of approximating")
    print("    intervals (f24, tol 1e-14, max_ivals unbounded)")
    ref = in_fresh_process(read_estimates, "adaptive", sizes)
    ours = in_fresh_process(read_estimates, "adaptive_nb", sizes)
    print(f"    {'intervals':>10}{'reference':>12}{'ours':>10}{'ratio':>9}")
    for (n, t_ref), (_, t_our) in zip(ref, ours, strict=True):
        print(f"    {n:>10}{t_ref:>12.1f}{t_our:>10.2f}{t_ref / t_our:>8.0f}x")


def bench_peek(sizes: list[int]) -> None:
    print("\n(c) ms (CPU) per ask(1, tell_pending=False), what a BalancingLearner asks of each")
    print("    child per point, by number of points (f24, tol 1e-14); the reference deep-copies")
    print("    itself for it")
    ref = in_fresh_process(peek_cost, "adaptive", sizes)
    ours = in_fresh_process(peek_cost, "adaptive_nb", sizes)
    print(f"    {'points':>10}{'reference':>12}{'ours':>10}{'ratio':>9}")
    for (n, t_ref), (_, t_our) in zip(ref, ours, strict=True):
        print(f"    {n:>10}{t_ref:>12.2f}{t_our:>10.3f}{t_ref / t_our:>8.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 1-3 minutes")
    args = parser.parse_args()
    print(f"IntegratorLearner benchmark: adaptive {adaptive.__version__} vs adaptive_nb")
    assert adaptive_nb.IntegratorLearner is not None
    t0 = time.perf_counter()
    if args.quick:
        bench_loop(repeats=2, min_seconds=0.2)
        bench_estimates([100, 300])
        bench_peek([1000, 5000])
    else:
        bench_loop(repeats=5, min_seconds=1.0)
        bench_estimates([100, 400, 1600])
        bench_peek([1000, 5000, 20000])
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
