"""Values in and out of AverageLearner1D: point checks, Student-t quantiles, and data views.

* :func:`as_seed_x` turns a user's point into the learner's ``(int seed, float x)``;
* :func:`t_quantile` caches the ``1 - alpha`` quantiles of Student's t distribution by the
  number of samples (the reference calls ``scipy.stats.t.ppf`` on every tell: about 60 µs);
* :class:`AverageData`, a base class of AverageLearner1D, holds everything that reads the
  samples without touching the sampling: ``data_since``, ``to_numpy``, ``to_dataframe`` /
  ``load_dataframe``, the ``save``/``load`` hooks and ``plot``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._data1d import _as_x
from adaptive_nb.learner._dataframe import (
    finish_frame,
    import_pandas,
    partial_function_from_dataframe,
    require_columns,
)
from adaptive_nb.learner._holoviews import accept_legacy_opts, holoviews_with_backend

if TYPE_CHECKING:
    import holoviews
    import pandas

__all__ = ["AverageData", "as_sample", "as_seed_x", "finite_sample", "t_quantile"]

# alpha -> [ppf(1 - alpha, df=n - 1) for n in range(len)], NaN for n < 2. Grown in blocks: one
# vectorised ppf call costs about as much as a scalar one.
_T_TABLES: dict[float, list[float]] = {}
_T_BLOCK = 256


def t_quantile(alpha: float, n: int) -> float:
    """Return ``scipy.stats.t.ppf(1 - alpha, df=n - 1)``, cached by ``(alpha, n)``.

    Parameters
    ----------
    alpha
        One-sided significance, ``0 < alpha <= 1``.
    n
        Number of samples, ``n >= 2``.

    Returns
    -------
    float
        Equal bit for bit to the scalar scipy call.
    """
    table = _T_TABLES.get(alpha)
    if table is not None and n < len(table):
        return table[n]
    return _grow(alpha, n)[n]


def _grow(alpha: float, n: int) -> list[float]:
    import scipy.stats

    table = _T_TABLES.get(alpha, [math.nan, math.nan])
    size = max(n + 1, len(table) + _T_BLOCK)
    dfs = np.arange(len(table) - 1, size - 1, dtype=float)
    new: list[float] = table + scipy.stats.t.ppf(1 - alpha, df=dfs).tolist()
    _T_TABLES[alpha] = new  # replaced whole: readers holding the old list stay consistent
    return new


def as_seed_x(point: Any) -> tuple[int, float]:
    """Convert a point ``(seed, x)`` to ``(int, float)``, or raise an error saying how to fix it."""
    if type(point) is tuple and len(point) == 2:
        seed, x = point
        if type(seed) is int and type(x) is float and x - x == 0.0:
            return point
    if isinstance(point, str | bytes) or not isinstance(point, Iterable):
        msg = f"AverageLearner1D points are pairs (seed, x), got {point!r}."
        raise TypeError(msg)
    items = list(point)
    if len(items) != 2:
        msg = f"AverageLearner1D points are pairs (seed, x), got {point!r}."
        raise ValueError(msg)
    seed, x = items
    if isinstance(seed, np.ndarray) and seed.ndim == 0:
        seed = seed.item()
    if isinstance(seed, float) and seed.is_integer():  # seeds from a float array (dataframes)
        seed = int(seed)
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        msg = f"The seed of a point (seed, x) must be an int, got {seed!r}."
        raise TypeError(msg)
    return int(seed), _as_x(x)


def as_sample(y: Any) -> float:
    """Convert a function value to a finite float, or raise an error saying how to fix it."""
    if type(y) is float and y - y == 0.0:
        return y
    if y is None:
        msg = (
            "The value may not be None; use learner.tell_pending((seed, x)) to mark a point "
            "as being computed."
        )
        raise TypeError(msg)
    if isinstance(y, np.ndarray) and y.size == 1:
        y = y.item()
    if isinstance(y, bool | np.bool_) or not isinstance(y, numbers.Real):
        msg = (
            "AverageLearner1D learns functions that return one real number, got "
            f"{y!r}; for vector outputs use one learner per component."
        )
        raise TypeError(msg)
    return finite_sample(float(y), "AverageLearner1D")


def finite_sample(v: float, learner: str) -> float:
    """Return ``v`` if it is finite; else raise the error an averaging ``learner`` gives."""
    if not math.isfinite(v):
        msg = (
            f"{learner} needs finite values, got {v!r}: one NaN or inf makes the mean, its "
            "error and the loss meaningless. Filter or clip them in the function."
        )
        raise ValueError(msg)
    return v


class AverageData:
    """Views of an AverageLearner1D's samples (see the module docstring); a base class of it."""

    function: Callable[..., Any]
    bounds: tuple[float, float]
    data: dict[float, float]
    error: dict[float, float]
    _data_samples: dict[float, dict[int, float]]
    _log_x: list[float]

    if TYPE_CHECKING:

        def _set_data(self, data: dict[float, dict[int, float]]) -> None: ...

    def data_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return the points first told since the ``start``-th new point, and their means.

        Parameters
        ----------
        start
            Number of points (distinct x) to skip, ``start >= 0``.

        Returns
        -------
        xs, means : numpy.ndarray
            The points in the order they were first told, and their current means (shape
            ``(k,)`` each). The means of earlier points change as samples arrive: read
            ``data_since(0)`` (or ``to_numpy(mean=True)``) for all of them.

        Raises
        ------
        ValueError
            If ``start`` is not a non-negative int.

        Examples
        --------
        >>> learner.tell_many([(0, 0.0), (1, 0.0), (0, 1.0)], [1.0, 3.0, 5.0])
        >>> learner.data_since(0)
        (array([0., 1.]), array([2., 5.]))
        """
        if isinstance(start, bool) or not isinstance(start, numbers.Integral) or start < 0:
            msg = f"start must be a non-negative int, got {start!r}."
            raise ValueError(msg)
        xs = self._log_x[start:]
        data = self.data
        return np.array(xs, dtype=float), np.array([data[x] for x in xs], dtype=float)

    def to_numpy(self, mean: bool = False) -> np.ndarray[Any, Any]:
        """Return the samples, or the means, as an array sorted by x.

        Parameters
        ----------
        mean
            False (default): one row ``(seed, x, y)`` per sample, the seeds of a point in the
            order they were told. True: one row ``(x, mean)`` per point.

        Returns
        -------
        numpy.ndarray
            Of shape ``(nsamples, 3)``, or ``(npoints, 2)`` with ``mean=True``.
        """
        if mean:
            rows = sorted(self.data.items())
            return np.array(rows, dtype=float).reshape(len(rows), 2)
        samples = [
            (seed, x, y)
            for x, seed_y in sorted(self._data_samples.items())
            for seed, y in seed_y.items()
        ]
        return np.array(samples, dtype=float).reshape(len(samples), 3)

    def to_dataframe(  # noqa: PLR0917 (the reference's signature)
        self,
        mean: bool = False,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        seed_name: str = "seed",
        x_name: str = "x",
        y_name: str = "y",
    ) -> pandas.DataFrame:
        """Return the samples (or the means) as a ``pandas.DataFrame``, sorted by x then seed.

        Parameters
        ----------
        mean
            False (default): columns ``seed_name, x_name, y_name``, one row per sample. True:
            columns ``x_name, y_name`` with the mean at each point.
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        seed_name, x_name, y_name
            Column names.

        Returns
        -------
        pandas.DataFrame
            ``df.attrs["inputs"]`` names the input columns, ``df.attrs["output"]`` the output.

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        pandas = import_pandas("to_dataframe")
        if mean:
            df = pandas.DataFrame(sorted(self.data.items()), columns=[x_name, y_name])
            df = df.astype({x_name: float, y_name: float})
            inputs = [x_name]
        else:
            rows = [
                (seed, x, y)
                for x, seed_y in sorted(self._data_samples.items())
                for seed, y in sorted(seed_y.items())
            ]
            df = pandas.DataFrame(rows, columns=[seed_name, x_name, y_name])
            df = df.astype({seed_name: int, x_name: float, y_name: float})
            inputs = [seed_name, x_name]
        function = self.function if with_default_function_args else None
        return finish_frame(df, inputs, y_name, function, function_prefix)

    def load_dataframe(  # noqa: PLR0917 (the reference's signature)
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        seed_name: str = "seed",
        x_name: str = "x",
        y_name: str = "y",
    ) -> None:
        """Tell the learner the samples of a DataFrame made by ``to_dataframe()``.

        Parameters
        ----------
        df
            The samples: one row per ``(seed, x, y)`` (a ``mean=True`` frame has no seeds and
            cannot be loaded).
        with_default_function_args
            Bind the function's default-argument columns to ``learner.function``.
        function_prefix
            Prefix of those columns, as used in ``to_dataframe``.
        seed_name, x_name, y_name
            Column names, as used in ``to_dataframe``.
        """
        require_columns(
            df,
            (seed_name, x_name, y_name),
            "pass seed_name=/x_name=/y_name= as used in to_dataframe (a frame made with "
            "mean=True has no samples to load)",
        )
        # lists, not a 2-column array: that would turn the int seeds into floats
        points = [
            as_seed_x(p) for p in zip(df[seed_name].tolist(), df[x_name].tolist(), strict=True)
        ]
        values = [as_sample(y) for y in df[y_name].tolist()]
        by_x: dict[float, dict[int, float]] = {}
        for (seed, x), y in zip(points, values, strict=True):
            by_x.setdefault(x, {})[seed] = y
        self._set_data(by_x)
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    def _get_data(self) -> dict[float, dict[int, float]]:
        # A copy: periodic saving pickles it in another thread while the runner keeps telling.
        return {x: dict(samples) for x, samples in self._data_samples.items()}

    def plot(self) -> holoviews.Overlay:
        """Plot the means with error bars, and a line through them (holoviews, bokeh backend).

        Returns
        -------
        holoviews.Overlay
            ``Scatter * ErrorBars * Path``, with 5% margins on x. A point with one sample has
            an infinite error: it is drawn without a bar.
        """
        hv = holoviews_with_backend()
        rows = sorted(self.data.items())
        xs = [x for x, _ in rows]
        ys = [y for _, y in rows]
        err = self.error
        bars = [(x, y, err[x] if math.isfinite(err[x]) else math.nan) for x, y in rows]
        overlay = hv.Scatter((xs, ys)) * hv.ErrorBars(bars) * hv.Path((xs, ys))
        lo, hi = self.bounds
        margin = 0.05 * (hi - lo)
        overlay = overlay.redim(x={"range": (lo - margin, hi + margin)})
        return accept_legacy_opts(overlay, "Scatter")
