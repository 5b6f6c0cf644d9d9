"""Static views of the live widgets, for notebooks read where no kernel runs.

A live widget's output holds only a reference to a model in the kernel
(``application/vnd.jupyter.widget-view+json``), so a saved notebook opened in ``nbconvert``,
nbviewer or GitHub shows nothing, or "Loading widget…". Here each display of a ``LivePlot`` /
``LiveInfo`` is two outputs: the widget's own (the reference, with empty ``text/html`` and
``text/plain``), then a *companion* holding a static rendering of the widget: ``text/html`` (the
status table, or a caption and an inline SVG plot), ``image/svg+xml`` (the plot alone) and
``text/plain``.

Why two outputs: a reader draws one mimetype of each output. nbconvert's HTML exporter (and
nbviewer, which uses it) draws the widget view whenever the notebook's metadata holds saved
widget state for that model (JupyterLab's "save widget state automatically",
``jupyter nbconvert --execute``); the page then needs a widget manager script from a CDN, and
offline that output stays empty. Without saved state it skips the widget view and takes
``text/html``. A fallback in the widget's own output is therefore lost exactly when state was
saved; the companion is drawn in every case.

Which outputs a reader shows:

* JupyterLab, Notebook 7 (and Voila, or an nbconvert page whose widget manager loaded) draw the
  live widget; the widget's stylesheet hides the companion while the widget's root element
  (``.anb-plot`` / ``.anb-info``) is drawn in the same cell's output area (``:has``).
  If the widget is not drawn (no kernel and no saved state, a blocked CDN), the static view
  shows.
* nbconvert, nbviewer and GitHub without a widget manager show the companion; the widget's own
  output draws as an empty ``text/html``.

The companion is published with a ``display_id``; when the widget's poller stops (the run
ended, the plot was stopped, or the poller failed) it is updated, so the saved output holds the
final state (the widget's own output is not touched, so front ends do not redraw the widget).
The update is addressed to the cell that displayed the widget, which JupyterLab and Notebook 7
apply whenever it comes; a copy addressed to the cell executing at that moment serves
``nbclient``, which reads only those (see :func:`_as_the_latest_request`). A run that ends after
nbclient has executed the last cell is saved in the state it had then.

Everything is drawn here from the learner's arrays: an SVG polyline for 1D, a heat map (linear
interpolation, PNG-encoded in pure Python) for 2D, a point cloud coloured by value for ND
projections; no plotting library and no browser are needed.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import html
import math
import struct
import uuid
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from adaptive_nb._status import STATUS_COLORS
from adaptive_nb.notebook._live_plot2d import data_since

__all__ = [
    "PlotPanel",
    "StaticInfoView",
    "StaticPlotView",
    "encode_png",
    "info_bundle",
    "plot_bundle",
    "plot_svg",
]

# Anchors of matplotlib's "viridis" (the live heat map's colour map, js/src/plot/colormap.ts).
_ANCHORS = np.array(
    [
        [68, 1, 84],
        [72, 40, 120],
        [62, 73, 137],
        [49, 104, 142],
        [38, 130, 142],
        [31, 158, 137],
        [53, 183, 121],
        [110, 206, 88],
        [181, 222, 43],
        [253, 231, 37],
    ],
    dtype=float,
)
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_RASTER = 151  # pixels per side of a heat map / point cloud raster (scaled up by the reader)
_MAX_DOTS = 600  # sample points drawn over a heat map (beyond this they hide the map)
_CLASS = "adaptive-nb-static"
_DASH = "\N{EN DASH}"  # an absent value, as the widgets show it
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# -- formatting -----------------------------------------------------------------------------
def fmt_number(value: float | None, digits: int = 4) -> str:
    """Compact number, as the widgets print it: a dash for none, exponent when far from 1."""
    if value is None:
        return _DASH
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{v:.{digits}g}"


def fmt_elapsed(seconds: float) -> str:
    """``h:mm:ss.s`` elapsed time."""
    if not math.isfinite(seconds) or seconds < 0:
        return _DASH
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h)}:{int(m):02d}:{s:04.1f}"


# -- LiveInfo -------------------------------------------------------------------------------
def info_bundle(state: Mapping[str, Any]) -> dict[str, str]:
    """``text/html`` and ``text/plain`` views of a LiveInfo snapshot (its ``_snapshot`` dict)."""
    status = str(state.get("status", "?"))
    color = STATUS_COLORS.get(status, "#777")
    rows = [
        ("elapsed time", fmt_elapsed(float(state.get("elapsed_time", math.nan)))),
        ("points", str(state.get("npoints", _DASH))),
        ("loss", fmt_number(state.get("loss"))),
        ("overhead", f"{fmt_number(state.get('overhead'), 3)} %"),
        ("pending", str(state.get("n_pending", _DASH))),
        ("failed", str(state.get("n_failed", _DASH))),
    ]
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    problems = [state.get("error"), state.get("last_traceback"), state.get("last_save_error")]
    pre = "".join(
        f"<pre style='color:{STATUS_COLORS['failed']};white-space:pre-wrap'>"
        f"{html.escape(str(p))}</pre>"
        for p in problems
        if p
    )
    markup = (
        f"<div class='{_CLASS} {_CLASS}-info'>"
        f"<div><b>runner status:</b> <span class='{_CLASS}-status' "
        f"style='color:#fff;background:{color};padding:0 .5em;border-radius:3px'>"
        f"{html.escape(status)}</span></div>"
        f"<table>{cells}</table>{pre}"
        f"<div style='color:#777;font-size:smaller'>static view of runner.live_info(), "
        "saved with the notebook</div></div>"
    )
    plain = f"runner status: {status}; " + "; ".join(f"{k}: {v}" for k, v in rows)
    return {"text/html": markup, "text/plain": plain}


# -- LivePlot: data -------------------------------------------------------------------------
@dataclass(frozen=True)
class PlotPanel:
    """What one panel of a static plot shows.

    ``points`` has shape ``(n,)`` for one input dimension or ``(n, d)``; ``values`` ``(n,)`` or
    ``(n, vdim)``. ``kind`` is ``"1d"``, ``"2d"``, ``"nd"`` or ``"unsupported"``.
    """

    title: str
    kind: str
    points: np.ndarray[Any, Any]
    values: np.ndarray[Any, Any]


def panel_of(title: str, kind: str, leaf: Any | None) -> PlotPanel:
    """Read every point of ``leaf`` (a learner with ``data_since``) into a :class:`PlotPanel`."""
    method = None if leaf is None else data_since(leaf)
    if method is None:
        empty = np.empty(0)
        return PlotPanel(title, "unsupported", empty, empty)
    points, values = method(0)
    return PlotPanel(title, kind, np.asarray(points, float), np.asarray(values, float))


# -- LivePlot: drawing ----------------------------------------------------------------------
def encode_png(rgba: np.ndarray[Any, Any]) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 RGBA array as a PNG file (zlib only, no imaging library)."""
    h, w, _ = rgba.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, 4 * w)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _colors(t: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """RGB (uint8) of values ``t`` in [0, 1] on the viridis anchors."""
    pos = np.clip(t, 0, 1) * (len(_ANCHORS) - 1)
    k = np.minimum(pos.astype(int), len(_ANCHORS) - 2)
    f = (pos - k)[..., None]
    rgb: np.ndarray[Any, Any] = np.rint(_ANCHORS[k] * (1 - f) + _ANCHORS[k + 1] * f)
    return rgb.astype(np.uint8)


def _hex(rgb: Sequence[int]) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb)


