"""The learner contract shared by every learner (same methods as the reference library)."""

from __future__ import annotations

import abc
import contextlib
import numbers
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import cloudpickle
import numpy as np

from adaptive_nb._persistence import LearnerFileError, read_data, read_npz, write_data, write_npz
from adaptive_nb.learner._data1d import _as_lists

if TYPE_CHECKING:
    import pandas

__all__ = ["BaseLearner", "LearnerType", "uses_nth_neighbors"]

F = TypeVar("F", bound=Callable[..., Any])


def uses_nth_neighbors(n: int) -> Callable[[F], F]:
    """Declare how many neighbouring intervals on each side a 1D loss function looks at.

    The decorated loss then receives ``xs`` and ``ys`` of length ``2 + 2 * n`` (the interval and
    ``n`` neighbours on each side, ``None`` where there is no neighbour), and the learner
    recomputes an interval's loss whenever any of those neighbours changes.

    Parameters
    ----------
    n
        Number of neighbouring intervals on each side, ``n >= 0``.

    Returns
    -------
    Callable
        A decorator that tags the loss function and returns it unchanged.

    Examples
    --------
    >>> @uses_nth_neighbors(1)
    ... def my_loss(xs, ys):
    ...     return xs[2] - xs[1]
    >>> my_loss.nth_neighbors
    1
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        msg = f"uses_nth_neighbors expects a non-negative int, got {n!r}."
        raise ValueError(msg)

    def _tag(loss_per_interval: F) -> F:
        loss_per_interval.nth_neighbors = n  # type: ignore[attr-defined]
        return loss_per_interval

    return _tag


def check_n(n: object) -> int:
    """Return ``ask``'s ``n`` as an int, or raise the error every learner gives for a bad one.

    Raises
    ------
    TypeError
        If ``n`` is not an integer (booleans included: True is not a number of points).
    ValueError
        If ``n`` is negative.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        msg = f"n must be a non-negative int, got {n!r}."
        raise TypeError(msg)
    n = int(n)
    if n < 0:
        msg = f"n must be a non-negative int (>= 0, the number of points to ask for), got {n}."
        raise ValueError(msg)
    return n


def _check_fname(fname: object) -> str | os.PathLike[str]:
    if not isinstance(fname, str | os.PathLike):
        msg = f"fname must be a str or os.PathLike (a file path), got {type(fname).__name__}."
        raise TypeError(msg)
    return fname


_FORMATS = ("pickle", "npz")


def _check_format(format: str) -> str:
    if format not in _FORMATS:
        msg = f"format must be 'pickle' (the default) or 'npz', got {format!r}."
        raise ValueError(msg)
    return format


def _restore_point(learner: Any) -> Callable[[], None]:
    """Return a function that puts ``learner`` back into its current state (data and pending).

    It rebuilds the learner with ``new()`` and re-adds a deep copy of today's data and pending
    points, so it works for every learner of the contract without knowing its internals. Used to
    undo a half-applied load; costs one pickle of the data (nothing for an empty learner).
    """
    empty = learner.npoints == 0
    before = None if empty else cloudpickle.dumps(learner._get_data())
    pending = list(learner.pending_points)

    def restore() -> None:
        restored = learner.new()
        if before is not None:
            restored._set_data(cloudpickle.loads(before))
        for x in pending:
            restored.tell_pending(x)
        learner.__dict__.clear()
        learner.__dict__.update(restored.__dict__)

    return restore


