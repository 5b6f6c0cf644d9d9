"""LearnerND's domain: a box of (min, max) pairs or a ``scipy.spatial.ConvexHull``.

The domain's corners are the first points a learner asks for; the bounding box scales the
points to the unit cube. A hull keeps a Delaunay triangulation of its corners for the inside
test (the learner's ``inside_bounds``).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

__all__ = ["Domain", "parse_bounds"]

# (the corners, sorted; the bounding box; a Delaunay triangulation of a hull's corners or None)
Domain = tuple[list[tuple[Any, ...]], tuple[tuple[float, float], ...], Any]


def parse_bounds(bounds: Any) -> Domain:
    """Return the corners, the bounding box and (for a hull) the triangulation of ``bounds``.

    Raises
    ------
    TypeError, ValueError
        If ``bounds`` is neither a hull nor a list of finite (min, max) pairs with min < max.
    """
    import scipy.spatial  # here, not at module level: `import adaptive_nb` must stay light

    if isinstance(bounds, scipy.spatial.ConvexHull):
        hull_points = bounds.points[bounds.vertices]
        corners = sorted(map(tuple, hull_points.tolist()))
        bbox = tuple(
            zip(hull_points.min(axis=0).tolist(), hull_points.max(axis=0).tolist(), strict=True)
        )
        return corners, bbox, scipy.spatial.Delaunay(corners)
    bbox = _check_bounds(bounds)
    return sorted(itertools.product(*bbox)), bbox, None


def _check_bounds(bounds: Any) -> tuple[tuple[float, float], ...]:
    try:
        pairs = [tuple(b) for b in bounds]
    except TypeError:
        msg = f"bounds must be a list of (min, max) pairs or a scipy ConvexHull, got {bounds!r}."
        raise TypeError(msg) from None
    out = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            msg = f"bounds[{i}] = {pair} is not a (min, max) pair."
            raise ValueError(msg)
        lo, hi = float(pair[0]), float(pair[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            msg = f"bounds[{i}] = {pair} must be finite with min < max."
            raise ValueError(msg)
        out.append((pair[0], pair[1]))
    return tuple(out)
