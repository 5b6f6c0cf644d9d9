"""Pending points of LearnerND: each subdivides the simplex it lies in, when an ask reaches it.

A pending point (asked, not told) subdivides the simplex it lies in; that simplex's loss is shared
among the pieces in proportion to their volume, so further asks spread out. The subdivision is
deferred until an ask actually reaches the simplex (its queue entry, :data:`~._queuend.LAZY`,
carries the whole simplex's loss, an upper bound of its pieces'), so in the common ask(1)/tell
loop the point is told first and the subdivision is never built.
"""

from __future__ import annotations

import copy
import heapq
import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from adaptive_nb.learner._queuend import LAZY, REAL, QueueEntry, Simplex, priority
from adaptive_nb.learner.triangulation import Triangulation

__all__ = ["PendingMixin"]


class PendingMixin:
    """The pending-point methods of LearnerND (see the module docstring)."""

    data: dict[tuple[Any, ...], Any]
    pending_points: set[tuple[float, ...]]
    _tri: Triangulation | None
    _losses: dict[Simplex, float]
    _queue: list[QueueEntry]
    _pending_to_simplex: dict[tuple[float, ...], Simplex]
    _subtriangulations: dict[Simplex, Triangulation]
    _sublosses: dict[Simplex, dict[Simplex, float]]
    _lazy: dict[Simplex, list[tuple[float, ...]]]
    _unplaced: set[tuple[float, ...]]
    _random: random.Random

    if TYPE_CHECKING:  # provided by LearnerND

        def _check_point(self, point: Any) -> tuple[Any, ...]: ...

        def inside_bounds(self, point: Sequence[float]) -> bool: ...

    def tell_pending(self, point: Any, *, simplex: Simplex | None = None) -> None:
        """Mark ``point`` as pending: asked for, value not known yet."""
        p = tuple(float(c) for c in self._check_point(point))
        if not self.inside_bounds(p) or p in self.data:
            return
        self.pending_points.add(p)
        if self._tri is None:
            return
        homes = self._simplices_containing_point(p, simplex)
        if not homes:
            self._unplaced.add(p)
        for s in homes:
            self._defer_pending(p, s)

    def _defer_pending(self, p: tuple[float, ...], s: Simplex) -> None:
        """Note that pending ``p`` lies in ``s``, to subdivide ``s`` when an ask reaches it.

        In an ask(1)/tell loop that never happens (the point is told first), which saves most
        of the cost of pending points.
        """
        waiting = self._lazy.get(s)
        if waiting is None:
            self._lazy[s] = [p]
            loss = self._losses[s]
            heapq.heappush(self._queue, (priority(loss), s, LAZY, loss))
        else:
            waiting.append(p)
        self._pending_to_simplex[p] = s

    def _expand(self, s: Simplex) -> None:
        """Subdivide ``s`` by its waiting pending points and queue the pieces."""
        for p in self._lazy.pop(s):
            if p in self.pending_points:
                self._add_pending_to_simplex(p, s)
        if s not in self._subtriangulations:  # none could be added (corners of s)
            loss = self._losses[s]
            heapq.heappush(self._queue, (priority(loss), s, REAL, loss))

    def _simplices_containing_point(
        self, p: tuple[float, ...], hint: Simplex | None
    ) -> list[Simplex]:
        tri = self._tri
        assert tri is not None
        if hint is None or hint not in tri.simplices:
            hint = tri.locate_point(p)
        if not hint:
            return []
        # The point lies in the relative interior of the face spanned by its nonzero
        # barycentric coordinates: exactly the simplices sharing that face contain it.
        face = tri.get_reduced_simplex(p, hint)
        if not face:
            return []
        return sorted(tri.containing(face))

    def _add_pending_to_simplex(self, p: tuple[float, ...], s: Simplex) -> None:
        tri = self._tri
        assert tri is not None
        sub = self._subtriangulations.get(s)
        if sub is None:
            sub = Triangulation._of_simplex([tri.vertices[i] for i in s])
        try:
            _, added = sub.add_point(p)
        except ValueError:  # the point is a corner of the simplex or already pending in it
            return
        if s not in self._subtriangulations:
            self._subtriangulations[s] = sub
            self._sublosses[s] = {}
        self._pending_to_simplex[p] = s
        self._push_sublosses(s, added)

    def _push_sublosses(self, s: Simplex, subsimplices: Iterable[Simplex]) -> None:
        tri = self._tri
        assert tri is not None
        sub = self._subtriangulations[s]
        density = self._losses[s] / tri.volume(s)
        store = self._sublosses[s]
        for ss in subsimplices:
            loss = sub.volume(ss) * density
            store[ss] = loss
            heapq.heappush(self._queue, (priority(loss), s, ss, loss))

    def _pending_state(self) -> dict[str, Any]:
        return {
            "pending_points": set(self.pending_points),
            "_pending_to_simplex": dict(self._pending_to_simplex),
            "_subtriangulations": {k: copy.deepcopy(v) for k, v in self._subtriangulations.items()},
            "_sublosses": {k: dict(v) for k, v in self._sublosses.items()},
            "_lazy": {k: list(v) for k, v in self._lazy.items()},
            "_unplaced": set(self._unplaced),
            "_queue": list(self._queue),
            "_random_state": self._random.getstate(),
        }

    def remove_unfinished(self) -> None:
        """Forget all pending points; their simplices are offered for splitting again."""
        divided = sorted(set(self._subtriangulations) | set(self._lazy))
        self.pending_points = set()
        self._pending_to_simplex = {}
        self._subtriangulations = {}
        self._sublosses = {}
        self._lazy = {}
        self._unplaced = set()
        for s in divided:
            loss = self._losses.get(s)
            if loss is not None:
                heapq.heappush(self._queue, (priority(loss), s, REAL, loss))
