"""Tests of Learner1D's interval index: the rank rule, compaction, sortedcontainers internals."""

from __future__ import annotations

import bisect
import math
import pickle
import random

import pytest
import sortedcontainers
from adaptive.learner.learner1D import finite_loss  # the reference's rank is minus it
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb.learner._interval_index import (
    _SORTED_LOAD,
    IntervalIndex,
    _sorted_list,
    heap_overfull,
    rank,
    ranks,
)
from adaptive_nb.learner.learner1D import Learner1D

losses = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(0, 1e-9),
    st.sampled_from([math.inf, -math.inf, math.nan, 0.0, 0.5, 1.0 / 3]),
)
intervals = st.tuples(st.floats(-10, 10), st.floats(1e-9, 10)).map(lambda t: (t[0], t[0] + t[1]))


# ------------------------------------------------------------------------------ rank rule ---


@settings(max_examples=300, deadline=None)
@given(loss=losses, ival=intervals, xscale=st.floats(0.1, 100), parts=st.integers(1, 9))
def test_rank_is_the_reference_rank(
    loss: float, ival: tuple[float, float], xscale: float, parts: int
) -> None:
    a, b = ival
    # The reference sorts intervals by (-finite_loss, interval): ties go to the leftmost.
    assert rank(loss, a, b, xscale, parts) == -finite_loss((a, b, parts), loss, xscale)[0]
    if parts == 1:
        assert rank(loss, a, b, xscale) == -finite_loss((a, b), loss, xscale)[0]


def test_rank_rounds_to_12_digits_so_round_off_ties() -> None:
    assert rank(0.1 + 0.2, 0.0, 1.0, 1.0) == rank(0.3, 0.0, 1.0, 1.0) == -0.3
    assert rank(0.3 + 1e-12, 0.0, 1.0, 1.0) != rank(0.3, 0.0, 1.0, 1.0)
    # huge finite losses (beyond the reference's overflow) keep their order
    assert rank(1e300, 0.0, 1.0, 1.0) < rank(1e299, 0.0, 1.0, 1.0)


def test_non_finite_loss_ranks_as_the_relative_width() -> None:
    for loss in (math.inf, math.nan):
        assert rank(loss, 0.0, 0.5, 2.0) == -0.25
        assert rank(loss, 0.0, 0.5, 2.0, 5) == -0.05


@settings(max_examples=100, deadline=None)
@given(data=st.lists(st.tuples(losses, intervals), max_size=30), xscale=st.floats(0.1, 100))
def test_ranks_equals_rank_elementwise(
    data: list[tuple[float, tuple[float, float]]], xscale: float
) -> None:
    ls = [loss for loss, _ in data]
    lefts = [a for _, (a, _) in data]
    rights = [b for _, (_, b) in data]
    want = [rank(loss, a, b, xscale) for loss, a, b in zip(ls, lefts, rights, strict=True)]
    assert ranks(ls, lefts, rights, xscale) == want


def test_heap_overfull_threshold() -> None:
    assert not heap_overfull(64, 0)
    assert heap_overfull(65, 0)
    assert not heap_overfull(2 * 1000 + 64, 1000)
    assert heap_overfull(2 * 1000 + 65, 1000)


def test_heaps_stay_bounded_by_the_compaction_rule() -> None:
    learner = Learner1D(math.sin, (-3, 3))
    for _ in range(40):
        for x in learner.ask(25)[0]:
            learner.tell(x, math.sin(x))
        state = learner._snapshot().index
        live_c = len(state.combined_intervals)
        live_r = len(state.real_intervals)
        # the combined heap is compacted as soon as a tell leaves it over the threshold; the
        # real heap (which grows more slowly) at the same time: both stay O(n)
        assert not heap_overfull(len(learner._cheap), live_c)
        assert len(learner._rheap) <= 3 * live_r + 100


# ------------------------------------------------------------------------ the index alone ---


