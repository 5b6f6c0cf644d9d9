"""Learner2D's read-only views of its data: the interpolator, grids, arrays and the plot.

A mixin, so that the learner module holds the sampling logic only; it reads ``data``,
``bounds``, ``vdim``, ``xy_mean``, ``xy_scale`` and ``aspect_ratio`` of the learner.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb.learner._holoviews import holoviews_with_backend
from adaptive_nb.learner._loss2d_ip import areas

if TYPE_CHECKING:
    import holoviews
    from scipy.interpolate import LinearNDInterpolator

__all__ = ["Learner2DViews"]

Point = tuple[float, float]


class Learner2DViews:
    """Interpolation, grid, array and plot methods of :class:`~.learner2D.Learner2D`."""

    data: dict[Point, Any]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    xy_mean: np.ndarray[Any, Any]
    aspect_ratio: float

    if TYPE_CHECKING:

        @property
        def vdim(self) -> int: ...

        @property
        def xy_scale(self) -> np.ndarray[Any, Any]: ...

    def _data_in_bounds(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        (x0, x1), (y0, y1) = self.bounds
        keys = [k for k in self.data if x0 <= k[0] <= x1 and y0 <= k[1] <= y1]
        pts = np.array(keys, dtype=float).reshape(len(keys), 2)
        vals = np.array([self.data[k] for k in keys], dtype=float).reshape(len(keys), self.vdim)
        return pts, vals

    def _scale(self, points: Any) -> np.ndarray[Any, Any]:
        return np.asarray((np.asarray(points, dtype=float) - self.xy_mean) / self.xy_scale)

    def _unscale(self, points: Any) -> np.ndarray[Any, Any]:
        return np.asarray(np.asarray(points, dtype=float) * self.xy_scale + self.xy_mean)

    def interpolator(self, *, scaled: bool = False) -> LinearNDInterpolator:
        """Return a scipy ``LinearNDInterpolator`` of the evaluated data inside the bounds.

        Parameters
        ----------
        scaled
            If True, in the rescaled coordinates (bounds mapped to a square of side 1 centred
            at 0); else in the function's own coordinates.

        Returns
        -------
        scipy.interpolate.LinearNDInterpolator
        """
        pts, vals = self._data_in_bounds()
        if len(pts) < 3:
            msg = (
                f"The interpolator needs at least 3 evaluated points inside the bounds, the "
                f"learner has {len(pts)}; run the learner (or tell it points) first."
            )
            raise ValueError(msg)
        if scaled:
            pts = self._scale(pts)
        from scipy.interpolate import LinearNDInterpolator  # heavy (~0.3 s): only when asked

        return LinearNDInterpolator(pts, vals)

    def ip(self) -> LinearNDInterpolator:
        """Return ``learner.interpolator(scaled=True)`` (deprecated, as in the reference)."""
        warnings.warn(
            "`learner.ip()` is deprecated, use `learner.interpolator(scaled=True)`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.interpolator(scaled=True)

    def interpolated_on_grid(
        self, n: int | None = None
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return the linear interpolant on an ``n`` by ``n`` grid over the bounds.

        Parameters
        ----------
        n
            Points per axis; by default enough to resolve the smallest triangle (at least 10).

        Returns
        -------
        xs, ys, zs
            1D grids of x and y and the values, shape (n, n) (or (n, n, vdim)).
        """
        ip = self.interpolator(scaled=True)
        if n is None:
            smallest = float(areas(ip).min())
            n = max(int(0.658 / math.sqrt(smallest)) if smallest > 0 else 10, 10)
        # Stay a hair inside the rescaled square, so the bounds' edges are not outside the hull
        # through rounding.
        eps = 1e-13
        g = np.linspace(-0.5 + eps, 0.5 - eps, n)
        zs = ip(g[:, None], g[None, :] * self.aspect_ratio).squeeze()
        xs, ys = self._unscale(np.column_stack([g, g])).T
        return xs, ys, zs

    def to_numpy(self) -> np.ndarray[Any, Any]:
        """Return the data sorted by (x, y), shape ``(npoints, 2 + vdim)``."""
        items = sorted(self.data.items())
        if not items:
            return np.empty((0, 2 + self.vdim))
        return np.array([(x, y, *np.atleast_1d(z)) for (x, y), z in items], dtype=float)

    def plot(self, n: int | None = None, tri_alpha: float = 0) -> holoviews.Overlay:
        """Plot the linear interpolant on a grid, optionally with the triangles.

        Parameters
        ----------
        n
            Grid points per axis (default: from the smallest triangle).
        tri_alpha
            Opacity of the triangle edges (0: hidden).

        Returns
        -------
        holoviews.Overlay
            ``Image * EdgePaths``; for vector output a ``HoloMap`` of images over the
            components, overlaid with the edges.
        """
        hv = holoviews_with_backend()
        (x0, x1), (y0, y1) = self.bounds
        lbrt = (x0, y0, x1, y1)
        if len(self._data_in_bounds()[0]) >= 4:
            ip = self.interpolator(scaled=True)
            _, _, z = self.interpolated_on_grid(n)
            if self.vdim > 1:
                im = hv.HoloMap(
                    {i: hv.Image(np.rot90(z[:, :, i]), bounds=lbrt) for i in range(z.shape[-1])}
                )
            else:
                im = hv.Image(np.rot90(z), bounds=lbrt)
            if tri_alpha:
                p = self._unscale(ip.tri.points[ip.tri.simplices])
                closed = np.pad(
                    p[:, [0, 1, 2, 0], :], ((0, 0), (0, 1), (0, 0)), constant_values=np.nan
                )
                tris = hv.EdgePaths([closed.reshape(-1, 2)])
            else:
                tris = hv.EdgePaths([])
        else:
            im = hv.Image([], bounds=lbrt)
            tris = hv.EdgePaths([])
        return im.opts(cmap="viridis") * tris.opts(line_width=0.5, alpha=tri_alpha, tools=[])
