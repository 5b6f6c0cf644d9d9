"""BalancingLearner against the reference library, side by side in one run.

Two measurements, each printed with the ratio reference / ours (> 1 means we are faster):

1. The balancing overhead alone: both BalancingLearners drive the *same* kind of children (the
   reference's Learner1D), in an ask(1) + tell + loss() loop like a runner's, for 10 to 500
   children. The reference scans every child on each ask; we keep a heap of the children.
2. The full stack: our BalancingLearner of our Learner1D against theirs of theirs.

Also ``ask(4, tell_pending=False)`` (a preview of the next points): the reference pickles every
child to undo the preview; we undo only the touched children's pending points.

Each figure is the best of three alternating rounds (the machine is shared).

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


def best_of(rounds: int, make_ref, make_ours, measure) -> tuple[float, float]:
    """Best (smallest) time of each side over a few alternating rounds: the machine is shared."""
    ref, ours = math.inf, math.inf
    for _ in range(rounds):
        ref = min(ref, measure(make_ref()))
        ours = min(ours, measure(make_ours()))
    return ref, ours


def main() -> None:
    print(f"{'':<44} {'reference':>13} {'adaptive_nb':>13} {'ratio':>9}")
    ref_bl, our_bl = adaptive.BalancingLearner, adaptive_nb.BalancingLearner
    ref_1d, our_1d = adaptive.Learner1D, adaptive_nb.Learner1D
    # "same children": both balancers drive the reference's Learner1D, so the ratio is the
    # balancer's own; "full stack": each library drives its own children.
    for label, our_children in (("same children,", ref_1d), ("full stack,   ", our_1d)):
        for n in (10, 100, 500):
            npoints = max(1500, 6 * n)
            ref, ours = best_of(
                3,
                lambda n=n: ref_bl(children(ref_1d, n)),
                lambda n=n, c=our_children: our_bl(children(c, n)),
                lambda lrn, k=npoints: loop(lrn, k),
            )
            row(f"{label} {n:>3} learners, ask+tell+loss", ref, ours)

    def filled(bl, learner_type, n):
        def make():
            lrn = bl(children(learner_type, n))
            loop(lrn, 20 * n)
            return lrn

        return make

    for n in (10, 100):
        ref, ours = best_of(
            1,
            filled(ref_bl, ref_1d, n),
            filled(our_bl, our_1d, n),
            lambda lrn: preview(lrn, 10),
        )
        row(f"ask(4, tell_pending=False), {n:>3} learners", ref, ours)


if __name__ == "__main__":
    main()