def _span(lo: float, hi: float) -> tuple[float, float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    if hi > lo:
        return lo, hi
    pad = abs(lo) * 0.05 or 0.5
    return lo - pad, hi + pad


@dataclass(frozen=True)
class _Frame:
    """Placement of one panel's plot area inside the SVG, and its data ranges."""

    x0: float
    y0: float
    w: float
    h: float
    xr: tuple[float, float]
    yr: tuple[float, float]

    def sx(self, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return self.x0 + (x - self.xr[0]) / (self.xr[1] - self.xr[0]) * self.w

    def sy(self, y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return self.y0 + self.h - (y - self.yr[0]) / (self.yr[1] - self.yr[0]) * self.h

    def axes(self, xlabel: str, ylabel: str) -> str:
        right, bottom = self.x0 + self.w, self.y0 + self.h
        out = [
            f"<rect x='{self.x0:.1f}' y='{self.y0:.1f}' width='{self.w:.1f}' "
            f"height='{self.h:.1f}' fill='none' stroke='#888'/>"
        ]
        for x, anchor in ((self.x0, "start"), (right, "end")):
            value = self.xr[0] if x == self.x0 else self.xr[1]
            out.append(
                f"<text x='{x:.1f}' y='{bottom + 13:.1f}' text-anchor='{anchor}'>"
                f"{fmt_number(value)}</text>"
            )
        for y, value in ((bottom, self.yr[0]), (self.y0 + 9, self.yr[1])):
            out.append(
                f"<text x='{self.x0 - 4:.1f}' y='{y:.1f}' text-anchor='end'>"
                f"{fmt_number(value)}</text>"
            )
        out.append(
            f"<text x='{self.x0 + self.w / 2:.1f}' y='{bottom + 13:.1f}' "
            f"text-anchor='middle'>{html.escape(xlabel)}</text>"
        )
        out.append(
            f"<text x='{self.x0 - 4:.1f}' y='{self.y0 + self.h / 2:.1f}' "
            f"text-anchor='end'>{html.escape(ylabel)}</text>"
        )
        return "".join(out)


def _envelope(
    x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], columns: int
) -> np.ndarray[Any, Any]:
    """Return the indices (into x sorted) of each pixel column's lowest and highest point.

    A polyline through them looks the same as one through every point, at a size bounded by
    the plot's width instead of the number of points.
    """
    col = np.clip((x - x[0]) / ((x[-1] - x[0]) or 1.0) * columns, 0, columns).astype(int)
    by_col_then_y = np.lexsort((y, col))
    starts = np.flatnonzero(np.r_[True, np.diff(col[by_col_then_y]) != 0])
    ends = np.r_[starts[1:], len(col)] - 1
    return np.unique(np.concatenate([by_col_then_y[starts], by_col_then_y[ends]]))


def _polyline(frame: _Frame, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], color: str) -> str:
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if len(x) > 4 * frame.w:
        keep = _envelope(x, y, int(frame.w))
        x, y = x[keep], y[keep]
    coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(frame.sx(x), frame.sy(y), strict=True))
    out = f"<polyline points='{coords}' fill='none' stroke='{color}' stroke-width='1.5'/>"
    if 0 < len(x) <= 300:  # the samples themselves, while they are few enough to tell apart
        out += "".join(
            f"<circle cx='{a:.1f}' cy='{b:.1f}' r='2' fill='{color}'/>"
            for a, b in zip(frame.sx(x), frame.sy(y), strict=True)
        )
    return out


