"""Loss functions of Learner1D, and the check of a user's ``loss_per_interval``.

A 1D loss receives the rescaled xs and ys of one interval (plus ``nth_neighbors`` neighbours on
each side, ``None`` beyond the edges; see :func:`uses_nth_neighbors`) and returns a real number:
the learner splits the intervals with the largest losses first.

The public functions are documented, pickled and imported under
``adaptive_nb.learner.learner1D`` (the reference library's module), which re-exports them.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar

import numpy as np

from adaptive_nb.learner.base_learner import uses_nth_neighbors

__all__ = [
    "LossFunction",
    "Real",
    "abs_min_log_loss",
    "curvature_loss_function",
    "default_loss",
    "resolution_loss_function",
    "triangle_loss",
    "uniform_loss",
]

Real: TypeAlias = float | int | np.floating[Any] | np.integer[Any]
LossFunction: TypeAlias = Callable[[tuple[Any, ...], tuple[Any, ...]], Any]

_INF = math.inf
_F = TypeVar("_F", bound=Callable[..., Any])


def _public(f: _F) -> _F:
    # Users import, and pickles reference, these functions under the module of the reference
    # library; keeping __module__ there keeps pickles independent of this private module.
    f.__module__ = "adaptive_nb.learner.learner1D"
    return f


@_public
@uses_nth_neighbors(0)
def uniform_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Loss that samples the domain uniformly: the interval's (rescaled) width.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The values at ``xs`` (unused).

    Returns
    -------
    float
        ``x_right - x_left``.

    Examples
    --------
    >>> learner = Learner1D(lambda x: x**2, bounds=(-1, 1), loss_per_interval=uniform_loss)
    """
    return float(xs[1] - xs[0])


@_public
@uses_nth_neighbors(0)
def default_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Length of the interval's segment in the rescaled x-y plane.

    For vector-valued functions, the largest such length over the components.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The rescaled values at ``xs``: two floats or two 1D arrays.

    Returns
    -------
    float
        ``hypot(dx, dy)``, maximised over the components.
    """
    dx = float(xs[1] - xs[0])
    y0, y1 = ys
    if isinstance(y0, np.ndarray | list | tuple):
        with np.errstate(all="ignore"):  # inf - inf is NaN, handled by the learner
            dy = np.abs(np.asarray(y1, dtype=float) - np.asarray(y0, dtype=float))
            return float(np.max(np.hypot(dx, dy)))
    return math.hypot(dx, float(y1) - float(y0))


def _log_abs_min(y: Any) -> float:
    a = float(np.min(np.abs(y))) if isinstance(y, np.ndarray | list | tuple) else abs(float(y))
    if a > 0:
        return math.log(a)
    return -_INF if a == 0 else math.nan


@_public
@uses_nth_neighbors(0)
def abs_min_log_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Loss that favours the absolute minimum: ``default_loss`` of ``log(min |y|)``.

    Parameters
    ----------
    xs
        ``(x_left, x_right)``, rescaled.
    ys
        The rescaled values at ``xs``.

    Returns
    -------
    float
        The loss of the interval.
    """
    return default_loss(xs, (_log_abs_min(ys[0]), _log_abs_min(ys[1])))


def _triangle_area(p: Sequence[float], q: Sequence[float], r: Sequence[float]) -> float:
    # Area from Lagrange's identity |u x v|^2 = sum_{i<j} (u_i v_j - u_j v_i)^2, which is
    # accurate for thin triangles (unlike Heron's formula) and works in any dimension.
    u = [b - a for a, b in zip(p, q, strict=True)]
    v = [b - a for a, b in zip(p, r, strict=True)]
    s = 0.0
    for i in range(len(u)):
        for j in range(i + 1, len(u)):
            c = u[i] * v[j] - u[j] * v[i]
            s += c * c
    return 0.5 * math.sqrt(s)


@_public
@uses_nth_neighbors(1)
def triangle_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
    """Mean area of the triangles formed by the interval and its neighbouring points.

    Parameters
    ----------
    xs
        Four rescaled x values: the interval in the middle, one neighbour on each side
        (``None`` at the edges of the domain).
    ys
        The rescaled values at ``xs``.

    Returns
    -------
    float
        The mean triangle area, or the interval's width when there is no neighbour.
    """
    pts: list[list[float]] = []
    for x, y in zip(xs, ys, strict=True):
        if x is None or y is None:
            continue
        if isinstance(y, np.ndarray | list | tuple):
            pts.append([float(x), *(float(c) for c in y)])
        else:
            pts.append([float(x), float(y)])
    if len(pts) == 2:  # no neighbour: no triangle
        return pts[1][0] - pts[0][0]
    n = len(pts) - 2
    return sum(_triangle_area(*pts[i : i + 3]) for i in range(n)) / n


