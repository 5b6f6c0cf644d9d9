"""AverageLearner: the mean of a random variable, sampled until it is known well enough.

The learned function takes an integer *seed* (the source of randomness) and returns a real
number; the learner hands out unused seeds and stops when the standard error of the mean is
below ``atol`` or below ``rtol * |mean|``.

Every tell costs O(1): the learner keeps the sum and, for the variance, Welford's running mean
and sum of squared deviations (numerically stable where ``sum(f**2) - n * mean**2`` loses all
digits for data with a large mean and a small spread). ``ask`` costs O(n) for n points: a cursor
below which every seed is taken makes finding free seeds amortised O(1) each.

Deliberate differences from the reference library: ``ask`` always returns the smallest unused
seeds (the reference sometimes skips free seeds below ``npoints + len(pending_points)``);
``ask(0)`` returns ``([], [])``; ``mean`` of an empty learner is NaN instead of a
ZeroDivisionError; telling a seed twice keeps the first value; ``tell_pending`` of an evaluated
seed does nothing; bad arguments raise errors that say how to fix them.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._average1d_data import finite_sample
from adaptive_nb.learner._data1d import _as_lists
from adaptive_nb.learner._dataframe import (
    finish_frame,
    import_pandas,
    partial_function_from_dataframe,
    require_columns,
)
from adaptive_nb.learner._holoviews import holoviews_with_backend
from adaptive_nb.learner.base_learner import BaseLearner, check_n

if TYPE_CHECKING:
    import holoviews
    import pandas

__all__ = ["AverageLearner"]

_INF = math.inf


def _check_tolerance(name: str, value: object) -> float:
    if value is None:
        return _INF
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a positive number (or None), got {value!r}."
        raise TypeError(msg)
    tol = float(value)
    if not tol > 0:  # also rejects NaN
        msg = f"{name} must be > 0 (or None), got {value!r}."
        raise ValueError(msg)
    return tol


def _as_seed(seed: Any) -> int:
    try:
        if isinstance(seed, bool):
            raise TypeError  # True is not a seed
        return operator.index(seed)
    except TypeError:
        msg = f"Points of an AverageLearner are int seeds, got {seed!r} ({type(seed).__name__})."
        raise TypeError(msg) from None


def _as_value(value: Any) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = (
            "AverageLearner averages real numbers, but the function returned "
            f"{value!r} ({type(value).__name__}); return a float (for several outputs, use one "
            "learner per output or a DataSaver)."
        )
        raise TypeError(msg)
    return finite_sample(float(value), "AverageLearner")


class AverageLearner(BaseLearner):
    """Learn the average of a random variable ``function(seed)``.

    Parameters
    ----------
    function : callable
        ``function(seed) -> float`` for an int ``seed``, the source of randomness (e.g. seed a
        ``random.Random(seed)`` with it).
    atol : float, optional
        Desired absolute tolerance of the mean (its standard error).
    rtol : float, optional
        Desired relative tolerance: standard error divided by ``|mean|``. At least one of
        ``atol`` and ``rtol`` must be given.
    min_npoints : int
        Minimum number of points before the loss is finite (at least 2: the standard
        deviation needs two points).

    Attributes
    ----------
    data : dict
        ``{seed: value}``, in the order told.
    pending_points : set
        Seeds asked for but not told yet.
    sum_f, sum_f_sq : float
        Sum of the values and of their squares.

    Notes
    -----
    The loss is ``max(se / atol, se / (rtol * |mean|))`` with ``se = std / sqrt(n)``; a
    missing tolerance counts as infinite. ``tell`` is O(1), ``ask(n)`` amortised O(n).

    Examples
    --------
    >>> import random
    >>> def g(seed):
    ...     return random.Random(seed).gauss(1.0, 0.1)
    >>> learner = AverageLearner(g, atol=0.01)
    >>> for _ in range(400):
    ...     (seed,), _ = learner.ask(1)
    ...     learner.tell(seed, g(seed))
    >>> learner.loss() < 1
    True
    """

    _pending_undo_is_exact = True

    def __init__(
        self,
        function: Callable[[int], Any],
        atol: float | None = None,
        rtol: float | None = None,
        min_npoints: int = 2,
    ) -> None:
        if not callable(function):
            msg = f"function must be callable (seed -> float), got {type(function).__name__}."
            raise TypeError(msg)
        if atol is None and rtol is None:
            msg = (
                "AverageLearner needs a tolerance to know when the mean is good enough: pass "
                "atol= (absolute) and/or rtol= (relative to the mean), e.g. "
                "AverageLearner(f, atol=0.01)."
            )
            raise ValueError(msg)
        if isinstance(min_npoints, bool) or not isinstance(min_npoints, numbers.Integral):
            msg = f"min_npoints must be an int, got {min_npoints!r}."
            raise TypeError(msg)
        self.function = function
        self.atol: float = _check_tolerance("atol", atol)
        self.rtol: float = _check_tolerance("rtol", rtol)
        # The standard deviation needs at least two points.
        self.min_npoints: int = max(int(min_npoints), 2)
        self.data: dict[int, Any] = {}
        self.pending_points: set[int] = set()
        self.sum_f: float = 0.0
        self.sum_f_sq: float = 0.0
        self._welford_mean: float = 0.0  # running mean of the told values (Welford)
        self._m2: float = 0.0  # running sum of squared deviations from it (Welford)
        # Every seed below the cursor is in data or pending_points.
        self._cursor: int = 0
        self._cache: dict[str, Any] = {}

    def new(self) -> AverageLearner:
        """Return a new, empty learner with the same function and tolerances."""
        return AverageLearner(
            self.function, self._tol(self.atol), self._tol(self.rtol), self.min_npoints
        )

    @staticmethod
    def _tol(value: float) -> float | None:
        return None if value == _INF else value

    # ----------------------------------------------------------------------- statistics ---

    @property
    def npoints(self) -> int:
        """Number of evaluated seeds."""
        return len(self.data)

    @property
    def n_requested(self) -> int:
        """Number of evaluated plus pending seeds."""
        return len(self.data) + len(self.pending_points)

    @property
    def mean(self) -> float:
        """The average of the values in ``data`` (NaN while there are none)."""
        n = len(self.data)
        return self.sum_f / n if n else math.nan

    @property
    def std(self) -> float:
        """The sample standard deviation (with Bessel's correction) of the values.

        Infinite while there are fewer than ``min_npoints`` values.
        """
        n = len(self.data)
        if n < self.min_npoints:
            return _INF
        return math.sqrt(max(self._m2, 0.0) / (n - 1))

    def loss(self, real: bool = True, *, n: int | None = None) -> float:
        """Return the standard error of the mean relative to the tolerance.

        Parameters
        ----------
        real
            If True, for the evaluated seeds; if False, as if the pending seeds had arrived
            (with the same mean and standard deviation).
        n
            Compute the loss for this number of points instead (overrides ``real``).

        Returns
        -------
        float
            Below 1 once the mean is known to the tolerance; infinite while there are fewer
            than ``min_npoints`` points.

        Notes
        -----
        The result is also stored in ``learner._cache["loss"]``, where code written for the
        reference library (its ``live_info``) reads the latest loss.
        """
        if n is None:
            n = len(self.data) if real else len(self.data) + len(self.pending_points)
        loss = self._loss_for(n)
        self._cache["loss"] = loss
        return loss

    def _loss_for(self, n: int) -> float:
        """Return the loss with the current mean and standard deviation, for ``n`` points."""
        npoints = len(self.data)
        if n < self.min_npoints or npoints < self.min_npoints:
            return _INF
        # std / sqrt(n), with std as in the property (inlined: this runs on every ask).
        standard_error = math.sqrt(max(self._m2, 0.0) / (npoints - 1) / n)
        if standard_error == _INF:  # the sum of squares overflowed (values near 1e154 or more)
            return _INF
        rloss = standard_error / self.rtol
        mean = self.sum_f / npoints
        if mean != 0:
            rloss /= abs(mean)
        aloss = standard_error / self.atol
        return aloss if aloss > rloss else rloss

    def _loss_improvement(self, n: int) -> float:
        loss = self._loss_for(len(self.data))
        if loss < _INF:  # finite (NaN is not)
            return loss - self._loss_for(len(self.data) + n)
        return _INF

    # ------------------------------------------------------------------------ ask / tell ---

    def _advance_cursor(self) -> None:
        cursor = self._cursor
        data = self.data
        pending = self.pending_points
        while cursor in data or cursor in pending:
            cursor += 1
        self._cursor = cursor

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[int], list[float]]:
        """Return the ``n`` smallest unused seeds.

        Parameters
        ----------
        n
            Number of seeds, ``n >= 0``.
        tell_pending
            Mark the seeds as pending (default). With False the learner is not changed.

        Returns
        -------
        seeds, loss_improvements
            The seeds, and the loss improvement each is expected to bring (the improvement of
            all ``n`` shared equally).
        """
        if type(n) is not int or n < 2:
            n = check_n(n)
            if n == 0:
                return [], []
            if tell_pending:  # n == 1, a runner's usual call: the seed at the cursor
                seed = self._cursor
                self.pending_points.add(seed)
                self._advance_cursor()
                return [seed], [self._loss_improvement(1)]
        data = self.data
        pending = self.pending_points
        seeds: list[int] = []
        seed = self._cursor
        while len(seeds) < n:
            if seed not in data and seed not in pending:
                seeds.append(seed)
            seed += 1
        improvement = self._loss_improvement(n) / n
        if tell_pending:
            pending.update(seeds)
            self._cursor = seeds[0]  # taken now; _advance_cursor moves past the seeds
            self._advance_cursor()
        return seeds, [improvement] * n

    def tell(self, n: int | np.integer[Any], value: Any) -> None:
        """Tell the learner ``function(n) == value``.

        Telling a seed that is already evaluated does nothing.

        Parameters
        ----------
        n
            The seed, a Python or numpy integer.
        value
            The function's value, a real number.
        """
        seed = n if type(n) is int else _as_seed(n)
        data = self.data
        if seed in data:
            return
        y = value if type(value) is float and value - value == 0.0 else _as_value(value)
        data[seed] = value
        self.pending_points.discard(seed)
        self.sum_f += y
        self.sum_f_sq += y * y
        # Welford's update of the mean and of the sum of squared deviations.
        delta = y - self._welford_mean
        mean = self._welford_mean + delta / len(data)
        self._welford_mean = mean
        self._m2 += delta * (y - mean)
        if seed == self._cursor:
            self._advance_cursor()

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many values at once (all are checked before any is stored).

        Parameters
        ----------
        xs
            Seeds.
        ys
            The values at those seeds, in the same order.
        """
        pairs = [(_as_seed(x), y) for x, y in zip(*_as_lists(xs, ys), strict=True)]
        for _, y in pairs:
            _as_value(y)
        for seed, y in pairs:
            self.tell(seed, y)

    def tell_pending(self, n: int | np.integer[Any]) -> None:
        """Mark seed ``n`` as being computed, so that it is not asked for again."""
        seed = _as_seed(n)
        if seed in self.data:
            return
        self.pending_points.add(seed)
        if seed == self._cursor:
            self._advance_cursor()

    def remove_unfinished(self) -> None:
        """Forget the pending seeds (they are asked for again)."""
        if self.pending_points:
            self._cursor = min(self._cursor, *self.pending_points)
        self.pending_points = set()

    # ----------------------------------------------------------------------- data access ---

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by seed, as an array of shape ``(npoints, 2)``.

        Returns
        -------
        numpy.ndarray
            Column 0 holds the seeds, column 1 the values.
        """
        if not self.data:
            return np.empty((0, 2))
        return np.array(sorted(self.data.items()))

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        seed_name: str = "seed",
        y_name: str = "y",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame``, sorted by seed.

        Parameters
        ----------
        with_default_function_args
            Add the function's default arguments as constant columns.
        function_prefix
            Prefix of those columns' names.
        seed_name
            Name of the seed column.
        y_name
            Name of the value column.

        Returns
        -------
        pandas.DataFrame
            With ``df.attrs["inputs"] == [seed_name]`` and ``df.attrs["output"] == y_name``.
        """
        items = sorted(self.data.items())
        df = import_pandas().DataFrame(
            {seed_name: [s for s, _ in items], y_name: [y for _, y in items]},
            columns=[seed_name, y_name],
        )
        function = self.function if with_default_function_args else None
        return finish_frame(df, [seed_name], y_name, function, function_prefix)

    def load_dataframe(  # type: ignore[override]
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        seed_name: str = "seed",
        y_name: str = "y",
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
        seed_name
            Name of the seed column.
        y_name
            Name of the value column.
        """
        require_columns(df, (seed_name, y_name), "pass seed_name=/y_name= as used in to_dataframe")
        self.tell_many(df[seed_name].tolist(), df[y_name].tolist())
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)

    # ---------------------------------------------------------------------- persistence ---

    def _get_data(self) -> tuple[dict[int, Any], int, float, float]:
        # The reference library's layout, so files load in either library. A copy of the dict:
        # a periodic save may pickle it in another thread while the runner keeps telling.
        return dict(self.data), len(self.data), self.sum_f, self.sum_f_sq

    def _set_data(self, data: Any) -> None:
        # The sums in the file are recomputed from the values (they are redundant), so a file
        # adds its points to those already known, as for the other learners.
        values = data[0] if isinstance(data, tuple | list) and len(data) == 4 else None
        if not isinstance(values, dict):
            msg = (
                "AverageLearner data must be (data dict, npoints, sum_f, sum_f_sq), got "
                f"{type(data).__name__}."
            )
            raise ValueError(msg)
        self.tell_many(values.keys(), values.values())

    # ----------------------------------------------------------------------------- plot ---

    def plot(self) -> holoviews.Histogram:
        """Return a histogram of the evaluated values (holoviews, bokeh backend).

        Returns
        -------
        holoviews.Histogram
            With ``max(5, sqrt(npoints))`` bins.
        """
        hv = holoviews_with_backend()
        values = list(self.data.values())
        if not values:  # same dimensions as a histogram of data (the reference's fails)
            count = hv.Dimension("y_count", label="Count")
            return hv.Histogram(([], []), kdims=["y"], vdims=[count])
        num_bins = int(max(5, math.sqrt(len(values))))
        return hv.operation.histogram(hv.Points(values), num_bins=num_bins, dimension="y")

    def __repr__(self) -> str:
        return (
            f"AverageLearner({self.function!r}, atol={self._tol(self.atol)}, "
            f"rtol={self._tol(self.rtol)}, npoints={self.npoints})"
        )