def _finite_range(a: np.ndarray[Any, Any]) -> tuple[float, float]:
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return _span(math.nan, math.nan)
    return _span(float(finite.min()), float(finite.max()))


def _panel_1d(panel: PlotPanel, frame_box: tuple[float, float, float, float]) -> str:
    x = panel.points.reshape(-1)
    ys = panel.values.reshape(len(x), -1) if len(x) else np.empty((0, 1))
    frame = _Frame(*frame_box, _finite_range(x), _finite_range(ys))
    lines = "".join(
        _polyline(frame, x, ys[:, j], _PALETTE[j % len(_PALETTE)]) for j in range(ys.shape[1])
    )
    return frame.axes("x", "y") + lines


def _heat_raster(
    points: np.ndarray[Any, Any], z: np.ndarray[Any, Any], frame: _Frame, zr: tuple[float, float]
) -> np.ndarray[Any, Any]:
    """RGBA raster of the linear interpolation of ``z`` (transparent outside the hull)."""
    from scipy.spatial import Delaunay, QhullError

    try:
        simplices = Delaunay(points).simplices
    except (QhullError, ValueError):  # fewer than 3 points, or all on a line
        return _cloud_raster(points, z, frame, zr)
    grid = _fill_triangles(_pixels(points, frame)[simplices], z[simplices], _RASTER)
    if grid is None:
        return _cloud_raster(points, z, frame, zr)
    rgba = np.zeros((_RASTER, _RASTER, 4), np.uint8)
    ok = np.isfinite(grid)
    rgba[ok, :3] = _colors((grid[ok] - zr[0]) / (zr[1] - zr[0]))
    rgba[ok, 3] = 255
    return rgba


