"""The interval record of the IntegratorLearner: a node of the CQUAD subdivision tree.

The algorithm (which intervals to refine, split, drop) lives in ``integrator_learner``; this
module holds only the record and what can be computed from one interval alone.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import numpy as np

from adaptive_nb.learner._cquad import NS, STRIDE, Vector, tables

__all__ = ["DEPTHS_OF_SLOT", "Interval", "as_value", "insert_by_rdepth", "to_float"]

DEPTHS_OF_SLOT: tuple[tuple[int, ...], ...] = tuple(
    tuple(d for d in range(4) if slot % STRIDE[d] == 0) for slot in range(NS[-1])
)
"""The depths whose rule uses the depth-3 node number ``slot`` (the rules are nested)."""


@functools.cache
def _xi() -> list[float]:
    return tables().xi[-1].tolist()  # type: ignore[no-any-return]


class Interval:
    """One interval ``[a, b]`` of the subdivision, with its current rule and estimates.

    Attributes
    ----------
    a, b : float
        The bounds.
    depth : int
        Rule whose nodes have been requested: 0 to 3 for 5, 9, 17 or 33 nodes.
    rdepth : int
        Level in the tree: 1 for the whole domain, +1 per split.
    depth_complete : int or None
        Highest depth whose function values are all known and processed (None: none yet).
    igral : float
        The interval's integral estimate (set once a depth is complete).
    err : float
        Its error estimate; before its own values are in, a heuristic (half the parent's).
    c : numpy.ndarray
        Legendre coefficients of the interpolant at ``depth_complete``.
    data : dict
        ``{x: y}`` of the nodes of this interval whose values are known.
    parent : Interval or None
        The interval this one was split from.
    children : list of Interval
        The two halves once this interval is split.
    removed : bool
        The interval, or an ancestor, reached the limit of numerical accuracy: it stays in the
        estimate but is never subdivided again.
    done_leaves : set of Interval or None
        The completed descendants that stand for this interval in the integral estimate
        (None once they have been passed up to the parent).
    ndiv : int
        How often the leading coefficient jumped along this branch (divergence test).
    """

    __slots__ = (
        "a",
        "b",
        "c",
        "c00",
        "children",
        "counts",
        "data",
        "depth",
        "depth_complete",
        "done_leaves",
        "err",
        "fx",
        "igral",
        "in_total",
        "is_left",
        "known",
        "ndiv",
        "nodes",
        "parent",
        "rdepth",
        "removed",
        "version",
    )

    def __init__(
        self, a: float, b: float, depth: int, rdepth: int, parent: Interval | None = None
    ) -> None:
        self.a = a
        self.b = b
        self.depth = depth
        self.rdepth = rdepth
        self.parent = parent
        self.children: list[Interval] = []
        self.data: dict[float, Any] = {}
        self.depth_complete: int | None = None
        self.done_leaves: set[Interval] | None = set()
        self.removed = False
        self.ndiv = 0
        self.err = sys.float_info.max  # not inf: halving it must give a finite heuristic
        self.igral = 0.0
        self.c: Vector = np.zeros(0)
        self.c00 = 0.0
        # Function values by depth-3 slot; `known` is a bitmask of the slots told so far and
        # counts[d] how many of depth d's nodes that covers (complete when it reaches NS[d]).
        self.fx: list[float] = [0.0] * NS[-1]
        self.known = 0
        self.counts = [0, 0, 0, 0]
        # The reference's arithmetic, (a + b)/2 + ((b - a) * xi)/2, one IEEE operation at a time
        # (as numpy does elementwise), so the nodes are the same floats bit for bit.
        mid, width = (a + b) / 2, float(b - a)
        self.nodes: list[float] = [mid + width * x / 2 for x in _xi()]
        self.is_left = parent is not None and a == parent.a
        self.in_total = False  # a member of the root's done_leaves (counted in the totals)
        self.version = 0  # bumped whenever err changes, to invalidate stale heap entries

    def points(self, depth: int | None = None) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Return the nodes of the rule at ``depth`` (default: the current depth)."""
        d = self.depth if depth is None else depth
        return np.array(self.nodes[:: STRIDE[d]])

    def node_list(self, depth: int) -> list[float]:
        """Return the nodes of the rule at ``depth`` as floats."""
        return self.nodes[:: STRIDE[depth]]

    def refinement_complete(self, depth: int) -> bool:
        """Whether all the values of the rule at ``depth`` are known."""
        n = NS[depth]
        return self.counts[depth] == n and len(self.data) >= n

    def values(self, depth: int) -> Vector:
        """Return the function values at the rule of ``depth`` (a fresh contiguous array)."""
        return np.array(self.fx[:: STRIDE[depth]])

    def shift_matrix(self) -> Vector:
        """Return the matrix mapping the parent's coefficients to this half's."""
        tb = tables()
        return tb.t_left if self.is_left else tb.t_right

    def __repr__(self) -> str:
        igral = f"{self.igral:.5E}" if self.depth_complete is not None else "n/a"
        return (
            f"Interval(a={self.a:.5f}, b={self.b:.5f}, depth={self.depth}, "
            f"rdepth={self.rdepth}, err={self.err:.5E}, igral={igral})"
        )


_COMPLEX = (complex, np.complexfloating)


def to_float(x: Any) -> Any:
    """``float(x)`` for real numbers; anything else unchanged (it is then not a node)."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return x


def as_value(x: float, y: Any) -> float:
    """Return ``y`` as a float, or say why the integrand's value cannot be used."""
    if type(y) is float:
        return y
    if isinstance(y, _COMPLEX):
        msg = (
            f"learner.function({x!r}) returned the complex number {y!r}; IntegratorLearner "
            "integrates real functions. Integrate the real and imaginary parts with two learners."
        )
        raise TypeError(msg)
    try:
        return float(y)
    except (TypeError, ValueError):
        msg = (
            f"learner.function({x!r}) returned {y!r} ({type(y).__name__}); IntegratorLearner "
            "needs a real number."
        )
        raise TypeError(msg) from None


def insert_by_rdepth(entries: list[tuple[Interval, int]], ival: Interval, slot: int) -> None:
    """Insert after the entries of the same or smaller rdepth (coarser intervals first)."""
    i = len(entries)
    while i and entries[i - 1][0].rdepth > ival.rdepth:
        i -= 1
    entries.insert(i, (ival, slot))
