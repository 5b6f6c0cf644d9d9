"""``daskify``: run a plain function on a dask cluster from an ``async def`` learner function.

The pattern of the reference's "custom parallelization" section: the learner's function is a
coroutine that awaits one or more daskified calls, and an ``AsyncRunner`` with many ``ntasks``
keeps the cluster busy while the evaluations themselves run on the event loop. dask is imported
when a function is daskified, never by ``import adaptive_nb``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

__all__ = ["daskify"]

T = TypeVar("T")


def _cache_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    # Hashable arguments key by value (1 and 1.0 are one call, as in a dict); unhashable ones
    # (lists, arrays) fall back to their text, which is what the reference keys every call by.
    key = (args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:
        return "_".join([*map(str, args), *(f"{k}={v}" for k, v in sorted(kwargs.items()))])
    return key


def daskify(
    client: Any, cache: bool = False
) -> Callable[[Callable[..., T]], Callable[..., Awaitable[T]]]:
    """Turn a function into a coroutine function that evaluates it on a dask cluster.

    Parameters
    ----------
    client
        A ``distributed.Client``. With ``asynchronous=True`` the result is awaited on the
        client's loop; with a synchronous client it is awaited in a thread, so the event loop
        of the caller stays free either way.
    cache
        If True, calls with equal arguments share one computation: the futures are kept in the
        dict ``wrapped.cache`` (keyed by the arguments), so the results stay on the cluster until
        that dict is cleared.

    Returns
    -------
    Callable
        A decorator: ``daskify(client)(f)(*args)`` is an awaitable of ``f(*args)``.

    Examples
    --------
    >>> @daskify(client, cache=True)  # doctest: +SKIP
    ... def g(x):
    ...     return x**2
    >>> async def f(x):  # doctest: +SKIP
    ...     return await g(x) + await g(x + 1)
    >>> runner = adaptive_nb.AsyncRunner(Learner1D(f, (-1, 1)), ntasks=20)  # doctest: +SKIP
    """
    if not (hasattr(client, "submit") and hasattr(client, "asynchronous")):
        msg = f"daskify needs a distributed.Client, got {client!r}."
        raise TypeError(msg)

    def decorate(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
        futures: dict[Any, Any] = {}

        def submit(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            # pure=False: without caching every call is a fresh evaluation, even with equal
            # arguments (the function may be random); with caching, equal calls share a future.
            if not cache:
                return client.submit(func, *args, pure=False, **kwargs)
            key = _cache_key(args, kwargs)
            future = futures.get(key)
            if future is None:
                future = futures[key] = client.submit(func, *args, pure=False, **kwargs)
            return future

        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> T:
            future = submit(args, kwargs)
            if client.asynchronous:
                result: T = await future
                return result
            return await asyncio.to_thread(future.result)

        if cache:
            wrapper.cache = futures  # type: ignore[attr-defined]
        return wrapper

    return decorate
