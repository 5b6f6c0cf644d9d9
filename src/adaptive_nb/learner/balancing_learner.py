"""BalancingLearner: runs several learners at once, spending points where they help most.

This module holds the learner and its caches; the helpers of one concern each live beside it:
``_balancing_rank`` (which child goes next), ``_balancing_args`` (checks of the children and
``cdims``), ``_balancing_undo`` (a read-only ``ask``), ``_balancing_files`` (one file per child,
loaded all or none), ``_balancing_frames`` (dataframes) and ``_balancing_plot``.
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import cloudpickle

from adaptive_nb.learner._balancing_args import check_children, normalize_cdims
from adaptive_nb.learner._balancing_files import all_or_none, child_fnames, read_children
from adaptive_nb.learner._balancing_frames import join_frames, split_frame
from adaptive_nb.learner._balancing_plot import plot_children
from adaptive_nb.learner._balancing_rank import EXHAUSTED, LazyArgmin, larger_first
from adaptive_nb.learner._balancing_undo import undo, undo_record
from adaptive_nb.learner._data1d import _as_lists
from adaptive_nb.learner.base_learner import BaseLearner, _restore_point, check_n
from adaptive_nb.utils import cache_latest, named_product

if TYPE_CHECKING:
    import pandas

__all__ = ["STRATEGIES", "BalancingLearner"]

STRATEGY_TYPE: TypeAlias = Literal["loss_improvements", "loss", "npoints", "cycle"]
STRATEGIES: tuple[STRATEGY_TYPE, ...] = ("loss_improvements", "loss", "npoints", "cycle")

CDIMS_TYPE: TypeAlias = (
    Sequence[Mapping[str, Any]] | tuple[Sequence[str], Iterable[Sequence[Any]]] | None
)
PathType: TypeAlias = "str | os.PathLike[str]"
FnameType: TypeAlias = Callable[[Any], PathType] | Iterable[PathType]


def dispatch(child_functions: Sequence[Callable[[Any], Any]], arg: tuple[int, Any]) -> Any:
    """Evaluate ``child_functions[i](x)`` for ``arg == (i, x)``.

    A module-level function inside a ``functools.partial`` (not a bound method) so that an
    executor pickles only the child functions, never the whole learner.
    """
    index, x = arg
    return child_functions[index](x)


class BalancingLearner(BaseLearner):
    r"""Choose the best points from a set of learners of the same type.

    Points of this learner are ``(index, x)``: the child learner's index and the child's point.

    Parameters
    ----------
    learners : sequence of learners
        The child learners, distinct objects of one type (their losses must be comparable).
    cdims : sequence of dicts, or (keys, iterable of values), optional
        Constant dimensions: the parameters that label the learners, used by :meth:`plot`.
        ``[{'A': True, 'B': 0}, {'A': True, 'B': 1}]`` and
        ``(['A', 'B'], [(True, 0), (True, 1)])`` are equivalent.
    strategy : {'loss_improvements', 'loss', 'npoints', 'cycle'}
        How the next point is chosen: the child with the largest expected loss improvement
        (default), the largest loss, the fewest points, or each child in turn. Can be changed
        while the learner runs (``learner.strategy = "npoints"``).

    Attributes
    ----------
    learners : list
        The child learners.
    function : callable
        ``function((index, x))`` evaluates ``learners[index].function(x)``.

    Notes
    -----
    The losses of the children are compared, which is only meaningful if they are comparable;
    otherwise use the ``npoints`` or ``cycle`` strategy.

    Tell the children through this learner (``tell``, ``tell_pending``, ``load``, ...): it caches
    what each child would ask next and its loss, and refreshes a child's cache only when that
    child is told something. ``ask(1)`` therefore costs O(log n) for n children, not O(n).
    """

    # set by @cache_latest on loss(); live_info reads the latest loss from here
    _cache: dict[str, Any]

    def __init__(
        self,
        learners: Sequence[BaseLearner],
        *,
        cdims: CDIMS_TYPE = None,
        strategy: STRATEGY_TYPE = "loss_improvements",
    ) -> None:
        learners = check_children(learners)

        self.learners: list[BaseLearner] = learners
        self._cdims_default = normalize_cdims(cdims, len(learners))
        self._build_function()
        self._reset_caches()
        self._cycle_pos = 0
        self.strategy = strategy

    # -- caches ------------------------------------------------------------------------------

    def _build_function(self) -> None:
        # A partial of a module-level function, not a method: executors pickle the function with
        # every task, and a method would drag the whole learner (all data) along.
        self.function = partial(dispatch, [lrn.function for lrn in self.learners])

    def _reset_caches(self) -> None:
        n = len(self.learners)
        # child index -> (point, loss improvement) of child.ask(1, tell_pending=False), or None
        # when the child has nothing to suggest.
        self._next: dict[int, tuple[Any, float] | None] = {}
        self._real_loss: dict[int, float] = {}
        self._pending_loss: dict[int, float] = {}
        self._total: dict[int, int] = {}  # npoints + number of pending points
        self._loss_rank = {
            True: LazyArgmin(n, lambda i: (larger_first(self._child_loss(i, real=True)),)),
            False: LazyArgmin(n, lambda i: (larger_first(self._child_loss(i, real=False)),)),
        }
        self._rank: LazyArgmin | None = None
        if hasattr(self, "_strategy"):
            self._rank = self._make_rank(self._strategy)

    def _changed(self, i: int) -> None:
        """Forget everything cached about child ``i`` (it was told something)."""
        self._next.pop(i, None)
        self._real_loss.pop(i, None)
        self._pending_loss.pop(i, None)
        self._total.pop(i, None)
        self._loss_rank[True].invalidate(i)
        self._loss_rank[False].invalidate(i)
        if self._rank is not None:
            self._rank.invalidate(i)

    def _changed_all(self) -> None:
        self._next.clear()
        self._real_loss.clear()
        self._pending_loss.clear()
        self._total.clear()
        for rank in (self._loss_rank[True], self._loss_rank[False], self._rank):
            if rank is not None:
                rank.invalidate_all()

    def _child_next(self, i: int) -> tuple[Any, float] | None:
        try:
            return self._next[i]
        except KeyError:
            pass
        points, improvements = self.learners[i].ask(1, tell_pending=False)
        nxt = (points[0], float(improvements[0])) if len(points) else None
        self._next[i] = nxt
        return nxt

    def _child_loss(self, i: int, *, real: bool) -> float:
        cache = self._real_loss if real else self._pending_loss
        try:
            return cache[i]
        except KeyError:
            value = cache[i] = float(self.learners[i].loss(real=real))
            return value

    def _child_total(self, i: int) -> int:
        try:
            return self._total[i]
        except KeyError:
            lrn = self.learners[i]
            value = self._total[i] = lrn.npoints + len(lrn.pending_points)
            return value

    def _make_rank(self, strategy: str) -> LazyArgmin | None:
        # Keys are minimised; children with nothing to suggest sort last. The child's total
        # number of points breaks ties (fewer first), then the lowest index.
        def improvement_key(i: int) -> tuple[float, ...]:
            nxt = self._child_next(i)
            if nxt is None:
                return EXHAUSTED
            return (larger_first(nxt[1]), self._child_total(i))

        def loss_key(i: int) -> tuple[float, ...]:
            if self._child_next(i) is None:
                return EXHAUSTED
            return (larger_first(self._child_loss(i, real=False)), self._child_total(i))

        def npoints_key(i: int) -> tuple[float, ...]:
            if self._child_next(i) is None:
                return EXHAUSTED
            return (self._child_total(i), 0.0)

        keys = {"loss_improvements": improvement_key, "loss": loss_key, "npoints": npoints_key}
        if strategy not in keys:
            return None
        return LazyArgmin(len(self.learners), keys[strategy])

    # -- strategy ----------------------------------------------------------------------------

    @property
    def strategy(self) -> STRATEGY_TYPE:
        """How the next point is chosen; can be changed while the learner runs.

        ``'loss_improvements'`` (default): the child whose next point improves its loss most.
        ``'loss'``: the child with the largest loss. ``'npoints'``: the child with the fewest
        points. ``'cycle'``: each child in turn.
        """
        return cast(STRATEGY_TYPE, self._strategy)

    @strategy.setter
    def strategy(self, strategy: STRATEGY_TYPE) -> None:
        if not isinstance(strategy, str) or strategy not in STRATEGIES:
            msg = (
                f"Unknown strategy {strategy!r}; choose one of "
                + ", ".join(repr(s) for s in STRATEGIES)
                + "."
            )
            raise ValueError(msg)
        self._strategy: str = strategy
        self._rank = self._make_rank(strategy)
        if strategy == "cycle":
            self._cycle_pos = 0  # as the reference: (re)selecting 'cycle' starts at learner 0

    # -- the learner contract -------------------------------------------------------------------

    def new(self) -> BalancingLearner:
        """Create a new, empty ``BalancingLearner`` with the same parameters."""
        return BalancingLearner(
            [lrn.new() for lrn in self.learners],
            cdims=self._cdims_default,
            strategy=self.strategy,
        )

    @property
    def data(self) -> dict[tuple[int, Any], Any]:  # type: ignore[override]
        """All children's data, ``{(index, x): y}`` (a new dict on each access)."""
        return {(i, x): y for i, lrn in enumerate(self.learners) for x, y in lrn.data.items()}

    @property
    def pending_points(self) -> set[tuple[int, Any]]:  # type: ignore[override]
        """All children's pending points, ``{(index, x)}`` (a new set on each access)."""
        return {(i, x) for i, lrn in enumerate(self.learners) for x in lrn.pending_points}

    @property
    def npoints(self) -> int:
        """Total number of evaluated points over all children."""
        return sum(lrn.npoints for lrn in self.learners)

    @property
    def nsamples(self) -> int:
        """Total number of samples over all children (for learners that have ``nsamples``)."""
        if not hasattr(self.learners[0], "nsamples"):
            msg = f"{type(self.learners[0]).__name__} has no attribute `nsamples`."
            raise AttributeError(msg)
        children: list[Any] = self.learners
        return sum(int(lrn.nsamples) for lrn in children)

    def _split(self, x: Any) -> tuple[int, Any]:
        try:
            index, x_child = x
        except (TypeError, ValueError):
            msg = f"Points of a BalancingLearner are (learner_index, point) pairs; got {x!r}."
            raise ValueError(msg) from None
        try:
            if isinstance(index, bool):
                raise TypeError  # True is not a learner index
            index = operator.index(index)
        except TypeError:
            msg = f"The learner index of {x!r} must be an int, got {type(index).__name__}."
            raise TypeError(msg) from None
        if not 0 <= index < len(self.learners):
            msg = f"Learner index {index} of {x!r} is out of range (0..{len(self.learners) - 1})."
            raise IndexError(msg)
        return index, x_child

    def tell(self, x: tuple[int, Any], y: Any) -> None:
        """Tell child ``x[0]`` the value ``y`` at its point ``x[1]``.

        Parameters
        ----------
        x
            ``(learner_index, point)``.
        y
            The function's value.
        """
        index, x_child = self._split(x)
        try:
            self.learners[index].tell(x_child, y)
        finally:
            self._changed(index)

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell many values at once; each child gets one ``tell_many`` call (its bulk path).

        Parameters
        ----------
        xs
            ``(learner_index, point)`` pairs.
        ys
            The values, in the same order.
        """
        groups: dict[int, tuple[list[Any], list[Any]]] = {}
        for x, y in zip(*_as_lists(xs, ys), strict=True):
            index, x_child = self._split(x)
            group = groups.setdefault(index, ([], []))
            group[0].append(x_child)
            group[1].append(y)
        # All or nothing: a child refusing its values undoes the children told before it.
        undo = [_restore_point(self.learners[i]) for i in groups] if len(groups) > 1 else []
        try:
            for index, (cxs, cys) in groups.items():
                try:
                    self.learners[index].tell_many(cxs, cys)
                finally:
                    self._changed(index)
        except Exception:
            for restore in undo:
                restore()
            for index in groups:  # their losses are back to what they were
                self._changed(index)
            raise

    def tell_pending(self, x: tuple[int, Any]) -> None:
        """Mark ``x = (learner_index, point)`` as pending in its child."""
        index, x_child = self._split(x)
        try:
            self.learners[index].tell_pending(x_child)
        finally:
            self._changed(index)

    def remove_unfinished(self) -> None:
        """Forget the pending points of all children."""
        try:
            for lrn in self.learners:
                lrn.remove_unfinished()
        finally:
            self._changed_all()

    @cache_latest
    def loss(self, real: bool = True) -> float:
        """Return the largest loss of the children.

        Parameters
        ----------
        real
            If False, include the pending points.
        """
        _, i = self._loss_rank[bool(real)].best()
        return self._child_loss(i, real=bool(real))

    def _choose(self) -> int | None:
        """Index of the child to take the next point from, or None if none has one."""
        if self._rank is not None:
            key, i = self._rank.best()
            return None if key == EXHAUSTED else i
        n = len(self.learners)
        for step in range(n):
            i = (self._cycle_pos + step) % n
            if self._child_next(i) is not None:
                self._cycle_pos = (i + 1) % n
                return i
        return None

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[tuple[int, Any]], list[float]]:
        """Choose the next ``n`` points, ``(learner_index, point)``, according to the strategy.

        Parameters
        ----------
        n
            Number of points; fewer are returned only when no child has anything to suggest.
        tell_pending
            If True, the points become pending in their children. If False nothing changes
            (not even the position of the 'cycle' strategy).

        Returns
        -------
        points, loss_improvements
            The points and the loss improvement each child expects from its point.

        Notes
        -----
        ``ask(1)`` costs one ``ask(1, tell_pending=False)`` of the child that changed last and
        O(log n) heap work, not a scan of all n children.
        """
        n = check_n(n)
        if n == 0:
            return [], []
        cycle_pos = self._cycle_pos
        if not tell_pending and n == 1:
            # Read-only fast path: the cached suggestion of the best child.
            try:
                i = self._choose()
            finally:
                self._cycle_pos = cycle_pos
            if i is None:
                return [], []
            nxt = self._child_next(i)
            assert nxt is not None  # _choose only returns children with a suggestion
            return [(i, nxt[0])], [nxt[1]]

        # child -> its pending points before this call, or a copy of its state where dropping
        # and re-adding pending points does not restore it (see _pending_undo_is_exact)
        touched: dict[int, list[Any] | dict[str, Any]] = {}
        points: list[tuple[int, Any]] = []
        improvements: list[float] = []
        try:
            for _ in range(n):
                i = self._choose()
                if i is None:
                    break
                nxt = self._child_next(i)
                assert nxt is not None
                if not tell_pending and i not in touched:
                    touched[i] = undo_record(self.learners[i])
                points.append((i, nxt[0]))
                improvements.append(nxt[1])
                self.tell_pending((i, nxt[0]))
        finally:
            if not tell_pending:
                # Undo: a child's state is its data plus its pending points, so dropping the
                # pending points and re-adding the old ones restores it exactly, at the cost of
                # the few pending points only (no copy of the data).
                for i, record in touched.items():
                    undo(self.learners[i], record)
                    self._changed(i)
                self._cycle_pos = cycle_pos
        return points, improvements

    # -- persistence ---------------------------------------------------------------------------

    def _get_data(self) -> list[Any]:
        return [lrn._get_data() for lrn in self.learners]

    def _set_data(self, data: list[Any]) -> None:
        if not isinstance(data, list | tuple) or len(data) != len(self.learners):
            got = f"{len(data)} entries" if isinstance(data, list | tuple) else repr(type(data))
            msg = (
                f"BalancingLearner data must be a list with one entry per learner "
                f"({len(self.learners)}), got {got}."
            )
            raise ValueError(msg)
        try:
            with all_or_none() as changing:
                for lrn, child_data in zip(self.learners, data, strict=True):
                    changing(lrn)
                    lrn._set_data(child_data)
        finally:
            self._changed_all()

    def save(  # type: ignore[override]
        self,
        fname: FnameType,
        compress: bool = True,
    ) -> None:
        """Save each child's data to its own file (each write is atomic).

        Parameters
        ----------
        fname
            A callable that returns a file name for a child learner, or a list with one file
            name per child. A single path is rejected: there is one file per child.
        compress
            gzip the data (default).

        Examples
        --------
        >>> def combo_fname(learner):
        ...     kw = learner.function.keywords  # the child functions are functools.partial
        ...     return "data/" + "__".join(f"{k}_{v}" for k, v in kw.items()) + ".p"
        >>> learner.save(combo_fname)  # doctest: +SKIP
        >>> learner.load(combo_fname)  # doctest: +SKIP
        """
        for lrn, name in zip(
            self.learners, child_fnames(self.learners, fname, "save"), strict=True
        ):
            lrn.save(name, compress=compress)

    def load(  # type: ignore[override]
        self,
        fname: FnameType,
        compress: bool = True,
    ) -> None:
        """Load each child's data from its own file; missing files are skipped.

        Every file is read and checked before any child changes, so a truncated, corrupt or
        foreign file raises :class:`adaptive_nb.LearnerFileError` and leaves all children as
        they were.

        Parameters
        ----------
        fname
            A callable (child learner -> file name) or a list with one name per child.
        compress
            Accepted for compatibility; compression is detected from each file.
        """
        del compress
        names = child_fnames(self.learners, fname, "load")
        loaded = read_children(self.learners, names)
        try:
            with all_or_none() as changing:
                for i, data in loaded:
                    lrn = self.learners[i]
                    changing(lrn)
                    setter = getattr(lrn, "_set_data_or_rollback", None)
                    if setter is not None:
                        setter(data, source=repr(os.fspath(names[i])))
                    else:
                        lrn._set_data(data)
        finally:
            self._changed_all()

    def copy_from(self, other: BaseLearner) -> None:
        """Copy the data of another ``BalancingLearner`` with as many children."""
        if not isinstance(other, BalancingLearner):
            msg = f"copy_from expects a BalancingLearner, got {type(other).__name__}."
            raise TypeError(msg)
        self._set_data(other._get_data())

    # -- dataframes ----------------------------------------------------------------------------

    def to_dataframe(  # type: ignore[override]
        self, index_name: str = "learner_index", **kwargs: Any
    ) -> pandas.DataFrame:
        """Return all children's data as one ``pandas.DataFrame``.

        Parameters
        ----------
        index_name
            Name of the column holding each row's learner index (the first column).
        **kwargs
            Passed to each ``child.to_dataframe``.

        Returns
        -------
        pandas.DataFrame
        """
        return join_frames(self.learners, index_name, kwargs)

    def load_dataframe(  # type: ignore[override]
        self, df: pandas.DataFrame, index_name: str = "learner_index", **kwargs: Any
    ) -> None:
        """Load data made by :meth:`to_dataframe` into the children.

        Parameters
        ----------
        df
            The data, with a learner-index column.
        index_name
            Name of that column.
        **kwargs
            Passed to each ``child.load_dataframe``.
        """
        groups = split_frame(df, index_name, self)
        try:
            for i, group in groups:
                self.learners[i].load_dataframe(group, **kwargs)
        finally:
            self._changed_all()
            # load_dataframe may bind default function arguments: refresh the dispatch table.
            self._build_function()

    # -- plotting ------------------------------------------------------------------------------

    def plot(
        self,
        cdims: CDIMS_TYPE = None,
        plotter: Callable[[BaseLearner], Any] | None = None,
        dynamic: bool = True,
    ) -> Any:
        """Plot the children in a holoviews ``DynamicMap`` (or ``HoloMap``) with sliders.

        Parameters
        ----------
        cdims : sequence of dicts, or (keys, iterable of values), optional
            The parameters that label the learners (default: those given to the constructor,
            else ``{'i': index}``).
        plotter : callable, optional
            ``plotter(child)`` returns a holoviews object; default ``child.plot()``.
        dynamic : bool
            Return a ``DynamicMap`` (rendered as the sliders move) if True, else a ``HoloMap``
            (all frames computed now, can be exported to static HTML).

        Returns
        -------
        holoviews.DynamicMap or holoviews.HoloMap
        """
        return plot_children(self.learners, cdims, self._cdims_default, plotter, dynamic)

    # -- construction helpers ------------------------------------------------------------------

    @classmethod
    def from_product(
        cls,
        f: Callable[..., Any],
        learner_type: Callable[..., BaseLearner],
        learner_kwargs: Mapping[str, Any],
        combos: Mapping[str, Sequence[Any]],
    ) -> BalancingLearner:
        """Create a learner per combination of named parameter values.

        Parameters
        ----------
        f : callable
            The function to learn; it takes the names in ``combos`` as keyword arguments.
        learner_type : learner class (or ``make_datasaver(...)``)
            Called as ``learner_type(function=partial(f, **combo), **learner_kwargs)``.
        learner_kwargs : dict
            Further arguments of ``learner_type``, e.g. ``dict(bounds=(0, 1))``.
        combos : dict
            ``name -> values``; one child per element of
            ``adaptive_nb.utils.named_product(**combos)``, in that order.

        Returns
        -------
        BalancingLearner
            With ``cdims`` set, so that :meth:`plot` has one slider per name.

        Examples
        --------
        >>> def f(x, n, alpha):
        ...     return x**n + alpha
        >>> from adaptive_nb import Learner1D
        >>> learner = BalancingLearner.from_product(
        ...     f, Learner1D, dict(bounds=(0, 1)), {"n": [1, 2], "alpha": [0.0, 0.5]}
        ... )  # doctest: +SKIP
        """
        if not callable(f):
            msg = f"from_product needs a callable f, got {type(f).__name__}."
            raise TypeError(msg)
        arguments = named_product(**combos)
        learners = [
            learner_type(function=partial(f, **combo), **learner_kwargs) for combo in arguments
        ]
        return cls(learners, cdims=arguments)

    # -- checks ----------------------------------------------------------------------------

    def _check_invariants(self) -> None:
        """Assert that every cache agrees with the children (for tests; O(n) child calls)."""
        for i, lrn in enumerate(self.learners):
            if i in self._next:
                points, imps = lrn.ask(1, tell_pending=False)
                expected = (points[0], float(imps[0])) if len(points) else None
                assert self._next[i] == expected, (i, self._next[i], expected)
            if i in self._total:
                assert self._total[i] == lrn.npoints + len(lrn.pending_points), i
            for real, cache in ((True, self._real_loss), (False, self._pending_loss)):
                if i in cache:
                    assert cache[i] == float(lrn.loss(real=real)) or math.isnan(cache[i]), i
            check = getattr(lrn, "_check_invariants", None)
            if callable(check):
                check()
        dispatched = cast("partial[Any]", self.function).args[0]
        assert dispatched == [lrn.function for lrn in self.learners]
        for real in (True, False):
            key, i = self._loss_rank[real].best()
            losses = [larger_first(lrn.loss(real=real)) for lrn in self.learners]
            assert key == (losses[i],) == (min(losses),), (real, key, losses)

    # -- pickling ------------------------------------------------------------------------------

    # cloudpickle inside, so plain pickle (stdlib executors, multiprocessing) copes with lambdas
    # in cdims or child functions as well.
    def __getstate__(self) -> bytes:
        return cast(
            bytes,
            cloudpickle.dumps(
                (self.learners, self._cdims_default, self._strategy, self._cycle_pos)
            ),
        )

    def __setstate__(self, state: bytes) -> None:
        learners, cdims, strategy, cycle_pos = cloudpickle.loads(state)
        self.__init__(learners, cdims=cdims, strategy=strategy)  # type: ignore[misc]
        self._cycle_pos = cycle_pos

    def __repr__(self) -> str:
        kind = type(self.learners[0]).__name__
        return (
            f"BalancingLearner({len(self.learners)} x {kind}, strategy={self._strategy!r}, "
            f"npoints={self.npoints})"
        )
