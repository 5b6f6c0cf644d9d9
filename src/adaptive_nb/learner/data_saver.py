"""DataSaver: keep a learner's full outputs while it learns from one part of them."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import cloudpickle

from adaptive_nb.learner._data1d import _as_lists
from adaptive_nb.learner.base_learner import BaseLearner

if TYPE_CHECKING:
    import pandas

__all__ = ["DataSaver", "make_datasaver"]


def _to_key(values: list[Any]) -> Any:
    # One input column: the point is the bare value (Learner1D's x); several: a tuple.
    return values[0] if len(values) == 1 else tuple(values)


class DataSaver(BaseLearner):
    """Save extra data returned by the learned function, next to what the learner learns.

    The function returns a rich result (a dict, an object...); ``arg_picker(result)`` is the value
    the wrapped learner learns, and the whole result is kept in ``extra_data[x]``.

    Parameters
    ----------
    learner : learner
        The learner to wrap.
    arg_picker : callable
        ``arg_picker(result)`` returns the value the learner learns.

    Attributes
    ----------
    learner : learner
        The wrapped learner (live plots and status widgets look at this one).
    extra_data : OrderedDict
        ``{x: result}``: the full results, in the order they were told.

    Examples
    --------
    >>> from operator import itemgetter
    >>> from adaptive_nb import Learner1D
    >>> def f(x):
    ...     return {"y": x**2, "err_est": 1e-3}
    >>> learner = DataSaver(Learner1D(f, bounds=(-1.0, 1.0)), arg_picker=itemgetter("y"))
    ... # doctest: +SKIP

    Attributes that ``DataSaver`` does not define itself (``bounds``, ``to_numpy``, ``plot``...)
    are those of the wrapped learner.
    """

    def __init__(self, learner: BaseLearner, arg_picker: Callable[[Any], Any]) -> None:
        if not callable(getattr(learner, "ask", None)) or not callable(
            getattr(learner, "tell", None)
        ):
            msg = (
                f"DataSaver wraps a learner, got {type(learner).__name__}; e.g. "
                "DataSaver(Learner1D(f, bounds=(-1, 1)), arg_picker=operator.itemgetter('y'))."
            )
            raise TypeError(msg)
        if not callable(arg_picker):
            msg = (
                f"arg_picker must be callable (result -> learned value), got "
                f"{type(arg_picker).__name__}; e.g. operator.itemgetter('y')."
            )
            raise TypeError(msg)
        self.learner = learner
        self.extra_data: OrderedDict[Any, Any] = OrderedDict()
        self.function = learner.function
        self.arg_picker = arg_picker

    def new(self) -> DataSaver:
        """Return a new, empty ``DataSaver`` around ``learner.new()``, same ``arg_picker``."""
        return DataSaver(self.learner.new(), self.arg_picker)

    # Everything not defined here is the wrapped learner's.
    def __getattr__(self, attr: str) -> Any:
        # Guard: during unpickling (and copy) __getattr__ runs before `learner` exists.
        if attr == "learner" or attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.learner, attr)

    @property
    def data(self) -> dict[Any, Any]:  # type: ignore[override]
        """The wrapped learner's data ``{x: arg_picker(result)}``."""
        return self.learner.data

    @property
    def pending_points(self) -> Any:  # type: ignore[override]
        """The wrapped learner's pending points."""
        return self.learner.pending_points

    @property
    def npoints(self) -> int:
        """Number of evaluated points."""
        return int(self.learner.npoints)

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Any], list[float]]:
        """Choose the next ``n`` points (those of the wrapped learner).

        Parameters
        ----------
        n
            Number of points.
        tell_pending
            If False, nothing changes.

        Returns
        -------
        points, loss_improvements
        """
        return self.learner.ask(n, tell_pending=tell_pending)

    def loss(self, real: bool = True) -> float:
        """Return the wrapped learner's loss.

        Parameters
        ----------
        real
            If False, include the pending points.
        """
        return self.learner.loss(real=real)

    def remove_unfinished(self) -> None:
        """Forget all pending points."""
        self.learner.remove_unfinished()

    def tell(self, x: Any, result: Any) -> None:
        """Keep ``result`` in ``extra_data[x]`` and tell the learner ``arg_picker(result)``.

        Parameters
        ----------
        x
            The point.
        result
            The function's full return value.
        """
        y = self.arg_picker(result)
        self.learner.tell(x, y)
        self.extra_data[x] = result

    def tell_many(self, xs: Iterable[Any], results: Iterable[Any]) -> None:
        """Tell many results at once (one bulk ``tell_many`` on the wrapped learner).

        Parameters
        ----------
        xs
            The points.
        results
            The full results, in the same order.
        """
        pairs = list(zip(*_as_lists(xs, results), strict=True))
        ys = [self.arg_picker(r) for _, r in pairs]
        self.learner.tell_many([x for x, _ in pairs], ys)
        self.extra_data.update(pairs)

    def tell_pending(self, x: Any) -> None:
        """Mark ``x`` as pending."""
        self.learner.tell_pending(x)

    # -- dataframes ----------------------------------------------------------------------------

    def to_dataframe(
        self,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        extra_data_name: str = "extra_data",
        **kwargs: Any,
    ) -> pandas.DataFrame:
        """Return the wrapped learner's ``to_dataframe()`` plus a column of the full results.

        Parameters
        ----------
        with_default_function_args
            Passed to the wrapped learner.
        function_prefix
            Passed to the wrapped learner.
        extra_data_name
            Name of the column holding ``extra_data``.
        **kwargs
            Passed to the wrapped learner's ``to_dataframe``.

        Returns
        -------
        pandas.DataFrame
        """
        df = self.learner.to_dataframe(
            with_default_function_args=with_default_function_args,
            function_prefix=function_prefix,
            **kwargs,
        )
        inputs = list(df.attrs.get("inputs", ()))
        if not inputs:
            msg = (
                f"{type(self.learner).__name__}.to_dataframe() did not record its input columns "
                "in df.attrs['inputs']; cannot match rows to extra_data."
            )
            raise ValueError(msg)
        columns = [df[c].tolist() for c in inputs]
        rows = zip(*columns, strict=True)
        df[extra_data_name] = [self.extra_data[_to_key(list(row))] for row in rows]
        return df

    def load_dataframe(
        self,
        df: pandas.DataFrame,
        with_default_function_args: bool = True,
        function_prefix: str = "function.",
        extra_data_name: str = "extra_data",
        input_names: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        """Load data made by :meth:`to_dataframe`.

        Parameters
        ----------
        df
            The data.
        with_default_function_args
            Passed to the wrapped learner.
        function_prefix
            Passed to the wrapped learner.
        extra_data_name
            Name of the column holding the full results.
        input_names
            The input columns (e.g. ``("x",)``), needed when ``df.attrs`` was lost (a
            DataFrame read back from a file keeps no attrs).
        **kwargs
            Passed to the wrapped learner's ``load_dataframe``.
        """
        inputs = list(df.attrs.get("inputs", ())) or list(input_names)
        if not inputs:
            msg = (
                "Cannot tell which columns are the inputs: df.attrs['inputs'] is missing; "
                "pass input_names, e.g. input_names=('x',)."
            )
            raise ValueError(msg)
        if extra_data_name not in df.columns:
            msg = f"The DataFrame has no {extra_data_name!r} column (columns: {list(df.columns)})."
            raise KeyError(msg)
        self.learner.load_dataframe(
            df,
            with_default_function_args=with_default_function_args,
            function_prefix=function_prefix,
            **kwargs,
        )
        self.function = self.learner.function  # load_dataframe may bind default arguments
        columns = [df[c].tolist() for c in inputs]
        extras = df[extra_data_name].tolist()
        for row, extra in zip(zip(*columns, strict=True), extras, strict=True):
            self.extra_data[_to_key(list(row))] = extra

    # -- persistence ---------------------------------------------------------------------------

    def _file_kind(self) -> str:
        inner = getattr(self.learner, "_file_kind", None)
        name = inner() if callable(inner) else type(self.learner).__name__
        return f"DataSaver[{name}]"

    def _get_data(self) -> tuple[Any, OrderedDict[Any, Any]]:
        # A copy, as Learner1D's: a periodic save may pickle it in another thread.
        return self.learner._get_data(), OrderedDict(self.extra_data)

    def _set_data(self, data: tuple[Any, Mapping[Any, Any]]) -> None:
        if not (isinstance(data, tuple | list) and len(data) == 2 and isinstance(data[1], Mapping)):
            msg = (
                "DataSaver data must be a pair (learner data, extra_data mapping), got "
                f"{type(data).__name__}."
            )
            raise ValueError(msg)
        learner_data, extra_data = data
        self.learner._set_data(learner_data)
        # The wrapped learner adds the loaded points to what it has, so extra_data does too.
        self.extra_data.update(extra_data)

    # cloudpickle inside, so plain pickle copes with a lambda arg_picker or function as well.
    def __getstate__(self) -> bytes:
        return cast(bytes, cloudpickle.dumps((self.learner, self.arg_picker, self.extra_data)))

    def __setstate__(self, state: bytes) -> None:
        learner, arg_picker, extra_data = cloudpickle.loads(state)
        self.__init__(learner, arg_picker)  # type: ignore[misc]
        self.extra_data = extra_data

    def __repr__(self) -> str:
        return f"DataSaver({self.learner!r}, arg_picker={self.arg_picker!r})"


def _make_datasaver(
    learner_type: Callable[..., BaseLearner],
    arg_picker: Callable[[Any], Any],
    *args: Any,
    **kwargs: Any,
) -> DataSaver:
    return DataSaver(learner_type(*args, **kwargs), arg_picker)


def make_datasaver(
    learner_type: Callable[..., BaseLearner], arg_picker: Callable[[Any], Any]
) -> Callable[..., DataSaver]:
    """Return a ``DataSaver`` factory that takes ``learner_type``'s arguments.

    Parameters
    ----------
    learner_type : learner class
        The learner to wrap.
    arg_picker : callable
        ``arg_picker(result)`` returns the value the learner learns.

    Returns
    -------
    callable
        ``factory(*args, **kwargs)`` returns
        ``DataSaver(learner_type(*args, **kwargs), arg_picker)`` (picklable: a
        ``functools.partial`` of a module-level function).

    Examples
    --------
    >>> from operator import itemgetter
    >>> from adaptive_nb import BalancingLearner, Learner1D
    >>> DataSaver1D = make_datasaver(Learner1D, arg_picker=itemgetter("y"))
    >>> learner = DataSaver1D(function=f, bounds=(-1.0, 1.0))  # doctest: +SKIP
    >>> learner = BalancingLearner.from_product(
    ...     jacobi, DataSaver1D, dict(bounds=(0, 1)), combos
    ... )  # doctest: +SKIP
    """
    if not callable(learner_type):
        msg = f"learner_type must be a learner class, got {learner_type!r}."
        raise TypeError(msg)
    if not callable(arg_picker):
        msg = f"arg_picker must be callable, got {type(arg_picker).__name__}."
        raise TypeError(msg)
    return functools.partial(_make_datasaver, learner_type, arg_picker)
