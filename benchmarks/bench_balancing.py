"""BalancingLearner against the reference library, side by side in one run.

Two measurements, each printed with the ratio reference / ours (> 1 means we are faster):

1. The balancing overhead alone: both BalancingLearners drive the *same* kind of children (the
   reference's Learner1D), in an ask(1) + tell + loss() loop like a runner's, for 10 to 500
   children. The reference scans every child on each ask; we keep a heap of the children.
2. The full stack: our BalancingLearner of our Learner1D against theirs of theirs.

Also ``ask(4, tell_pending=False)`` (a preview of the next points): the reference pickles every
child to undo the preview; we undo only the touched children's pending points.

Run: ``python benchmarks/bench_balancing.py`` (about 30-60 s).
"""

from __future__ import annotations

import math
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import adaptive

import adaptive_nb


def f(x: float, a: float) -> float:
    return x + a**2 / (a**2 + (x - 0.123) ** 2)


def children(learner_type, n: int) -> list:
    return [learner_type(partial(f, a=0.01 + i / n), (-1, 1)) for i in range(n)]


def loop(learner, npoints: int) -> float:
    """Seconds per point of an ask(1) + tell + loss() loop."""
    function = learner.function
    start = time.perf_counter()
    for _ in range(npoints):
        (p,), _ = learner.ask(1)
        learner.tell(p, function(p))
        learner.loss()
    return (time.perf_counter() - start) / npoints


def preview(learner, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        learner.ask(4, tell_pending=False)
    return (time.perf_counter() - start) / repeat


def row(label: str, ref: float, ours: float) -> None:
    print(f"{label:<44} {ref * 1e6:>10.1f} µs {ours * 1e6:>10.1f} µs {ref / ours:>8.1f}x")


def main() -> None:
    print(f"{'':<44} {'reference':>13} {'adaptive_nb':>13} {'ratio':>9}")
    for n in (10, 100, 500):
        npoints = max(2000, 8 * n)
        ref = loop(adaptive.BalancingLearner(children(adaptive.Learner1D, n)), npoints)
        ours = loop(adaptive_nb.BalancingLearner(children(adaptive.Learner1D, n)), npoints)
        row(f"same children, {n:>3} learners, ask+tell+loss", ref, ours)
    for n in (10, 100, 500):
        npoints = max(2000, 8 * n)
        ref = loop(adaptive.BalancingLearner(children(adaptive.Learner1D, n)), npoints)
        ours = loop(adaptive_nb.BalancingLearner(children(adaptive_nb.Learner1D, n)), npoints)
        row(f"full stack,    {n:>3} learners, ask+tell+loss", ref, ours)
    for n in (10, 100):
        ref_l = adaptive.BalancingLearner(children(adaptive.Learner1D, n))
        ours_l = adaptive_nb.BalancingLearner(children(adaptive_nb.Learner1D, n))
        loop(ref_l, 20 * n)
        loop(ours_l, 20 * n)
        row(f"ask(4, tell_pending=False), {n:>3} learners", preview(ref_l, 20), preview(ours_l, 20))
    assert math.isfinite(ours_l.loss())


if __name__ == "__main__":
    main()
