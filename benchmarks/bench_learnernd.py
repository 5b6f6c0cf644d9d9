"""LearnerND and Triangulation: adaptive_nb against the reference (adaptive 1.5), side by side.

Prints three parts:

(a) the ask(1) + tell loop of LearnerND in 3D (and 2D) up to 2000 points (1000 with --quick), on
    a sharp ring, for ours and the reference with each of its triangulation backends: its
    pure-Python one and, if the optional ``adaptive-triangulation`` package (Rust) is
    importable, that one. The reference picks its backend once, at import, from the environment
    variable ``ADAPTIVE_TRIANGULATION_BACKEND`` (``auto`` prefers Rust when installed), so each
    run is a fresh process with the variable set;
(b) ``Triangulation.add_point`` of random points into a 3D triangulation, with and without the
    containing simplex given (point location), per point at 1k and 4k vertices;
(c) ``loss()`` and ``ask(1, tell_pending=False)`` on a learner of 2000 points.

Ratios are reference / ours for times (higher is better for us). The runs of (a) alternate
between the contenders, each in a fresh process, and the medians are reported. All times are
CPU time of the process, not wall time, because the machine is a shared VM whose other work
would otherwise land on whichever contender happens to run at that moment.
Usage: ``python benchmarks/bench_learnernd.py [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import math
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

WINDOW = 250


def ring(xs: Any) -> float:
    r2 = sum(x * x for x in xs)
    return float(xs[0] + math.exp(-((r2 - 0.75**2) ** 2) / 0.01**2))


def loop_windows(lib_name: str, ndim: int, n: int) -> list[float]:
    """Run LearnerND's ask(1)+tell loop to n points; return the seconds of each window."""
    lib = importlib.import_module(lib_name)
    learner = lib.LearnerND(ring, [(-1, 1)] * ndim)
    times = []
    for _ in range(n // WINDOW):
        t0 = time.process_time()
        for _ in range(WINDOW):
            (p,), _ = learner.ask(1)
            learner.tell(p, ring(p))
        times.append(time.process_time() - t0)
    return times


def _reference_backend() -> str:
    from adaptive.learner.triangulation_backend import TRIANGULATION_BACKEND

    return str(TRIANGULATION_BACKEND)


@contextlib.contextmanager
def _backend_env(backend: str | None) -> Iterator[None]:
    old = os.environ.get("ADAPTIVE_TRIANGULATION_BACKEND")
    if backend is not None:
        os.environ["ADAPTIVE_TRIANGULATION_BACKEND"] = backend
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("ADAPTIVE_TRIANGULATION_BACKEND", None)
        else:
            os.environ["ADAPTIVE_TRIANGULATION_BACKEND"] = old


def in_fresh_process(backend: str | None, fn: Any, *args: Any) -> Any:
    ctx = multiprocessing.get_context("spawn")
    with _backend_env(backend), ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def contenders() -> dict[str, tuple[str, str | None]]:
    """Name -> (library, reference backend) of everything to run."""
    out: dict[str, tuple[str, str | None]] = {
        "ours": ("adaptive_nb", None),
        "ref-python": ("adaptive", "python"),
    }
    if importlib.util.find_spec("adaptive_triangulation") is not None:
        out["ref-rust"] = ("adaptive", "rust")
    return out


def bench_loop(ndim: int, n: int, repeats: int) -> None:
    print(f"\n(a) LearnerND ask(1) + tell loop, {ndim}D ring, bounds (-1, 1)^{ndim}")
    who = contenders()
    if "ref-rust" not in who:
        print("    (adaptive-triangulation is not installed: no reference-with-Rust column)")
    for name, (_, backend) in who.items():
        if backend is not None:
            got = in_fresh_process(backend, _reference_backend)
            assert got == backend, (name, got)
    runs: dict[str, list[np.ndarray[Any, Any]]] = {name: [] for name in who}
    for _ in range(repeats):
        for name, (lib, backend) in who.items():
            runs[name].append(np.array(in_fresh_process(backend, loop_windows, lib, ndim, n)))
    total = {name: float(np.median([ts.sum() for ts in rs])) for name, rs in runs.items()}
    last = {name: float(np.median([ts[-1] for ts in rs])) / WINDOW for name, rs in runs.items()}
    print(f"    ({repeats} runs each, fresh processes, alternating; CPU seconds, medians)")
    print(f"    {'':12}{'to ' + str(n) + ' points':>16}{'µs/point, last ' + str(WINDOW):>24}")
    for name in who:
        ratio = "" if name == "ours" else f"   ratio {total[name] / total['ours']:5.1f}x"
        print(f"    {name:12}{total[name]:14.2f} s{last[name] * 1e6:22.0f}{ratio}")


def bench_add_point(sizes: list[int]) -> None:
    print("\n(b) Triangulation.add_point, 3D, random points (µs per point)")
    from adaptive.learner.triangulation import Triangulation as RefTriangulation

    from adaptive_nb.learner.triangulation import Triangulation

    classes: dict[str, Any] = {"ours": Triangulation, "ref-python": RefTriangulation}
    if importlib.util.find_spec("adaptive_triangulation") is not None:
        classes["ref-rust"] = importlib.import_module("adaptive_triangulation").Triangulation
    for size in sizes:
        rng = random.Random(size)
        cube = [(x, y, z) for x in (0, 1) for y in (0, 1) for z in (0, 1)]
        fill = [tuple(rng.random() for _ in range(3)) for _ in range(size)]
        probe = [tuple(rng.random() for _ in range(3)) for _ in range(200)]
        row = []
        for name, cls in classes.items():
            tri = cls([*cube, *fill])  # Qhull builds the starting mesh, in every library
            spent = 0.0
            for p in probe:
                s = tri.locate_point(p)  # not timed: the reference's is an O(N) scan
                t0 = time.process_time()
                tri.add_point(p, s)
                spent += time.process_time() - t0
            with_hint = spent / len(probe)
            located = math.nan
            if name != "ref-python":  # the reference scans all simplices: O(N)
                more = [tuple(rng.random() for _ in range(3)) for _ in range(200)]
                t0 = time.process_time()
                for p in more:
                    tri.add_point(p)
                located = (time.process_time() - t0) / len(more)
            row.append(f"{name} {with_hint * 1e6:6.0f} / {located * 1e6:6.0f}")
        print(f"    {size:>5} vertices (with simplex / located): " + ",  ".join(row))


def bench_queries(n: int) -> None:
    print(f"\n(c) queries on a 3D learner of {n} points (µs per call)")
    import adaptive_nb

    rows = {}
    for name, lib in (("ours", adaptive_nb), ("ref", adaptive)):
        learner = lib.LearnerND(ring, [(-1, 1)] * 3)
        for _ in range(n):
            (p,), _ = learner.ask(1)
            learner.tell(p, ring(p))
        t0 = time.process_time()
        for _ in range(200):
            learner.loss()
        t_loss = (time.process_time() - t0) / 200
        t0 = time.process_time()
        for _ in range(20):
            learner.ask(1, tell_pending=False)
        t_ask = (time.process_time() - t0) / 20
        rows[name] = (t_loss, t_ask)
    for name, (t_loss, t_ask) in rows.items():
        print(
            f"    {name:5} loss() {t_loss * 1e6:9.1f}"
            f"   ask(1, tell_pending=False) {t_ask * 1e6:9.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1000 points, one run each")
    args = parser.parse_args()
    print(f"LearnerND benchmark: adaptive {adaptive.__version__} vs adaptive_nb")
    t0 = time.perf_counter()
    if args.quick:
        bench_loop(3, 1000, repeats=1)
        bench_add_point([1000])
        bench_queries(500)
    else:
        bench_loop(3, 2000, repeats=3)
        bench_loop(2, 2000, repeats=3)
        bench_add_point([1000, 4000])
        bench_queries(2000)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