def _check_real(name: str, value: object, *, lower: float = -_INF) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r}."
        raise TypeError(msg)
    v = float(value)
    if math.isnan(v) or v < lower:
        msg = f"{name} must be >= {lower}, got {value!r}."
        raise ValueError(msg)
    return v


@_public
def curvature_loss_function(
    area_factor: Real = 1, euclid_factor: Real = 0.02, horizontal_factor: Real = 0.02
) -> LossFunction:
    """Make a loss that resolves curvature: triangle area plus segment length plus width.

    Parameters
    ----------
    area_factor
        Weight of the square root of :func:`triangle_loss`.
    euclid_factor
        Weight of :func:`default_loss`.
    horizontal_factor
        Weight of the interval's width.

    Returns
    -------
    callable
        A loss function with ``nth_neighbors == 1``.

    Examples
    --------
    >>> loss = curvature_loss_function()
    >>> learner = Learner1D(lambda x: x**3, bounds=(-1, 1), loss_per_interval=loss)
    """
    af = _check_real("area_factor", area_factor, lower=0.0)
    ef = _check_real("euclid_factor", euclid_factor, lower=0.0)
    hf = _check_real("horizontal_factor", horizontal_factor, lower=0.0)

    @uses_nth_neighbors(1)
    def curvature_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        dx = float(xs[2] - xs[1])
        area: float = triangle_loss(xs, ys) ** 0.5
        return af * area + ef * default_loss(xs[1:3], ys[1:3]) + hf * dx

    return curvature_loss


@_public
def resolution_loss_function(min_length: Real = 0, max_length: Real = 1) -> LossFunction:
    """Make a ``default_loss`` that never splits short intervals and always splits long ones.

    Lengths are relative to the width of the bounds (the domain is rescaled to length 1).

    Parameters
    ----------
    min_length
        Intervals narrower than this get loss 0 (never split again).
    max_length
        Intervals wider than this get an infinite loss (split first).

    Returns
    -------
    callable
        A loss function with ``nth_neighbors == 0``.

    Examples
    --------
    >>> loss = resolution_loss_function(min_length=0.01, max_length=0.5)
    >>> learner = Learner1D(lambda x: x**2, bounds=(-1, 1), loss_per_interval=loss)
    """
    lo = _check_real("min_length", min_length, lower=0.0)
    hi = _check_real("max_length", max_length, lower=0.0)
    if lo > hi:
        msg = f"min_length ({min_length!r}) must not exceed max_length ({max_length!r})."
        raise ValueError(msg)

    @uses_nth_neighbors(0)
    def resolution_loss(xs: Sequence[Any], ys: Sequence[Any]) -> float:
        width = uniform_loss(xs, ys)
        if width < lo:
            return 0.0
        if width > hi:
            return _INF
        return default_loss(xs, ys)

    return resolution_loss


_LOSS_FACTORIES = (curvature_loss_function, resolution_loss_function)


def _check_loss(loss: object) -> tuple[LossFunction, int]:
    if loss in _LOSS_FACTORIES:
        name = getattr(loss, "__name__", "the factory")
        msg = (
            f"{name} makes a loss function; pass its result: "
            f"loss_per_interval={name}() (with your parameters)."
        )
        raise TypeError(msg)
    if not callable(loss):
        msg = (
            "loss_per_interval must be a function (xs, ys) -> float, such as "
            f"adaptive_nb.learner.learner1D.default_loss; got {type(loss).__name__}."
        )
        raise TypeError(msg)
    nth = getattr(loss, "nth_neighbors", 0)
    if isinstance(nth, bool) or not isinstance(nth, int) or nth < 0:
        msg = (
            f"loss_per_interval.nth_neighbors must be a non-negative int, got {nth!r}; "
            "set it with the @uses_nth_neighbors(n) decorator."
        )
        raise ValueError(msg)
    try:
        inspect.signature(loss).bind(None, None)
    except TypeError:
        msg = (
            "loss_per_interval must accept two arguments (xs, ys), like the 1D losses in "
            "adaptive_nb.learner.learner1D; a loss for another learner (e.g. a Learner2D loss) "
            "does not work here."
        )
        raise TypeError(msg) from None
    except ValueError:  # no signature (some builtins): trust the caller
        pass
    return loss, nth
