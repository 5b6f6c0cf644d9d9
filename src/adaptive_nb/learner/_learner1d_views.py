"""The reference library's Learner1D attributes ``neighbors``, ``losses`` and their combined twins.

The reference keeps four sorted dicts up to date on every tell; Learner1D keeps the same
information in its node columns and heaps instead (see learner1D.py). These functions build
read-only mappings equal to the reference's from that state, in O(n log n), only when they are
read, so the hot path pays nothing for them.

* ``neighbors``: ``{x: [x_left, x_right]}`` for the evaluated points inside the bounds, sorted by
  x, ``None`` beyond the ends.
* ``neighbors_combined``: the same over evaluated and pending points inside the bounds.
* ``losses``: ``{(x_left, x_right): loss}`` of the intervals between evaluated neighbours.
* ``losses_combined``: the same for the intervals between neighbouring evaluated or pending
  points (a pending point splits its interval's loss in proportion to length; infinite outside
  the hull of the evaluated points).

Both loss mappings iterate in the reference's order: largest loss first (rounded to 12 digits,
a non-finite loss counting as the interval's width relative to the bounds), ties by position.

Known differences, on edge cases only: pending points outside the bounds are not listed (the
reference lists them in ``neighbors_combined``), and neither are points outside the bounds that
the reference's bulk ``tell_many`` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, KeysView, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adaptive_nb.learner.learner1D import Learner1D

__all__ = ["SortedView", "losses", "losses_combined", "neighbors", "neighbors_combined"]


class _IndexableKeys(KeysView[Any]):
    """Keys of a :class:`SortedView`: set-like, and indexable in order like a SortedDict's."""

    _mapping: SortedView

    def __getitem__(self, index: int | slice) -> Any:
        return self._mapping._keys[index]


class SortedView(Mapping[Any, Any]):
    """A read-only mapping with a fixed key order (a snapshot, not updated afterwards).

    Offers the read methods of ``sortedcontainers.SortedDict`` that code written for the
    reference library uses: ``keys()[i]``, ``peekitem(i)``, ``index(key)``, ``reversed()``.

    Parameters
    ----------
    keys
        The keys, in iteration order.
    values
        The values, in the same order.
    """

    __slots__ = ("_dict", "_keys")
    _dict: dict[Any, Any]
    _keys: list[Any]

    def __init__(self, keys: list[Any], values: list[Any]) -> None:
        self._keys = keys
        self._dict = dict(zip(keys, values, strict=True))

    def __getitem__(self, key: Any) -> Any:
        return self._dict[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[Any]:
        return iter(self._keys[::-1])

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def keys(self) -> _IndexableKeys:
        """Return the keys, set-like and indexable by position."""
        return _IndexableKeys(self)

    def peekitem(self, index: int = -1) -> tuple[Any, Any]:
        """Return the ``(key, value)`` pair at position ``index`` (default: the last).

        Parameters
        ----------
        index
            Position in iteration order.
        """
        key = self._keys[index]
        return key, self._dict[key]

    def index(self, key: Any) -> int:
        """Return the position of ``key`` in iteration order.

        Parameters
        ----------
        key
            A key of the mapping.
        """
        if key not in self._dict:
            raise KeyError(key)
        return self._keys.index(key)

    def __repr__(self) -> str:
        items = ", ".join(f"{k!r}: {v!r}" for k, v in self.items())
        return f"{type(self).__name__}({{{items}}})"


def _chain_view(learner: Learner1D, first: int | None, nxt: list[int | None]) -> SortedView:
    nx = learner._nx
    order: list[int] = []
    node = first
    while node is not None:
        order.append(node)
        node = nxt[node]
    xs = [nx[i] for i in order]
    if not xs:
        return SortedView([], [])
    lefts: list[float | None] = [None, *xs[:-1]]
    rights: list[float | None] = [*xs[1:], None]
    return SortedView(xs, [[a, b] for a, b in zip(lefts, rights, strict=True)])


def neighbors(learner: Learner1D) -> SortedView:
    """Return ``{x: [x_left, x_right]}`` over the evaluated points inside the bounds."""
    return _chain_view(learner, learner._rfirst, learner._rn)


def neighbors_combined(learner: Learner1D) -> SortedView:
    """Return ``{x: [x_left, x_right]}`` over the evaluated and pending points in the bounds."""
    first = learner._nodes[learner._csorted[0]] if learner._csorted else None
    return _chain_view(learner, first, learner._cn)


def _loss_view(entries: list[Any], loss_at: int) -> SortedView:
    # Entries start with (rank, left, right): the rank is minus the rounded loss, the order
    # the reference's sorted dict of losses iterates in.
    entries = sorted(entries, key=lambda e: (e[0], e[1], e[2]))
    return SortedView([(e[1], e[2]) for e in entries], [e[loss_at] for e in entries])


def losses(learner: Learner1D) -> SortedView:
    """Return ``{(x_left, x_right): loss}`` over the real intervals, largest loss first."""
    return _loss_view([e for e in learner._re if e is not None], 3)


def losses_combined(learner: Learner1D) -> SortedView:
    """Return ``{(a, b): loss}`` over the combined intervals, largest loss first."""
    return _loss_view([e for e in learner._ce if e is not None], 4)