class BaseLearner(abc.ABC):
    """Base class for algorithms that learn a function ``f: X -> Y``.

    Attributes
    ----------
    function : callable
        The function to learn.
    data : dict
        ``function`` evaluated at certain points, ``{x: y}``.
    pending_points : set
        Points that were requested but have no value yet.
    npoints : int
        Number of evaluated points.
    """

    data: dict[Any, Any]
    pending_points: set[Any]
    function: Callable[..., Any]
    # True where the state is exactly "data + pending points", so that remove_unfinished()
    # followed by re-telling the old pending points restores it (BalancingLearner's cheap undo
    # of a preview). False (the safe default) makes the undo copy the learner instead.
    _pending_undo_is_exact: ClassVar[bool] = False

    @property
    @abc.abstractmethod
    def npoints(self) -> int:
        """Number of evaluated points."""

    def tell(self, x: Any, y: Any) -> None:
        """Tell the learner the value ``y = f(x)``.

        Parameters
        ----------
        x
            A point of the function's domain.
        y
            The function's value at ``x``.
        """
        self.tell_many([x], [y])

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any]) -> None:
        """Tell the learner many values at once.

        Parameters
        ----------
        xs
            Points of the domain.
        ys
            The values at those points, in the same order.

        Raises
        ------
        TypeError, ValueError
            For a scalar instead of a sequence, sequences of different lengths, or a point or
            value ``tell`` refuses; the learner is then as it was (all points or none).
        """
        xs, ys = _as_lists(xs, ys)
        if len(xs) == 1:  # a tell that raises changes nothing
            self.tell(xs[0], ys[0])
            return
        restore = _restore_point(self)  # O(n): tell may refuse a point half-way
        try:
            for x, y in zip(xs, ys, strict=True):
                self.tell(x, y)
        except Exception:
            restore()
            raise

    @abc.abstractmethod
    def tell_pending(self, x: Any) -> None:
        """Mark ``x`` as requested so that it is not suggested again."""

    @abc.abstractmethod
    def remove_unfinished(self) -> None:
        """Forget all pending points."""

    @abc.abstractmethod
    def loss(self, real: bool = True) -> float:
        """Return the current loss.

        Parameters
        ----------
        real
            If False, include the pending points (the loss expected once they arrive).
        """

    @abc.abstractmethod
    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Any], list[float]]:
        """Choose the next ``n`` points to evaluate.

        Parameters
        ----------
        n
            Number of points.
        tell_pending
            If True, mark the points as pending; if False the learner is not changed at all.

        Returns
        -------
        points, loss_improvements
            The points and the expected loss improvement of each.
        """

    @abc.abstractmethod
    def _get_data(self) -> Any:
        """Return the learner's data in a picklable form (persistence hook)."""

    @abc.abstractmethod
    def _set_data(self, data: Any) -> None:
        """Restore data returned by ``_get_data`` (persistence hook)."""

    @abc.abstractmethod
    def new(self) -> BaseLearner:
        """Return a new, empty learner with the same function and parameters."""

    def copy_from(self, other: BaseLearner) -> None:
        """Copy the data of another learner into this one.

        Parameters
        ----------
        other
            The learner whose data is copied.
        """
        if not isinstance(other, BaseLearner):
            msg = f"copy_from expects a learner, got {type(other).__name__}."
            raise TypeError(msg)
        self._set_data(other._get_data())

    def save(
        self, fname: str | os.PathLike[str], compress: bool = True, *, format: str = "pickle"
    ) -> None:
        """Save the learner's data to a file, atomically.

        A crash at any moment leaves either the previous file or the new one on disk, never a
        torn file.

        Parameters
        ----------
        fname
            The file to write; parent folders are created.
        compress
            gzip the pickle (default); with False, a plain pickle that ``pickle.load`` reads.
            Files load whether or not they were compressed.
        format
            ``"pickle"`` (default): the reference library's format; it holds any data, including
            the values of DataSavers, but loading a pickle can run code, so load only files you
            trust. ``"npz"``: a NumPy ``.npz`` of points, values and the learner's settings (as
            JSON) that ``numpy.load(fname, allow_pickle=False)`` reads and that can never run
            code: the format to share data. Only for learners whose data are numbers.
        """
        fname = _check_fname(fname)
        if _check_format(format) == "npz":
            points, values, settings = self._to_npz()
            write_npz(fname, points, values, settings)
        else:
            write_data(fname, self._get_data(), compress=compress)

    def load(
        self, fname: str | os.PathLike[str], compress: bool = True, *, format: str = "pickle"
    ) -> None:
        """Load data saved by :meth:`save` into this learner.

        A missing file is not an error (nothing happens), so resume scripts can call ``load``
        unconditionally.

        Parameters
        ----------
        fname
            The file to read.
        compress
            Accepted for compatibility with the reference library; compression is detected
            from the file itself.
        format
            ``"pickle"`` (default) or ``"npz"``, as given to :meth:`save`.

        Raises
        ------
        adaptive_nb.LearnerFileError
            When the file is truncated, corrupt or holds another kind of learner; the learner is
            then left unchanged.
        """
        del compress  # detected from the first bytes (gzip magic)
        fname = _check_fname(fname)
        source = repr(os.fspath(fname))
        try:
            if _check_format(format) == "npz":
                data = self._from_npz(*read_npz(fname), source=source)
            else:
                data = read_data(fname, kind=self._file_kind())
        except FileNotFoundError:
            return
        self._set_data_or_rollback(data, source=source)

    def _to_npz(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], dict[str, Any]]:
        """Return ``(points, values, settings)`` for ``save(format="npz")``."""
        data = self._get_data()
        name = type(self).__name__
        if not isinstance(data, dict):
            msg = (
                f"A {name} cannot be saved with format='npz', which holds numbers only; "
                "use the default format='pickle'."
            )
            raise TypeError(msg)
        try:
            points = np.array(list(data), dtype=float)
            values = np.array(list(data.values()), dtype=float)
        except (TypeError, ValueError) as e:
            msg = (
                f"format='npz' holds numbers only, and this {name}'s points or values are not "
                f"all numbers (or not all of one shape): {e}. Use the default format='pickle'."
            )
            raise TypeError(msg) from e
        settings: dict[str, Any] = {"learner": name}
        bounds = getattr(self, "bounds", None)
        if bounds is not None:
            with contextlib.suppress(TypeError, ValueError):
                settings["bounds"] = np.asarray(bounds, dtype=float).tolist()
        return points, values, settings

    def _from_npz(
        self,
        points: np.ndarray[Any, Any],
        values: np.ndarray[Any, Any],
        settings: dict[str, Any],
        *,
        source: str,
    ) -> dict[Any, Any]:
        """Turn the arrays of an ``.npz`` file back into this learner's data."""
        stored = settings.get("learner")
        if stored != type(self).__name__:
            msg = (
                f"{source} holds data of a {stored}, not of a {type(self).__name__}. Load it "
                f"into a {stored}. The learner was not changed."
            )
            raise LearnerFileError(msg)
        keys: list[Any] = (
            points.tolist() if points.ndim == 1 else [tuple(row) for row in points.tolist()]
        )
        vals: list[Any] = values.tolist() if values.ndim == 1 else list(values)
        return dict(zip(keys, vals, strict=True))

    def _set_data_or_rollback(self, data: Any, *, source: str) -> None:
        # Files of the reference library carry no learner kind, so their data is only checked when
        # `_set_data` digests it, and that may fail half-way. Restore the previous state then: a
        # failed load must leave the learner as it was.
        restore = _restore_point(self)
        try:
            if data is None:  # no learner's data is None; an empty learner saves an empty dict
                msg = "the file holds None"
                raise TypeError(msg)
            self._set_data(data)
        except Exception as e:
            restore()
            msg = (
                f"{source} does not hold data of a {type(self).__name__} "
                f"({type(e).__name__}: {e}). The learner was not changed."
            )
            raise LearnerFileError(msg) from e

    def _file_kind(self) -> str:
        """Return the learner kind written into (and checked against) a file's header."""
        return type(self).__name__

    def to_dataframe(
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        **kwargs: Any,
    ) -> pandas.DataFrame:
        """Return the data as a ``pandas.DataFrame``."""
        msg = f"{type(self).__name__} does not support to_dataframe."
        raise NotImplementedError(msg)

    def load_dataframe(
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        **kwargs: Any,
    ) -> None:
        """Load data from a ``pandas.DataFrame`` made by :meth:`to_dataframe`."""
        msg = f"{type(self).__name__} does not support load_dataframe."
        raise NotImplementedError(msg)

    # Learners hold user functions (lambdas, closures, notebook functions): cloudpickle ships
    # them by value, where plain pickle would try to import them by name and fail.
    def __getstate__(self) -> bytes:
        return cloudpickle.dumps(self.__dict__)  # type: ignore[no-any-return]

    def __setstate__(self, state: bytes) -> None:
        self.__dict__ = cloudpickle.loads(state)


LearnerType = TypeVar("LearnerType", bound=BaseLearner)
