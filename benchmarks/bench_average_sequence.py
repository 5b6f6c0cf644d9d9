"""AverageLearner and SequenceLearner: adaptive_nb against the reference library, in one run.

Prints, each with the ratio reference / ours (> 1 means we are faster; the target is >= 1):

(a) AverageLearner: µs per point of a runner-like loop (ask, tell, loss()) with one point per
    ask and with batches of 8 (several points in flight, told out of order);
(b) SequenceLearner: the constructor on a list of 1,000,000 elements (100,000 with --quick),
    and µs per point of the same loop at several positions in the sequence, from the start to
    the end: the cost per point must stay flat however long the sequence is.

Times are CPU time of this process (``time.process_time``), the best of a few alternating rounds:
the machine is shared, and wall-clock time there also counts the time other processes run.
Usage: ``python benchmarks/bench_average_sequence.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive  # the reference library

import adaptive_nb


def gauss(seed: int) -> float:
    return random.Random(seed).gauss(1.0, 0.3)


def identity(x: Any) -> Any:
    return x


def loop(learner: Any, npoints: int, batch: int) -> float:
    """Seconds per point of ask(batch) + tell each + loss(), as a runner drives a learner.

    The points of a batch are told in reverse order, as results of parallel workers arrive. The
    function is not called (its values are precomputed): only the learner's work is timed.
    """
    values = [0.5 + (i % 97) / 97 for i in range(npoints + batch)]
    told = 0
    gc.collect()
    start = time.process_time()
    while told < npoints:
        points, _ = learner.ask(batch)
        for p in reversed(points):
            learner.tell(p, values[told])
            told += 1
        learner.loss()
    return (time.process_time() - start) / told


def best_of(
    rounds: int, measure: Callable[[Any], float], make: dict[str, Callable[[], Any]]
) -> dict[str, float]:
    """Smallest time of each library over alternating rounds."""
    best = dict.fromkeys(make, math.inf)
    for _ in range(rounds):
        for name, factory in make.items():
            best[name] = min(best[name], measure(factory()))
    return best


def row(label: str, t: dict[str, float], unit: float = 1e6, suffix: str = "µs") -> None:
    ref, ours = t["adaptive"], t["adaptive_nb"]
    print(
        f"{label:<52} {ref * unit:>9.2f} {suffix} {ours * unit:>9.2f} {suffix} {ref / ours:>7.2f}x"
    )


def average_learner(quick: bool) -> None:
    n = 5_000 if quick else 30_000
    make: dict[str, Callable[[], Any]] = {
        "adaptive": lambda: adaptive.AverageLearner(gauss, atol=1e-9),
        "adaptive_nb": lambda: adaptive_nb.AverageLearner(gauss, atol=1e-9),
    }
    for batch in (1, 8):
        t = best_of(3, partial(loop, npoints=n, batch=batch), make)
        row(f"AverageLearner ask({batch})+tell+loss, {n} points", t)


def sequence_constructor(sequence: list[int]) -> dict[str, float]:
    best = {"adaptive": math.inf, "adaptive_nb": math.inf}
    for _ in range(3):
        for name, lib in (("adaptive", adaptive), ("adaptive_nb", adaptive_nb)):
            gc.collect()
            start = time.process_time()
            lib.SequenceLearner(identity, sequence)
            best[name] = min(best[name], time.process_time() - start)
    return best


def sequence_windows(
    lib: Any, sequence: list[int], batch: int, window: int, at: list[int]
) -> list[float]:
    """Seconds per point of a window of ``window`` points starting at each position in ``at``.

    The points before each window are told in bulk (untimed), as a long run would have.
    """
    learner = lib.SequenceLearner(identity, sequence)
    out = []
    done = 0
    for start in at:
        learner.tell_many([(i, sequence[i]) for i in range(done, start)], range(done, start))
        done = start
        out.append(loop(learner, window, batch))
        done = learner.npoints  # the loop told the indices start, start + 1, ... in full
    return out


def sequence_learner(quick: bool) -> None:
    total = 100_000 if quick else 1_000_000
    sequence = list(range(total))
    row(
        f"SequenceLearner(f, list of {total:,}) constructor",
        sequence_constructor(sequence),
        1e3,
        "ms",
    )
    window = 5_000
    at = [0, total // 10, total // 2, total - 2 * window]
    for batch in (1, 8):
        best: dict[str, list[float]] = {}
        for _ in range(3):
            for name, lib in (("adaptive", adaptive), ("adaptive_nb", adaptive_nb)):
                ts = sequence_windows(lib, sequence, batch, window, at)
                best[name] = [min(a, b) for a, b in zip(best.get(name, ts), ts, strict=True)]
        for start, ref, ours in zip(at, best["adaptive"], best["adaptive_nb"], strict=True):
            row(
                f"SequenceLearner ask({batch})+tell+loss at {start:>9,}/{total:,}",
                {"adaptive": ref, "adaptive_nb": ours},
            )
        flat = max(best["adaptive_nb"]) / min(best["adaptive_nb"])
        print(f"{'':<52} adaptive_nb: slowest / fastest window = {flat:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about 10 s)")
    args = parser.parse_args()
    print(f"{'':<52} {'reference':>12} {'adaptive_nb':>12} {'ratio':>8}")
    average_learner(args.quick)
    sequence_learner(args.quick)


if __name__ == "__main__":
    main()
