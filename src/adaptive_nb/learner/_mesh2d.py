"""Incremental Delaunay triangulation of a rectangle, with a deterministic tie-break.

Why this triangulation
----------------------
Learner2D adds one point at a time and must update only the triangles the point touches. We
measured the alternatives on 2-core machines: scipy's incremental Qhull (``add_points``) costs
O(N) per call (0.7 ms at 1k points, 10.5 ms at 10k); the reference library's pure-Python
``Triangulation.add_point`` costs 0.6-0.9 ms with an O(N) point location; the Rust package
``adaptive-triangulation`` adds a point in about 20 us but ships wheels for Linux x86_64, Windows
amd64 and macOS arm64 only (no macOS x86_64), so it cannot be a hard dependency. A pure-Python
incremental Delaunay with Lawson edge flips costs a few tens of microseconds per point, flat in
N, and needs nothing beyond the standard library. The bulk case (``tell_many``/``load`` of
thousands of points) starts from scipy's Delaunay (Qhull, compiled) and then runs the same
Lawson legalisation with our exact predicates, so both paths end in the same triangulation.

Determinism
-----------
The Delaunay triangulation is not unique when four or more points are cocircular, and the
learner's points often are (the four corners of the bounds, grid-like refinements). We break
ties by *symbolic perturbation* of the lifting map: point ``q`` is lifted to
``x**2 + y**2 + eps**rank(q)`` with ``rank`` the lexicographic rank of ``(x, y)``. The
perturbed triangulation is unique, and for an exactly cocircular convex quadrilateral the rule
reduces to: keep the diagonal that avoids the lexicographically smallest of the four points.
With exact predicates (a floating-point filter with Shewchuk's error bounds, and exact rational
arithmetic when the filter cannot decide) every flip decision is a function of the four points
only, so the triangulation is a function of the point set, whatever the insertion order, and
the incremental and bulk paths agree.

Data layout
-----------
Vertices are columns of floats (``x``, ``y``) plus one incident triangle per vertex (``vt``).
Triangle ``t`` is ``tv[3t:3t+3]`` (counter-clockwise vertex indices) and ``tn[3t:3t+3]``, where
``tn[3t+k]`` is the triangle across the edge opposite vertex ``k`` (-1 on the rectangle's
boundary). Flat lists of ints are not tracked by the garbage collector, so the mesh adds no GC
work as it grows. Triangles are never deleted (insertion only); a split or flip reuses slots,
so callers must refresh every triangle in the new vertex's fan after an insertion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DuplicatePointError", "Mesh2D", "incircle_flip", "orient"]

_EPS = 2.0**-53
_CCW_BOUND = (3.0 + 16.0 * _EPS) * _EPS
_ICC_BOUND = (10.0 + 96.0 * _EPS) * _EPS


class DuplicatePointError(ValueError):
    """The point coincides with an existing vertex (same scaled coordinates)."""

    def __init__(self, vertex: int) -> None:
        super().__init__(f"point coincides with vertex {vertex}")
        self.vertex = vertex


def orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:  # noqa: PLR0917
    """Return a value whose sign is the exact orientation of (a, b, c); > 0 counter-clockwise."""
    left = (bx - ax) * (cy - ay)
    right = (by - ay) * (cx - ax)
    det = left - right
    if abs(det) > _CCW_BOUND * (abs(left) + abs(right)):
        return det
    iax, iay, ibx, iby, icx, icy = _as_integers(ax, ay, bx, by, cx, cy)
    exact = (ibx - iax) * (icy - iay) - (iby - iay) * (icx - iax)
    return float((exact > 0) - (exact < 0))


def _as_integers(*values: float) -> list[int]:
    """Scale finite floats by one power of two so that they all become integers, exactly.

    A float is ``n / 2**k``; multiplying all of them by the largest ``2**k`` keeps their ratios,
    so the sign of a homogeneous polynomial of them is the sign of the same polynomial of the
    integers, computed exactly (and far faster than with ``Fraction``, which normalises by a
    gcd after every operation).
    """
    ratios = [v.as_integer_ratio() for v in values]
    den = max(d for _, d in ratios)
    return [n * (den // d) for n, d in ratios]


def _incircle_sign(pts: list[tuple[float, float]]) -> int:
    """Return the exact sign of the incircle determinant of ``pts`` (a, b, c, d).

    Positive if d is inside the circle through the counter-clockwise triangle a, b, c.
    """
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = pts
    adx, ady = ax - dx, ay - dy
    bdx, bdy = bx - dx, by - dy
    cdx, cdy = cx - dx, cy - dy
    bc = bdx * cdy - cdx * bdy
    ca = cdx * ady - adx * cdy
    ab = adx * bdy - bdx * ady
    alift = adx * adx + ady * ady
    blift = bdx * bdx + bdy * bdy
    clift = cdx * cdx + cdy * cdy
    det = alift * bc + blift * ca + clift * ab
    permanent = (
        (abs(bdx * cdy) + abs(cdx * bdy)) * alift
        + (abs(cdx * ady) + abs(adx * cdy)) * blift
        + (abs(adx * bdy) + abs(bdx * ady)) * clift
    )
    if abs(det) > _ICC_BOUND * permanent:
        return 1 if det > 0 else -1
    # Degree 4 and homogeneous in the coordinates: the integers of _as_integers keep its sign.
    iax, iay, ibx, iby, icx, icy, idx, idy = _as_integers(ax, ay, bx, by, cx, cy, dx, dy)
    a0, a1 = iax - idx, iay - idy
    b0, b1 = ibx - idx, iby - idy
    c0, c1 = icx - idx, icy - idy
    exact = (
        (a0 * a0 + a1 * a1) * (b0 * c1 - c0 * b1)
        + (b0 * b0 + b1 * b1) * (c0 * a1 - a0 * c1)
        + (c0 * c0 + c1 * c1) * (a0 * b1 - b0 * a1)
    )
    return (exact > 0) - (exact < 0)


def incircle_flip(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    """Decide whether edge (b, c) must be flipped to (a, d).

    (a, b, c) is a counter-clockwise triangle and ``d`` the far vertex of its neighbour across
    (b, c).

    Exactly cocircular points are decided by the symbolic perturbation described in the module
    docstring: the edge is kept iff the lexicographically smallest of the four points is not
    one of its end points.
    """
    s = _incircle_sign([a, b, c, d])
    if s:
        return s > 0
    smallest = min(a, b, c, d)
    return smallest in (b, c)


def _hull_is_rectangle(simp: Any, nbr: Any, xs: Any, ys: Any) -> bool:
    """Whether every boundary edge of the triangulation lies on a side of the rectangle."""
    t, k = np.nonzero(nbr < 0)
    b = simp[t, (k + 1) % 3]
    c = simp[t, (k + 2) % 3]
    x0, x1, y0, y1 = xs[0], xs[3], ys[0], ys[3]
    vertical = (xs[b] == xs[c]) & ((xs[b] == x0) | (xs[b] == x1))
    horizontal = (ys[b] == ys[c]) & ((ys[b] == y0) | (ys[b] == y1))
    return bool((vertical | horizontal).all())


class Mesh2D:
    """A Delaunay triangulation of the points inserted into an axis-aligned rectangle.

    Parameters
    ----------
    x0, x1, y0, y1
        The rectangle; its four corners are vertices 0-3 (in the order (x0, y0), (x0, y1),
        (x1, y0), (x1, y1)).
    """

    def __init__(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.x: list[float] = [x0, x0, x1, x1]
        self.y: list[float] = [y0, y1, y0, y1]
        # Triangles (0, 2, 3) and (0, 3, 1) share the diagonal 0-3, then legalised.
        self.tv: list[int] = [0, 2, 3, 0, 3, 1]
        self.tn: list[int] = [-1, 1, -1, -1, -1, 0]
        self.vt: list[int] = [0, 1, 0, 0]
        self.last = 0
        self._legalize([(0, 1)], check_all=True)

    # ------------------------------------------------------------------ queries ---

    @property
    def nvertices(self) -> int:
        """Number of vertices (corners included)."""
        return len(self.x)

    @property
    def ntriangles(self) -> int:
        """Number of triangles."""
        return len(self.tv) // 3

    def locate(self, px: float, py: float, hint: int = -1) -> tuple[int, int]:
        """Find the triangle holding (px, py).

        Returns
        -------
        t, where
            ``where`` is -1 if the point is strictly inside triangle ``t``, else ``k`` if it
            lies on the edge opposite vertex ``k``.

        Raises
        ------
        DuplicatePointError
            If the point is a vertex.
        ValueError
            If the point is outside the rectangle.
        """
        tv, tn, xs, ys = self.tv, self.tn, self.x, self.y
        t = hint if 0 <= hint < len(tv) // 3 else self.last
        for _ in range(4 * len(tv) + 8):
            i = 3 * t
            a, b, c = tv[i], tv[i + 1], tv[i + 2]
            ax, ay, bx, by, cx, cy = xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]
            o0 = orient(bx, by, cx, cy, px, py)
            if o0 < 0:
                t = self._step(tn[i], px, py)
                continue
            o1 = orient(cx, cy, ax, ay, px, py)
            if o1 < 0:
                t = self._step(tn[i + 1], px, py)
                continue
            o2 = orient(ax, ay, bx, by, px, py)
            if o2 < 0:
                t = self._step(tn[i + 2], px, py)
                continue
            zeros = (o0 == 0) + (o1 == 0) + (o2 == 0)
            if zeros >= 2:
                k = 0 if o0 != 0 else (1 if o1 != 0 else 2)
                raise DuplicatePointError(tv[i + k])
            if zeros == 0:
                return t, -1
            return t, (0 if o0 == 0 else (1 if o1 == 0 else 2))
        msg = "point location did not terminate (corrupt triangulation)"  # pragma: no cover
        raise RuntimeError(msg)

    def _step(self, t: int, px: float, py: float) -> int:
        if t < 0:
            msg = f"point ({px!r}, {py!r}) is outside the triangulated rectangle"
            raise ValueError(msg)
        return t

    def fan(self, v: int) -> tuple[list[int], list[int]]:
        """Return (triangles around ``v``, neighbouring vertices of ``v``)."""
        tv, tn = self.tv, self.tn
        start = self.vt[v]
        tris: list[int] = []
        nbrs: list[int] = []
        # In a counter-clockwise triangle (v, n1, n2), the triangle across edge (v, n1) is the
        # next one clockwise around v and has n1 as its own n2: each contributes its n1.
        t = start
        while True:
            i = 3 * t
            k = 0 if tv[i] == v else (1 if tv[i + 1] == v else 2)
            tris.append(t)
            nbrs.append(tv[i + (k + 1) % 3])
            t = tn[i + (k + 2) % 3]
            if t == start:
                return tris, nbrs
            if t < 0:
                break
        # v is on the rectangle's border: walk counter-clockwise from the start, adding n2s.
        t = start
        while True:
            i = 3 * t
            k = 0 if tv[i] == v else (1 if tv[i + 1] == v else 2)
            nbrs.append(tv[i + (k + 2) % 3])
            t = tn[i + (k + 1) % 3]
            if t < 0:
                return tris, nbrs
            tris.append(t)

    def triangle(self, t: int) -> tuple[int, int, int]:
        """Return the vertices of triangle ``t`` (counter-clockwise)."""
        i = 3 * t
        tv = self.tv
        return tv[i], tv[i + 1], tv[i + 2]

    def edge(self, t: int, k: int) -> tuple[int, int]:
        """Return the end points of the edge opposite vertex ``k`` of triangle ``t``."""
        i = 3 * t
        return self.tv[i + (k + 1) % 3], self.tv[i + (k + 2) % 3]

    # ---------------------------------------------------------------- insertion ---

    def insert(self, px: float, py: float, t: int, where: int) -> int:  # noqa: PLR0915
        """Insert a point located by :meth:`locate`; return its vertex index."""
        tv, tn = self.tv, self.tn
        p = len(self.x)
        self.x.append(px)
        self.y.append(py)
        self.vt.append(t)
        i = 3 * t
        if where < 0:
            a, b, c = tv[i], tv[i + 1], tv[i + 2]
            na, nb, nc = tn[i], tn[i + 1], tn[i + 2]
            ta, tb, tc = t, len(tv) // 3, len(tv) // 3 + 1
            tv[i : i + 3] = [p, b, c]
            tn[i : i + 3] = [na, tb, tc]
            tv += [p, c, a, p, a, b]
            tn += [nb, tc, ta, nc, ta, tb]
            self._repoint(nb, t, tb)
            self._repoint(nc, t, tc)
            self.vt[a] = tb
            self.vt[b] = ta
            self.vt[c] = ta
            self.vt[p] = ta
            self.last = ta
            self._legalize([(ta, 0), (tb, 0), (tc, 0)])
            return p
        k = where
        a, b, c = tv[i + k], tv[i + (k + 1) % 3], tv[i + (k + 2) % 3]
        u = tn[i + k]
        nb_, nc_ = tn[i + (k + 1) % 3], tn[i + (k + 2) % 3]
        t1, t2 = t, len(tv) // 3
        if u < 0:
            tv[i : i + 3] = [p, a, b]
            tn[i : i + 3] = [nc_, -1, t2]
            tv += [p, c, a]
            tn += [nb_, t1, -1]
            self._repoint(nb_, t, t2)
            self.vt[a] = t1
            self.vt[b] = t1
            self.vt[c] = t2
            self.vt[p] = t1
            self.last = t1
            self._legalize([(t1, 0), (t2, 0)])
            return p
        j = 3 * u
        m = 0 if tv[j] not in (b, c) else (1 if tv[j + 1] not in (b, c) else 2)
        d = tv[j + m]
        # u is (d, c, b) counter-clockwise, rotated by m.
        n_opp_c = tn[j + (m + 1) % 3]  # edge (b, d)
        n_opp_b = tn[j + (m + 2) % 3]  # edge (d, c)
        u1, u2 = u, t2 + 1
        # t1 = (p, a, b), t2 = (p, c, a), u1 = (p, b, d), u2 = (p, d, c)
        tv[i : i + 3] = [p, a, b]
        tn[i : i + 3] = [nc_, u1, t2]
        tv[j : j + 3] = [p, b, d]
        tn[j : j + 3] = [n_opp_c, u2, t1]
        tv += [p, c, a, p, d, c]
        tn += [nb_, t1, u2, n_opp_b, t2, u1]
        self._repoint(nb_, t, t2)
        self._repoint(n_opp_b, u, u2)
        self.vt[a] = t1
        self.vt[b] = t1
        self.vt[c] = t2
        self.vt[d] = u1
        self.vt[p] = t1
        self.last = t1
        self._legalize([(t1, 0), (t2, 0), (u1, 0), (u2, 0)])
        return p

    def _repoint(self, n: int, old: int, new: int) -> None:
        if n < 0:
            return
        tn = self.tn
        j = 3 * n
        if tn[j] == old:
            tn[j] = new
        elif tn[j + 1] == old:
            tn[j + 1] = new
        else:
            tn[j + 2] = new

    def _legalize(self, stack: list[tuple[int, int]], check_all: bool = False) -> None:
        """Flip edges until they are all locally Delaunay.

        ``stack`` holds (triangle, k) whose edge opposite vertex k is suspect. The new point sits
        at index 0 of the triangles created by insert, so only their edge 0 is suspect.
        """
        tv, tn, xs, ys = self.tv, self.tn, self.x, self.y
        while stack:
            t, k = stack.pop()
            i = 3 * t
            u = tn[i + k]
            if u < 0:
                continue
            a, b, c = tv[i + k], tv[i + (k + 1) % 3], tv[i + (k + 2) % 3]
            j = 3 * u
            m = 0 if tv[j] not in (b, c) else (1 if tv[j + 1] not in (b, c) else 2)
            d = tv[j + m]
            if not incircle_flip((xs[a], ys[a]), (xs[b], ys[b]), (xs[c], ys[c]), (xs[d], ys[d])):
                continue
            n_ab = tn[i + (k + 2) % 3]  # edge (a, b)
            n_ca = tn[i + (k + 1) % 3]  # edge (c, a)
            n_bd = tn[j + (m + 1) % 3]  # u = (d, c, b): opposite c is edge (b, d)
            n_dc = tn[j + (m + 2) % 3]  # opposite b is edge (d, c)
            # t = (a, b, d), u = (a, d, c)
            tv[i : i + 3] = [a, b, d]
            tn[i : i + 3] = [n_bd, u, n_ab]
            tv[j : j + 3] = [a, d, c]
            tn[j : j + 3] = [n_dc, n_ca, t]
            self._repoint(n_bd, u, t)
            self._repoint(n_ca, t, u)
            self.vt[a] = t
            self.vt[b] = t
            self.vt[d] = t
            self.vt[c] = u
            stack.append((t, 0))
            stack.append((u, 0))
            if check_all:
                stack += [(t, 1), (t, 2), (u, 1), (u, 2)]

    # --------------------------------------------------------------------- bulk ---

    @classmethod
    def from_points(  # noqa: PLR0917  (like the constructor)
        cls, x0: float, x1: float, y0: float, y1: float, px: Any, py: Any
    ) -> Mesh2D:
        """Triangulate the corners plus ``(px, py)`` (finite, inside, no duplicates) at once.

        Qhull makes the triangulation; a Lawson pass with our exact predicates then settles
        cocircular ties (and any near-degenerate decision Qhull took in floating point), so the
        result is the same triangulation incremental insertion gives.
        """
        from scipy.spatial import Delaunay

        mesh = cls.__new__(cls)
        xs = np.concatenate([[x0, x0, x1, x1], np.asarray(px, dtype=float)])
        ys = np.concatenate([[y0, y1, y0, y1], np.asarray(py, dtype=float)])
        tri = Delaunay(np.column_stack([xs, ys]))
        simp = tri.simplices.astype(np.int64)
        nbr = tri.neighbors.astype(np.int64)
        if len(tri.coplanar) or not _hull_is_rectangle(simp, nbr, xs, ys):
            # Qhull merged points that are (nearly) coincident or within rounding of the border:
            # insert the points one by one instead (rare, slower, exact).
            return cls._incremental(xs, ys)
        mesh.x = xs.tolist()
        mesh.y = ys.tolist()
        p = tri.points[simp]
        o = (p[:, 1, 0] - p[:, 0, 0]) * (p[:, 2, 1] - p[:, 0, 1]) - (p[:, 1, 1] - p[:, 0, 1]) * (
            p[:, 2, 0] - p[:, 0, 0]
        )
        for t in np.flatnonzero(np.abs(o) <= 1e-9).tolist():  # sign not certain in floats
            a, b, c = simp[t].tolist()
            o[t] = orient(xs[a], ys[a], xs[b], ys[b], xs[c], ys[c])
            if o[t] == 0:  # a flat triangle from a Qhull merge
                return cls._incremental(xs, ys)
        cw = o < 0
        simp[cw] = simp[cw][:, [0, 2, 1]]
        nbr[cw] = nbr[cw][:, [0, 2, 1]]
        mesh.tv = simp.ravel().tolist()
        mesh.tn = nbr.ravel().tolist()
        vt = np.zeros(len(xs), dtype=np.int64)
        vt[simp.ravel()] = np.repeat(np.arange(len(simp)), 3)
        mesh.vt = vt.tolist()
        mesh.last = 0
        mesh._settle(simp, nbr, xs, ys)
        return mesh

    @classmethod
    def _incremental(cls, xs: Any, ys: Any) -> Mesh2D:
        """Insert ``xs[4:], ys[4:]`` one by one, keeping the input's vertex numbering.

        In x order, so that each walk starts near its goal.
        """
        mesh = cls(float(xs[0]), float(xs[3]), float(ys[0]), float(ys[3]))
        order = np.concatenate([np.arange(4), 4 + np.lexsort((ys[4:], xs[4:]))])
        for i in order[4:].tolist():
            x, y = float(xs[i]), float(ys[i])
            t, where = mesh.locate(x, y)
            mesh.insert(x, y, t, where)
        perm = np.empty(len(xs), dtype=np.int64)
        perm[order] = np.arange(len(xs))
        mesh.x = np.asarray(xs, dtype=float).tolist()
        mesh.y = np.asarray(ys, dtype=float).tolist()
        mesh.tv = order[np.array(mesh.tv, dtype=np.int64)].tolist()
        mesh.vt = np.array(mesh.vt, dtype=np.int64)[perm].tolist()
        return mesh

    def _settle(self, simp: Any, nbr: Any, xs: Any, ys: Any) -> None:
        # Vectorised filter: an interior edge needs the exact test only if its float incircle
        # value is not clearly negative (clearly locally Delaunay).
        t_idx, k_idx = np.nonzero(nbr >= 0)
        u = nbr[t_idx, k_idx]
        keep = t_idx < u  # each edge once
        t_idx, k_idx, u = t_idx[keep], k_idx[keep], u[keep]
        a = simp[t_idx, k_idx]
        b = simp[t_idx, (k_idx + 1) % 3]
        c = simp[t_idx, (k_idx + 2) % 3]
        su = simp[u]
        d = su.sum(axis=1) - b - c
        adx, ady = xs[a] - xs[d], ys[a] - ys[d]
        bdx, bdy = xs[b] - xs[d], ys[b] - ys[d]
        cdx, cdy = xs[c] - xs[d], ys[c] - ys[d]
        alift = adx * adx + ady * ady
        blift = bdx * bdx + bdy * bdy
        clift = cdx * cdx + cdy * cdy
        det = (
            alift * (bdx * cdy - cdx * bdy)
            + blift * (cdx * ady - adx * cdy)
            + clift * (adx * bdy - bdx * ady)
        )
        permanent = (
            (abs(bdx * cdy) + abs(cdx * bdy)) * alift
            + (abs(cdx * ady) + abs(adx * cdy)) * blift
            + (abs(adx * bdy) + abs(bdx * ady)) * clift
        )
        suspect = det >= -4 * _ICC_BOUND * permanent
        stack = list(zip(t_idx[suspect].tolist(), k_idx[suspect].tolist(), strict=True))
        self._legalize(stack, check_all=True)

    # --------------------------------------------------------------- invariants ---

    def check(self) -> None:
        """Assert the mesh invariants (for tests; O(n) with exact predicates)."""
        tv, tn, xs, ys = self.tv, self.tn, self.x, self.y
        nt = len(tv) // 3
        assert len(tn) == len(tv)
        seen = set()
        for t in range(nt):
            i = 3 * t
            a, b, c = tv[i : i + 3]
            assert len({a, b, c}) == 3
            assert orient(xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]) > 0, f"triangle {t} not CCW"
            for k in range(3):
                e = (tv[i + (k + 1) % 3], tv[i + (k + 2) % 3])
                assert e not in seen, f"directed edge {e} twice"
                seen.add(e)
                u = tn[i + k]
                if u < 0:
                    continue
                assert t in tn[3 * u : 3 * u + 3], f"neighbour link {t}-{u} not symmetric"
                su = tv[3 * u : 3 * u + 3]
                assert e[0] in su
                assert e[1] in su
                d = next(v for v in su if v not in e)
                pa, pb, pc, pd = (
                    (xs[tv[i + k]], ys[tv[i + k]]),
                    (xs[e[0]], ys[e[0]]),
                    (xs[e[1]], ys[e[1]]),
                    (xs[d], ys[d]),
                )
                assert not incircle_flip(pa, pb, pc, pd), f"edge {e} not Delaunay"
        for v in range(len(xs)):
            assert v in tv[3 * self.vt[v] : 3 * self.vt[v] + 3], f"vt[{v}] stale"
        simp = np.array(tv, dtype=np.int64).reshape(-1, 3)
        nbr = np.array(tn, dtype=np.int64).reshape(-1, 3)
        assert _hull_is_rectangle(simp, nbr, np.array(xs), np.array(ys)), "hull is not the box"
        # Euler: the rectangle is convex and all points are vertices.
        boundary = sum(1 for u in tn if u < 0)
        assert nt == 2 * len(xs) - 2 - boundary, "triangle count does not match Euler"