class PendingOnly(IntervalIndex):
    """An index with pending points only (every interval outside the real hull: loss inf)."""

    def __init__(self) -> None:
        self._xscale = 2.0
        self._init_index()

    def add(self, x: float) -> None:
        node, an, bn = self._insert_combined(x, None)
        self._split_combined(node, an, bn)


@settings(max_examples=50, deadline=None)
@given(
    xs=st.lists(st.floats(-1, 1), unique=True, max_size=40),
    drop=st.lists(st.integers(0, 39), max_size=40),
)
def test_index_of_pending_points(xs: list[float], drop: list[int]) -> None:
    index = PendingOnly()
    for x in xs:
        index.add(x)
    snap = index._check_index_invariants()
    assert snap.pending == tuple(sorted(xs))
    assert all(loss == math.inf for _, loss, _ in snap.combined_intervals.values())
    gone = {xs[i] for i in drop if i < len(xs)}
    index._unlink_pending(gone)
    snap = index._check_index_invariants()
    assert snap.pending == tuple(sorted(set(xs) - gone))
    # freed nodes are reused
    for x in gone:
        index.add(x)
    assert index._check_index_invariants().slots == len(xs)


def test_index_columns_round_trip() -> None:
    learner = Learner1D(math.sin, (-3, 3))
    for _ in range(30):
        for x in learner.ask(7)[0][:5]:
            learner.tell(x, math.sin(x))
    before = learner._index_snapshot()
    columns = learner._index_columns()
    learner._restore_index(pickle.loads(pickle.dumps(columns)))
    assert learner._check_index_invariants() == before


# ------------------------------------------------------- sortedcontainers internals (canary) ---


def test_sortedcontainers_internals_we_read_are_still_there() -> None:
    # _interval_index reads SortedList._lists / ._maxes to find the neighbours of a new point
    # and calls ._reset(load) to set the load factor (sortedcontainers 2.x "implementation
    # details"). If this fails, sortedcontainers changed them: adapt _insert_combined,
    # _sorted_list and IntervalIndex._restore_index.
    assert sortedcontainers.__version__.split(".")[0] == "2"
    rng = random.Random(5)
    values = [rng.uniform(-1, 1) for _ in range(3000)]
    sl = _sorted_list(values)
    assert sl._load == _SORTED_LOAD
    assert len(sl._lists) > 1, "expected several sublists at this size"
    assert all(len(sub) <= 2 * _SORTED_LOAD for sub in sl._lists)
    assert [v for sub in sl._lists for v in sub] == sorted(values)
    assert sl._maxes == [sub[-1] for sub in sl._lists]
    # a pickled SortedList comes back with the default load; _reset sets ours again
    copy = pickle.loads(pickle.dumps(sl))
    copy._reset(_SORTED_LOAD)
    assert copy._load == _SORTED_LOAD
    assert list(copy) == list(sl)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1000, 1300))
def test_neighbours_found_through_the_internals_are_the_sorted_neighbours(
    seed: int, n: int
) -> None:
    # (beyond 2 * _SORTED_LOAD points the SortedList has several sublists: every branch runs)
    rng = random.Random(seed)
    xs = list({rng.choice([rng.uniform(-1, 1), rng.randrange(-64, 65) / 64]) for _ in range(n)})
    rng.shuffle(xs)
    index = PendingOnly()
    done: list[float] = []
    for x in xs:
        i = bisect.bisect(done, x)
        _, an, bn = index._insert_combined(x, None)
        assert (None if an is None else index._nx[an]) == (done[i - 1] if i else None)
        assert (None if bn is None else index._nx[bn]) == (done[i] if i < len(done) else None)
        done.insert(i, x)
    assert len(index._csorted._lists) > 1


@pytest.mark.parametrize("n", [0, 1, 450])
def test_restored_sorted_list_has_our_load(n: int) -> None:
    learner = Learner1D(math.sin, (-3, 3))
    for _ in range(n):
        (x,), _ = learner.ask(1)
        learner.tell(x, math.sin(x))
    copy = pickle.loads(pickle.dumps(learner))
    assert copy._csorted._load == _SORTED_LOAD
    copy._check_invariants()
