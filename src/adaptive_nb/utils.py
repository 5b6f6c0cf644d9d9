"""Helpers with the reference library's names: named_product, cache_latest, save/load, executors."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ParamSpec, TypeVar

from adaptive_nb._daskify import daskify
from adaptive_nb._persistence import LearnerFileError, read_data, write_data
from adaptive_nb.learner._dataframe import assign_defaults, partial_function_from_dataframe

__all__ = [
    "LearnerFileError",
    "SequentialExecutor",
    "assign_defaults",
    "cache_latest",
    "copy_docstring_from",
    "daskify",
    "load",
    "named_product",
    "partial_function_from_dataframe",
    "restore",
    "save",
]

P = ParamSpec("P")
T = TypeVar("T")


def named_product(**items: Sequence[Any]) -> list[dict[str, Any]]:
    """Return the Cartesian product of the keyword arguments as a list of dicts.

    Parameters
    ----------
    **items
        ``name=values`` pairs.

    Returns
    -------
    list of dict
        One ``{name: value}`` dict per combination, the last name varying fastest.

    Examples
    --------
    >>> named_product(a=[1, 2], b="xy")
    [{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    names = list(items)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*items.values())]


@contextlib.contextmanager
def restore(*learners: Any) -> Iterator[None]:
    """Put the learners back into their current state when the ``with`` block ends.

    Parameters
    ----------
    *learners
        Learners whose state (``__getstate__``) is saved now and restored on exit, also when
        the block raises.

    Examples
    --------
    >>> with restore(learner):  # doctest: +SKIP
    ...     learner.ask(10)  # explore without keeping the pending points
    """
    states = [learner.__getstate__() for learner in learners]
    try:
        yield
    finally:
        for state, learner in zip(states, learners, strict=True):
            learner.__setstate__(state)


def copy_docstring_from(other: Callable[..., Any]) -> Callable[[T], T]:
    """Return a decorator that gives a function the docstring of ``other``.

    Parameters
    ----------
    other
        The function whose docstring is copied.

    Returns
    -------
    Callable
        The decorator; it returns the decorated function itself.
    """

    def decorator(method: T) -> T:
        method.__doc__ = other.__doc__
        return method

    return decorator


def cache_latest(f: Callable[..., T]) -> Callable[..., T]:
    """Cache a method's latest return value in ``self._cache[f.__name__]``.

    Parameters
    ----------
    f
        A method.

    Returns
    -------
    Callable
        The wrapped method.
    """

    @functools.wraps(f)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        result = f(self, *args, **kwargs)
        cache = self.__dict__.setdefault("_cache", {})
        cache[f.__name__] = result
        return result

    return wrapper


def save(fname: str | os.PathLike[str], data: Any, compress: bool = True) -> bool:
    """Write ``data`` to ``fname`` atomically (the old file or the new one survives a crash).

    Parameters
    ----------
    fname
        Target path; parent folders are created.
    data
        Anything cloudpickle can serialise.
    compress
        gzip the payload.

    Returns
    -------
    bool
        True (errors raise instead of returning False, so a failed save is never silent).
    """
    write_data(fname, data, compress=compress)
    return True


def load(fname: str | os.PathLike[str], compress: bool = True) -> Any:
    """Read data written by :func:`save` (or by the reference library's ``save``).

    Parameters
    ----------
    fname
        The file to read.
    compress
        Accepted for compatibility; compression is detected from the file.

    Returns
    -------
    Any
        The stored data.
    """
    del compress
    return read_data(fname)


class SequentialExecutor(cf.Executor):
    """An executor that runs each function immediately, in the calling thread.

    Runs are deterministic, which makes it the tool for reproducible runs and for tests.
    """

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> cf.Future[T]:
        """Run ``fn(*args, **kwargs)`` now and return a finished future holding the outcome."""
        fut: cf.Future[T] = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as e:  # the future carries it to the caller
            fut.set_exception(e)
        return fut

    def map(
        self,
        fn: Callable[..., T],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        chunksize: int = 1,
    ) -> Iterator[T]:
        """Apply ``fn`` lazily, in order, in the calling thread."""
        del timeout, chunksize
        return map(fn, *iterables)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Do nothing: there are no threads or processes to stop."""
