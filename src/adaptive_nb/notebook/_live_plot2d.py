"""Which canvas view ``LivePlot`` gives a learner, and the data it reads for it.

A learner has a fast view when it can hand out the points told since the ``start``-th one, in tell
order, as arrays: ``data_since(start) -> (points, values)``, with ``points`` of shape ``(k,)`` for
one input dimension or ``(k, d)`` for ``d``, and ``values`` of shape ``(k,)`` or ``(k, vdim)``.
That is all a live plot needs to send only what is new. The view follows the number of input
dimensions: ``"1d"`` (lines), ``"2d"`` (a heat map on a mesh the page triangulates itself) or
``"nd"`` (a projection on two axes the viewer picks).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from adaptive_nb._protocols import IncrementalLearner

__all__ = ["axis_labels", "chunk", "data_since", "function_name", "has_fast_view", "panel_meta"]

_F8 = np.dtype("<f8")

DataSince = Callable[[int], tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]


def data_since(leaf: Any) -> DataSince | None:
    """Return the learner's ``data_since`` method, or None when it has no fast view."""
    return leaf.data_since if isinstance(leaf, IncrementalLearner) else None


def has_fast_view(leaf: Any) -> bool:
    """Whether ``leaf`` can be drawn from incremental arrays (see the module docstring)."""
    return data_since(leaf) is not None


def _box(bounds: Any) -> list[list[float]] | None:
    """``bounds`` as one ``[lo, hi]`` per input dimension, or None if it is not a box.

    Accepts a Learner1D's ``(a, b)`` (one dimension), pairs per dimension (Learner2D,
    LearnerND), or anything with the ``points`` of a ``scipy.spatial.ConvexHull`` (its bounding
    box).
    """
    points = getattr(bounds, "points", None)
    try:
        if points is not None:
            pts = np.asarray(points, dtype=float)
            box = np.column_stack([pts.min(axis=0), pts.max(axis=0)])
        else:
            box = np.asarray(bounds, dtype=float)
            if box.shape == (2,):
                box = box[None, :]
    except (TypeError, ValueError):
        return None
    if box.ndim != 2 or box.shape[1] != 2 or len(box) == 0:
        return None
    return [[float(lo), float(hi)] for lo, hi in box]


def _input_dim(leaf: Any, box: list[list[float]] | None) -> int:
    if box is not None:
        return len(box)
    # No readable bounds: the shape of an empty read tells (O(1) for the learners we know).
    method = data_since(leaf)
    assert method is not None
    points, _ = method(int(leaf.npoints))
    return 1 if np.ndim(points) == 1 else int(np.shape(points)[1])


def panel_meta(title: str, leaf: Any | None) -> dict[str, Any]:
    """Describe ``leaf``'s panel: what the front end needs before any point arrives."""
    if leaf is None:
        return {
            "title": title,
            "kind": "unsupported",
            "bounds": None,
            "message": "no live view for this learner (use plotter=)",
        }
    box = _box(getattr(leaf, "bounds", None))
    dim = _input_dim(leaf, box)
    if dim == 1:
        return {"title": title, "kind": "1d", "bounds": box[0] if box else None}
    return {"title": title, "kind": "2d" if dim == 2 else "nd", "box": box, "dim": dim}


def chunk(
    i: int, leaf: Any, start: int, stop: int | None
) -> tuple[dict[str, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Header and the two float64 buffers of ``leaf``'s points told from ``start`` to ``stop``.

    The coordinates go row-major (``n * dim`` floats), the values row-major (``n * vdim``).
    """
    method = data_since(leaf)
    assert method is not None
    x, y = method(start)
    x = np.ascontiguousarray(x, dtype=_F8)
    y = np.ascontiguousarray(y, dtype=_F8)
    if stop is not None:
        x, y = x[: stop - start], y[: stop - start]
    n = len(x)
    dim = 1 if x.ndim == 1 else int(x.shape[1])
    vdim = 1 if y.ndim == 1 else int(y.shape[1])
    if y.size != n * vdim:
        msg = f"{type(leaf).__name__}.data_since returned {n} points but values of shape {y.shape}."
        raise ValueError(msg)
    return {"i": i, "start": start, "n": n, "vdim": vdim, "dim": dim}, x, y


def function_name(leaf: Any) -> str | None:
    """Return the ``__name__`` of the function ``leaf`` learns (through ``functools.partial``).

    None for a lambda or anything without a plain name, so the caller can say ``f``.
    """
    func = getattr(leaf, "function", None)
    while isinstance(func, functools.partial):
        func = func.func
    name = getattr(func, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else None


def axis_labels(
    kind: str,
    leaf: Any | None,
    *,
    x_name: str | None = None,
    y_name: str | None = None,
    z_name: str | None = None,
    name: object = None,
) -> dict[str, str]:
    """Axis labels of a panel of ``kind``: ``xlabel``, ``ylabel`` and, for colour, ``zlabel``.

    The names follow ``to_dataframe``'s (``x_name``, ``y_name`` and, in 2D, ``z_name``); the
    value's label falls back to a string ``name`` given to ``live_plot``, then to the learned
    function's name applied to the inputs (``peak(x)``; ``f(x)`` for a lambda).
    """
    if leaf is None:
        return {}
    given = name if isinstance(name, str) and name else None
    fn = function_name(leaf) or "f"
    x = x_name or "x"
    if kind == "2d":
        y = y_name or "y"
        return {"xlabel": x, "ylabel": y, "zlabel": z_name or given or f"{fn}({x}, {y})"}
    if kind == "nd":  # the page names the projected axes x0, x1, ...
        return {"zlabel": z_name or given or f"{fn}(x)"}
    if kind == "average":
        return {"xlabel": x_name or "samples", "ylabel": y_name or given or f"mean of {fn}"}
    if kind == "sequence":
        return {"xlabel": x_name or "index", "ylabel": y_name or given or f"{fn}(item)"}
    return {"xlabel": x, "ylabel": y_name or given or f"{fn}({x})"}
