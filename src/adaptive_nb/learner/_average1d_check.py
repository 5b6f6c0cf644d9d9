"""The invariants of an AverageLearner1D, checked from scratch (for tests; O(nsamples))."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from adaptive_nb.learner._average1d_data import t_quantile
from adaptive_nb.learner._interval_index import _assert_heap, _same_float

if TYPE_CHECKING:
    from adaptive_nb.learner.average_learner1D import AverageLearner1D

__all__ = ["check_invariants"]


def _close(a: float, b: float, scale: float) -> bool:
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b), scale)


def check_invariants(learner: AverageLearner1D) -> None:  # noqa: PLR0915
    """Assert every invariant of ``learner``, its interval index's included."""
    snap = learner._check_index_invariants()
    data = learner.data
    samples = learner._data_samples
    lo, hi = learner.bounds
    assert list(data) == learner._log_x, "data order differs from the told-order record"
    assert set(data) == set(samples) == set(learner._number_samples) == set(learner._m2)
    assert set(data) == set(learner.error)
    assert list(snap.real) == sorted(data), "every point is in the bounds and in the index"
    assert all(lo <= x <= hi for x in data)
    assert learner._nsamples == sum(len(s) for s in samples.values())
    all_ys = [y for s in samples.values() for y in s.values()]
    if all_ys:
        assert learner._ymin == min(all_ys)
        assert learner._ymax == max(all_ys)
    spread = learner._yscale or 1.0
    # Sums of squares are compared in units of `size` (finite, as the samples are): a sum of
    # squares of samples near 1e154 or more overflows to inf, in the learner as here.
    size = max(abs(learner._ymin), abs(learner._ymax), 1.0) if all_ys else 1.0
    nodes = learner._nodes
    for x, s in samples.items():
        n = len(s)
        assert learner._number_samples[x] == n >= 1
        mean = math.fsum(y / n for y in s.values())
        assert math.isfinite(data[x])
        assert _close(data[x], mean, spread), (x, data[x], mean)
        assert learner._ny[nodes[x]] == data[x]
        m2_units = math.fsum(((y - data[x]) / size) ** 2 for y in s.values())
        m2 = learner._m2[x]
        if m2 == math.inf:
            assert m2_units * size * size > 1e300, (x, m2, m2_units)
        else:
            assert _close(m2 / size / size, m2_units, 1e-6), (x, m2, m2_units)
        if n == 1:
            assert learner.error[x] == math.inf
            assert x in learner._undersampled_points
        else:
            expect = t_quantile(learner.alpha, n) * (max(m2, 0.0) / (n - 1) / n) ** 0.5
            assert _close(learner.error[x], expect, spread * 1e-3), (x, learner.error[x], expect)
    assert learner._undersampled_points <= data.keys()
    # distances between real neighbours, and the rescaled errors built on them
    reals = list(snap.real)
    assert set(learner._distances) == set(reals[:-1])
    for a, b in itertools.pairwise(reals):
        assert learner._distances[a] == math.hypot(b - a, data[b] - data[a])
    for x, n in learner._number_samples.items():
        stop = n >= 2 and (learner.error[x] <= learner.min_error or n >= learner.max_samples)
        assert (x in learner._resc) == (not stop), (x, n, learner.error[x])
    for x, e in learner._resc.items():
        assert e[2] == x
        assert _same_float(-e[0], learner._rescaled(x)), (x, -e[0], learner._rescaled(x))
    live = {id(e) for e in learner._resc.values()}
    assert live <= {id(e) for e in learner._resc_heap}, "a live rescaled error is not in the heap"
    _assert_heap(learner._resc_heap)
    # pending points: (seed, x) pairs; their new xs are the index's pending points
    for seed, x in learner.pending_points:
        assert type(seed) is int
        assert type(x) is float
        assert seed not in samples.get(x, {}), "a told sample is still pending"
    pending_x = {x for _, x in learner.pending_points if x not in data and lo <= x <= hi}
    assert set(snap.pending) == pending_x
    # real losses: equal to a recomputation at the scale they were computed with
    factor = learner._recompute_losses_factor
    assert learner._old_yscale <= learner._yscale
    assert learner._yscale <= factor * learner._old_yscale or learner._yscale == 0.0
    for (left, right), (_, loss, scale) in snap.real_intervals.items():
        assert learner._old_yscale <= scale <= learner._yscale
        again = learner._interval_loss(nodes[left], nodes[right], scale)
        assert _same_float(loss, again), (left, right, loss, again)
