"""Plotting methods of LearnerND: holoviews for 1D/2D views, plotly for 3D.

Both libraries are imported inside the methods (the engine must import without them). plotly is
an optional extra: ``pip install adaptive_nb[plotly]``.
"""

from __future__ import annotations

import itertools
import random
import re
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from adaptive_nb._hooks import in_kernel
from adaptive_nb.learner._holoviews import holoviews_with_backend

if TYPE_CHECKING:
    from scipy import interpolate

    from adaptive_nb.learner.triangulation import Triangulation

__all__ = ["PlotMixin", "ensure_plotly"]

# learner -> (triangulation, number of its vertices, interpolator over them). Building the
# interpolator is cheap, but its first evaluation computes the barycentric transform of every
# simplex (~0.5 s for a few thousand), and plot_slice is called once per frame of a HoloMap. The
# vertices of a triangulation only ever grow and their values never change, so the pair
# (triangulation object, vertex count) identifies its data. Kept outside the learner so that
# pickles and copies of the learner do not carry it.
_INTERPOLATORS: weakref.WeakKeyDictionary[
    PlotMixin, tuple[Triangulation | None, int, interpolate.LinearNDInterpolator]
] = weakref.WeakKeyDictionary()


def ensure_plotly() -> Any:
    """Import plotly (with its figure factory), or explain how to install it.

    Raises
    ------
    ImportError
        If plotly is not installed.
    """
    try:
        import plotly
        import plotly.figure_factory
        import plotly.graph_objs
        import plotly.offline
    except ImportError as e:
        msg = (
            "3D plots of LearnerND (plot_3D, plot_isosurface) need plotly: "
            "pip install adaptive_nb[plotly]"
        )
        raise ImportError(msg) from e
    return plotly


# A plotly renderer registered under this name shows figures offline (see show_figure).
_OFFLINE_RENDERER = "adaptive_nb_offline_html"
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']https?://[^>]*>\s*</script>")


def show_figure(figure: Any) -> None:
    """Display a plotly figure as ``plotly.offline.iplot`` does, but without any network request.

    In a kernel the output carries plotly's own mime type (JupyterLab renders it) and HTML with
    plotly.js inlined (classic Notebook, nbconvert HTML, VS Code), as the reference's output
    does. plotly's notebook renderer also adds a MathJax ``<script src=...>`` from a CDN, which
    fails offline and which our figures (no LaTeX labels) never need, so it is left out. Outside
    a kernel this is ``plotly.offline.iplot``, as in the reference.
    """
    plotly = ensure_plotly()
    if not in_kernel():
        plotly.offline.iplot(figure)
        return
    import plotly.io as pio

    if isinstance(figure, list):  # a list of traces, as iplot accepts
        figure = plotly.graph_objs.Figure(figure)
    if _OFFLINE_RENDERER not in pio.renderers:
        base = type(pio.renderers["notebook"])

        class OfflineNotebookRenderer(base):  # type: ignore[misc, valid-type]
            def to_mimebundle(self, fig_dict: Any) -> dict[str, Any]:
                bundle: dict[str, Any] = super().to_mimebundle(fig_dict)
                bundle["text/html"] = _REMOTE_SCRIPT.sub("", bundle["text/html"])
                return bundle

        pio.renderers[_OFFLINE_RENDERER] = OfflineNotebookRenderer()
    pio.show(figure, renderer=f"plotly_mimetype+{_OFFLINE_RENDERER}")


