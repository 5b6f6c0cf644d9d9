"""Several points per executor task: evaluate a chunk in a worker, resolve one future per point.

When evaluations are far shorter than an executor's round trip, one task per few points divides
the per-task cost. Each point still gets its own future: a failing point gets its own exception
(with the worker's traceback) and does not affect the others, and cancelling every point of a
chunk cancels the chunk's task.
"""

from __future__ import annotations

import builtins
import concurrent.futures as cf
import contextlib
import functools
import types
from typing import Any

__all__ = ["EVALUATE_CHUNK_BY_VALUE", "parts_of", "submit_chunked"]


class _RemoteTracebackError(Exception):
    """Carries the worker's traceback text as the ``__cause__`` of a chunked point's error."""

    def __init__(self, tb: str) -> None:
        super().__init__(tb)
        self.tb = tb

    def __str__(self) -> str:
        return self.tb


def _evaluate_chunk(function: Any, xs: list[Any]) -> list[tuple[bool, Any]]:
    """Run in a worker: ``(True, function(x))`` or ``(False, (error, traceback text))`` per x."""
    import traceback  # here, not global: the by-value copy below must not need our module

    out: list[tuple[bool, Any]] = []
    for x in xs:
        try:
            out.append((True, function(x)))
        except Exception as e:  # reported per point, like a task of its own
            tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
            out.append((False, (e, tb)))
    return out


def _by_value(fn: Any) -> Any:
    # A copy of ``fn`` whose module cannot be imported, so cloudpickle (dask) ships its code
    # by value: a cluster's workers need not have adaptive_nb installed.
    namespace = {"__builtins__": builtins, "__name__": "adaptive_nb_shipped"}
    return types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__)


# The chunk evaluator as a cluster gets it (see _by_value).
EVALUATE_CHUNK_BY_VALUE = _by_value(_evaluate_chunk)


def _split_chunk(
    parts: list[cf.Future[Any]], link: list[cf.Future[Any]], chunk: cf.Future[Any]
) -> None:
    # Runs when the chunk's task is done: resolve each point's future (skipping cancelled ones).
    link.clear()  # the parts no longer reach the chunk: it (and a dask task's data) can be freed
    if chunk.cancelled():
        for part in parts:
            part.cancel()  # the core evaluates these points again
        return
    exc = chunk.exception()
    results: list[tuple[bool, Any]] = [] if exc is not None else chunk.result()
    for i, part in enumerate(parts):
        if not part.set_running_or_notify_cancel():
            continue  # cancelled by the runner
        if exc is not None:  # the whole task failed (e.g. a result could not be pickled)
            part.set_exception(exc)
            continue
        ok, value = results[i]
        if ok:
            part.set_result(value)
        else:
            error, tb = value
            error.__cause__ = _RemoteTracebackError(f'\n"""\n{tb}"""')
            part.set_exception(error)


def _cancel_chunk(link: list[cf.Future[Any]], remaining: list[int], part: cf.Future[Any]) -> None:
    # Parts are cancelled by the runner's thread only, so the count needs no lock.
    if part.cancelled():
        remaining[0] -= 1
        if remaining[0] == 0:
            with contextlib.suppress(IndexError):  # the chunk is done already
                link[0].cancel()  # nobody wants these points (a running task stays running)


def submit_chunked(submit: Any, function: Any, xs: list[Any], size: int) -> list[cf.Future[Any]]:
    """Evaluate ``function`` on ``xs`` with one executor task per ``size`` points.

    Parameters
    ----------
    submit
        The executor's ``submit``; its workers must be able to import adaptive_nb.
    function
        The function to evaluate.
    xs
        The points.
    size
        Points per task.

    Returns
    -------
    list of concurrent.futures.Future
        One future per point, resolved when its chunk is done; a failing point gets its own
        exception (with the worker's traceback as ``__cause__``) and does not affect the others.
        Cancelling every future of a chunk cancels the chunk's task if it has not started.
    """
    futures: list[cf.Future[Any]] = []
    for start in range(0, len(xs), size):
        points = xs[start : start + size]
        if len(points) == 1:
            futures.append(submit(function, points[0]))
        else:
            futures.extend(parts_of(submit(_evaluate_chunk, function, points), len(points)))
    return futures


def parts_of(chunk: cf.Future[Any], n: int) -> list[cf.Future[Any]]:
    """Return one future per point of ``chunk``, a task that evaluates ``n`` points."""
    # No reference cycles: a part reaches its chunk only through ``link``, emptied when the
    # chunk is done, so finished chunks are freed at once (not at the next garbage collection).
    parts: list[cf.Future[Any]] = [cf.Future() for _ in range(n)]
    link, remaining = [chunk], [n]
    for part in parts:
        part.add_done_callback(functools.partial(_cancel_chunk, link, remaining))
    chunk.add_done_callback(functools.partial(_split_chunk, parts, link))
    return parts
