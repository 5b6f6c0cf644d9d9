"""AverageLearner1D: adaptive_nb against the reference library (adaptive 1.5), in one run.

Prints, each with the ratio reference / ours (> 1 means we are faster; the target is >= 5):

(a) the ask(1) + tell loop of a runner to 20,000 samples (5,000 with --quick): µs per sample
    in windows along the run, samples per second over the whole run, and whether both libraries
    chose the same points (they must: the learner follows the reference's rules);
(b) the same loop with ask(8), the batch told in reverse order (several samples in flight);
(c) samples at one point: one tell at a time at a single x up to 5,000 samples (2,000 with
    --quick): the reference's cost per sample grows with the samples at x
    (it recomputes the variance over all of them), ours must stay flat.

Times are CPU time of this process (``time.process_time``), the best of alternating rounds:
the machine is shared. The function is cheap and the same for both, so the learners' work is
what is timed. Usage: ``python benchmarks/bench_average_learner1d.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

import adaptive_nb

LIBS = {"adaptive": adaptive, "adaptive_nb": adaptive_nb}


def noisy_peak(seed_x: tuple[int, float]) -> float:
    """A peak plus deterministic pseudo-noise (uniform, width 0.1), cheap to evaluate.

    The noise hashes (seed, x) so that no two points share a sequence of samples: with equal
    variances at two points, the rescaled errors would tie, and which point wins a tie decided
    by round-off is not part of the comparison.
    """
    seed, x = seed_x
    noise = (hash((seed, x)) % 100_003) / 100_003 - 0.5
    return x + 0.01**2 / (0.01**2 + (x - 0.123) ** 2) + 0.1 * noise


def run_loop(lib: Any, nsamples: int, batch: int, window: int) -> tuple[list[float], list[Any]]:
    """Seconds per sample of each window of ask(batch) + tell, and the points asked."""
    learner = lib.AverageLearner1D(noisy_peak, (-1, 1))
    asked: list[Any] = []
    times: list[float] = []
    gc.collect()
    told = 0
    while told < nsamples:
        start = time.process_time()
        stop = told + window
        while told < stop:
            points, _ = learner.ask(batch)
            for p in reversed(points):
                learner.tell(p, noisy_peak(p))
            told += len(points)
            asked.extend(points)
        times.append((time.process_time() - start) / window)
    return times, asked


def best_windows(rounds: int, nsamples: int, batch: int, window: int) -> dict[str, Any]:
    best: dict[str, list[float]] = {}
    points: dict[str, list[Any]] = {}
    for _ in range(rounds):
        for name, lib in LIBS.items():
            ts, asked = run_loop(lib, nsamples, batch, window)
            best[name] = [min(a, b) for a, b in zip(best.get(name, ts), ts, strict=True)]
            points[name] = asked
    return {"times": best, "same": points["adaptive"] == points["adaptive_nb"]}


def one_point(lib: Any, nsamples: int, window: int) -> list[float]:
    """Seconds per sample of each window of tells at one x (after the first sample)."""
    learner = lib.AverageLearner1D(noisy_peak, (-1, 1), min_samples=1)
    learner.tell((0, 0.0), noisy_peak((0, 0.0)))
    times = []
    gc.collect()
    seed = 1
    for _ in range(nsamples // window):
        start = time.process_time()
        for _ in range(window):
            learner.tell((seed, 0.0), noisy_peak((seed, 0.0)))
            seed += 1
        times.append((time.process_time() - start) / window)
    return times


def row(label: str, ref: float, ours: float) -> None:
    print(f"{label:<56} {ref * 1e6:>9.1f} µs {ours * 1e6:>9.1f} µs {ref / ours:>7.2f}x")


def loop_section(rounds: int, nsamples: int, batch: int) -> None:
    window = 1000
    out = best_windows(rounds, nsamples, batch, window)
    ref, ours = out["times"]["adaptive"], out["times"]["adaptive_nb"]
    picks = [0, len(ref) // 4, len(ref) // 2, len(ref) - 1]
    for i in sorted(set(picks)):
        row(f"ask({batch})+tell, samples {i * window:>6,}-{(i + 1) * window:,}", ref[i], ours[i])
    total_ref, total_ours = sum(ref) * window, sum(ours) * window
    print(
        f"{'':<4}whole run of {nsamples:,} samples: reference {nsamples / total_ref:,.0f} "
        f"samples/s, adaptive_nb {nsamples / total_ours:,.0f} samples/s, "
        f"ratio {total_ref / total_ours:.2f}x; same points asked: {out['same']}"
    )
    print(f"{'':<4}adaptive_nb: slowest / fastest window = {max(ours) / min(ours):.2f}")


def one_point_section(rounds: int, nsamples: int) -> None:
    window = 500
    best: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, lib in LIBS.items():
            ts = one_point(lib, nsamples, window)
            best[name] = [min(a, b) for a, b in zip(best.get(name, ts), ts, strict=True)]
    ref, ours = best["adaptive"], best["adaptive_nb"]
    for i in sorted({0, len(ref) // 2, len(ref) - 1}):
        row(f"tell at one x, samples {i * window:>6,}-{(i + 1) * window:,}", ref[i], ours[i])
    print(f"{'':<4}adaptive_nb: slowest / fastest window = {max(ours) / min(ours):.2f}")
    growth = ref[-1] / ref[0]
    print(f"{'':<4}reference: last / first window = {growth:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about 15 s)")
    args = parser.parse_args()
    nsamples = 5_000 if args.quick else 20_000
    rounds = 1 if args.quick else 2
    print(f"{'':<56} {'reference':>12} {'adaptive_nb':>12} {'ratio':>8}")
    loop_section(rounds, nsamples, 1)
    loop_section(rounds, nsamples, 8)
    one_point_section(rounds, 2_000 if args.quick else 5_000)


if __name__ == "__main__":
    main()
