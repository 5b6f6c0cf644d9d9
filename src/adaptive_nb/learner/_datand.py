"""Data in and out of LearnerND: arrays, DataFrames, and the told points since a mark."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._dataframe import finish_frame, partial_function_from_dataframe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pandas

__all__ = ["DataMixin"]


class DataMixin:
    """The export and import methods of LearnerND (they only read ``data`` or call ``tell``)."""

    ndim: int
    data: dict[tuple[Any, ...], Any]
    function: Callable[..., Any]
    _order: list[tuple[Any, ...]]

    # Provided by LearnerND and BaseLearner; declared for the type checker only, so nothing
    # here shadows them at run time.
    tell_many: Callable[[Iterable[Any], Iterable[Any]], None]
    if TYPE_CHECKING:

        @property
        def vdim(self) -> int: ...

    def data_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return the points and values told since the ``start``-th told point, in tell order.

        Parameters
        ----------
        start
            Number of told points already seen by the caller.

        Returns
        -------
        points, values
            Arrays of shape (k, N) and (k,) (or (k, M) for vector output).
        """
        new = self._order[max(int(start), 0) :]
        pts = np.array(new, dtype=float).reshape(-1, self.ndim)
        vals = np.array([self.data[p] for p in new], dtype=float)
        if self.vdim > 1:
            vals = vals.reshape(-1, self.vdim)
        return pts, vals

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by point, shape ``(npoints, N + M)``."""
        rows = [(*p, *np.atleast_1d(v)) for p, v in sorted(self.data.items())]
        if not rows:
            return np.empty((0, self.ndim + self.vdim))
        return np.array(rows, dtype=float)

    def to_dataframe(
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        point_names: tuple[str, ...] | None = None,
        value_name: str = "value",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame`` (one column per coordinate, in tell order).

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        point_names
            Names of the coordinate columns; as many as dimensions. By default ``x``, ``y``,
            ``z`` for up to 3 dimensions (the reference's default, which fails below 3 unless
            given) and ``x0``, ``x1``, ... beyond.
        value_name
            Name of the value column (holding arrays for vector output).
        """
        import pandas

        point_names = _default_point_names(self.ndim) if point_names is None else point_names
        if len(point_names) != self.ndim:
            msg = (
                f"point_names {point_names} must name each of the learner's {self.ndim} "
                "dimensions, e.g. point_names=('x', 'y', 'z')[:ndim]."
            )
            raise ValueError(msg)
        rows = [(*p, v) for p, v in self.data.items()]
        df = pandas.DataFrame(rows, columns=[*point_names, value_name])
        function = self.function if with_default_function_args else None
        return finish_frame(df, list(point_names), value_name, function, function_prefix)

    def load_dataframe(
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        point_names: tuple[str, ...] | None = None,
        value_name: str = "value",
    ) -> None:
        """Tell the learner the data of a DataFrame made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Bind the function's default-argument columns to ``learner.function``.
        function_prefix
            Prefix of those columns, as used in ``to_dataframe``.
        point_names
            Names of the coordinate columns (default as in ``to_dataframe``).
        value_name
            Name of the value column.
        """
        point_names = _default_point_names(self.ndim) if point_names is None else point_names
        missing = [c for c in (*point_names, value_name) if c not in df.columns]
        if missing:
            msg = f"The DataFrame has no column(s) {missing}; it has {list(df.columns)}."
            raise ValueError(msg)
        self.tell_many(df[list(point_names)].values, df[value_name].values)
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)


def _default_point_names(ndim: int) -> tuple[str, ...]:
    return ("x", "y", "z")[:ndim] if ndim <= 3 else tuple(f"x{i}" for i in range(ndim))
