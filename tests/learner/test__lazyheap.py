"""Tests of LazyHeap: exact tops under lazy updates, garbage bounded by incremental migration."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb.learner._lazyheap import LazyHeap

NSLOTS = 41
# An operation: (slot, priority, shape) gives a slot a new current entry (the shape stands for
# the triangle's geometry: entries of one shape bound each other); (slot, None, _) withdraws
# it; None pops the top and puts it back, as Learner2D does with a triangle it cannot split.
OPS = st.lists(
    st.one_of(
        st.none(),
        st.tuples(st.integers(0, NSLOTS - 1), st.none() | st.integers(0, 50), st.integers(0, 2)),
    ),
    max_size=600,
)


@settings(max_examples=80, deadline=None)
@given(OPS, st.integers(1, 30))
def test_top_is_the_smallest_current_entry_and_garbage_stays_bounded(
    ops: list[tuple[int, int | None, int] | None], per_step: int
) -> None:
    current: list[Any] = [None] * NSLOTS
    heap = LazyHeap([], NSLOTS)
    offers = 0
    for op in ops:
        if op is None:
            if heap.top(current) is not None:
                heap.push_back(heap.pop(current))
        elif op[1] is None:
            current[op[0]] = None
            heap.withdraw(op[0])
        else:
            slot, priority, shape = op
            entry = (priority, shape, slot)
            current[slot] = entry
            heap.offer(entry)
            offers += 1
        if offers % per_step == 0:  # the owner calls maintain after a batch of updates
            heap.maintain(NSLOTS)
        entries = [e for e in current if e is not None]
        assert heap.top(current) == (min(entries) if entries else None)
        assert len(heap) <= 8 * NSLOTS + 3 * per_step + 200


def test_a_lower_priority_with_the_same_identity_is_not_pushed() -> None:
    current: list[Any] = [None] * 2
    heap = LazyHeap([], 2)
    for priority in (5, 7, 9):  # larger priorities: the first entry bounds them
        current[0] = (priority, "a", 0)
        heap.offer(current[0])
    assert len(heap) == 1
    assert heap.top(current) is current[0]  # the bound was swapped for the current entry
    current[0] = (3, "a", 0)  # a smaller priority must be pushed
    heap.offer(current[0])
    current[0] = (3, "b", 0)  # so must another identity
    heap.offer(current[0])
    assert len(heap) == 3
    assert heap.top(current) is current[0]


def test_a_steady_stream_of_updates_spreads_the_migration_over_the_steps() -> None:
    current: list[Any] = [None] * 1000
    heap = LazyHeap([], 1000)
    scanned = []
    for step in range(20_000):
        for k in range(20):  # 20 updates per step, as a tell does
            slot = (step * 37 + k * 101) % 1000
            entry = (float((step * 7919 + k) % 10007), step, slot)  # a new identity: pushed
            current[slot] = entry
            heap.offer(entry)
        before = heap._pos
        heap.maintain(1000)
        scanned.append(heap._pos - before if heap._pos >= before else heap._pos)
        heap.top(current)
    assert len(heap) <= 8 * 1000 + 3 * 20 + 200
    # No step scans more than its share (4/3 x its pushes + 16), and some steps scan: the
    # garbage collection is paid a little at a time, not all at once.
    assert max(scanned) <= 4 * 20 // 3 + 16
    assert sum(s > 0 for s in scanned) > len(scanned) // 4
