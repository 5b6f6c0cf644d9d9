"""Values in and out of Learner1D: checking what users pass, and views of the told data.

Conversion of points, values and bounds to the learner's internal form (with errors that say
how to fix them), and :class:`Learner1DData`, a base class of Learner1D with everything that
reads the told data without touching the sampling: ``data_since``, ``to_numpy``,
``to_dataframe``/``load_dataframe``, the ``save``/``load`` hooks and ``plot``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._dataframe import (
    finish_frame,
    import_pandas,
    partial_function_from_dataframe,
    require_columns,
)
from adaptive_nb.learner._holoviews import accept_legacy_opts, holoviews_with_backend
from adaptive_nb.learner._interval_index import YInternal

if TYPE_CHECKING:
    from collections.abc import Callable

    import holoviews
    import pandas

__all__ = ["Learner1DData"]


def _check_bounds(bounds: object) -> tuple[float, float]:
    hint = "bounds must be a pair of finite real numbers (lower, upper) with lower < upper"
    if isinstance(bounds, str | bytes) or not isinstance(bounds, Iterable):
        msg = f"{hint}, got {bounds!r}."
        raise TypeError(msg)
    items = list(bounds)
    if len(items) != 2:
        msg = f"{hint}; got {len(items)} values: {bounds!r}."
        raise ValueError(msg)
    out = []
    for b in items:
        if isinstance(b, np.ndarray) and b.ndim == 0:
            b = b.item()  # noqa: PLW2901
        if isinstance(b, bool | np.bool_) or not isinstance(b, numbers.Real):
            msg = f"{hint}; {b!r} is not a real number."
            raise TypeError(msg)
        out.append(float(b))
    lo, hi = out
    if not (math.isfinite(lo) and math.isfinite(hi)):
        msg = f"{hint}; got {bounds!r}."
        raise ValueError(msg)
    if not lo < hi:
        msg = f"{hint}; got lower={lo!r} >= upper={hi!r} (swap them?)."
        raise ValueError(msg)
    return lo, hi


def _as_x(x: Any) -> float:
    """Convert a point to a finite Python float, or raise a clear error."""
    if type(x) is not float:
        if isinstance(x, np.ndarray) and x.ndim == 0:
            x = x.item()
        if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
            msg = f"Learner1D points must be real numbers, got {x!r}."
            raise TypeError(msg)
        x = float(x)
    if not math.isfinite(x):
        msg = f"Learner1D points must be finite, got {x!r}."
        raise ValueError(msg)
    return x  # type: ignore[no-any-return]


def _as_y(y: Any, x: float | None = None) -> tuple[float | np.ndarray[Any, Any], YInternal]:
    """Return (value stored in ``data``, internal value) for a function value (at ``x``)."""
    at = "" if x is None else f" (the value told for x={x!r})"
    if y is None:
        msg = (
            "The value may not be None; use learner.tell_pending(x) to mark a point as "
            "being computed."
        )
        raise TypeError(msg)
    if isinstance(y, numbers.Real) and not isinstance(y, bool | np.bool_):
        v = float(y)
        return v, v
    msg = f"The function must return a real number or a 1D sequence of real numbers, got {y!r}{at}."
    # Strings, booleans and complex numbers convert to floats ("1.5" -> 1.5, True -> 1.0,
    # 1+2j -> 1.0 with a warning): refuse them instead of storing a different value.
    if isinstance(y, str | bytes | bool | np.bool_):
        raise TypeError(msg)
    try:
        arr = np.asarray(y)
        if arr.dtype.kind in "bcUSV":
            raise TypeError(msg)
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise TypeError(msg) from None
    if arr.ndim == 0:
        v = float(arr)
        return v, v
    if arr.ndim > 1 or arr.size == 0:
        msg = (
            "The function must return a real number or a non-empty 1D sequence of real "
            f"numbers, got an array of shape {arr.shape}{at}."
        )
        raise ValueError(msg)
    return arr, tuple(arr.tolist())


def _as_list(name: str, values: Any) -> list[Any]:
    """``list(values)`` for ``tell_many``, with an error that says what was expected."""
    scalar = isinstance(values, str | bytes) or (
        isinstance(values, np.ndarray) and values.ndim == 0
    )
    if not scalar:
        try:
            return list(values)
        except TypeError:
            pass
    msg = (
        f"tell_many(xs, ys) expects {name} to be a sequence with one entry per point, got "
        f"{values!r} ({type(values).__name__}); for a single point use tell(x, y)."
    )
    raise TypeError(msg)


def _as_lists(xs: Any, ys: Any) -> tuple[list[Any], list[Any]]:
    """``(list(xs), list(ys))`` for ``tell_many``: sequences of one length, or a clear error."""
    xs = _as_list("xs", xs)
    ys = _as_list("ys", ys)
    if len(xs) != len(ys):
        msg = f"xs and ys must have the same length, got {len(xs)} and {len(ys)}."
        raise ValueError(msg)
    return xs, ys


def _finite(y: YInternal) -> bool:
    if type(y) is float:
        return y - y == 0.0
    return all(c - c == 0.0 for c in y)  # type: ignore[union-attr]


class Learner1DData:
    """Views of a Learner1D's told data (see the module docstring); a base class of Learner1D."""

    function: Callable[..., Any]
    bounds: tuple[float, float]
    data: dict[float, Any]
    _log_x: list[float]
    _log_y: list[Any]
    _vec: bool
    _vdim: int | None

    if TYPE_CHECKING:

        @property
        def vdim(self) -> int: ...

        def tell_many(
            self, xs: Iterable[Any], ys: Iterable[Any], *, force: bool = False
        ) -> None: ...

    # ----------------------------------------------------------------------- data access ---

    def data_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return the points and values told since the ``start``-th told point, in tell order.

        Parameters
        ----------
        start
            Number of told points to skip, ``start >= 0``; at or past ``npoints`` the arrays
            are empty.

        Returns
        -------
        xs : numpy.ndarray
            The points, a float array of shape ``(k,)``.
        ys : numpy.ndarray
            Their values, of shape ``(k,)`` for scalar functions and ``(k, vdim)`` for
            vector-valued ones.

        Raises
        ------
        ValueError
            If ``start`` is not a non-negative int.

        Notes
        -----
        O(k): reads an append-only record of the told points, so that a live plot can send
        only what is new. Points told outside ``bounds`` are included (they are in ``data``).

        Examples
        --------
        >>> learner = Learner1D(lambda x: x**2, bounds=(-1, 1))
        >>> learner.tell_many([0.0, 1.0, -1.0], [0.0, 1.0, 1.0])
        >>> learner.data_since(1)
        (array([ 1., -1.]), array([1., 1.]))
        """
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or start < 0:
            msg = f"start must be a non-negative int, got {start!r}."
            raise ValueError(msg)
        xs = np.array(self._log_x[start:], dtype=float)
        ys_list = self._log_y[start:]
        if self._vec:
            ys = np.array(ys_list, dtype=float).reshape(len(ys_list), self.vdim)
        else:
            ys = np.array(ys_list, dtype=float)
        return xs, ys

    def _sorted_data(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        xs, ys = self.data_since(0)
        order = np.argsort(xs, kind="stable")
        return xs[order], ys[order]

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by x, as an array of shape ``(npoints, 1 + vdim)``.

        Returns
        -------
        numpy.ndarray
            Column 0 holds x, the others the function's value(s).
        """
        xs, ys = self._sorted_data()
        return (
            np.column_stack([xs, ys.reshape(len(xs), -1)])
            if len(xs)
            else np.empty((0, 1 + self.vdim))
        )

    def to_dataframe(
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame``, sorted by x.

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        x_name
            Name of the input column.
        y_name
            Name of the output column (holding arrays for vector-valued functions).

        Returns
        -------
        pandas.DataFrame
            With ``df.attrs["inputs"] == [x_name]`` and ``df.attrs["output"] == y_name``.

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        pandas = import_pandas("to_dataframe")
        xs, ys = self._sorted_data()
        df = pandas.DataFrame({x_name: xs})
        if self._vec:
            col = np.empty(len(xs), dtype=object)
            col[:] = list(ys)
            df[y_name] = col
        else:
            df[y_name] = ys
        function = self.function if with_default_function_args else None
        return finish_frame(df, [x_name], y_name, function, function_prefix)

    def load_dataframe(
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
    ) -> None:
        """Tell the learner the data of a DataFrame made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Bind the function's default-argument columns to ``learner.function`` (with
            ``functools.partial``).
        function_prefix
            Prefix of those columns, as used in ``to_dataframe``.
        x_name
            Name of the input column.
        y_name
            Name of the output column.
        """
        require_columns(df, (x_name, y_name), "pass x_name=/y_name= as used in to_dataframe")
        self.tell_many(df[x_name].to_numpy(), df[y_name].to_numpy())
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    def _get_data(self) -> dict[float, Any]:
        # A copy: periodic saving pickles it in another thread while the runner keeps telling.
        return dict(self.data)

    def _set_data(self, data: dict[float, Any]) -> None:
        if not data:
            return
        xs: Any
        ys: Any
        try:  # arrays take the fast path of tell_many
            xs = np.fromiter(data.keys(), dtype=float, count=len(data))
            ys = np.fromiter(data.values(), dtype=float, count=len(data))
        except (TypeError, ValueError):  # vectors, or values that need checking one by one
            xs, ys = list(data.keys()), list(data.values())
        self.tell_many(xs, ys)

    # ----------------------------------------------------------------------------- plot ---

    def plot(self, *, scatter_or_line: str = "scatter") -> holoviews.Overlay:
        """Plot the evaluated data with holoviews (bokeh backend).

        Parameters
        ----------
        scatter_or_line
            ``"scatter"`` (default) for points, ``"line"`` for a line through them.

        Returns
        -------
        holoviews.Overlay
            One Scatter per output component (or a Path), with 5% margins on x.
        """
        if scatter_or_line not in ("scatter", "line"):
            msg = f"scatter_or_line must be 'scatter' or 'line', got {scatter_or_line!r}."
            raise ValueError(msg)
        hv = holoviews_with_backend()
        xs, ys = self._sorted_data()
        if scatter_or_line == "scatter":
            if self._vec:
                plots = [hv.Scatter((xs, ys[:, i])) for i in range(ys.shape[1])]
            else:
                plots = [hv.Scatter((xs, ys))]
        else:
            plots = [hv.Path((xs, ys))]
        # An Overlay even for one element, so a live plot keeps one type while vdim is unknown.
        lo, hi = self.bounds
        margin = 0.05 * (hi - lo)
        overlay = hv.Overlay(plots).redim(x={"range": (lo - margin, hi + margin)})
        return accept_legacy_opts(overlay, "Scatter" if scatter_or_line == "scatter" else "Path")
