"""IntegratorLearner's interval tree: subdividing intervals and processing completed rules.

Each :class:`~adaptive_nb.learner._cquad_interval.Interval` is a node of a binary tree over the
domain. The intervals that may still be subdivided (``ivals``) sit on two heaps with lazy
invalidation (an entry is current while its version matches the interval's): the largest error
is the next to subdivide, the smallest the first dropped past ``max_ivals``. Subdividing queues
the nodes of the next rule, or of two halves, on the learner's stack of points to ask.

When the values of a rule are all in, :meth:`IntervalTree._complete` turns them into Legendre
coefficients and an error estimate, propagates the error to children not computed yet, counts
the jumps that signal a divergent integral, and lets completed leaves stand in the estimates of
their ancestors (``done_leaves``), which keeps the running totals of ``igral`` and ``err``.

:class:`IntervalTree` is the base class of IntegratorLearner; its state is created there.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from typing import Any

import numpy as np

from adaptive_nb.exceptions import DivergentIntegralError
from adaptive_nb.learner._cquad import (
    EPS,
    HINT,
    MIN_SEP,
    NDIV_MAX,
    NS,
    STRIDE,
    coefficients,
    tables,
)
from adaptive_nb.learner._cquad import vector_norm as _norm
from adaptive_nb.learner._cquad_interval import DEPTHS_OF_SLOT as _DEPTHS_OF_SLOT
from adaptive_nb.learner._cquad_interval import Interval, as_value, insert_by_rdepth
from adaptive_nb.learner._exact_sum import Totals
from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["IntervalTree"]

_SQRT2 = math.sqrt(2)

# (-err or err, -a or a, serial, version, interval): an entry of the max or min heap.
_HeapEntry = tuple[float, float, int, int, Interval]


class IntervalTree(BaseLearner):
    """The intervals of IntegratorLearner and what happens when their rules complete."""

    bounds: tuple[float, float]
    max_ivals: int
    data: dict[float, Any]
    pending_points: set[float]
    priority_split: list[Interval]
    ivals: set[Interval]
    first_ival: Interval
    _stack: deque[float]
    _x_ivals: dict[float, list[tuple[Interval, int]]]
    _max_heap: list[_HeapEntry]
    _min_heap: list[_HeapEntry]
    _serial: int
    _totals: Totals

    # ---- subdivision -------------------------------------------------------------------------

    def _next_to_subdivide(self) -> tuple[Interval | None, bool]:
        """Return the interval the next fill works on, and whether it is forced to split."""
        while self.priority_split:
            ival = self.priority_split[-1]
            if ival in self.ivals and not ival.children:
                return ival, True
            self.priority_split.pop()  # removed since it was queued: nothing to split
        heap = self._max_heap
        while heap:
            ival = heap[0][-1]
            if ival.version == heap[0][3] and ival in self.ivals:
                return ival, False
            heapq.heappop(heap)
        return None, False

    def _too_narrow(self, ival: Interval) -> bool:
        # Nodes closer than MIN_SEP (relative): subdividing further only samples rounding.
        p = ival.node_list(ival.depth)
        return p[1] - p[0] < p[0] * MIN_SEP or p[-1] - p[-2] < p[-2] * MIN_SEP

    def _fill_stack(self) -> None:
        ival, forced = self._next_to_subdivide()
        if ival is None:
            msg = (
                "No way to improve the integral estimate: every interval is at the limit of "
                "floating point accuracy (check learner.done() before asking)."
            )
            raise RuntimeError(msg)
        if forced:
            self.priority_split.pop()
        if self._too_narrow(ival):
            self._deactivate(ival)
        elif ival.depth == 3 or forced:
            self._deactivate(ival)
            m = ival.nodes[16]
            halves = [
                Interval(ival.a, m, 0, ival.rdepth + 1, parent=ival),
                Interval(m, ival.b, 0, ival.rdepth + 1, parent=ival),
            ]
            ival.children = halves
            for half in halves:
                half.ndiv = ival.ndiv
                half.err = ival.err / 2
            for half in halves:
                self._add_ival(half)
        else:
            ival.depth += 1
            self._add_ival(ival, refined=True)
        if len(self.ivals) > self.max_ivals:
            self._drop_smallest()

    def _drop_smallest(self) -> None:
        heap = self._min_heap
        while heap:
            ival = heap[0][-1]
            if ival.version == heap[0][3] and ival in self.ivals:
                self._deactivate(ival)
                return
            heapq.heappop(heap)

    # ---- the interval set --------------------------------------------------------------------

    def _push(self, ival: Interval) -> None:
        ival.version += 1
        self._serial += 1
        heapq.heappush(self._max_heap, (-ival.err, -ival.a, self._serial, ival.version, ival))
        heapq.heappush(self._min_heap, (ival.err, ival.a, self._serial, ival.version, ival))
        if len(self._max_heap) > 4 * len(self.ivals) + 256:
            self._rebuild_heaps()

    def _rebuild_heaps(self) -> None:
        self._max_heap = []
        self._min_heap = []
        for ival in self.ivals:
            self._serial += 1
            self._max_heap.append((-ival.err, -ival.a, self._serial, ival.version, ival))
            self._min_heap.append((ival.err, ival.a, self._serial, ival.version, ival))
        heapq.heapify(self._max_heap)
        heapq.heapify(self._min_heap)

    def _deactivate(self, ival: Interval) -> None:
        self.ivals.discard(ival)

    def _add_ival(self, ival: Interval, *, refined: bool = False) -> None:
        """Queue the nodes of ``ival``'s current rule and make it a candidate for subdivision.

        On a refinement only the new rule's extra nodes are new: the previous rule's are mapped
        to the interval and known or queued already.
        """
        step = STRIDE[ival.depth]
        x_ivals, data, pending = self._x_ivals, self.data, self.pending_points
        for slot in range(step if refined else 0, NS[-1], 2 * step if refined else step):
            x = ival.nodes[slot]
            entries = x_ivals.get(x)
            if entries is None:
                x_ivals[x] = [(ival, slot)]
            else:
                insert_by_rdepth(entries, ival, slot)
            if x in data:
                # Known already (a neighbour's node): this interval gets the value at once.
                self._tell_intervals(x, data[x], as_value(x, data[x]))
            elif x not in pending:
                pending.add(x)
                self._stack.append(x)
        if ival not in self.ivals:
            self.ivals.add(ival)
            self._push(ival)

    # ---- telling values to intervals ---------------------------------------------------------

    def _tell_intervals(self, x: float, y: Any, value: float) -> None:
        """Store ``y`` in every interval that has the node ``x`` and process what completes."""
        for ival, slot in self._x_ivals[x]:
            data = ival.data
            data[x] = y
            ival.fx[slot] = value
            bit = 1 << slot
            if not ival.known & bit:
                ival.known |= bit
                counts = ival.counts
                for d in _DEPTHS_OF_SLOT[slot]:
                    counts[d] += 1
            if ival.depth_complete is None:
                depth = 2 if ival.parent is None else 0
            else:
                depth = ival.depth_complete + 1
            # The rules are nested: if the rule at `depth` is incomplete, so are the larger ones.
            while depth <= ival.depth:
                n = NS[depth]
                if ival.counts[depth] != n or len(data) < n:
                    break
                force_split, remove = self._complete(ival, depth)
                if remove:
                    self._remove_branch(ival)
                elif force_split and not ival.children:
                    self.priority_split.append(ival)
                depth += 1

    # ---- processing a completed rule ---------------------------------------------------------

    def _complete(self, ival: Interval, depth: int) -> tuple[bool, bool]:
        """Process the rule at ``depth`` of ``ival`` whose values are all known.

        Returns (force_split, remove): whether the estimate is unreliable so the interval must be
        split, and whether it is at the limit of accuracy so it must not be subdivided further.
        """
        tb = tables()
        ival.depth_complete = depth
        is_first = ival.parent is None and depth == 2
        c_old = ival.c
        ival.c = coefficients(ival.values(depth), depth)
        if is_first:
            ival.c00 = 0.0
            return False, False
        # (Python floats from here on: the same IEEE operations as on numpy scalars, faster.)
        self._totals.set_igral(ival, (ival.b - ival.a) * ival.c.item(0) / _SQRT2)
        force_split = False
        if depth:
            # A refinement: compare with the previous rule of the same interval.
            c_diff = self._calc_err(ival, c_old)
            force_split = c_diff > HINT * self._norm(ival.c, ival)
        else:
            # A new half: compare with the parent's interpolant restricted to this half.
            ival.c00 = ival.c.item(0)
            parent = ival.parent
            assert parent is not None
            if parent.depth_complete is not None:
                shift = ival.shift_matrix()
                self._calc_err(ival, shift[:, : NS[parent.depth_complete]] @ parent.c)
                self._calc_ndiv(ival)
            for child in ival.children:
                if child.depth_complete is not None:
                    self._calc_ndiv(child)
                if child.depth_complete == 0:
                    shift = child.shift_matrix()
                    self._calc_err(child, shift[:, : NS[depth]] @ ival.c)
        if ival.done_leaves is not None and not ival.done_leaves:
            self._propagate_leaves(ival)
        remove = ival.err < abs(ival.igral) * EPS * tb.v_cond[depth]
        return force_split, remove

    def _calc_err(self, ival: Interval, c_old: np.ndarray[Any, Any]) -> float:
        # c_old - c_new, the shorter one padded with zeros
        c_new = ival.c
        k_old, k_new = len(c_old), len(c_new)
        if k_old == k_new:
            diff = c_old - c_new
        elif k_old > k_new:
            diff = c_old.copy()
            diff[:k_new] -= c_new
        else:
            diff = -c_new
            diff[:k_old] += c_old  # -b + a is a - b exactly
        c_diff = self._norm(diff, ival)
        err = (ival.b - ival.a) * c_diff
        self._set_err(ival, err)
        for child in ival.children:
            if child.depth_complete is None:
                self._heuristic_err(child, err / 2)
        return c_diff

    def _norm(self, v: np.ndarray[Any, Any], ival: Interval) -> float:
        result = _norm(v)
        if not math.isfinite(result) and not np.isfinite(v).all():
            msg = (
                f"The integral of learner.function over {self.bounds} appears to diverge near "
                f"[{ival.a!r}, {ival.b!r}]: the interpolant's coefficients overflowed. "
                "Integrate up to a point before the singularity, or transform the integrand."
            )
            raise DivergentIntegralError(msg)
        return result

    def _heuristic_err(self, ival: Interval, value: float) -> None:
        """Give ``ival`` (not computed yet) and its not-computed descendants a halved error."""
        todo = [(ival, value)]
        while todo:
            node, v = todo.pop()
            self._set_err(node, v)
            for child in reversed(node.children):
                if child.depth_complete or (
                    child.depth_complete == 0 and node.depth_complete is not None
                ):
                    continue
                todo.append((child, v / 2))

    def _calc_ndiv(self, ival: Interval) -> None:
        parent = ival.parent
        assert parent is not None
        jumped = bool(parent.c00 and ival.c00 / parent.c00 > 2)
        ival.ndiv += jumped
        self._check_divergence(ival)
        if jumped:
            todo = ival.children[::-1]
            while todo:  # depth first, children in order
                node = todo.pop()
                node.ndiv += 1
                self._check_divergence(node)
                todo.extend(reversed(node.children))

    def _check_divergence(self, ival: Interval) -> None:
        if ival.ndiv > NDIV_MAX and 2 * ival.ndiv > ival.rdepth:
            msg = (
                f"The integral of learner.function over {self.bounds} appears to diverge near "
                f"[{ival.a!r}, {ival.b!r}]: the integrand grew by more than 2x in {ival.ndiv} "
                f"successive halvings. Integrate up to a point before the singularity, or "
                f"transform the integrand."
            )
            raise DivergentIntegralError(msg)

    def _propagate_leaves(self, ival: Interval) -> None:
        """Let the completed ``ival`` stand in the estimates of its ancestors where it can.

        An ancestor switches from its own estimate to its descendants' once every child that
        has not passed its leaves up yet has a completed leaf.
        """
        ival.done_leaves = {ival}
        root = self.first_ival
        if ival is root:  # the whole domain, once its 33-point rule is in
            self._totals.enter(ival)
        node = ival.parent
        replaced: set[Interval] = set()
        while node is not None:
            live = [child for child in node.children if child.done_leaves is not None]
            if not all(child.done_leaves for child in live):
                break
            if node.done_leaves is None:
                node.done_leaves = set()
            replaced.add(node)
            merged: list[Interval] = []
            for child in live:
                assert child.done_leaves is not None
                merged.extend(child.done_leaves)
                child.done_leaves = None
            leaves = node.done_leaves
            leaves.update(merged)
            leaves -= replaced
            if node is root:
                for leaf in merged:
                    if leaf not in replaced and not leaf.in_total:
                        self._totals.enter(leaf)
                for old in replaced:
                    if old.in_total:
                        self._totals.leave(old)
            node = node.parent

    def _set_err(self, ival: Interval, err: float) -> None:
        self._totals.set_err(ival, float(err))
        if ival in self.ivals:
            self._push(ival)

    def _remove_branch(self, ival: Interval) -> None:
        """Mark ``ival`` and its descendants removed: kept in the estimate, never subdivided."""
        todo = [ival]
        while todo:
            node = todo.pop()
            self._totals.mark_removed(node)
            self.ivals.discard(node)
            todo.extend(node.children)
