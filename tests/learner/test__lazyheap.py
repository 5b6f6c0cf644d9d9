"""Tests of LazyHeap: exact tops under lazy updates and bucketing, garbage collected by steps."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb.learner._lazyheap import LazyHeap, _bin

NSLOTS = 41
# Losses as a learner makes them: spread over octaves, with ties, zeros, infinities, and
# neighbours closer than one bin. The priority is -loss.
LOSSES = st.one_of(
    st.integers(-40, 40).map(lambda k: 2.0 ** (k / 7)),
    st.integers(0, 50).map(lambda k: 1.0 + k * 1e-3),
    st.sampled_from([0.0, math.inf, 1e-300, 1e300]),
)
# An operation: (slot, loss, shape) gives a slot a new current entry (the shape stands for the
# triangle's geometry: entries of one shape bound each other); (slot, None, _) withdraws it;
# None pops the top and puts it back, as Learner2D does with a triangle it cannot split.
OPS = st.lists(
    st.one_of(
        st.none(),
        st.tuples(st.integers(0, NSLOTS - 1), st.none() | LOSSES, st.integers(0, 2)),
    ),
    max_size=600,
)


@settings(max_examples=100, deadline=None)
@given(OPS, st.integers(1, 30))
def test_top_is_the_smallest_current_entry_and_garbage_stays_bounded(
    ops: list[tuple[int, float | None, int] | None], per_step: int
) -> None:
    current: list[Any] = [None] * NSLOTS
    heap = LazyHeap([], NSLOTS)
    offers = 0
    for op in ops:
        if op is None:
            if heap.top(current) is not None:
                heap.push_back(heap.pop(current))
        else:
            slot, loss, shape = op
            if loss is None:
                current[slot] = None
                heap.withdraw(slot)
            else:
                entry = (-loss, shape, slot)
                current[slot] = entry
                heap.offer(entry)
                offers += 1
        if offers % per_step == 0:  # the owner calls maintain after a batch of updates
            heap.maintain(NSLOTS)
        entries = [e for e in current if e is not None]
        assert heap.top(current) == (min(entries) if entries else None)
        assert len(heap) <= 8 * NSLOTS + 3 * per_step + 200
    copy = heap.copy()  # a copy answers the same, independently
    entries = [e for e in current if e is not None]
    while entries:
        top = min(entries)
        assert copy.pop(current) == top
        current[top[-1]] = None
        copy.withdraw(top[-1])
        entries.remove(top)
    assert copy.top(current) is None


@given(st.floats(allow_nan=True), st.floats(allow_nan=True))
def test_bins_never_reverse_the_order_of_priorities(p: float, q: float) -> None:
    if p < q:
        assert _bin(p) <= _bin(q)


def test_a_lower_priority_with_the_same_identity_is_not_pushed() -> None:
    current: list[Any] = [None] * 2
    heap = LazyHeap([], 2)
    for loss in (9.0, 7.0, 5.0):  # smaller losses: the first entry bounds them
        current[0] = (-loss, "a", 0)
        heap.offer(current[0])
    assert len(heap) == 1
    assert heap.top(current) is current[0]  # the bound was swapped for the current entry
    current[0] = (-11.0, "a", 0)  # a larger loss must be pushed
    heap.offer(current[0])
    current[0] = (-11.0, "b", 0)  # so must another identity
    heap.offer(current[0])
    assert len(heap) == 3
    assert heap.top(current) is current[0]


def test_the_hot_bin_stays_small_when_losses_are_spread() -> None:
    n = 20_000
    current = [(-(1.0 + 1e-4 * i), 0, i) for i in range(n)]  # losses 1 to 3: two octaves
    heap = LazyHeap(list(current), n)
    assert heap.top(current) is current[-1]
    assert 0 < len(heap.hot) < n // 50


def test_a_steady_stream_of_updates_collects_garbage_a_little_at_every_step() -> None:
    nslots = 5000
    current: list[Any] = [None] * nslots
    heap = LazyHeap([], nslots)
    collected = []
    largest_bucket = 0
    for step in range(20_000):
        for k in range(20):  # 20 updates per step, as a tell does
            slot = (step * 37 + k * 101) % nslots
            loss = 2.0 ** (((step * 7919 + k) % 10007) / 1000)  # spread over 10 octaves
            entry = (-loss, step, slot)  # a new identity: pushed
            current[slot] = entry
            heap.offer(entry)
        before = len(heap)
        largest_bucket = max([largest_bucket, *map(len, heap.buckets.values())])
        heap.maintain(nslots)
        collected.append(before - len(heap))
        heap.top(current)
    assert len(heap) <= 8 * nslots + 3 * 20 + 200
    # No step filters more than its share (4/3 x its pushes + 16, plus one bucket) and hot
    # (re-bucketed past its limit), far below the garbage of the whole structure; many steps
    # collect: garbage collection is paid a little at a time, not all at once.
    hot_limit = 2 * (2 * 256 + nslots // 16)
    assert max(collected) <= 4 * 20 // 3 + 16 + largest_bucket + hot_limit < nslots // 2
    assert sum(c > 0 for c in collected) > len(collected) // 10


def test_hot_is_re_bucketed_when_losses_grow_again() -> None:
    # The front only moves towards smaller losses as bins run dry; losses that grow again land
    # in hot, which maintain() splits back into bins so that it stays small.
    nslots = 4000
    current: list[Any] = [None] * nslots
    heap = LazyHeap([], nslots)
    for sweep in range(4):
        for slot in range(nslots):
            loss = 2.0 ** ((slot * 7919 % nslots) / 400 + (sweep % 2) * 12)
            current[slot] = (-loss, sweep, slot)
            heap.offer(current[slot])
            if slot % 10 == 9:
                heap.maintain(nslots)
                assert len(heap.hot) <= 2 * 256 + 2 * nslots // 16 + 20
        for _ in range(nslots // 2):  # consume the larger half: the front moves down
            entry = heap.pop(current)
            assert entry == min(e for e in current if e is not None)
            current[entry[-1]] = None
            heap.withdraw(entry[-1])
        for slot in range(nslots):
            if current[slot] is None:
                current[slot] = (-1.0, sweep, slot)
                heap.offer(current[slot])
        heap.maintain(nslots)
