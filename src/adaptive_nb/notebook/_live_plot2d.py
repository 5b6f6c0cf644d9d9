"""Which canvas view ``LivePlot`` gives a learner, and the data it reads for it.

A learner has a fast view when it can hand out the points told since the ``start``-th one, in tell
order, as arrays: ``data_since(start) -> (points, values)``, with ``points`` of shape ``(k,)`` for
one input dimension or ``(k, d)`` for ``d``, and ``values`` of shape ``(k,)`` or ``(k, vdim)``.
That is all a live plot needs to send only what is new. The view follows the number of input
dimensions: ``"1d"`` (lines), ``"2d"`` (a heat map on a mesh the page triangulates itself) or
``"nd"`` (a projection on two axes the viewer picks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from adaptive_nb._protocols import IncrementalLearner

__all__ = ["chunk", "data_since", "has_fast_view", "panel_meta"]

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
