"""IntegratorLearner: adaptive quadrature after Pedro Gonnet's CQUAD.

The domain is subdivided into a tree of intervals. Each interval is sampled at the nested
Clenshaw-Curtis rules of 5, 9, 17 and 33 nodes; once a rule's values are all in, the interval
gets an integral and an error estimate (from how much the interpolant changed since the previous
rule, or since its parent's). Asking for points refines the interval of largest error to the
next rule, or splits it in two when its rule is the largest or the interpolant is unreliable.

Same decisions, same points, same numbers as the reference library for the same calls; the
difference is the bookkeeping. The integral and error are exact running totals over the
intervals that approximate the integral (O(1) to read, where the reference sums every interval
on each ``done()``), and the interval of largest error comes from a heap (O(log n)).

This module is the learner's API (estimates, ask, tell, data in and out); the interval tree,
its subdivision and the processing of completed rules are in ``_cquad_tree``, one interval in
``_cquad_interval``, and the rule's tables and numerics in ``_cquad``.
"""

from __future__ import annotations

import copy
import math
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.exceptions import DivergentIntegralError
from adaptive_nb.learner._cquad_interval import Interval, as_value, to_float
from adaptive_nb.learner._cquad_tree import IntervalTree
from adaptive_nb.learner._data1d import _as_lists
from adaptive_nb.learner._dataframe import finish_frame, partial_function_from_dataframe
from adaptive_nb.learner._exact_sum import Totals

if TYPE_CHECKING:
    import holoviews
    import pandas

__all__ = ["DivergentIntegralError", "IntegratorLearner"]

_FORMAT = "adaptive_nb.IntegratorLearner/1"
_float64 = np.float64
_INT_TYPES = (int, np.integer)