def _pixels(points: np.ndarray[Any, Any], frame: _Frame) -> np.ndarray[Any, Any]:
    """``points`` in raster coordinates: (column, row), rows downwards, pixel i spans [i, i+1)."""
    col = (points[:, 0] - frame.xr[0]) / (frame.xr[1] - frame.xr[0]) * _RASTER
    row = (frame.yr[1] - points[:, 1]) / (frame.yr[1] - frame.yr[0]) * _RASTER
    return np.column_stack([col, row])


def _fill_triangles(
    corners: np.ndarray[Any, Any], values: np.ndarray[Any, Any], n: int
) -> np.ndarray[Any, Any] | None:
    """Rasterize triangles (``corners`` ``(m, 3, 2)`` in pixels) with linearly interpolated values.

    Every pixel centre inside a triangle's bounding box is a candidate, and the barycentric
    coordinates of all candidates are computed at once, so the cost is the pixels plus the
    triangles. (scipy's find_simplex was found to take seconds on Learner2D's point sets, whose
    dyadic grid puts many query points on edges.) None when the candidates would be too many.
    """
    lo = np.clip(np.floor(corners.min(axis=1) - 0.5), 0, n - 1).astype(int)
    hi = np.clip(np.ceil(corners.max(axis=1) - 0.5), 0, n - 1).astype(int)
    width = hi[:, 0] - lo[:, 0] + 1
    count = width * (hi[:, 1] - lo[:, 1] + 1)
    if count.sum() > 50 * n * n:
        return None
    tri = np.repeat(np.arange(len(corners)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    col = lo[tri, 0] + offset % width[tri]
    row = lo[tri, 1] + offset // width[tri]
    a, b, c = (corners[tri, k] for k in range(3))
    v0, v1 = b - a, c - a
    px, py = col + 0.5 - a[:, 0], row + 0.5 - a[:, 1]
    det = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        l1 = (px * v1[:, 1] - v1[:, 0] * py) / det
        l2 = (v0[:, 0] * py - px * v0[:, 1]) / det
    l0 = 1 - l1 - l2
    eps = -1e-9
    inside = (det != 0) & (l0 >= eps) & (l1 >= eps) & (l2 >= eps)
    vals = values[tri]
    grid = np.full((n, n), np.nan)
    grid[row[inside], col[inside]] = (
        l0[inside] * vals[inside, 0] + l1[inside] * vals[inside, 1] + l2[inside] * vals[inside, 2]
    )
    return grid


def _cloud_raster(
    points: np.ndarray[Any, Any], z: np.ndarray[Any, Any], frame: _Frame, zr: tuple[float, float]
) -> np.ndarray[Any, Any]:
    """RGBA raster with a 3x3-pixel dot per point, coloured by value (later points on top)."""
    rgba = np.zeros((_RASTER, _RASTER, 4), np.uint8)
    col = np.rint((points[:, 0] - frame.xr[0]) / (frame.xr[1] - frame.xr[0]) * (_RASTER - 1))
    row = np.rint((frame.yr[1] - points[:, 1]) / (frame.yr[1] - frame.yr[0]) * (_RASTER - 1))
    color = _colors((z - zr[0]) / (zr[1] - zr[0]))
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            r = np.clip(row + dr, 0, _RASTER - 1).astype(int)
            c = np.clip(col + dc, 0, _RASTER - 1).astype(int)
            rgba[r, c, :3] = color
            rgba[r, c, 3] = 255
    return rgba


def _colorbar(x: float, y: float, h: float, zr: tuple[float, float], uid: str) -> str:
    stops = "".join(
        f"<stop offset='{i / (len(_ANCHORS) - 1):.3f}' stop-color='{_hex(c)}'/>"
        for i, c in enumerate(_ANCHORS)
    )
    return (
        f"<defs><linearGradient id='{uid}' x1='0' y1='1' x2='0' y2='0'>{stops}"
        "</linearGradient></defs>"
        f"<rect x='{x:.1f}' y='{y:.1f}' width='10' height='{h:.1f}' fill='url(#{uid})'/>"
        f"<text x='{x + 13:.1f}' y='{y + 9:.1f}'>{fmt_number(zr[1])}</text>"
        f"<text x='{x + 13:.1f}' y='{y + h:.1f}'>{fmt_number(zr[0])}</text>"
    )


def _panel_2d(panel: PlotPanel, frame_box: tuple[float, float, float, float], uid: str) -> str:
    x0, y0, w, h = frame_box
    w -= 60  # room for the colour bar
    if len(panel.points) == 0:
        pts, z = np.empty((0, 2)), np.empty(0)
    else:
        pts = panel.points.reshape(len(panel.points), -1)
        z = panel.values.reshape(len(pts), -1)[:, 0]  # the first output of a vector function
        ok = np.isfinite(z) & np.all(np.isfinite(pts), axis=1)
        pts, z = pts[ok], z[ok]
    xr = _finite_range(pts[:, 0]) if len(pts) else _span(math.nan, math.nan)
    yr = _finite_range(pts[:, 1]) if len(pts) else _span(math.nan, math.nan)
    frame = _Frame(x0, y0, w, h, xr, yr)
    zr = _finite_range(z)
    out = [frame.axes("x0", "x1")]
    if len(pts):
        heat = panel.kind == "2d" and pts.shape[1] == 2
        raster = _heat_raster(pts, z, frame, zr) if heat else _cloud_raster(pts, z, frame, zr)
        png = base64.b64encode(encode_png(raster)).decode("ascii")
        out.append(
            f"<image x='{x0:.1f}' y='{y0:.1f}' width='{w:.1f}' height='{h:.1f}' "
            f"preserveAspectRatio='none' href='data:image/png;base64,{png}'/>"
        )
        if heat:  # where the learner sampled, as in the live view's optional mesh
            step = max(1, len(pts) // _MAX_DOTS)
            xs, ys = frame.sx(pts[::step, 0]), frame.sy(pts[::step, 1])
            dots = "".join(
                f"<circle cx='{a:.0f}' cy='{b:.0f}' r='1'/>" for a, b in zip(xs, ys, strict=True)
            )
            out.append(f"<g fill='#000' fill-opacity='.35'>{dots}</g>")
    out.append(_colorbar(x0 + w + 8, y0, h, zr, uid))
    return "".join(out)


def plot_svg(panels: Sequence[PlotPanel], *, width: int = 600, height: int = 320) -> str:
    """One SVG with a panel per learner (small multiples for several).

    Parameters
    ----------
    panels
        What to draw; an empty sequence gives an empty frame.
    width, height
        Size of a single panel; with several, each is scaled down to fit three per row.
    """
    n = max(1, len(panels))
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    pw, ph = (width, height) if n == 1 else (width * 0.6, height * 0.75)
    left, top, right, bottom = 70.0, 22.0, 16.0, 24.0
    uid = f"cb{uuid.uuid4().hex[:8]}"  # gradient ids are global to the page
    body = []
    for i, panel in enumerate(panels):
        ox, oy = (i % ncols) * pw, (i // ncols) * ph
        box = (ox + left, oy + top, pw - left - right, ph - top - bottom)
        if panel.title:
            body.append(
                f"<text x='{ox + left:.1f}' y='{oy + 14:.1f}' font-weight='bold'>"
                f"{html.escape(panel.title)}</text>"
            )
        if panel.kind == "1d":
            body.append(_panel_1d(panel, box))
        elif panel.kind in {"2d", "nd"}:
            body.append(_panel_2d(panel, box, f"{uid}-{i}"))
        else:
            body.append(
                f"<text x='{box[0]:.1f}' y='{box[1] + 20:.1f}'>no static view for this learner"
                "</text>"
            )
    w, h = ncols * pw, nrows * ph
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w:.0f}' height='{h:.0f}' "
        f"viewBox='0 0 {w:.0f} {h:.0f}' font-family='sans-serif' font-size='11' "
        f"class='{_CLASS}-plot'>" + "".join(body) + "</svg>"
    )


def plot_bundle(panels: Sequence[PlotPanel] | None, caption: str) -> dict[str, str]:
    """Mimebundle of a static plot: HTML (caption + inline SVG), SVG alone, plain text.

    ``panels=None`` (a plot drawn by a custom plotter) gives the caption only.
    """
    text = f"{caption} (static view of runner.live_plot(), saved with the notebook)"
    caption_html = f"<div style='color:#555;font-size:smaller'>{html.escape(text)}</div>"
    if panels is None:
        return {"text/html": f"<div class='{_CLASS}'>{caption_html}</div>", "text/plain": text}
    svg = plot_svg(panels)
    return {
        "text/html": f"<div class='{_CLASS}'>{svg}{caption_html}</div>",
        "image/svg+xml": svg,
        "text/plain": text,
    }


# -- the widgets' side ----------------------------------------------------------------------
@contextlib.contextmanager
def _as_the_latest_request() -> Iterator[bool]:
    """Publish, inside the block, as a reply to the latest execute request (if another one).

    A poller task keeps the parent header of the cell that created it (ipykernel holds it in a
    context variable), so its display update is addressed to that cell. JupyterLab applies it
    whenever it arrives, but nbclient (``jupyter nbconvert --execute``, papermill) only reads
    messages addressed to the cell it is executing, and drops the rest: a notebook that shows
    the widgets in one cell and awaits the run in the next would be saved with the first state.
    Sending the update a second time, addressed to the latest request, reaches it. A front end
    applies an update to the outputs that carry its display id, so the copy changes nothing else.
    This reads two private attributes of ipykernel's display publisher; without them (another
    kernel, another ipykernel) it yields False and nothing is sent twice.
    """
    from IPython import get_ipython

    pub = getattr(get_ipython(), "display_pub", None)
    var = getattr(pub, "_parent_header", None)
    latest = getattr(pub, "_parent_header_global", None)
    if not isinstance(var, contextvars.ContextVar) or not isinstance(latest, dict):
        yield False
        return
    own = var.get({})
    if not latest or latest.get("msg_id") == own.get("msg_id"):
        yield False
        return
    token = var.set(latest)  # in this task's own context only
    try:
        yield True
    finally:
        var.reset(token)


def _hide_when_drawn(root: str) -> str:
    """CSS that hides the static view of widget ``anb-<root>`` where that widget is drawn live.

    It is the live widget's own stylesheet (anywidget's ``_css``), so it is in a page exactly
    where a widget manager runs the widget: JupyterLab, Notebook 7, Voila, an nbconvert page whose
    widget manager loaded. ``:has`` then looks at the drawn DOM: the static view hides while its
    widget's root element is drawn in the same cell's output area (Lab's classes, and classic
    Notebook / nbconvert-classic ones), and shows where it is not (a static page; a widget manager
    that failed or was blocked; no kernel and no saved state). It shows as well under a widget
    that ipywidgets marks disconnected (``.jupyter-widgets-disconnected``: restored from saved
    widget state on a kernel that does not have it, or after a kernel restart), because such a
    widget has its settings but not its points (those travel as messages, not as state).
    A ``<style>`` in the static view itself would work as well, except where HTML is sanitized:
    nbconvert ``--sanitize-html`` prints an escaped ``<style>`` as text.
    """
    view = f"{_CLASS}-for-{root}"
    live = f".anb-{root}:not(.jupyter-widgets-disconnected *)"
    return (
        f".jp-OutputArea:has({live}) > .jp-OutputArea-child:has(.{view}),"
        f".output:has({live}) > .output_area:has(.{view}),"
        f".{view}:is(.jp-OutputArea:has({live}) *, .output:has({live}) *)"
        "{display:none}"
    )


class _StaticView:
    """Mixin: display the widget, then its static view; refresh the latter when polling stops.

    A live widget is shown as two outputs. The first holds the widget's own mimebundle (the
    widget-view reference, and an empty ``text/html`` / ``text/plain`` so a reader without
    widgets draws nothing for it). The second, its *companion*, holds the static view. They are
    two outputs because a reader draws one mimetype per output: nbconvert (and nbviewer) draws
    the widget view whenever the notebook's metadata holds saved widget state (JupyterLab's
    "save widget state", ``nbconvert --execute``), and that view stays empty unless a widget
    manager script loads from a CDN. The companion is drawn everywhere, and the widget's
    stylesheet hides it where the widget is drawn next to it (see :func:`_hide_when_drawn`).
    """

    _static_display_id: str | None = None
    _live_root = ""  # the class suffix of the live widget's root element (``anb-<suffix>``)
    _css: str  # anywidget's stylesheet, ``_hide_when_drawn(_live_root)``, set by subclasses

    def _static_bundle(self) -> dict[str, str]:
        raise NotImplementedError

    def _live_bundle(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Return the widget's own mimebundle, without its repr, or None once it is closed."""
        live = getattr(self, "_repr_mimebundle_", None)  # None once the widget is closed
        own = live() if live is not None else None
        if not own:
            return None
        data, metadata = (dict(own[0]), dict(own[1])) if isinstance(own, tuple) else (own, {})
        data = {k: v for k, v in data.items() if k == _WIDGET_VIEW}
        if not data:
            return None
        data.update({"text/html": "", "text/plain": ""})  # the companion shows the state
        return data, metadata

    def _companion_bundle(self) -> dict[str, str]:
        """Return the static view, marked for :func:`_hide_when_drawn`."""
        bundle = self._static_bundle()
        view = f"{_CLASS}-for-{self._live_root}"
        bundle["text/html"] = f"<div class='{view}'>{bundle['text/html']}</div>"
        return bundle

    def _ipython_display_(self) -> None:
        """Display the widget, then its static view (with a display id, for the last update)."""
        from IPython.display import display

        if self._static_display_id is None:
            self._static_display_id = f"adaptive-nb-{uuid.uuid4().hex}"
        own = self._live_bundle()
        if own is not None:
            display(own[0], raw=True, metadata=own[1])  # type: ignore[no-untyped-call]
        bundle = self._companion_bundle()
        display(bundle, raw=True, display_id=self._static_display_id)  # type: ignore[no-untyped-call]

    def _static_refresh(self) -> None:
        """Update every display of this widget's static view to its current state (never raises).

        Only the companion output changes; the live widget's own output is left alone, so a
        front end does not redraw the widget.
        """
        if self._static_display_id is None:
            return  # never displayed: nothing to update
        from IPython.display import update_display

        try:
            bundle = self._companion_bundle()
            update_display(bundle, raw=True, display_id=self._static_display_id)  # type: ignore[no-untyped-call]
            with _as_the_latest_request() as other:
                if other:
                    update_display(bundle, raw=True, display_id=self._static_display_id)  # type: ignore[no-untyped-call]
        except Exception as exc:  # a failed fallback must not hide the live widget's own state
            show = getattr(self, "_show_error", None)
            if show is not None:
                show(f"static view failed: {exc!r}")


class StaticInfoView(_StaticView):
    """The static view of a ``LiveInfo`` (reads its ``_snapshot``)."""

    _snapshot: dict[str, Any]
    _live_root = "info"
    _css = _hide_when_drawn(_live_root)

    def _static_bundle(self) -> dict[str, str]:
        return info_bundle(self._snapshot)


class StaticPlotView(_StaticView):
    """The static view of a ``LivePlot`` (reads its learners and panel list)."""

    _leaves: list[Any | None]
    _panels: list[dict[str, Any]]
    _mode: str
    _status: str
    runner: Any
    _live_root = "plot"
    _css = _hide_when_drawn(_live_root)

    def _static_bundle(self) -> dict[str, str]:
        learner = self.runner.learner
        status = self.runner.status()
        npoints = getattr(learner, "npoints", None)
        what = type(learner).__name__ + ("" if npoints is None else f", {npoints} points")
        caption = f"live_plot of {what}, runner {status}"
        if str(getattr(self, "_status", "")).startswith(("live plot stopped", "stopped")):
            caption += f" ({self._status})"  # stopped before the runner ended
        if self._mode != "canvas":
            return plot_bundle(None, caption + "; the plotter's figure needs a running kernel")
        panels = [
            panel_of(str(meta.get("title", "")), str(meta.get("kind", "")), leaf)
            for meta, leaf in zip(self._panels, self._leaves, strict=True)
        ]
        return plot_bundle(panels, caption)
