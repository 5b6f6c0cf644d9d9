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
* where the four curvatures of the stencil do not follow a straight line (an inner one
  strays from the line through its outer neighbours by more than half the largest of the
  four; a resolved smooth ``f`` strays by ``~(h / feature width)**2``; tested only where
  the disagreement's error exceeds 1% of ``unresolved_weight * h``), the interval is
  taken for noise, and what counts is what a new point would lower. Against the noiseless
  function, interpolating noisy values errs by about the noise whatever the spacing (the
  uniform grid is as good as any), except that splitting an interval whose two ends err in
  the same direction lowers the error, and splitting one whose ends err in opposite
  directions does not. The first shows as a large mean curvature over the interval and an
  agreement of ``dl`` and ``dr``, the second as their disagreement. So the disagreement
  counts only ``0.05 * unresolved_weight * h`` (a near-uniform spacing), the agreement 5
  times (the extra capped at ``unresolved_weight * h``, so that it shrinks with refinement
  and ``learner.loss()`` keeps falling) and the rest of the mean curvature once. On
  ``sin(3x)`` plus 1% noise this lands 3-7% below a uniform grid's RMS error (over 32
  noise draws, at 200 and 1000 points);
* if the disagreement's error stands out above the errors the outer triples see (two
  neighbours further out, each with its own spacing; the larger of the two, times 3; noise
  shows there as much as here, a jump or a singularity does not), its excess counts up to
  ``unresolved_weight * sqrt(h * err)``: a jump (``err ~ J / 8`` for ever) is located to a
  resolution that lowers its RMS error below the rest's, a narrow feature seen from one
  side gets points fast, and neither absorbs every point. (The smaller of the two would
  take noise for isolated at random spots and pile points there.)

An exploration term ``exploration * h**3`` is added everywhere: where the function looks
linear it keeps a spacing that shrinks as the error level does, but slower than the spacing
curvature asks for, so a narrow peak whose tails show only between two far-apart points is
found early (at 200 points, the tails of a peak 0.1% of the domain wide) at a cost of a few
percent of max error at 1000 points. A floor ``min_curvature * h**2 / 8`` is also added, so
that regions that look exactly linear (or a function that is) keep being sampled at a low
density and ``ask`` never piles points on one spot. Inside a region where ``f`` is not
finite only these two terms count; an interval with one non-finite end counts
``unresolved_weight * h`` (its border is located like a kink).

What the estimate is worth: on smooth functions ``learner.loss()`` matches the true max error
within a few percent once a few dozen points resolve the function (benchmarks/bench_sampling.py
shows it). It under-reports where the error is not counted in full on purpose: at a jump (the
max error stays half its height at any resolution), at a singularity such as ``sqrt|x|`` (the
cap above; measured 10-50x under), under noise (the error against the noiseless function is
the noise itself, which no sampling lowers), and where a feature narrower than the spacing
has not been found yet.

Cost: a told point can change the losses of the 6 intervals whose 6-point stencil contains
it. The loss carries a batch form (``window_losses``) that Learner1D calls once for the run
of points around the new one, sharing slopes and curvatures between the intervals; it is the
same arithmetic as the per-interval loss, so both agree bit for bit. Its second form
(``window_losses_local``) also reports which losses read past the shortcut for a small
disagreement, the only path that reads the outer curvatures ``da``/``db``: every other
loss depends on its ends and their neighbours only, so the learner keeps it when a point
is told two points away (usually both outer intervals: 4 losses from a run of 9 points).
Where every value is finite, the slopes and curvatures roll through the loop (each
computed once, with ``_curvature``'s operations), the noise guard's outer ones included.
Measured with benchmarks/bench_sampling.py's ``bench_cost`` (ask(1) + tell on the peak
function, to 2000 points): 2.07-2.13x the wall time per point of the default loss (the
scatter between runs on a shared machine is several percent), of which the first 500
points (the peak not resolved yet: most intervals take the noise guard, about 0.7 us each)
are 2.2-2.4x and the later ones 1.9-2.1x; in instructions (cachegrind) 1.91x over the first
2000 points and 1.83x from point 1000 to 3000 (125k against 68k), of which the loss itself
is 25k: the rest is the learner assembling the stencil and keeping 4 entries per tell up to
date against the default's 2.

