"""SequenceLearner: evaluate a function on every element of a sequence, in parallel.

Points are ``(index, element)`` pairs, handed out in sequence order; the learner is done when
every element is evaluated. Useful when a problem is a plain map over inputs but should still
use the runners (parallel executors, retries, periodic saving, live widgets).

Cost per point is O(1) (plus O(log n) for the sorted ``data``) whatever the length of the
sequence: the indices still to hand out are a cursor (every index below it was handed out)
plus a small sorted set of indices given back by ``remove_unfinished``, instead of a sorted set
of all n indices built up front (O(n) time and memory at construction, as the reference does).

Deliberate differences from the reference library: the sequence must support ``len()`` and
indexing (a clear error otherwise, instead of failing later); telling an index twice keeps the
first value; an index out of range is an error; ``load_dataframe`` keeps the learner's function
callable with ``(index, element)`` points (the reference replaced it with the bare function).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from sortedcontainers import SortedDict, SortedSet

from adaptive_nb.learner._data1d import _as_lists
from adaptive_nb.learner._dataframe import (
    finish_frame,
    import_pandas,
    partial_function_from_dataframe,
    require_columns,
)
from adaptive_nb.learner.base_learner import BaseLearner, check_n

if TYPE_CHECKING:
    import pandas

__all__ = ["SequenceLearner"]

PointType: TypeAlias = tuple[int, Any]


class _IgnoreFirstArgument:
    """Call ``function(element)`` for a point ``(index, element)``.

    A class rather than a lambda so that it pickles (with plain pickle too, when ``function``
    does), and executors ship it to workers.
    """

    __slots__ = ("function",)

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def __call__(self, index_point: PointType, *args: Any, **kwargs: Any) -> Any:
        _, point = index_point
        return self.function(point, *args, **kwargs)

    def __getstate__(self) -> Callable[..., Any]:
        return self.function

    def __setstate__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def __repr__(self) -> str:
        return f"_IgnoreFirstArgument({self.function!r})"


class SequenceLearner(BaseLearner):
    r"""Evaluate ``function`` on every element of ``sequence``.

    Parameters
    ----------
    function : callable
        Takes one element of ``sequence``.
    sequence : sequence
        The inputs; anything with ``len()`` and indexing (list, tuple, range, array...). It is
        copied (shallowly), so later changes to the original do not affect the learner.

    Attributes
    ----------
    data : SortedDict
        ``{index: function(sequence[index])}``, sorted by index.
    pending_points : set
        Indices handed out but not told yet.
    function : callable
        ``function((index, element))``: what the runner evaluates.

    Notes
    -----
    ``ask(n)`` hands out the first ``n`` indices not evaluated and not pending, in sequence
    order. The loss is the fraction of the sequence not yet evaluated. With no goal, the
    runners stop when :meth:`done` is true.

    Examples
    --------
    >>> learner = SequenceLearner(lambda x: x**2, range(5))
    >>> points, _ = learner.ask(2)
    >>> points
    [(0, 0), (1, 1)]
    """

    _pending_undo_is_exact = True

    def __init__(self, function: Callable[[Any], Any], sequence: Sequence[Any]) -> None:
        if not callable(function):
            msg = f"function must be callable (element -> value), got {type(function).__name__}."
            raise TypeError(msg)
        if not (hasattr(sequence, "__len__") and hasattr(sequence, "__getitem__")) or isinstance(
            sequence, dict
        ):
            msg = (
                "sequence must support len() and indexing (a list, tuple, range or array), got "
                f"{type(sequence).__name__}; wrap it in list(...) first."
            )
            raise TypeError(msg)
        self._original_function = function
        self.function: Callable[..., Any] = _IgnoreFirstArgument(function)
        self.sequence = copy(sequence)
        self._ntotal = len(sequence)
        self.data: SortedDict = SortedDict()
        self.pending_points: set[int] = set()
        # The indices still to hand out are those >= _cursor that are in neither data nor
        # pending_points, plus _returned: indices < _cursor given back by remove_unfinished.
        # Invariant: _cursor == _ntotal or _cursor is in neither data nor pending_points.
        self._cursor = 0
        self._returned: SortedSet = SortedSet()
        self._cache: dict[str, Any] = {}

    def new(self) -> SequenceLearner:
        """Return a new learner with the same function and sequence, and no data."""
        return SequenceLearner(self._original_function, self.sequence)

    @property
    def npoints(self) -> int:
        """Number of evaluated elements."""
        return len(self.data)

    # ------------------------------------------------------------------------ ask / tell ---

    def _index(self, point: Any) -> int:
        try:
            index, _ = point
        except (TypeError, ValueError):
            msg = f"Points of a SequenceLearner are (index, element) pairs, got {point!r}."
            raise ValueError(msg) from None
        try:
            if isinstance(index, bool):
                raise TypeError  # True is not an index
            index = operator.index(index)
        except TypeError:
            msg = f"The index of the point {point!r} must be an int, got {type(index).__name__}."
            raise TypeError(msg) from None
        if not 0 <= index < self._ntotal:
            msg = (
                f"Index {index} of the point {point!r} is out of range for a sequence of "
                f"{self._ntotal} elements."
            )
            raise IndexError(msg)
        return int(index)

    def _taken(self, index: int) -> bool:
        return index in self.data or index in self.pending_points

    def _mark_taken(self, index: int) -> None:
        """Keep the cursor invariant after ``index`` went into data or pending_points."""
        if index < self._cursor:
            if self._returned:
                self._returned.discard(index)
            return
        if index == self._cursor:
            cursor, n = index + 1, self._ntotal
            data, pending = self.data, self.pending_points
            while cursor < n and (cursor in data or cursor in pending):
                cursor += 1
            self._cursor = cursor

    def _next_indices(self, n: int) -> list[int]:
        """Return the first ``n`` indices to hand out, without changing anything."""
        out = list(itertools.islice(self._returned, n))
        index, total = self._cursor, self._ntotal
        while len(out) < n and index < total:
            if not self._taken(index):
                out.append(index)
            index += 1
        return out

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[PointType], list[float]]:
        """Return the next ``n`` elements to evaluate, as ``(index, element)`` points.

        Parameters
        ----------
        n
            Number of points, ``n >= 0``; fewer are returned near the end of the sequence.
        tell_pending
            Mark the points as pending (default). With False the learner is not changed.

        Returns
        -------
        points, loss_improvements
            The points, in sequence order, and ``1 / len(sequence)`` for each.
        """
        if n == 1 and tell_pending and not self._returned and type(n) is int:
            # A runner's usual call, inlined: hand out the index at the cursor.
            index = self._cursor
            if index == self._ntotal:
                return [], []
            self.pending_points.add(index)
            self._mark_taken(index)
            return [(index, self.sequence[index])], [1 / self._ntotal]
        n = check_n(n)
        if n == 0 or self._ntotal == 0:
            return [], []
        indices = self._next_indices(n)
        sequence = self.sequence
        points = [(i, sequence[i]) for i in indices]
        if tell_pending:
            for i in indices:
                self.pending_points.add(i)
                self._mark_taken(i)
        return points, [1 / self._ntotal] * len(points)

    def tell(self, point: PointType, value: Any) -> None:
        """Tell the learner the value of the point ``(index, element)``.

        Only the index is used. Telling an index that is already evaluated does nothing.

        Parameters
        ----------
        point
            ``(index, element)``.
        value
            ``function(element)``.
        """
        if type(point) is tuple and len(point) == 2 and type(point[0]) is int:
            index = point[0]
            if not 0 <= index < self._ntotal:
                index = self._index(point)  # raises the error
        else:
            index = self._index(point)
        if index in self.data:
            return
        self.data[index] = value
        self.pending_points.discard(index)
        self._mark_taken(index)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many values at once (all points are checked before any is stored).

        Parameters
        ----------
        xs
            ``(index, element)`` points.
        ys
            The values, in the same order.
        """
        pairs = [(self._index(x), y) for x, y in zip(*_as_lists(xs, ys), strict=True)]
        for index, y in pairs:
            self.tell((index, None), y)

    def tell_pending(self, point: PointType | int) -> None:
        """Mark the point ``(index, element)`` as being computed.

        A bare index is accepted too, since ``pending_points`` holds indices (as in the
        reference library): re-adding the items of ``pending_points`` then restores them, as
        ``BalancingLearner.ask(n, tell_pending=False)`` does.
        """
        if isinstance(point, int) and not isinstance(point, bool):
            point = (point, None)
        index = self._index(point)
        if index in self.data:
            return
        self.pending_points.add(index)
        self._mark_taken(index)

    def remove_unfinished(self) -> None:
        """Forget the pending points; they are handed out again by later ``ask`` calls."""
        cursor = self._cursor
        # Pending indices above the cursor need nothing: leaving pending_points makes them
        # free again. Those below it are remembered in _returned.
        self._returned.update(i for i in self.pending_points if i < cursor)
        self.pending_points = set()

    def loss(self, real: bool = True) -> float:
        """Return the fraction of the sequence not yet evaluated.

        Parameters
        ----------
        real
            If False, count the pending points as evaluated.

        Returns
        -------
        float
            0.0 when every element is evaluated. Also stored in ``learner._cache["loss"]``.
        """
        npoints = len(self.data)
        if npoints == self._ntotal:
            loss = 0.0
        else:
            if not real:
                npoints += len(self.pending_points)
            loss = (self._ntotal - npoints) / self._ntotal
        self._cache["loss"] = loss
        return loss

    def done(self) -> bool:
        """Return True when every element of the sequence is evaluated."""
        return len(self.data) == self._ntotal

    def result(self) -> list[Any]:
        """Return the function's values in the order of ``sequence``.

        Raises
        ------
        RuntimeError
            If some elements are not evaluated yet.
        """
        if not self.done():
            missing = self._ntotal - len(self.data)
            msg = (
                f"The SequenceLearner is not done: {missing} of {self._ntotal} elements are "
                "not evaluated yet. Run it until learner.done() (a runner without a goal stops "
                "there), or read the partial results from learner.data."
            )
            raise RuntimeError(msg)
        return list(self.data.values())

    # ----------------------------------------------------------------------- data access ---

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        index_name: str = "i",
        x_name: str = "x",
        y_name: str = "y",
        *,
        full_sequence: bool = False,
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame``, in sequence order.

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        index_name
            Name of the index column.
        x_name
            Name of the element column.
        y_name
            Name of the value column.
        full_sequence
            One row per element of the sequence, with ``pandas.NA`` as the value of those
            not evaluated yet (default: only the evaluated ones).

        Returns
        -------
        pandas.DataFrame
            With ``df.attrs["inputs"] == [index_name]`` and ``df.attrs["output"] == y_name``.
        """
        pandas = import_pandas()
        if full_sequence:
            indices: list[int] = list(range(self._ntotal))
            xs = list(self.sequence)
            ys = [self.data.get(i, pandas.NA) for i in indices]
        else:
            indices = list(self.data.keys())
            xs = [self.sequence[i] for i in indices]
            ys = list(self.data.values())
        df = pandas.DataFrame({index_name: pandas.Series(indices, dtype="int64")})
        df[x_name] = _object_column(pandas, xs)
        df[y_name] = _object_column(pandas, ys)
        function = self._original_function if with_default_function_args else None
        return finish_frame(df, [index_name], y_name, function, function_prefix)

    def load_dataframe(  # type: ignore[override]  # noqa: PLR0917 - the reference's signature
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        index_name: str = "i",
        x_name: str = "x",
        y_name: str = "y",
        *,
        full_sequence: bool = False,
    ) -> None:
        """Tell the learner the data of a DataFrame made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Bind the function's default-argument columns to the learner's function.
        function_prefix
            Prefix of those columns, as used in ``to_dataframe``.
        index_name
            Name of the index column.
        x_name
            Name of the element column.
        y_name
            Name of the value column.
        full_sequence
            As used in ``to_dataframe``: rows whose value is missing (``pandas.NA``) are
            skipped.
        """
        pandas = import_pandas()
        require_columns(
            df, (index_name, x_name, y_name), "pass index_name=/x_name=/y_name= as in to_dataframe"
        )
        rows = zip(df[index_name].tolist(), df[x_name].tolist(), df[y_name].tolist(), strict=True)
        if full_sequence:
            rows = ((i, x, y) for i, x, y in rows if y is not pandas.NA)  # type: ignore[assignment]
        triples = list(rows)
        self.tell_many([(i, x) for i, x, _ in triples], [y for _, _, y in triples])
        if with_default_function_args:
            bound = partial_function_from_dataframe(self._original_function, df, function_prefix)
            if bound is not self._original_function:
                self._original_function = bound
                self.function = _IgnoreFirstArgument(bound)

    # ---------------------------------------------------------------------- persistence ---

    def _get_data(self) -> dict[int, Any]:
        # A copy: a periodic save may pickle it in another thread while the runner tells.
        return dict(self.data)

    def _set_data(self, data: Any) -> None:
        if not hasattr(data, "items"):
            msg = (
                "SequenceLearner data must be a mapping {index: value}, got "
                f"{type(data).__name__}."
            )
            raise ValueError(msg)
        items = list(data.items())
        self.tell_many([(i, None) for i, _ in items], [y for _, y in items])

    def __repr__(self) -> str:
        return (
            f"SequenceLearner({self._original_function!r}, <{self._ntotal} elements>, "
            f"npoints={self.npoints})"
        )


def _object_column(pandas: Any, values: list[Any]) -> Any:
    """Return a column holding ``values`` as they are (lists, dicts or numbers)."""
    try:
        return pandas.Series(values)
    except (TypeError, ValueError):  # e.g. arrays of different shapes
        column = np.empty(len(values), dtype=object)
        for i, value in enumerate(values):
            column[i] = value
        return pandas.Series(column)
