"""Learner1D: adaptive_nb against the reference library (adaptive 1.5), side by side in one run.

Prints four parts:

(a) the ask(1) + tell loop up to 10k, 50k and 100k points (10k with --quick), with the cost
    per point at several N and how it grows with N, next to a control: the bare data-structure
    work of a point, without a learner;
(b) bulk loading: tell_many of 100k points and load() of a saved 100k-point learner (the
    reference's bulk path is quadratic, so it is measured at smaller N and extrapolated);
(c) sampling quality: max |error| of linear interpolation of the learned data at 200 and
    1000 points, for three functions, both libraries driven the same way;
(d) CPU instructions per point of the same loop at 1k, 10k and 100k points, counted by
    valgrind (cachegrind; skipped with --quick). Unlike time, the count does not depend on the
    machine's load, so it tells work that grows with N apart from memory that stops fitting in
    the caches.

Ratios are reference / ours for times (higher is better for us) and ours / reference for errors
(at most 1.0 is the bar). Usage: ``python benchmarks/bench_learner1d.py [--quick]``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import heapq
import importlib
import itertools
import math
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

import adaptive_nb


def peak(x: float, a: float = 0.01) -> float:
    return x + a**2 / (a**2 + (x - 0.123) ** 2)


def sin30(x: float) -> float:
    return math.sin(30 * x)


def tanh50(x: float) -> float:
    return math.tanh(50 * x)


FUNCTIONS: dict[str, Callable[[float], float]] = {
    "peak x+a²/(a²+(x-0.123)²)": peak,
    "sin(30x)": sin30,
    "tanh(50x)": tanh50,
}


WINDOW = 500  # points per timed window of the ask(1)+tell loop
CHECKPOINTS = (1000, 2000, 5000, 10000, 20000, 50000, 100000)


def loop_windows(lib_name: str, n: int) -> list[float]:
    """Run the ask(1)+tell loop to n points; return the seconds of each window of WINDOW."""
    lib = importlib.import_module(lib_name)
    learner = lib.Learner1D(peak, (-1, 1))
    gc.collect()
    times = []
    for _ in range(n // WINDOW):
        t0 = time.perf_counter()
        for _ in range(WINDOW):
            (x,), _ = learner.ask(1)
            learner.tell(x, peak(x))
        times.append(time.perf_counter() - t0)
    return times


def bare_windows(n: int) -> list[float]:
    """The data-structure work of one point without a learner, per window of WINDOW points.

    Per point: SortedList.add, a neighbour lookup, a dict insert, a list append, two heappush
    and a heappop, on random keys. Not a learner: a control that shows how the bare structures
    of a sorted-container + heap design slow down on this machine as they grow from 1k to 100k
    entries (deeper heap, more cache misses).
    """
    from sortedcontainers import SortedList

    rnd = random.Random(1).random
    keys = SortedList()
    index: dict[float, float | None] = {}
    column: list[float] = []
    heap: list[tuple[float, float, int]] = []
    gc.collect()
    times = []
    for w in range(n // WINDOW):
        t0 = time.perf_counter()
        for i in range(w * WINDOW, (w + 1) * WINDOW):
            x = rnd()
            keys.add(x)
            j = keys.bisect_left(x)
            index[x] = keys[j - 1] if j else None
            column.append(x)
            heapq.heappush(heap, (-rnd(), x, i))
            heapq.heappush(heap, (-rnd(), x, i))
            heapq.heappop(heap)
        times.append(time.perf_counter() - t0)
    return times


RUNS: dict[str, Callable[[int], list[float]]] = {
    "adaptive": functools.partial(loop_windows, "adaptive"),
    "adaptive_nb": functools.partial(loop_windows, "adaptive_nb"),
    "bare": bare_windows,
}


def loop_runs(n: int, repeats: int) -> dict[str, list[np.ndarray[Any, Any]]]:
    """Window times of `repeats` runs per library, each run in a fresh process.

    A fresh process per run gives each library a clean heap and garbage collector, and the
    runs alternate between the libraries so that a slow phase of the machine (a shared VM:
    its speed drifts by up to 2x over minutes) does not land on one side only.
    """
    ctx = multiprocessing.get_context("spawn")
    runs: dict[str, list[np.ndarray[Any, Any]]] = {name: [] for name in RUNS}
    for _ in range(repeats):
        for name, out in runs.items():
            with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
                out.append(np.array(pool.submit(RUNS[name], n).result()))
    return runs


def per_point_us(ts: np.ndarray[Any, Any], lo: int, hi: int, typical: bool) -> float:
    """µs per point from lo to hi points, in one run (the window times ``ts``).

    With ``typical=False`` everything counts: the garbage collector's passes and the full
    rescales of the losses when the y-range has doubled (amortised O(1) per point, as in the
    reference). With ``typical=True`` it is the median window, which leaves such events out.
    """
    stat = np.median if typical else np.mean
    return float(stat(ts[lo // WINDOW : hi // WINDOW])) / WINDOW * 1e6


def bench_loop(n: int, repeats: int) -> None:
    print("\n(a) ask(1) + tell loop on the peak function, bounds (-1, 1)")
    print(f"    ({repeats} runs per library, each in a fresh process, alternating; medians)")
    runs = loop_runs(n, repeats)
    ref, ours, bare = runs["adaptive"], runs["adaptive_nb"], runs["bare"]
    for m in sorted({10000, 50000, n}):
        if m > n:
            continue
        k = m // WINDOW
        t_ref = float(np.median([ts[:k].sum() for ts in ref]))
        t_our = float(np.median([ts[:k].sum() for ts in ours]))
        print(
            f"  to {m:>6} points: reference {t_ref:7.2f} s, ours {t_our:6.2f} s, "
            f"ratio {t_ref / t_our:5.1f}x"
        )
    checkpoints = [c for c in CHECKPOINTS if c <= n]
    logn = np.log(checkpoints)
    for typical, title in (
        (False, "everything included, from the previous N to N"),
        (True, "typical: median window of the last 20% before N"),
    ):
        spans = (
            [(int(0.8 * c), c) for c in checkpoints]
            if typical
            else list(itertools.pairwise([0, *checkpoints]))
        )
        # costs[library][run][checkpoint]
        costs = {
            name: np.array([[per_point_us(ts, lo, hi, typical) for lo, hi in spans] for ts in rs])
            for name, rs in (("ref", ref), ("ours", ours), ("bare", bare))
        }
        med = {name: np.median(c, axis=0) for name, c in costs.items()}
        print(f"    µs per point at N ({title}; median of the runs):")
        print("    N    " + "".join(f"{c:>8}" for c in checkpoints))
        print("    ref  " + "".join(f"{v:8.1f}" for v in med["ref"]))
        print("    ours " + "".join(f"{v:8.1f}" for v in med["ours"]))
        ratios = med["ref"] / med["ours"]
        print("    ratio" + "".join(f"{r:8.1f}" for r in ratios))
        print("    bare " + "".join(f"{v:8.1f}" for v in med["bare"]) + "   (control, see below)")
        # Flatness, within each run (the machine's speed drifts between runs): the cost at
        # the largest N over the lowest cost at any N, and the least-squares slope of
        # log(cost) against log(N) (0 = flat); the medians over the runs.
        for name, label in (("ref", "reference"), ("ours", "ours"), ("bare", "bare")):
            growth = np.median([c[-1] / c.min() for c in costs[name]])
            slope = np.median([np.polyfit(logn, np.log(c), 1)[0] for c in costs[name]])
            print(
                f"    {label:<9}: cost at N={checkpoints[-1]} / lowest: {growth:.2f},"
                f" log-log slope {slope:+.3f}"
            )
    print(
        "    bare: a control, not a learner: only the data-structure work of a point\n"
        "    (SortedList.add + neighbour lookup + dict + list + 2 heappush + heappop) on random\n"
        "    keys. It is the least a sorted-container + heap design can cost, and it slows down\n"
        "    as N grows too (deeper heap, more cache misses): the yardstick for 'flat' here.\n"
        "    (Part (d) counts instructions, which do not depend on caches or machine load.)"
    )


def bulk_times(lib: object, n: int, folder: Path) -> tuple[float, float]:
    rng = np.random.default_rng(42)
    xs = np.concatenate([[-1.0, 1.0], rng.uniform(-1, 1, n - 2)])
    ys = np.array([peak(x) for x in xs])
    learner = lib.Learner1D(peak, (-1, 1))  # type: ignore[attr-defined]
    gc.collect()
    t0 = time.perf_counter()
    learner.tell_many(xs, ys)
    t_tell = time.perf_counter() - t0
    fname = folder / f"{lib.__name__}_{n}.p"  # type: ignore[attr-defined]
    learner.save(str(fname))
    fresh = lib.Learner1D(peak, (-1, 1))  # type: ignore[attr-defined]
    gc.collect()
    t0 = time.perf_counter()
    fresh.load(str(fname))
    t_load = time.perf_counter() - t0
    assert fresh.npoints == n
    return t_tell, t_load


def best_of(k: int, lib: object, n: int, folder: Path) -> tuple[float, float]:
    runs = [bulk_times(lib, n, folder) for _ in range(k)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def bench_bulk(n_ours: int, ref_sizes: list[int]) -> None:
    print("\n(b) bulk: tell_many of N random points, and load() of a saved N-point learner")
    print("    (ours: best of 3 runs; reference: one run)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ref: dict[int, tuple[float, float]] = {}
        for n in ref_sizes:
            ref[n] = bulk_times(adaptive, n, folder)
        ours = {n: best_of(3, adaptive_nb, n, folder) for n in [*ref_sizes, n_ours]}
    print(
        f"  {'N':>7} {'ref tell_many':>14} {'ours':>9} {'ratio':>7}   {'ref load':>9} {'ours':>9}"
    )
    for n in ref_sizes:
        (rt, rl), (ot, ol) = ref[n], ours[n]
        print(f"  {n:>7} {rt:13.3f}s {ot:8.3f}s {rt / ot:6.0f}x   {rl:8.3f}s {ol:8.3f}s")
    ot, ol = ours[n_ours]
    # The reference's bulk path scans the loss dict once per interval: quadratic. Extrapolate
    # with the scaling exponent fitted (least squares, log-log) to all measured sizes.
    logn = np.log(ref_sizes)
    expo = float(np.polyfit(logn, np.log([ref[n][0] for n in ref_sizes]), 1)[0])
    expo_load = float(np.polyfit(logn, np.log([ref[n][1] for n in ref_sizes]), 1)[0])
    n2 = ref_sizes[-1]
    est = ref[n2][0] * (n_ours / n2) ** expo
    est_load = ref[n2][1] * (n_ours / n2) ** expo_load
    print(
        f"  {n_ours:>7} {'~' + format(est, '.0f') + 's*':>14} {ot:8.3f}s {est / ot:6.0f}x   "
        f"{'~' + format(est_load, '.0f') + 's*':>9} {ol:8.3f}s"
    )
    print(
        f"  * reference not run at {n_ours} (it would take far more than 2 minutes): extrapolated"
        f" from N={n2} with the exponents fitted to N={ref_sizes}: tell_many {expo:.2f},"
        f" load {expo_load:.2f}."
    )


def max_interp_error(learner: object, f: Callable[[float], float]) -> float:
    data = learner.data  # type: ignore[attr-defined]
    xs = np.array(sorted(data))
    ys = np.array([data[x] for x in xs])
    grid = np.linspace(-1, 1, 400_001)
    truth = np.array([f(x) for x in grid])
    return float(np.max(np.abs(np.interp(grid, xs, ys) - truth)))


def bench_quality(sizes: list[int]) -> None:
    print("\n(c) sampling quality: max |linear interpolation - f| on a 400k-point grid, (-1, 1)")
    print(f"  {'function':<28} {'N':>5} {'reference':>11} {'ours':>11} {'ours/ref':>9}")
    worst = 0.0
    for name, f in FUNCTIONS.items():
        for n in sizes:
            errs = []
            for lib in (adaptive, adaptive_nb):
                learner = lib.Learner1D(f, (-1, 1))
                for _ in range(n):
                    (x,), _ = learner.ask(1)
                    learner.tell(x, f(x))
                errs.append(max_interp_error(learner, f))
            ratio = errs[1] / errs[0]
            worst = max(worst, ratio)
            print(f"  {name:<28} {n:>5} {errs[0]:11.3e} {errs[1]:11.3e} {ratio:9.3f}")
    print(f"  worst ratio ours/ref: {worst:.3f} (bar: <= 1.0)")


def grow(lib_name: str, n: int, collect_at: int) -> None:
    """Run the ask(1)+tell loop to n points, with a full garbage collection at ``collect_at``.

    This is the program that cachegrind counts. The collection at the start of a window makes
    both runs of a pair (to N and to N+window) identical up to N and leaves the window in the
    same state for both libraries: whether a rare full collection (O(N) each) happens to fall in
    the window would otherwise decide up to a tenth of its count. Part (a) includes them.
    """
    lib = importlib.import_module(lib_name)
    learner = lib.Learner1D(peak, (-1, 1))
    for i in range(n):
        if i == collect_at:
            gc.collect()
        (x,), _ = learner.ask(1)
        learner.tell(x, peak(x))
    if n == collect_at:  # the run that ends where the window starts
        gc.collect()


def instructions(lib_name: str, n: int, collect_at: int) -> int:
    """Instructions executed by a fresh interpreter that runs ``grow(lib_name, n, collect_at)``."""
    here = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {here!r}); "
        f"import bench_learner1d; bench_learner1d.grow({lib_name!r}, {n}, {collect_at})"
    )
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    out = subprocess.run(
        [*valgrind, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict and set layouts every run
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr}")
    return int(found.group(1).replace(",", ""))


def bench_instructions(sizes: dict[str, list[int]], window: int) -> None:
    print(f"\n(d) instructions per point of the ask(1)+tell loop, points N to N+{window}")
    print("    (valgrind --tool=cachegrind; a window's count is the difference of two runs,")
    print("    one to N and one to N+window, so start-up and imports cancel out; both runs")
    print("    collect garbage at N, so the window starts from the same state)")
    if shutil.which("valgrind") is None:
        print("    NOT MEASURED: valgrind is not installed (scripts/bench.sh installs it)")
        return
    jobs = [(lib, m, n) for lib, ns in sizes.items() for n in ns for m in (n, n + window)]
    # the longest runs first, two at a time (this machine has two cores)
    jobs.sort(key=lambda job: -job[1] * (15 if job[0] == "adaptive" else 1))
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = {
            (lib, m): count
            for (lib, m, _), count in zip(
                jobs, pool.map(lambda job: instructions(*job), jobs), strict=True
            )
        }
    per_point = {
        lib: {n: (counts[lib, n + window] - counts[lib, n]) / window for n in ns}
        for lib, ns in sizes.items()
    }
    ref, ours = per_point["adaptive"], per_point["adaptive_nb"]
    all_n = sorted(ref.keys() | ours.keys())

    def row(label: str, cells: dict[int, str]) -> str:
        return f"    {label:<10}" + "".join(f"{cells.get(n, '-'):>12}" for n in all_n)

    print(row("N", {n: str(n) for n in all_n}))
    for label, values in (("reference", ref), ("ours", ours)):
        growth = values[max(values)] / min(values.values())
        cells = {n: f"{v:,.0f}" for n, v in values.items()}
        print(row(label, cells) + f"   at the largest N / lowest: {growth:.2f}")
    print(row("ratio", {n: f"{ref[n] / ours[n]:.1f}x" for n in ref.keys() & ours.keys()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about 30 s")
    args = parser.parse_args()
    print(f"Learner1D benchmark: adaptive {adaptive.__version__} vs adaptive_nb")
    t0 = time.perf_counter()
    if args.quick:
        bench_loop(10000, repeats=3)
        bench_bulk(100_000, [2000, 4000])
        bench_quality([200, 1000])
    else:
        bench_loop(100000, repeats=5)
        bench_bulk(100_000, [4000, 8000, 16000])
        bench_quality([200, 1000])
        # (the reference takes about 2 minutes under valgrind at 10k points; not beyond)
        bench_instructions({"adaptive": [1000, 10000], "adaptive_nb": [1000, 10000, 100000]}, 5000)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
