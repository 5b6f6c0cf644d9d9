"""A Learner1D loss that estimates the error of linear interpolation, interval by interval.

Why this loss
-------------
Linear interpolation of a smooth ``f`` on an interval of width ``h`` errs by at most
``h**2 * max|f''| / 8``. Splitting the interval with the largest such error, again and again,
equidistributes the error: the points end up with density close to ``|f''|**(1/2)``, the
optimal knots for the max error. The learner hands a loss the interval in *rescaled*
coordinates (x divided by the width of the bounds, y by the y-range of the data), so the
estimate is directly the error relative to the y-range: ``learner.loss()`` (the largest
interval loss) estimates ``max |interpolant - f| / (max f - min f)``.

How ``f''`` is estimated, and where it fails
--------------------------------------------
From the second divided differences of the two point triples that contain the interval:
``dl`` over (left neighbour, left end, right end) and ``dr`` over (left end, right end, right
neighbour); only one of them at the edges of the domain or next to a non-finite value. Where
``f`` is smooth and resolved both agree, and the part on which they agree (the smaller
magnitude when they have the same sign, else nothing) is trusted as curvature. The rest, where
they disagree, is what a jump, a singularity, noise or a feature not resolved yet looks like;
its error estimate ``err`` (``h**2 / 8`` times the disagreement) is not trusted as such:

* it counts at most ``unresolved_weight * h``, a share of the interval's width, so such
  regions are refined like a uniform grid at the level of the error elsewhere. This is the
  noise guard: noise of size ``s`` has second differences ``~s / h**2`` at every ``h``, an
  "error" that no refinement lowers; measured against the width it stops attracting points;
* if the disagreement stands out above the curvature the outer triples see (two neighbours
  further out; noise shows there as much as here, a jump or a singularity does not), its
  excess counts up to ``unresolved_weight * sqrt(h * err)``: a jump (``err ~ J / 8`` for
  ever) is located to a resolution that lowers its RMS error below the rest's, a narrow
  feature seen from one side gets points fast, and neither absorbs every point.

A floor ``min_curvature * h**2 / 8`` is added everywhere, so that regions that look exactly
linear (or a function that is) keep being sampled at a low density and ``ask`` never piles
points on one spot. Inside a region where ``f`` is not finite only the floor counts; an
interval with one non-finite end counts ``unresolved_weight * h`` (its border is located like
a kink).

What the estimate is worth: on smooth functions ``learner.loss()`` matches the true max error
within a few percent once a few dozen points resolve the function (benchmarks/bench_sampling.py
shows it). It under-reports where the error is not counted in full on purpose: at a jump (the
max error stays half its height at any resolution), at a singularity such as ``sqrt|x|`` (the
cap above; measured 10-50x under), under noise (the error against the noiseless function is
the noise itself, which no sampling lowers), and where a feature narrower than the spacing
has not been found yet.

Vector-valued functions: the largest estimate over the components (the learner rescales all
components by one y-scale, the largest of their ranges).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner.base_learner import uses_nth_neighbors

__all__ = ["interpolation_error_loss", "interpolation_error_loss_function"]

LossFunction = Callable[[Sequence[Any], Sequence[Any]], float]

# Defaults, measured with benchmarks/bench_sampling.py (the module docstring says what they
# do). 1: unresolved regions are refined to a width equal to the error level elsewhere;
# 1e-3: a floor density that costs the smooth functions a few percent of max error at most
# (0.1 finds narrow features sooner but costs up to 20%). A disagreement is "isolated" when
# it exceeds twice what the outer triples see.
_UNRESOLVED_WEIGHT = 1.0
_MIN_CURVATURE = 1e-3
_NOISE_MARGIN = 2.0


def _curvature(  # noqa: PLR0917 - three points as six scalars: the hot path
    xa: Any, ya: Any, xb: Any, yb: Any, xc: Any, yc: Any
) -> float | None:
    """Twice the second divided difference: f'' of the parabola through three points.

    ``None`` when a point is missing (beyond the edges) or its value is not finite.
    """
    if xa is None or xb is None or xc is None or ya is None or yb is None or yc is None:
        return None
    ya = float(ya)
    yb = float(yb)
    yc = float(yc)
    if not (ya - ya == 0.0 and yb - yb == 0.0 and yc - yc == 0.0):
        return None
    d: float = 2.0 * ((yc - yb) / (xc - xb) - (yb - ya) / (xb - xa)) / (xc - xa)
    return d


def _check_weight(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r}."
        raise TypeError(msg)
    v = float(value)
    if not 0.0 <= v < math.inf:
        msg = f"{name} must be finite and >= 0, got {value!r}."
        raise ValueError(msg)
    return v


def interpolation_error_loss_function(
    unresolved_weight: float = _UNRESOLVED_WEIGHT, min_curvature: float = _MIN_CURVATURE
) -> LossFunction:
    """Make a loss that estimates each interval's error of linear interpolation.

    With this loss, ``learner.loss()`` estimates the largest error of linear interpolation
    through the learned points relative to the y-range, so ``loss_goal=1e-3`` asks for a
    plot within about 0.1% of the y-range everywhere (where the function is smooth enough to
    be resolved; a jump keeps an error of half its height at any resolution).

    Parameters
    ----------
    unresolved_weight
        Where the curvature estimates of the two sides of an interval disagree (a jump,
        noise, a feature not resolved yet), the disagreement counts at most this times the
        interval's width (relative to the bounds), or, where it stands out from its
        surroundings, this times the geometric mean of width and estimated error. Larger
        chases jumps and narrow features harder; 0 ignores them.
    min_curvature
        Curvature (in units of the y-range over the squared width of the bounds) assumed
        everywhere, so that regions that look linear are still sampled, at a low density.

    Returns
    -------
    callable
        A loss function with ``nth_neighbors == 2``.

    Examples
    --------
    >>> from adaptive_nb import Learner1D
    >>> loss = interpolation_error_loss_function(unresolved_weight=0.5)
    >>> learner = Learner1D(lambda x: x**3, bounds=(-1, 1), loss_per_interval=loss)
    """
    weight = _check_weight("unresolved_weight", unresolved_weight)
    floor = _check_weight("min_curvature", min_curvature)

    def scalar_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        # Unpacked and inlined: this runs for 6 intervals per told point.
        xa, xb, x0, x1, xc, xd = xs
        ya, yb, y0, y1, yc, yd = ys
        h: float = x1 - x0
        h2 = h * h * 0.125
        fin0 = y0 - y0 == 0.0
        fin1 = y1 - y1 == 0.0
        if not (fin0 and fin1):
            # Inside a region where f is not finite: sampled at the floor density only; at its
            # border: located like a jump.
            return h2 * floor if fin0 == fin1 else weight * h
        s01 = (y1 - y0) / h
        dl: float | None = (
            None
            if yb is None or yb - yb != 0.0
            else 2.0 * (s01 - (y0 - yb) / (x0 - xb)) / (x1 - xb)
        )
        dr: float | None = (
            None
            if yc is None or yc - yc != 0.0
            else 2.0 * ((yc - y1) / (xc - x1) - s01) / (xc - x0)
        )
        if dl is None or dr is None:
            # One-sided (at an edge, or next to a non-finite value): trusted. (A jump within
            # the first interval is then chased to the floating-point resolution: one point
            # per halving, about 50 at most.)
            if dl is None and dr is None:
                return h2 * floor + weight * h
            return h2 * (abs(dr if dl is None else dl) + floor)  # type: ignore[arg-type]
        al = abs(dl)
        ar = abs(dr)
        if dl * dr >= 0.0:
            if al <= ar:
                agree, disagree = al, ar - al
            else:
                agree, disagree = ar, al - ar
        else:
            agree, disagree = 0.0, max(al, ar)
        loss: float = h2 * (agree + floor)
        if disagree == 0.0:
            return loss
        err = h2 * disagree
        # Noise guard: the curvature the outer triples see. Noise shows there as much as
        # here; a jump or a singularity stands out above its surroundings.
        da = _curvature(xa, ya, xb, yb, x0, y0)
        db = _curvature(x1, y1, xc, yc, xd, yd)
        if da is None:
            noise = 0.0 if db is None else abs(db)
        else:
            noise = abs(da) if db is None else min(abs(da), abs(db))
        noise *= h2 * _NOISE_MARGIN
        uniform = min(err, weight * h)
        if err <= noise:
            return loss + uniform
        # Isolated: a jump, a singularity or a narrow feature; counted up to the geometric
        # mean of its error and width, so that a jump is located to a fine resolution (what
        # lowers its RMS error) without absorbing every point.
        return loss + max(min(err - noise, weight * math.sqrt(h * err)), uniform)

    @uses_nth_neighbors(2)
    def interpolation_error_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        """Estimated max error of linear interpolation on the interval (see the module)."""
        y0 = ys[2]
        if type(y0) is float or not isinstance(y0, np.ndarray | list | tuple):
            return scalar_loss(xs, ys)
        # Vector output: the largest estimate over the components.
        worst = -math.inf
        for k in range(len(y0)):
            comp = [None if y is None else y[k] for y in ys]
            loss = scalar_loss(xs, comp)
            if math.isnan(loss):
                return math.nan
            worst = max(worst, loss)
        return worst

    return interpolation_error_loss


interpolation_error_loss = interpolation_error_loss_function()
interpolation_error_loss.__doc__ = """Estimated max error of linear interpolation on an interval.

The loss made by :func:`interpolation_error_loss_function` with its defaults; pass it as
``Learner1D(f, bounds, loss_per_interval=interpolation_error_loss)``. ``learner.loss()``
then estimates the max interpolation error relative to the y-range.

Parameters
----------
xs
    Four rescaled x values: a neighbour, the interval's two ends, a neighbour (``None``
    beyond the edges of the domain).
ys
    The rescaled values at ``xs``: floats or 1D arrays (``None`` beyond the edges).

Returns
-------
float
    The estimated error, relative to the y-range; NaN when an end of the interval has a
    non-finite value (the learner then samples the interval by its width).
"""