class PlotMixin:
    """The plotting methods of LearnerND (they only read the learner's state)."""

    ndim: int
    data: dict[tuple[Any, ...], Any]
    _bbox: tuple[tuple[float, float], ...]
    _bounds_points: list[tuple[Any, ...]]
    _transform: np.ndarray[Any, Any]
    _tri: Triangulation | None
    _vvals: list[tuple[float, ...]]

    @property
    def vdim(self) -> int:  # pragma: no cover - provided by LearnerND
        raise NotImplementedError

    def _mesh_points(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        tri = self._tri
        if tri is None:
            return np.empty((0, self.ndim)), np.empty(0)
        vals = np.array(self._vvals, dtype=float)
        if self.vdim == 1:
            vals = vals[:, 0]
        return np.array(tri.vertices, dtype=float), vals

    def _ip(self) -> interpolate.LinearNDInterpolator:
        """Return a scipy ``LinearNDInterpolator`` of the evaluated points inside the bounds.

        The same interpolator is returned until the triangulation changes.
        """
        cached = _INTERPOLATORS.get(self)
        if cached is not None and cached[0] is self._tri and cached[1] == len(self._vvals):
            return cached[2]
        from scipy import interpolate  # heavy: imported when a plot needs it

        pts, vals = self._mesh_points()
        ip = interpolate.LinearNDInterpolator(pts, vals)
        _INTERPOLATORS[self] = (self._tri, len(self._vvals), ip)
        return ip

    def _grid_size(self, n: int | None) -> int:
        if n is not None:
            return n
        tri = self._tri
        if tri is None:
            return 10
        # Boxes about as small as the smallest simplex (an equilateral triangle of area A has
        # side sqrt(4 A / sqrt(3)) ~ A**0.5 / 0.658).
        scale = float(np.prod(np.diag(self._transform)))
        smallest = min(tri.volumes()) * scale
        return max(10, int(0.658 / np.sqrt(smallest)))

    def plot(self, n: int | None = None, tri_alpha: float = 0) -> Any:
        """Plot the interpolated function as an image (2D input, scalar output only).

        Parameters
        ----------
        n
            Number of pixels along each axis (default: from the smallest simplex).
        tri_alpha
            Opacity of the triangulation's edges drawn on top (0 hides them).

        Returns
        -------
        holoviews.Overlay
            An ``Image`` times an ``EdgePaths``.
        """
        hv = holoviews_with_backend()
        if self.vdim > 1:
            msg = "LearnerND.plot shows scalar functions only; plot one component yourself."
            raise NotImplementedError(msg)
        if self.ndim != 2:
            msg = "LearnerND.plot works in 2D only; plot a 2D slice with plot_slice."
            raise NotImplementedError(msg)
        (x0, x1), (y0, y1) = self._bbox
        lbrt = (x0, y0, x1, y1)
        tri = self._tri
        if tri is None or len(tri.vertices) < 4:
            return hv.Image([], bounds=lbrt).opts(cmap="viridis") * hv.EdgePaths([]).opts(
                line_width=0.5, alpha=tri_alpha, tools=[]
            )
        n = self._grid_size(n)
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        z = self._ip()(xs[:, None], ys[None, :]).squeeze()
        im = hv.Image(np.rot90(z), bounds=lbrt)
        if tri_alpha:
            corners = np.array([tri.get_vertices(s) for s in sorted(tri.simplices)], dtype=float)
            loops = np.pad(
                corners[:, [0, 1, 2, 0], :],
                ((0, 0), (0, 1), (0, 0)),
                constant_values=np.nan,
            ).reshape(-1, 2)
            edges = hv.EdgePaths([loops])
        else:
            edges = hv.EdgePaths([])
        return im.opts(cmap="viridis") * edges.opts(line_width=0.5, alpha=tri_alpha, tools=[])

    def plot_slice(self, cut_mapping: dict[int, float], n: int | None = None) -> Any:
        """Plot a 1D or 2D slice of the interpolated function.

        Parameters
        ----------
        cut_mapping
            ``{dimension: value}`` for each fixed dimension, e.g. ``{0: 1.0}`` fixes x = 1.
        n
            Number of samples along each free axis.

        Returns
        -------
        holoviews.Path or holoviews.Image
        """
        hv = holoviews_with_backend()
        free = [i for i in range(self.ndim) if i not in cut_mapping]
        if len(free) == 1:
            if not self.data:
                return hv.Scatter([]) * hv.Path([])
            if self.vdim > 1:
                msg = "plot_slice shows scalar functions only."
                raise NotImplementedError(msg)
            n = n or 201
            axes = [cut_mapping.get(i, np.linspace(*self._bbox[i], n)) for i in range(self.ndim)]
            (ind,) = free
            x = np.asarray(axes[ind])
            y = self._ip()(*axes)
            margin = 0.05 / self._transform[ind, ind]
            return hv.Path((x, y)).redim(x={"range": (x.min() - margin, x.max() + margin)})
        if len(free) == 2:
            if self.vdim > 1:
                msg = "plot_slice shows scalar functions only."
                raise NotImplementedError(msg)
            n = self._grid_size(n)
            unit = np.linspace(0, 1, n)
            grids = [unit[:, None], unit[None, :]]
            axes = [
                cut_mapping[i] if i in cut_mapping else grids.pop(0) * (b[1] - b[0]) + b[0]
                for i, b in enumerate(self._bbox)
            ]
            (left, right), (bottom, top) = (self._bbox[i] for i in free)
            lbrt = (left, bottom, right, top)
            if self._tri is not None and len(self._tri.vertices) >= 4:
                z = self._ip()(*axes).squeeze()
                im = hv.Image(np.rot90(z), bounds=lbrt)
            else:
                im = hv.Image([], bounds=lbrt)
            return im.opts(cmap="viridis")
        msg = f"plot_slice makes 1D or 2D plots: fix all but 1 or 2 of the {self.ndim} dimensions."
        raise ValueError(msg)

    def plot_3D(self, with_triangulation: bool = False, return_fig: bool = False) -> Any:
        """Plot the evaluated points in 3D with plotly, coloured by value.

        Parameters
        ----------
        with_triangulation
            Also draw the edges of the triangulation.
        return_fig
            Return the ``plotly.graph_objs.Figure`` instead of showing it.

        Raises
        ------
        ImportError
            Without plotly (``pip install adaptive_nb[plotly]``).
        """
        plotly = ensure_plotly()
        if self.ndim != 3:
            msg = f"plot_3D needs a 3D learner, this one has {self.ndim} dimensions."
            raise ValueError(msg)
        pts, vals = self._mesh_points()
        traces = []
        tri = self._tri
        if with_triangulation and tri is not None:
            xe: list[Any] = []
            ye: list[Any] = []
            ze: list[Any] = []
            edges = {e for s in tri.simplices for e in itertools.combinations(s, 2)}
            for a, b in sorted(edges):
                for store, k in ((xe, 0), (ye, 1), (ze, 2)):
                    store += [pts[a, k], pts[b, k], None]
            traces.append(
                plotly.graph_objs.Scatter3d(
                    x=xe, y=ye, z=ze, mode="lines",
                    line={"color": "rgb(125,125,125)", "width": 1}, hoverinfo="none",
                )
            )  # fmt: skip
        marker = {
            "symbol": "circle",
            "size": 3,
            "color": vals.tolist() if vals.ndim == 1 else None,
            "colorscale": "Viridis",
            "line": {"color": "rgb(50,50,50)", "width": 0.5},
        }
        traces.append(
            plotly.graph_objs.Scatter3d(
                x=pts[:, 0], y=pts[:, 1], z=pts[:, 2], mode="markers", name="actors",
                marker=marker, hoverinfo="text",
            )
        )  # fmt: skip
        axis = {
            "showbackground": False, "showline": False, "zeroline": False,
            "showgrid": False, "showticklabels": False, "title": "",
        }  # fmt: skip
        layout = plotly.graph_objs.Layout(
            showlegend=False,
            scene={"xaxis": axis, "yaxis": axis, "zaxis": axis},
            margin={"t": 100},
            hovermode="closest",
        )
        fig = plotly.graph_objs.Figure(data=traces, layout=layout)
        if return_fig:
            return fig
        show_figure(fig)
        return None

    def _get_iso(
        self, level: float = 0.0, which: str = "surface"
    ) -> tuple[list[np.ndarray[Any, Any]], list[list[int]]]:
        """Cut the linear interpolant at ``level``: vertices and triangles (3D) or segments (2D)."""
        want = 3 if which == "surface" else 2
        if self.ndim != want or self.vdim != 1:
            kind = "Isosurface" if which == "surface" else "Isoline"
            msg = f"{kind} plotting needs a {want}D input and scalar output."
            raise ValueError(msg)
        pts, vals = self._mesh_points()
        tri = self._tri
        vertices: list[np.ndarray[Any, Any]] = []
        index: dict[tuple[int, int], int] = {}
        pieces: list[list[int]] = []

        def crossing(a: int, b: int) -> int:
            if (a, b) not in index:
                da, db = abs(vals[a] - level), abs(vals[b] - level)
                index[(a, b)] = len(vertices)
                vertices.append((db * pts[a] + da * pts[b]) / (da + db))
            return index[(a, b)]

        for s in sorted(tri.simplices) if tri is not None else []:
            cut: list[int] = []
            for a, b in itertools.combinations(s, 2):
                if min(vals[a], vals[b]) < level <= max(vals[a], vals[b]):
                    vi = crossing(a, b)
                    if not any(np.allclose(vertices[vi], vertices[j]) for j in cut):
                        cut.append(vi)
            if want == 3 and len(cut) == 3:
                pieces.append(cut)
            elif want == 3 and len(cut) == 4:
                pieces += [cut[:3], cut[1:]]
            elif want == 2 and len(cut) == 2:
                pieces.append(cut)
        if not pieces:
            lo = float(np.nanmin(vals)) if len(vals) else float("nan")
            hi = float(np.nanmax(vals)) if len(vals) else float("nan")
            msg = (
                f"Could not draw an iso-{'surface' if want == 3 else 'line'} at level={level}: "
                f"choose a level strictly inside the range of the values ({lo}, {hi})."
            )
            raise ValueError(msg)
        return vertices, pieces

    def plot_isoline(
        self, level: float | Iterable[float] = 0.0, n: int | None = None, tri_alpha: float = 0
    ) -> Any:
        """Plot the contour line(s) at ``level`` over :meth:`plot` (2D only).

        Parameters
        ----------
        level
            One level or several.
        n
            Passed to :meth:`plot`; ``-1`` draws the contour alone.
        tri_alpha
            Passed to :meth:`plot`.
        """
        hv = holoviews_with_backend()
        base = hv.Path([]) if n == -1 else self.plot(n=n, tri_alpha=tri_alpha)
        if isinstance(level, Iterable):
            for lvl in level:
                base = base * self.plot_isoline(level=lvl, n=-1)
            return base
        vertices, lines = self._get_iso(level, which="line")
        contour = hv.Path([[vertices[i], vertices[j]] for i, j in lines]).opts(color="black")
        return base * contour

    def plot_isosurface(self, level: float = 0.0, hull_opacity: float = 0.2) -> Any:
        """Plot the surface where the interpolated function equals ``level`` (3D, plotly).

        Parameters
        ----------
        level
            The function value of the surface.
        hull_opacity
            Opacity of the domain's hull drawn around it (below 1e-3: no hull).

        Raises
        ------
        ImportError
            Without plotly (``pip install adaptive_nb[plotly]``).
        """
        plotly = ensure_plotly()
        vertices, faces = self._get_iso(level, which="surface")
        x, y, z = zip(*vertices, strict=True)
        fig = plotly.figure_factory.create_trisurf(
            x=x, y=y, z=z, plot_edges=False, simplices=faces, title="Isosurface"
        )
        surface = fig.data[0]
        surface.update(lighting=_FLAT_LIGHT)
        if hull_opacity < 1e-3:
            show_figure(fig)
            return None
        show_figure([surface, self._get_hull_mesh(opacity=hull_opacity)])
        return None

    def _get_hull_mesh(self, opacity: float = 0.2) -> Any:
        import scipy.spatial

        plotly = ensure_plotly()
        hull = scipy.spatial.ConvexHull(np.asarray(self._bounds_points, dtype=float))
        rng = random.Random(0)  # colours only; a fixed seed keeps plots reproducible
        colors: list[tuple[int, int, int]] = []
        planes: list[tuple[np.ndarray[Any, Any], tuple[int, int, int]]] = []
        for simplex in hull.simplices:
            p = hull.points[simplex]
            normal = np.cross(p[1] - p[0], p[2] - p[0])
            normal = normal / np.linalg.norm(normal)
            offset = float(normal @ p[0])
            key = np.append(normal, offset)
            same = (
                c
                for k, c in planes
                if np.allclose(k, key, atol=1e-6) or np.allclose(k, -key, atol=1e-6)
            )
            color = next(same, None)
            if color is None:
                color = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
                planes.append((key, color))
            colors.append(color)
        x, y, z = hull.points.T
        i, j, k = hull.simplices.T
        return plotly.graph_objs.Mesh3d(
            x=x, y=y, z=z, i=i, j=j, k=k, facecolor=colors, opacity=opacity, lighting=_FLAT_LIGHT
        )


_FLAT_LIGHT = {"ambient": 1, "diffuse": 1, "roughness": 1, "specular": 0, "fresnel": 0}
