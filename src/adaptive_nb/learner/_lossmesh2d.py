"""The sampled points of a Learner2D as a triangulation whose triangles carry losses.

:class:`LossMesh2D` joins three things: the Delaunay triangulation of the points in rescaled
coordinates (:class:`~adaptive_nb.learner._mesh2d.Mesh2D`), per-vertex values and gradient
estimates, and per-triangle losses in a binary heap (:mod:`adaptive_nb.learner._loss2d`).

Invariants (checked by :meth:`LossMesh2D.check`):

* vertex ``v`` is the data key ``vkey[v]``; vertices 0-3 are the corners of the bounds, the
  others are evaluated ("real") or pending points inside the bounds. A pending vertex (and a
  corner without a value) holds a provisional value, interpolated linearly where it was placed
  (zero before any value is known).
* ``tkey[t]`` is triangle ``t``'s heap entry ``(-loss, ax, ay, bx, by, cx, cy, t)`` with the
  vertices sorted by (x, y): ties between equal losses go to the triangle that sorts first, a
  rule that depends on geometry only. ``heap`` (a
  :class:`~adaptive_nb.learner._lazyheap.LazyHeap`) represents every triangle by ``tkey[t]`` or
  by a bound for it (same geometry, larger loss), swapped when it surfaces; other entries are
  garbage, skipped when they surface and collected a little at every refresh, so no tell pays
  for the whole heap. ``rheap`` does the same for the triangles whose vertices are all real.
* With no pending points, every loss equals what :meth:`LossMesh2D.recompute_all` computes from
  scratch, bit for bit (so the state is a function of the data, not of its history).

A new point changes the gradients of itself and its neighbours, hence the losses of the
triangles touching those: a few dozen triangles per point, whatever the size of the mesh.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner._lazyheap import LazyHeap
from adaptive_nb.learner._loss2d import (
    LocalKind,
    default_loss_scalar,
    edge_error,
    grad_bulk,
    grad_one,
    grad_one_scalar,
    loss_bulk,
    loss_one,
    plane_gradient,
    quantized_scale,
    sort_rows_xy,
)
from adaptive_nb.learner._mesh2d import DuplicatePointError, Mesh2D

__all__ = ["LossMesh2D"]

_INF = math.inf
Point = tuple[float, float]


class LossMesh2D:
    """Triangulated points with per-triangle losses.

    Parameters
    ----------
    corners
        The four corners of the bounds as data keys, in the order (x0, y0), (x0, y1),
        (x1, y0), (x1, y1).
    mean, scale
        Rescaling of data coordinates: ``(p - mean) / scale``.
    kind
        The local loss (see :data:`~adaptive_nb.learner._loss2d.LocalKind`), or None to keep
        no losses (a custom loss is evaluated elsewhere).
    ncomp
        Number of output components.
    """

    def __init__(
        self,
        corners: Sequence[Point],
        mean: Point,
        scale: Point,
        kind: LocalKind | None,
        ncomp: int,
    ) -> None:
        self.mean = mean
        self.scale = scale
        self.kind = kind
        (x0, y0), _, _, (x1, y1) = corners
        sx0, sy0 = self.scale_xy(x0, y0)
        sx1, sy1 = self.scale_xy(x1, y1)
        self.mesh = Mesh2D(sx0, sx1, sy0, sy1)
        self.vkey: list[Point] = list(corners)
        self.vid: dict[Point, int] = {p: i for i, p in enumerate(corners)}
        self.vreal: list[bool] = [False] * 4
        self.vals: list[list[float]] = [[0.0] * 4 for _ in range(ncomp)]
        self.gx: list[list[float]] = [[0.0] * 4 for _ in range(ncomp)]
        self.gy: list[list[float]] = [[0.0] * 4 for _ in range(ncomp)]
        self.tkey: list[Any] = [None] * self.mesh.ntriangles
        self.heap = LazyHeap([], self.mesh.ntriangles)
        self.rheap = LazyHeap([], self.mesh.ntriangles)
        self.parent: dict[int, float] = {}  # pending vertex -> loss of where it was put
        self.lo: list[float] = [_INF] * ncomp
        self.hi: list[float] = [-_INF] * ncomp
        self.qscale = 1.0
        self.inv_scale = 1.0
        for t in range(self.mesh.ntriangles):
            self._set_loss(t)

    def scale_xy(self, x: float, y: float) -> Point:
        """Map data coordinates to mesh coordinates."""
        return (x - self.mean[0]) / self.scale[0], (y - self.mean[1]) / self.scale[1]

    def unscale_xy(self, x: float, y: float) -> Point:
        """Map mesh coordinates to data coordinates."""
        return x * self.scale[0] + self.mean[0], y * self.scale[1] + self.mean[1]

    @property
    def ncomp(self) -> int:
        """Number of output components."""
        return len(self.vals)

    def set_ncomp(self, ncomp: int) -> None:
        """Change the number of components; only while no vertex has a real value."""
        nv = len(self.vkey)
        self.vals = [[0.0] * nv for _ in range(ncomp)]
        self.gx = [[0.0] * nv for _ in range(ncomp)]
        self.gy = [[0.0] * nv for _ in range(ncomp)]
        self.lo = [_INF] * ncomp
        self.hi = [-_INF] * ncomp

    # ---------------------------------------------------------------- vertices ---

    def insert(self, key: Point, hint: int = -1) -> int | None:
        """Insert the data point ``key`` (inside the bounds, new) as a pending vertex.

        Returns the vertex, or None if it coincides with a vertex after rescaling (it is then
        not meshed; the caller keeps it in ``data`` only).
        """
        mesh = self.mesh
        px, py = self.scale_xy(*key)
        try:
            t, where = mesh.locate(px, py, hint)
        except DuplicatePointError:
            return None
        a, b, c = mesh.triangle(t)
        vals = self._interpolate(px, py, (a, b, c) if where < 0 else mesh.edge(t, where))
        # For the real loss, a pending point stands for the loss of the region it was placed
        # in until its value arrives.
        parent = self._loss_of(t)
        touched = [a, b, c]
        if where >= 0:
            u = mesh.tn[3 * t + where]
            if u >= 0:
                parent = max(parent, self._loss_of(u))
                touched += mesh.triangle(u)
        for w in touched:
            parent = max(parent, self.parent.get(w, 0.0))
        v = mesh.insert(px, py, t, where)
        self.vkey.append(key)
        self.vid[key] = v
        self.vreal.append(False)
        for k, val in enumerate(vals):
            self.vals[k].append(val)
            self.gx[k].append(0.0)
            self.gy[k].append(0.0)
        self.parent[v] = parent
        self.tkey.extend([None] * (mesh.ntriangles - len(self.tkey)))
        self.heap.grow(mesh.ntriangles)
        self.rheap.grow(mesh.ntriangles)
        self.refresh(v, full=False)
        return v

    def _interpolate(self, px: float, py: float, verts: Sequence[int]) -> list[float]:
        """Linear interpolation at (px, py) in a triangle, or on an edge (two vertices).

        The vertices are taken in (x, y) order, so the result does not depend on how the mesh
        happens to store them (nor, for a point on an edge, on which side it was located).
        """
        xs, ys = self.mesh.x, self.mesh.y
        vs = sorted(verts, key=lambda v: (xs[v], ys[v]))
        if len(vs) == 2:
            a, b = vs
            wa = math.hypot(xs[b] - px, ys[b] - py)
            wb = math.hypot(xs[a] - px, ys[a] - py)
            s = wa + wb
            return [(wa * col[a] + wb * col[b]) / s for col in self.vals]
        a, b, c = vs
        wa = abs((xs[b] - px) * (ys[c] - py) - (ys[b] - py) * (xs[c] - px))
        wb = abs((xs[c] - px) * (ys[a] - py) - (ys[c] - py) * (xs[a] - px))
        wc = abs((xs[a] - px) * (ys[b] - py) - (ys[a] - py) * (xs[b] - px))
        s = wa + wb + wc
        if not s > 0:
            return [((col[a] + col[b]) + col[c]) / 3 for col in self.vals]
        return [((wa * col[a] + wb * col[b]) + wc * col[c]) / s for col in self.vals]

    def _loss_of(self, t: int) -> float:
        entry = self.tkey[t]
        return 0.0 if entry is None else float(-entry[0])

    def set_real(self, v: int, comps: Sequence[float], *, replaced: bool = False) -> None:
        """Give vertex ``v`` its evaluated value; ``replaced`` if it had a real value before."""
        self.parent.pop(v, None)
        self.vreal[v] = True
        for k, val in enumerate(comps):
            self.vals[k][v] = val
        before = self.qscale
        if replaced:  # the range may shrink: rescan it
            self.lo = [_INF] * self.ncomp
            self.hi = [-_INF] * self.ncomp
            for i, r in enumerate(self.vreal):
                if r:
                    self._widen([col[i] for col in self.vals])
        else:
            self._widen(comps)
        self.qscale = quantized_scale(
            max((h - lo for lo, h in zip(self.lo, self.hi, strict=True) if h >= lo), default=0.0)
        )
        self.inv_scale = 1.0 / self.qscale
        if self.qscale != before:
            self.recompute_all()
        else:
            self.refresh(v)

    def _widen(self, comps: Sequence[float]) -> None:
        for k, val in enumerate(comps):
            if val - val != 0.0:  # NaN or inf: not part of the scale
                continue
            self.lo[k] = min(self.lo[k], val)
            self.hi[k] = max(self.hi[k], val)

    # ------------------------------------------------------------------ losses ---

    def _grad(self, v: int) -> list[int]:
        """Recompute the gradient estimate at vertex ``v``; return the triangles around it."""
        mesh = self.mesh
        tris, nbrs = mesh.fan(v)
        xs, ys = mesh.x, mesh.y
        vals = self.vals
        if len(vals) == 1:
            col = vals[0]
            own = col[v]
            if own - own != 0.0:
                self.gx[0][v] = self.gy[0][v] = 0.0
                return tris
            items1 = [(xs[w], ys[w], col[w]) for w in nbrs if col[w] - col[w] == 0.0]
            items1.sort()
            self.gx[0][v], self.gy[0][v] = grad_one_scalar(xs[v], ys[v], own, items1)
            return tris
        nc = len(vals)
        owns = [c[v] for c in vals]
        if not all(map(math.isfinite, owns)):
            gx, gy = [0.0] * nc, [0.0] * nc
        else:
            items = []
            for w in nbrs:
                vw = [c[w] for c in vals]
                if all(map(math.isfinite, vw)):
                    items.append((xs[w], ys[w], vw))
            items.sort(key=lambda it: (it[0], it[1]))
            gx, gy = grad_one(xs[v], ys[v], owns, items)
        for k in range(nc):
            self.gx[k][v] = gx[k]
            self.gy[k][v] = gy[k]
        return tris

    def _set_loss(self, t: int) -> None:
        kind = self.kind
        if kind is None:
            return
        mesh = self.mesh
        xs, ys = mesh.x, mesh.y
        i = 3 * t
        tv = mesh.tv
        a, b, c = tv[i], tv[i + 1], tv[i + 2]
        # Canonical vertex order: sorted by (x, y), so the float result is order-free.
        ax, ay, bx, by, cx, cy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]
        if bx < ax or (bx == ax and by < ay):
            a, b, ax, ay, bx, by = b, a, bx, by, ax, ay
        if cx < bx or (cx == bx and cy < by):
            b, c, bx, by, cx, cy = c, b, cx, cy, bx, by
            if bx < ax or (bx == ax and by < ay):
                a, b, ax, ay, bx, by = b, a, bx, by, ax, ay
        vals = self.vals
        gx, gy = self.gx, self.gy
        if kind[0] == "interp":
            loss = self._interp_loss(t, kind[1])
        elif kind[0] == "default" and len(vals) == 1:
            col, gxc, gyc = vals[0], gx[0], gy[0]
            va, vb, vc = col[a], col[b], col[c]
            if va - va == 0.0 and vb - vb == 0.0 and vc - vc == 0.0:
                loss = default_loss_scalar(
                    ax, ay, bx, by, cx, cy, va, vb, vc,
                    gxc[a], gyc[a], gxc[b], gyc[b], gxc[c], gyc[c],
                    self.inv_scale,
                )  # fmt: skip
                if math.isnan(loss):  # e.g. from an overflow: as loss_one does
                    loss = 0.3 * (0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)))
            else:  # a NaN or infinite value: as loss_one does (flat_loss)
                loss = 0.3 * (0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)))
        else:
            comps = [
                (col[a], col[b], col[c], gx[k][a], gy[k][a], gx[k][b], gy[k][b], gx[k][c], gy[k][c])
                for k, col in enumerate(vals)
            ]
            loss = loss_one(kind, (ax, ay, bx, by, cx, cy), comps, self.inv_scale)
        entry = (-loss, ax, ay, bx, by, cx, cy, t)
        self.tkey[t] = entry
        self.heap.offer(entry)
        vreal = self.vreal
        if vreal[a] and vreal[b] and vreal[c]:
            self.rheap.offer(entry)
        else:
            self.rheap.withdraw(t)

    def _plane(self, t: int) -> tuple[float, list[float], list[float]] | None:
        """Return the area and per-component plane gradient of triangle ``t``.

        None if a value is not finite. Computed on the vertices sorted by (x, y), so it is a
        function of the triangle, not of how the mesh stores it.
        """
        xs, ys = self.mesh.x, self.mesh.y
        a, b, c = sorted(self.mesh.triangle(t), key=lambda w: (xs[w], ys[w]))
        ax, ay, bx, by, cx, cy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]
        area = 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
        gxs: list[float] = []
        gys: list[float] = []
        for col in self.vals:
            va, vb, vc = col[a], col[b], col[c]
            if va - va != 0.0 or vb - vb != 0.0 or vc - vc != 0.0:
                return None
            gx, gy = plane_gradient(ax, ay, bx, by, cx, cy, va, vb, vc)
            gxs.append(gx)
            gys.append(gy)
        return area, gxs, gys

    def _interp_loss(self, t: int, params: tuple[Any, ...]) -> float:
        """Return the interpolation-error loss of triangle ``t`` (see ``interpolation_error_loss``).

        Depends on ``t``'s plane and those of its (up to three) edge neighbours; the maximum
        over edges and components does not depend on the order they are visited in.
        """
        min_area, exploration = float(params[0]), float(params[1])
        mesh = self.mesh
        xs, ys = mesh.x, mesh.y
        own = self._plane(t)
        if own is None:
            a, b, c = mesh.triangle(t)
            return exploration * self._area(a, b, c)
        area, gxs, gys = own
        err = 0.0
        tn = mesh.tn
        for k in range(3):
            u = tn[3 * t + k]
            if u < 0:
                continue
            other = self._plane(u)
            if other is None:
                continue
            p, q = sorted(mesh.edge(t, k), key=lambda w: (xs[w], ys[w]))
            for gx, gy, hx, hy in zip(gxs, gys, other[1], other[2], strict=True):
                e = edge_error(xs[p], ys[p], xs[q], ys[q], area, other[0], hx - gx, hy - gy)
                err = max(err, e)
        err = err * self.inv_scale
        if area < min_area:  # the resolution floor: only the exploration term is left
            err = 0.0
        if not math.isfinite(err):  # from an overflow: as a NaN value would
            err = 0.0
        floor = exploration * area
        return err if err > floor else floor

    def _area(self, a: int, b: int, c: int) -> float:
        xs, ys = self.mesh.x, self.mesh.y
        a, b, c = sorted((a, b, c), key=lambda w: (xs[w], ys[w]))
        ax, ay, bx, by, cx, cy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]
        return 0.5 * abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))

    def refresh(self, v: int, full: bool = True) -> None:
        """Recompute the losses that depend on vertex ``v``'s position or value.

        ``full=False`` (a new pending point) refreshes only the triangles around ``v``, which
        is required (insertion reused their slots); the neighbours' gradients catch up when
        the real value arrives, so losses near pending points are provisional anyway.
        """
        if self.kind is None:
            return
        mesh = self.mesh
        if self.kind[0] == "interp":
            # A triangle's loss reads its own plane and its edge neighbours' planes: the
            # planes that change are the fan's, so refresh the fan and the triangles beside it.
            tris = mesh.fan(v)[0]
            todo = set(tris)
            tn = mesh.tn
            for t in tris:
                todo.update(u for u in tn[3 * t : 3 * t + 3] if u >= 0)
            for t in sorted(todo):
                self._set_loss(t)
            self._maintain()
            return
        if self.kind[0] in ("uniform", "surface"):  # no gradients: the fan is all
            for t in mesh.fan(v)[0]:
                self._set_loss(t)
            self._maintain()
            return
        if not full:
            for t in self._grad(v):
                self._set_loss(t)
            self._maintain()
            return
        nbrs = mesh.fan(v)[1]
        todo = set(self._grad(v))
        for w in nbrs:
            todo.update(self._grad(w))
        for t in sorted(todo):
            self._set_loss(t)
        self._maintain()

    def _maintain(self) -> None:
        tkey = self.tkey
        self.heap.maintain(len(tkey))
        self.rheap.maintain(len(tkey))
        # Keep both heap tops live, so that loss() only peeks (a runner with a loss goal
        # calls it after every tell); the pops are work ask() would do anyway.
        self.heap.top(tkey)
        self.rheap.top(tkey)

    def top(self, real: bool = False) -> Any:
        """Return the live entry with the largest loss (among all-real triangles if ``real``)."""
        return (self.rheap if real else self.heap).top(self.tkey)

    def pop_top(self) -> Any:
        """Remove and return the live entry with the largest loss (there must be one)."""
        return self.heap.pop(self.tkey)

    def push_back(self, entries: list[Any]) -> None:
        """Put back entries taken by :meth:`pop_top`."""
        for e in entries:
            self.heap.push_back(e)

    def loss(self, real: bool) -> float:
        """Return the largest loss; with ``real``, a pending point counts as what it replaced."""
        if real and self.parent:
            top = self.top(real=True)
            best = float(-top[0]) if top is not None else 0.0
            return max(best, *self.parent.values())
        top = self.top()
        return float(-top[0]) if top is not None else 0.0

    def recompute_all(self) -> None:
        """All gradients and losses at once (vectorised; bit-identical to the local path)."""
        if self.kind is None:
            return
        mesh = self.mesh
        if self.kind[0] == "interp":  # per triangle: the local path is the definition
            self.tkey = [None] * mesh.ntriangles
            self.heap = LazyHeap([], mesh.ntriangles)
            self.rheap = LazyHeap([], mesh.ntriangles)
            for t in range(mesh.ntriangles):
                self._set_loss(t)
            return
        xs = np.array(mesh.x)
        ys = np.array(mesh.y)
        vals = np.array(self.vals, dtype=float).T.reshape(len(xs), -1)
        simp = np.array(mesh.tv, dtype=np.int64).reshape(-1, 3)
        if self.kind[0] in ("uniform", "surface"):
            gx = np.zeros_like(vals)
            gy = np.zeros_like(vals)
        else:
            nbr = np.array(mesh.tn, dtype=np.int64).reshape(-1, 3)
            gx, gy = grad_bulk(xs, ys, vals, simp, nbr)
        self.gx = [col.tolist() for col in gx.T]
        self.gy = [col.tolist() for col in gy.T]
        tri = sort_rows_xy(simp, xs, ys)
        losses = loss_bulk(self.kind, xs, ys, vals, gx, gy, tri, self.inv_scale)
        allreal = np.array(self.vreal, dtype=bool)[tri].all(axis=1).tolist()
        px, py = xs[tri], ys[tri]
        entries = list(
            zip(
                (-losses).tolist(),
                px[:, 0].tolist(),
                py[:, 0].tolist(),
                px[:, 1].tolist(),
                py[:, 1].tolist(),
                px[:, 2].tolist(),
                py[:, 2].tolist(),
                range(len(tri)),
                strict=True,
            )
        )
        self.tkey = list(entries)
        self.heap = LazyHeap(entries, len(tri))
        self.rheap = LazyHeap(list(itertools.compress(entries, allreal)), len(tri))

    # -------------------------------------------------------------------- bulk ---

    @classmethod
    def build(  # noqa: PLR0917  (mirrors the constructor)
        cls,
        corners: Sequence[Point],
        mean: Point,
        scale: Point,
        kind: LocalKind | None,
        keys: list[Point],
        values: dict[Point, Any],
        ncomp: int,
    ) -> LossMesh2D:
        """Triangulate the corners and ``keys`` (inside the bounds) at once.

        ``values`` maps the evaluated keys (corners included) to their values; the other keys
        are pending, with values interpolated linearly from the evaluated ones.
        """
        self = cls(corners, mean, scale, None, ncomp)
        self.kind = kind
        mesh = self.mesh
        keys = [k for k in keys if k not in self.vid]  # corners are vertices already
        if keys:
            pts = np.array(keys, dtype=float)
            sx = (pts[:, 0] - mean[0]) / scale[0]
            sy = (pts[:, 1] - mean[1]) / scale[1]
            # Distinct keys may rescale to one point: mesh the first of each such group only,
            # and none that lands on a corner (as the incremental path does).
            order = np.lexsort((sy, sx))
            same = (np.diff(sx[order]) == 0) & (np.diff(sy[order]) == 0)
            dup = np.zeros(len(keys), dtype=bool)
            dup[order[1:][same]] = True  # stable sort: the first of a group stays
            for i in range(4):
                dup |= (sx == mesh.x[i]) & (sy == mesh.y[i])
            first = np.flatnonzero(~dup)
            keys = [keys[i] for i in first.tolist()]
            mesh = Mesh2D.from_points(
                mesh.x[0], mesh.x[3], mesh.y[0], mesh.y[3], sx[first], sy[first]
            )
            self.mesh = mesh
        nv = mesh.nvertices
        self.vkey = list(corners) + keys
        self.vid = {k: i for i, k in enumerate(self.vkey)}
        real = [k in values for k in self.vkey]
        self.vreal = real
        vals = np.zeros((nv, ncomp))
        ridx = [i for i, r in enumerate(real) if r]
        if ridx:
            vals[ridx] = np.array([values[self.vkey[i]] for i in ridx], dtype=float).reshape(
                len(ridx), ncomp
            )
        pend = [i for i, r in enumerate(real) if not r and i >= 4]
        if pend and len(ridx) >= 3:
            self._interpolate_pending(vals, ridx, pend)
        self.vals = [col.tolist() for col in vals.T]
        self.gx = [[0.0] * nv for _ in range(ncomp)]
        self.gy = [[0.0] * nv for _ in range(ncomp)]
        self.tkey = [None] * mesh.ntriangles
        self.parent = dict.fromkeys(pend, 0.0)
        finite = vals[ridx]
        for k in range(ncomp):
            col = finite[:, k]
            col = col[np.isfinite(col)]
            if len(col):
                self.lo[k] = float(col.min())
                self.hi[k] = float(col.max())
        self.qscale = quantized_scale(
            max((h - lo for lo, h in zip(self.lo, self.hi, strict=True) if h >= lo), default=0.0)
        )
        self.inv_scale = 1.0 / self.qscale
        self.recompute_all()
        return self

    def _interpolate_pending(
        self, vals: np.ndarray[Any, Any], ridx: list[int], pend: list[int]
    ) -> None:
        from scipy.interpolate import LinearNDInterpolator
        from scipy.spatial import QhullError

        xs = np.array(self.mesh.x)
        ys = np.array(self.mesh.y)
        try:
            ip = LinearNDInterpolator(np.column_stack([xs[ridx], ys[ridx]]), vals[ridx])
        except (QhullError, ValueError):  # degenerate (e.g. collinear) data: keep zeros
            return
        guess = ip(np.column_stack([xs[pend], ys[pend]])).reshape(len(pend), -1)
        vals[pend] = np.nan_to_num(guess, nan=0.0)

    # ------------------------------------------------------------------- other ---

    def clone(self) -> LossMesh2D:
        """Return an independent copy (heap entries are immutable and shared)."""
        other = object.__new__(LossMesh2D)
        d: dict[str, Any] = {}
        for name, val in self.__dict__.items():
            if isinstance(val, LazyHeap):
                d[name] = val.copy()
            elif isinstance(val, list):
                d[name] = [list(v) if isinstance(v, list) else v for v in val]
            elif isinstance(val, dict):
                d[name] = dict(val)
            else:
                d[name] = val
        mesh = object.__new__(Mesh2D)
        mesh.__dict__ = {
            k: (list(v) if isinstance(v, list) else v) for k, v in self.mesh.__dict__.items()
        }
        d["mesh"] = mesh
        other.__dict__ = d
        return other

    def triangles(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Return vertices (data coordinates) and the triangles with only real vertices."""
        verts = np.array(self.vkey, dtype=float).reshape(-1, 2)
        simp = np.array(self.mesh.tv, dtype=np.int64).reshape(-1, 3)
        real = np.array(self.vreal, dtype=bool)
        return verts, simp[real[simp].all(axis=1)]

    def check(self) -> None:
        """Assert the invariants of the module docstring (for tests; O(n))."""
        self.mesh.check()
        nv = self.mesh.nvertices
        assert len(self.vkey) == nv == len(self.vreal) == len(self.vid)
        for col in (*self.vals, *self.gx, *self.gy):
            assert len(col) == nv
        for v, k in enumerate(self.vkey):
            assert self.vid[k] == v
            assert self.scale_xy(*k) == (self.mesh.x[v], self.mesh.y[v]), f"vertex {k} moved"
        for v in self.parent:
            assert not self.vreal[v], f"parent loss kept for the evaluated vertex {v}"
        if self.kind is not None:
            assert len(self.tkey) == self.mesh.ntriangles
            for heap in (self.heap, self.rheap):  # garbage stays bounded (see _lazyheap)
                assert len(heap) <= 9 * len(self.tkey) + 500, "heap garbage is unbounded"
            for t, entry in enumerate(self.tkey):  # the heap's representative bounds the loss
                h = self.heap.rep[t]
                assert h is not None, f"triangle {t} is not in the heap"
                assert h[1:] == entry[1:], f"triangle {t}: heap entry of another geometry"
                assert h[0] <= entry[0], f"triangle {t}: heap entry below the loss"
            for t, entry in enumerate(self.tkey):
                assert entry is not None
                assert entry[-1] == t
            if not self.parent:
                fresh = self.clone()
                fresh.recompute_all()
                for t in range(self.mesh.ntriangles):
                    assert self.tkey[t] == fresh.tkey[t], f"triangle {t} has a stale loss"
                assert self.gx == fresh.gx, "stale gradients"
                assert self.gy == fresh.gy, "stale gradients"