Vector-valued functions: the largest estimate over the components (the learner rescales all
components by one y-scale, the largest of their ranges).
"""

from __future__ import annotations

import functools
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
# its error exceeds 3 times the larger of the errors the two outer triples see (2 took noise
# for isolated more often: 1-2% more RMS error on sin(3x) + 1% noise; 4 misses more of a
# singularity at 200 points).
_UNRESOLVED_WEIGHT = 1.0
_MIN_CURVATURE = 1e-3
_NOISE_MARGIN = 3.0
# A stencil is "rough" (noise) when an inner curvature strays from the line through its
# outer neighbours by more than half the largest curvature; a resolved smooth f strays by
# ~(h / feature width)**2. In a rough interval the agreement counts 5 times (measured with
# the isolation margin 2: once, RMS error on sin(3x) + 1% noise 1-2% above a uniform grid's;
# 3-9 times, 2-7% below; over 32 noise seeds at 200 and 1000 points) and the width 5% of
# unresolved_weight (0.02 or 0.2: less uniform, a few percent worse).
_ROUGHNESS = 0.5
# Only a disagreement above 1% of the width weight is tested (for isolation and roughness):
# smaller ones (smooth functions once resolved, round-off) are counted as is, at no cost.
_ROUGH_FLOOR = 0.01
_ROUGH_AGREEMENT = 5.0
_ROUGH_EXTRA = _ROUGH_AGREEMENT - 1.0  # on top of the agreement counted for every interval
_NOISE_SHARE = 0.05
# 0.05: at 200 points, enough to find the tails of a peak 0.1% of the domain wide (0.01 is
# not; 0.02 is, just), and at 1000 points it costs the smooth functions under 5% of max error
# (0.1 costs 5%, reaching 2.0x the optimal knots on the peak function).
_EXPLORATION = 0.05


def _check_weight(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r}."
        raise TypeError(msg)
    v = float(value)
    if not 0.0 <= v < math.inf:
        msg = f"{name} must be finite and >= 0, got {value!r}."
        raise ValueError(msg)
    return v


def _curvature(xs: Sequence[Any], ys: Sequence[Any], j: int) -> float | None:
    """F'' of the parabola through the points ``j - 1, j, j + 1`` of a run.

    None at the ends of the run, where a point is missing (None, beyond the edges) or a
    value is not finite.
    """
    if j < 1 or j >= len(xs) - 1:
        return None
    x0 = xs[j - 1]
    x1 = xs[j]
    x2 = xs[j + 1]
    y0 = ys[j - 1]
    y1 = ys[j]
    y2 = ys[j + 1]
    if x0 is None or x2 is None or not (y0 - y0 == 0.0 and y1 - y1 == 0.0 and y2 - y2 == 0.0):
        return None
    left = (y1 - y0) / (x1 - x0)
    return 2.0 * ((y2 - y1) / (x2 - x1) - left) / (x2 - x0)  # type: ignore[no-any-return]


def _window_losses(  # noqa: PLR0912, PLR0915, PLR0917 - the hot path: one flat loop
    weight: float,
    floor: float,
    explore: float,
    xs: Sequence[Any],
    ys: Sequence[Any],
    first: int,
    last: int,
    reads: list[int] | None = None,
) -> list[float]:
    """Losses of the intervals ``(xs[i], xs[i + 1])`` for ``first <= i < last``.

    ``xs`` and ``ys`` are a run of consecutive rescaled points (``None`` beyond the edges),
    with two points on either side of the intervals asked for. An interval's loss depends on
    its width, its ends' values and four curvatures: ``dl``/``dr`` of the triples ending /
    starting at its ends, ``da``/``db`` of the triples one point further out. Computing a
    run at once shares the curvatures between neighbouring intervals; the per-interval loss
    is this function on a run of one, so both agree bit for bit.

    ``reads``, if given, gets the ``i`` of every interval whose loss read the outer
    curvatures ``da``/``db`` (or the points beyond its own two triples): the loss of any
    other interval depends only on its two ends and their two neighbours.
    """
    try:
        total = sum(ys)
    except TypeError:  # a missing point (None)
        total = math.nan
    # Every point there and every value finite (a sum of finite values can only overflow,
    # to inf): the curvatures are computed on the fly, each slope once, with the same
    # operations as `_curvature` (so bit for bit equal); else from the checked list `c`.
    c: list[float | None] | None = None
    dl: float | None = None
    dr: float | None = None
    dp: float | None = None  # rolled: the curvature at xs[i - 1] (the last interval's dl)
    xl = xr = yr = sr = 0.0
    if total - total == 0.0:
        xl = xs[first]
        xr = xs[first + 1]
        yr = ys[first + 1]
        xp = xs[first - 1]
        yl = ys[first]
        sr = (yr - yl) / (xr - xl)
        dr = 2.0 * (sr - (yl - ys[first - 1]) / (xl - xp)) / (xr - xp)
    else:
        c = [None] * len(xs)
        for j in range(first, last + 1):
            c[j] = _curvature(xs, ys, j)
    out: list[float] = []
    append = out.append
    for i in range(first, last):
        h: float
        if c is None:
            # (xl, xr: the interval's ends; sr its slope; dr, about to become dl, the
            # curvature at xl)
            dp = dl
            dl = dr
            xn = xs[i + 2]
            yn = ys[i + 2]
            sn = (yn - yr) / (xn - xr)
            dr = 2.0 * (sn - sr) / (xn - xl)
            h = xr - xl
            xl = xr
            xr = xn
            yr = yn
            sr = sn
        else:
            h = xs[i + 1] - xs[i]
            dl = c[i]
            dr = c[i + 1]
        h2 = h * h * 0.125
        loss: float = h2 * floor + explore * h * h * h
        if dl is None or dr is None:
            # (Both ends' values are finite where dl or dr is known.)
            y0 = ys[i]
            y1 = ys[i + 1]
            fin0 = y0 - y0 == 0.0
            fin1 = y1 - y1 == 0.0
            if not (fin0 and fin1):
                # Inside a region where f is not finite: sampled at the floor density only;
                # at its border: located like a jump.
                append(loss if fin0 == fin1 else weight * h)
                continue
            # One-sided (at an edge, or next to a non-finite value): trusted. (A jump within
            # the first interval is then chased to the floating-point resolution: one point
            # per halving, about 50 at most.)
            if dl is None and dr is None:
                append(loss + weight * h)
            else:
                d: float = dr if dl is None else dl  # type: ignore[assignment]
                append(h2 * (d if d >= 0.0 else -d) + loss)
            continue
        al = dl if dl >= 0.0 else -dl
        ar = dr if dr >= 0.0 else -dr
        # The part on which both sides agree is trusted as curvature; the rest (a jump,
        # noise, a feature not resolved yet) is not.
        if dl * dr >= 0.0:
            if al <= ar:
                agree, disagree = al, ar - al
            else:
                agree, disagree = ar, al - ar
        else:
            agree, disagree = 0.0, (al if al >= ar else ar)
        loss += h2 * agree
        if disagree == 0.0:
            append(loss)
            continue
        err = h2 * disagree
        wh = weight * h
        if err < _ROUGH_FLOOR * wh:
            # Below the width cap, so counted as is whatever follows (an isolated share is
            # at most err too); and too small to be noise that matters.
            append(loss + err)
            continue
        # Noise guard: the errors the outer triples see (each curvature times its own
        # triple's squared half-span / 8, as err is this interval's). Noise shows there as
        # much as here, on both sides, at any spacing; a jump or a singularity stands out
        # above both (the larger is the test: with the smaller, noise looked isolated at
        # random spots and piled points there).
        if reads is not None:
            reads.append(i)
        # (beyond the curvatures the run's losses share: computed here, as rarely needed)
        if c is None:
            # Rolled (every value finite, two points beyond the intervals): ca is the last
            # interval's dl; cb, one triple ahead of the loop, with the loop's operations
            # (xl, xr: xs[i + 1], xs[i + 2]; sr their slope), so the value it will have.
            ca = dp if i > first else _curvature(xs, ys, i - 1)
            x3 = xs[i + 3]
            cb = 2.0 * ((ys[i + 3] - yr) / (x3 - xr) - sr) / (x3 - xl)
        else:
            ca = c[i - 1] if i > first else _curvature(xs, ys, i - 1)
            cb = c[i + 2] if i + 2 <= last else _curvature(xs, ys, i + 2)
        outer = 0.0
        noise = 0.0
        if ca is not None:
            outer = ca if ca >= 0.0 else -ca
            w = xs[i] - xs[i - 2]
            noise = outer * w * w
        if cb is not None:
            ab = cb if cb >= 0.0 else -cb
            if ab > outer:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                outer = ab
            w = xs[i + 3] - xs[i + 1]
            w *= w * ab
            if w > noise:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                noise = w
        noise *= 0.03125 * _NOISE_MARGIN  # 0.03125: (span / 2)**2 / 8
        uniform = err if err <= wh else wh
        if err <= noise:
            if ca is None and cb is None:
                append(loss + uniform)
                continue
            # Rough: the four curvatures do not follow a straight line (noise; a smooth f
            # once resolved does, to a fraction that shrinks as h**2). The residual of each
            # inner curvature from the line through its outer neighbours (at the centres of
            # the triples, where a second difference is exact to first order) is compared
            # to the largest curvature of the stencil.
            big = outer if outer >= al else al
            if ar > big:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                big = ar
            big *= _ROUGHNESS
            # (each test multiplied out by the positive span of its triples' centres)
            rough = False
            if ca is not None:
                x0 = xs[i - 2]
                span = xs[i + 2] - x0
                r = (dl - ca) * span - (dr - ca) * (xs[i + 1] - x0)
                lim = big * span
                rough = r > lim or r < -lim
            if not rough and cb is not None:
                x1 = xs[i - 1]
                span = xs[i + 3] - x1
                r = (dr - dl) * span - (cb - dl) * (xs[i + 2] - x1)
                lim = big * span
                rough = r > lim or r < -lim
            if not rough:
                append(loss + uniform)
                continue
            # Noise. A new point lowers the error of linear interpolation through noisy
            # values only where both ends of the interval err in the same direction (then
            # the mean curvature over the interval is large, and so is the agreement);
            # where they err in opposite directions (the disagreement) it does not help.
            # So the agreement counts _ROUGH_AGREEMENT times (the extra capped by the
            # width weight, so that it shrinks with refinement and loss() keeps falling),
            # the rest of the mean curvature once (capped like the disagreement it
            # replaces), and a small share of the width keeps the spacing near uniform.
            mean = 0.5 * (dl + dr)
            if mean < 0.0:
                mean = -mean
            extra = h2 * (mean - agree)
            if extra > wh:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                extra = wh
            share = _NOISE_SHARE * wh
            if share > err:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                share = err
            boost = _ROUGH_EXTRA * h2 * agree
            if boost > wh:  # noqa: PLR1730 - cheaper than max()/min() (hot path)
                boost = wh
            append(loss + boost + extra + share)
            continue
        # Isolated: a jump, a singularity or a narrow feature; counted up to the geometric
        # mean of its error and width, so that a jump is located to a fine resolution (what
        # lowers its RMS error) without absorbing every point.
        iso = err - noise
        cap = weight * math.sqrt(h * err)
        if cap < iso:  # noqa: PLR1730 - a comparison is cheaper than min() here
            iso = cap
        append(loss + (iso if iso >= uniform else uniform))
    if math.isnan(sum(out)):
        # NaN: spacings so small (or values so large) that a squared width underflows to 0
        # while a curvature overflows to inf; such an interval counts like an unresolved
        # one, by its width.
        for k, v in enumerate(out):
            if math.isnan(v):
                out[k] = weight * (xs[first + k + 1] - xs[first + k])
    return out


def interpolation_error_loss_function(
    unresolved_weight: float = _UNRESOLVED_WEIGHT,
    min_curvature: float = _MIN_CURVATURE,
    exploration: float = _EXPLORATION,
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
        interval's width (relative to the bounds; 5% of that where the stencil looks
        like noise), or, where it stands out from its surroundings, this times the
        geometric mean of width and estimated error. Larger chases jumps and narrow
        features harder; 0 ignores them.
    min_curvature
        Curvature (in units of the y-range over the squared width of the bounds) assumed
        everywhere, so that regions that look linear are still sampled, at a low density.
    exploration
        Weight of a term ``exploration * h**3`` (``h``: the interval's width relative to
        the bounds) added to every interval's loss: regions that look linear are sampled
        at a density that grows with the number of points, but slower than the points
        spent on curvature (as ``n**(2/3)`` against ``n``), so features not seen yet (a
        narrow peak between two points) are found early and cost little later.

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
    explore = _check_weight("exploration", exploration)

    def scalar_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        return _window_losses(weight, floor, explore, xs, ys, 2, 3)[0]

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

    # (a partial: no Python frame between the learner and the loop)
    window = functools.partial(_window_losses, weight, floor, explore)

    # The learner's batch protocol (see learner/_loss1d.py): the losses of a run of
    # intervals of scalar values in one call, equal bit for bit to calls one by one; and
    # with a fifth argument, a list to append the intervals whose loss read beyond its
    # ends' neighbours to.
    interpolation_error_loss.window_losses = window  # type: ignore[attr-defined]
    interpolation_error_loss.window_losses_local = window  # type: ignore[attr-defined]
    return interpolation_error_loss


interpolation_error_loss = interpolation_error_loss_function()
interpolation_error_loss.__doc__ = """Estimated max error of linear interpolation on an interval.

The loss made by :func:`interpolation_error_loss_function` with its defaults; pass it as
``Learner1D(f, bounds, loss_per_interval=interpolation_error_loss)``. ``learner.loss()``
then estimates the max interpolation error relative to the y-range.

Parameters
----------
xs
    Six rescaled x values: two neighbours, the interval's two ends, two neighbours
    (``None`` beyond the edges of the domain).
ys
    The rescaled values at ``xs``: floats or 1D arrays (``None`` beyond the edges).

Returns
-------
float
    The estimated error, relative to the y-range; NaN when an end of the interval has a
    non-finite value (the learner then samples the interval by its width).
"""
