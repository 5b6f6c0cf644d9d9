"""Tests of LazyHeap: exact tops under lazy deletion, garbage bounded by incremental migration."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb.learner._lazyheap import LazyHeap

# An operation: (slot, new key) replaces a slot's entry; None pops the top and puts it back.
OPS = st.lists(
    st.one_of(st.none(), st.tuples(st.integers(0, 40), st.integers(0, 1000))),
    max_size=600,
)


@settings(max_examples=60, deadline=None)
@given(OPS, st.integers(1, 30))
def test_top_is_the_smallest_live_entry_and_garbage_stays_bounded(
    ops: list[tuple[int, int] | None], per_step: int
) -> None:
    live: list[Any] = [None] * 41
    heap = LazyHeap()
    pushes = 0
    for op in ops:
        if op is None:
            if heap.top(live) is not None:
                heap.push(heap.pop(live))
        else:
            slot, key = op
            entry = (key, slot)
            live[slot] = entry
            heap.push(entry)
            pushes += 1
        if pushes % per_step == 0:  # the owner calls maintain after a batch of pushes
            heap.maintain(live, 41)
        entries = [e for e in live if e is not None]
        assert heap.top(live) == (min(entries) if entries else None)
        assert len(heap) <= 8 * 41 + 3 * per_step + 200


def test_a_steady_stream_of_updates_spreads_the_migration_over_the_steps() -> None:
    live: list[Any] = [None] * 1000
    heap = LazyHeap()
    scanned = []
    for step in range(20_000):
        for k in range(20):  # 20 updates per step, as a tell does
            slot = (step * 37 + k * 101) % 1000
            entry = (float((step * 7919 + k) % 10007), slot)
            live[slot] = entry
            heap.push(entry)
        before = heap._pos
        heap.maintain(live, 1000)
        scanned.append(heap._pos - before if heap._pos >= before else heap._pos)
        heap.top(live)
    assert len(heap) <= 8 * 1000 + 3 * 20 + 200
    # No step scans more than its share (4/3 x its pushes + 16), and some steps scan: the
    # garbage collection is paid a little at a time, not all at once.
    assert max(scanned) <= 4 * 20 // 3 + 16
    assert sum(s > 0 for s in scanned) > len(scanned) // 4