class IntegratorLearner(IntervalTree):
    """Learn the integral of a function over an interval, to a relative tolerance.

    Parameters
    ----------
    function : callable
        The integrand, ``f(x) -> float``.
    bounds : pair of float
        The interval ``(a, b)`` to integrate over.
    tol : float
        Relative tolerance: the learner is done once ``err < tol * abs(igral)``.

    Attributes
    ----------
    igral : float
        The current estimate of the integral.
    err : float
        The estimate of its absolute error (``inf`` until an estimate exists).
    approximating_intervals : set
        The intervals whose estimates add up to ``igral`` and ``err``.
    max_ivals : int
        Most intervals kept for further subdivision (default 1000); past it, the one with the
        smallest error is no longer subdivided.
    ivals : set
        The intervals that may still be refined or split.
    data : dict
        ``{x: f(x)}`` of the evaluated points.
    pending_points : set
        Points chosen but not evaluated yet (queued for ``ask`` or asked).

    Notes
    -----
    Only the nodes of the quadrature rules can be told: ``tell`` of any other point raises
    ``ValueError``. A non-finite value is left out of its interval's interpolant. When the
    integral diverges, ``tell`` raises `DivergentIntegralError`.

    Examples
    --------
    >>> learner = IntegratorLearner(lambda x: x**2, bounds=(0, 1), tol=1e-10)
    >>> while not learner.done():
    ...     xs, _ = learner.ask(10)
    ...     learner.tell_many(xs, [x**2 for x in xs])
    >>> round(learner.igral, 12)
    0.333333333333
    """

    def __init__(
        self, function: Callable[..., Any], bounds: tuple[float, float], tol: float
    ) -> None:
        a, b = bounds
        if not (math.isfinite(a) and math.isfinite(b)) or not a < b:
            msg = f"bounds must be two finite numbers a < b, got {bounds!r}."
            raise ValueError(msg)
        self.function = function
        self.bounds = bounds
        self.tol = tol
        self.max_ivals = 1000
        self.data: dict[float, Any] = {}
        self.pending_points: set[float] = set()
        self.priority_split: list[Interval] = []
        self.ivals: set[Interval] = set()
        self._stack: deque[float] = deque()  # points queued for ask, in order
        self._asked: dict[float, None] = {}  # asked, not told yet (ordered set)
        self._x_ivals: dict[float, list[tuple[Interval, int]]] = {}  # x -> (interval, slot)
        self._max_heap: list[tuple[float, float, int, int, Interval]] = []
        self._min_heap: list[tuple[float, float, int, int, Interval]] = []
        self._serial = 0
        self._totals = Totals()  # igral, err and excess over the approximating intervals
        self._last_peek: set[float] = set()
        first = Interval(a, b, depth=2, rdepth=1)
        self.first_ival = first
        self._add_ival(first)

    def new(self) -> IntegratorLearner:
        """Return a new, empty learner with the same function, bounds and tolerance."""
        learner = IntegratorLearner(self.function, self.bounds, self.tol)
        learner.max_ivals = self.max_ivals
        return learner

    # ---- the estimates -----------------------------------------------------------------------

    @property
    def approximating_intervals(self) -> set[Interval]:
        """The intervals whose estimates add up to ``igral`` and ``err``."""
        leaves = self.first_ival.done_leaves
        return leaves if leaves is not None else set()

    @property
    def igral(self) -> float:
        """The current estimate of the integral over ``bounds``."""
        return self._totals.igral.value()

    @property
    def err(self) -> float:
        """The estimated absolute error of ``igral`` (``inf`` before there is an estimate)."""
        if not self._totals.members:
            return math.inf
        err = self._totals.err.value()
        return math.inf if err > sys.float_info.max else err

    @property
    def npoints(self) -> int:
        """Number of evaluated points."""
        return len(self.data)

    def done(self) -> bool:
        """Whether the tolerance is reached (or nothing is left to refine).

        Also done when the error left is that of intervals already at the limit of floating
        point accuracy, so refining the others cannot reach the tolerance.
        """
        err = self.err
        target = abs(self.igral) * self.tol
        excess = self._totals.excess.value()
        return err == 0 or err < target or (err - excess < target < excess) or not self.ivals

    def loss(self, real: bool = True) -> float:
        """Return ``abs(abs(igral) * tol - err)`` (as the reference; ``real`` is ignored)."""
        return abs(abs(self.igral) * self.tol - self.err)

    # ---- ask ---------------------------------------------------------------------------------

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[float], list[float]]:
        """Choose the next ``n`` points.

        Parameters
        ----------
        n
            Number of points, ``n >= 0``.
        tell_pending
            If False, the learner is left exactly as it was (the same call with True would
            return the same points).

        Returns
        -------
        points, loss_improvements
            The points, and for each the largest error of the intervals it belongs to.

        Raises
        ------
        RuntimeError
            If no interval can be subdivided any more.
        """
        if type(n) is not int or n < 0:
            if isinstance(n, bool) or not isinstance(n, _INT_TYPES) or n < 0:
                msg = f"ask(n) needs a non-negative int, got {n!r}."
                raise ValueError(msg)
            n = int(n)
        if not tell_pending:
            return self._peek(n)
        points: list[float] = []
        improvements: list[float] = []
        stack, asked, x_ivals = self._stack, self._asked, self._x_ivals
        while True:
            while stack and len(points) < n:
                x = stack.popleft()
                # numpy scalars, as the reference hands out: f(0.0) = 1/x is then inf, not an error
                points.append(_float64(x))
                entries = x_ivals[x]
                improvements.append(
                    entries[0][0].err if len(entries) == 1 else max(iv.err for iv, _ in entries)
                )
                asked[x] = None
            if len(points) == n:
                return points, improvements
            self._fill_stack()

    def _improvement(self, x: float) -> float:
        return max(ival.err for ival, _ in self._x_ivals[x])

    def _peek(self, n: int) -> tuple[list[float], list[float]]:
        """``ask(n)`` without changing the learner."""
        stack = list(self._stack)[:n]
        result = [(x, self._improvement(x)) for x in stack]
        if len(result) < n:
            more = self._simulate_fill()
            if more is None or len(result) + len(more) < n:
                # Rare: the next fill drops an interval, or more than one fill is needed. Ask
                # for real on a copy of the state, then put the state back.
                return self._ask_on_copy(n)
            result += more[: n - len(result)]
        self._last_peek = {x for x, _ in result}
        return [_float64(x) for x, _ in result], [imp for _, imp in result]

    def _ask_on_copy(self, n: int) -> tuple[list[float], list[float]]:
        saved = copy.deepcopy({k: v for k, v in self.__dict__.items() if k != "function"})
        try:
            points, improvements = self.ask(n)
        finally:
            self.__dict__.update(saved)
        self._last_peek = set(points)
        return points, improvements

    def _simulate_fill(self) -> list[tuple[float, float]] | None:
        """Return the points and improvements the next fill would queue (None if not simple)."""
        ival, forced = self._next_to_subdivide()
        if ival is None or self._too_narrow(ival):
            return None
        data, pending = self.data, self.pending_points
        new: list[tuple[float, float]] = []
        seen: set[float] = set()
        if ival.depth == 3 or forced:
            m = ival.nodes[16]
            halves = (
                Interval(ival.a, m, 0, ival.rdepth + 1),
                Interval(m, ival.b, 0, ival.rdepth + 1),
            )
            for half in halves:
                nodes = half.node_list(0)
                if all(x in data for x in nodes):
                    return None  # the half completes on creation: not a simple fill
                for x in nodes:
                    if x not in data and x not in pending and x not in seen:
                        seen.add(x)
                        new.append((x, ival.err / 2))
        else:
            nodes = ival.node_list(ival.depth + 1)
            if all(x in data for x in nodes):
                return None
            for x in nodes:
                if x not in data and x not in pending and x not in seen:
                    seen.add(x)
                    new.append((x, ival.err))
        return new

    # ---- tell --------------------------------------------------------------------------------

    def tell(self, x: float, y: Any) -> None:
        """Tell the learner ``y = f(x)`` for a point it chose.

        Parameters
        ----------
        x
            A point returned by `ask`.
        y
            The integrand's value there.

        Raises
        ------
        ValueError
            If ``x`` is not a node of the learner's quadrature rules.
        DivergentIntegralError
            If the integral appears to diverge.
        """
        x, value = self._checked(x, y)
        self.data[x] = y
        self.pending_points.discard(x)
        if x in self._asked:
            del self._asked[x]
        elif x in self._stack:
            # Told while still queued: it no longer needs to be asked.
            self._stack.remove(x)
        self._tell_intervals(x, y, value)

    def _checked(self, x: Any, y: Any) -> tuple[float, float]:
        """Return ``(x, y)`` as floats if ``tell(x, y)`` may store them, or raise its error."""
        # Python floats as keys: numpy scalars hash and compare several times slower.
        key = x if type(x) is float else to_float(x)
        if key not in self._x_ivals:
            msg = (
                f"x={x!r} is not a point this IntegratorLearner asked for: it can only use the "
                "nodes of its quadrature rules, so tell it the points returned by ask()."
            )
            raise ValueError(msg)
        return key, as_value(key, y)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many values at once; all points and values are checked before any is told.

        Parameters
        ----------
        xs
            Points returned by `ask`.
        ys
            The integrand's values there, in the same order.
        """
        xs, ys = _as_lists(xs, ys)
        for x, y in zip(xs, ys, strict=True):
            self._checked(x, y)
        for x, y in zip(xs, ys, strict=True):
            self.tell(x, y)

    def tell_pending(self, x: Any = None) -> None:
        """Mark ``x`` as asked, e.g. after ``ask(n, tell_pending=False)`` returned it.

        Parameters
        ----------
        x
            A point that ``ask`` returned or would return. Without it nothing happens (the
            reference's ``tell_pending()`` takes no point).
        """
        if x is None:
            return
        x = to_float(x)
        if x in self._asked or x in self.data:
            return
        if x not in self._x_ivals and x in self._last_peek:
            # Returned by a peek that looked past the queue: do the fill that ask would do.
            for _ in range(len(self._last_peek) + 1):
                self._fill_stack()
                if x in self._x_ivals:
                    break
        if x not in self._x_ivals:
            msg = (
                f"x={x!r} is not a point this IntegratorLearner chose; tell_pending accepts the "
                "points returned by ask()."
            )
            raise ValueError(msg)
        if x in self._stack:
            self._stack.remove(x)
        self._asked[x] = None

    def remove_unfinished(self) -> None:
        """Queue the asked-but-unanswered points again, first, so ``ask`` returns them again.

        The pending points stay pending: every node is needed for its interval's estimate.
        """
        self._stack.extendleft(reversed(self._asked))
        self._asked.clear()

    # ---- data in and out ---------------------------------------------------------------------

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by x, as an array of shape ``(npoints, 2)``."""
        if not self.data:
            return np.empty((0, 2))
        return np.array(sorted(self.data.items()), dtype=float)

    def to_dataframe(  # type: ignore[override]
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame`` with columns ``x_name`` and ``y_name``.

        Parameters
        ----------
        with_default_function_args
            Add a column per default argument of ``learner.function``.
        function_prefix
            Prefix of those columns' names.
        x_name, y_name
            Names of the point and value columns.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas

        df = pandas.DataFrame(sorted(self.data.items()), columns=[x_name, y_name])
        function = self.function if with_default_function_args else None
        return finish_frame(df, [x_name], y_name, function, function_prefix)

    def load_dataframe(  # type: ignore[override]
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        x_name: str = "x",
        y_name: str = "y",
    ) -> None:
        """Rebuild the learner from a DataFrame made by `to_dataframe`.

        The learner is reset and then fed the DataFrame's values the way ``ask(1)`` would ask
        for them, as long as it asks for points the DataFrame has. Points of a run that took
        another path (values told in another order) may be left over; a warning says how many.

        Parameters
        ----------
        df
            The DataFrame.
        with_default_function_args
            Bind the function's default-argument columns with `functools.partial`.
        function_prefix
            Prefix of those columns' names.
        x_name, y_name
            Names of the point and value columns.
        """
        values = dict(zip(df[x_name].tolist(), df[y_name].tolist(), strict=True))
        if with_default_function_args:
            self.function = partial_function_from_dataframe(self.function, df, function_prefix)
        self._replay(values)

    def _replay(self, values: dict[float, Any]) -> None:
        fresh = self.new()
        self.__dict__.update(fresh.__dict__)
        while True:
            try:
                points, _ = self.ask(1, tell_pending=False)
            except RuntimeError:  # nothing left to subdivide
                break
            if points[0] not in values:
                break
            (x,), _ = self.ask(1)
            self.tell(x, values[x])
        left = len(values) - len(self.data)
        if left:
            import warnings

            warnings.warn(
                f"{left} of the {len(values)} points were not used: the rebuilt learner did not "
                "ask for them (the data came from a run that told values in another order).",
                stacklevel=3,
            )

    def _get_data(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("function", "tol")}
        return {"format": _FORMAT, "state": state}

    def _set_data(self, data: Any) -> None:
        if isinstance(data, tuple) and len(data) == 7 and isinstance(data[1], dict):
            # A file of the reference library: rebuild from its values.
            self._replay(dict(data[1]))
            return
        if not (isinstance(data, dict) and data.get("format") == _FORMAT):
            msg = "expected the data of an IntegratorLearner (from save() or _get_data())"
            raise ValueError(msg)
        state = data["state"]
        if tuple(state["bounds"]) != tuple(self.bounds):
            msg = f"the data is for bounds={state['bounds']!r}, this learner has {self.bounds!r}"
            raise ValueError(msg)
        # A private copy: copy_from must not share intervals between two learners.
        state = pickle.loads(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        self.__dict__.update(state)
        # Points asked but not told when the data was taken are not being evaluated for this
        # learner (a resumed run, a copy): ask for them again, first.
        self.remove_unfinished()

    # ---- plotting ----------------------------------------------------------------------------

    def plot(self) -> holoviews.Path:
        """Plot the evaluated points of the intervals still being subdivided, as a line.

        Returns
        -------
        holoviews.Path
        """
        from adaptive_nb.learner._holoviews import holoviews_with_backend

        hv = holoviews_with_backend()
        if not self.data:
            return hv.Path([])
        xs: list[float] = []
        ys: list[Any] = []
        for ival in sorted(self.ivals, key=lambda iv: iv.a):
            for x, y in sorted(ival.data.items()):
                xs.append(x)
                ys.append(y)
        return hv.Path((xs, ys))
