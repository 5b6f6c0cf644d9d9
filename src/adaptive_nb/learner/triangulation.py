"""An incremental Delaunay triangulation in N >= 2 dimensions (Bowyer-Watson), as used by LearnerND.

The public names match the reference library's ``adaptive.learner.triangulation`` (the class
``Triangulation`` and the geometric helpers its users and tests import), so code written for the
reference keeps working.

How it works
------------
``vertices`` is a list of coordinate tuples, ``simplices`` a set of sorted vertex-index tuples and
``vertex_to_simplices`` one set of simplices per vertex (the reference's public attributes). Two
private structures make a point insertion local, so its cost does not grow with the mesh:

* ``_face_to_simplices`` maps every (N-1)-face to the one or two simplices sharing it, so the
  neighbour across a face is one dict lookup. Point location walks from a hint simplex towards
  the point, crossing the face opposite the most negative barycentric coordinate (the visibility
  walk terminates on Delaunay meshes); a point is only compared with all simplices when the walk
  leaves the hull, which for a convex hull proves the point is outside, or in the rare
  degenerate case where the walk would cycle.
* ``_spheres`` caches the circumsphere (centre, squared radius) of each simplex in the
  coordinates of the last ``transform`` (LearnerND always passes the same one), so the cavity
  search of Bowyer-Watson tests each neighbour with a few float operations.

Geometry in 2 and 3 dimensions is closed-form on Python floats (faster than numpy on arrays of
three or four numbers); higher dimensions use numpy's linear algebra. An insertion that would not
conserve the volume of its cavity (degenerate input beyond the tolerances) is refused with a
``ValueError`` before anything changes, so the mesh is never left corrupted.

Why not the ``adaptive-triangulation`` Rust package (the reference's optional backend)? It
adds a point in tens of microseconds, but it has wheels for Linux x86_64, Windows amd64 and
macOS arm64 only, so it could only ever be optional; and on degenerate (cospherical) input, which
LearnerND produces all the time (grid-like corners and midpoints), two implementations may pick
different valid meshes, so a learner's next points would depend on which package happens to be
installed. The time of a LearnerND point is mostly outside the triangulation anyway (losses,
queues, pending points): with local point location, cached circumspheres and a learner that
does little per point, pure Python already beats the reference running on the Rust backend
(3D, 2000 points: the reference takes 1.5x our CPU time on its Rust backend and 8.5x on its
pure-Python one; see benchmarks/bench_learnernd.py). One implementation everywhere is the
better trade.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, combinations
from typing import Any

import numpy as np

from adaptive_nb.learner._simplex_geometry import (
    EPS,
    PointLike,
    barycentric,
    circum,
    circumsphere,
    edge_det,
    fast_2d_circumcircle,
    fast_2d_point_in_simplex,
    fast_3d_circumcircle,
    fast_det,
    fast_norm,
    is_iterable_and_sized,
    measure,
    orientation,
    point_in_simplex,
    simplex_volume_in_embedding,
)

__all__ = [
    "Triangulation",
    "circumsphere",
    "fast_2d_circumcircle",
    "fast_2d_point_in_simplex",
    "fast_3d_circumcircle",
    "fast_det",
    "fast_norm",
    "is_iterable_and_sized",
    "orientation",
    "point_in_simplex",
    "simplex_volume_in_embedding",
]

Simplex = tuple[int, ...]
Point = tuple[float, ...]


def _checked_coords(coords: Any) -> list[Point]:
    """Return the initial points as float tuples, or raise the reference's error types."""
    if not is_iterable_and_sized(coords) or not all(is_iterable_and_sized(c) for c in coords):
        msg = "Triangulation needs a 2-dimensional list of points (one point per row)."
        raise TypeError(msg)
    rows = list(coords)
    if not rows:
        msg = "Triangulation needs at least one simplex (N + 1 points in N dimensions)."
        raise ValueError(msg)
    dim = len(rows[0])
    if any(len(c) != dim for c in rows):
        msg = "Coordinates dimension mismatch: all points need the same number of coordinates."
        raise ValueError(msg)
    if dim < 2:
        msg = "Triangulation class only supports dim >= 2 (use Learner1D in one dimension)."
        raise ValueError(msg)
    if len(rows) < dim + 1:
        msg = f"Please provide at least one simplex: {dim + 1} points in {dim} dimensions."
        raise ValueError(msg)
    pts = [tuple(float(v) for v in c) for c in rows]
    if not all(math.isfinite(v) for p in pts for v in p):
        msg = "Triangulation coordinates must be finite (no NaN or inf)."
        raise ValueError(msg)
    if len(pts) == dim + 1:
        flat = measure(pts)[0] == 0
    else:
        arr = np.asarray(pts)
        flat = np.linalg.matrix_rank(arr[1:] - arr[0]) < dim
    if flat:
        msg = "Initial simplex has zero volumes (the points are linearly dependent)."
        raise ValueError(msg)
    return pts


# ---------------------------------------------------------------------------------------------
# The triangulation
# ---------------------------------------------------------------------------------------------


class Triangulation:
    """An incremental Delaunay triangulation of points in N >= 2 dimensions.

    Parameters
    ----------
    coords
        Coordinates of at least N + 1 points, not all in one hyperplane.

    Attributes
    ----------
    vertices : list of tuple of float
        Coordinates of the vertices; a vertex's index is its position.
    simplices : set of tuple of int
        The simplices, each a sorted tuple of N + 1 vertex indices.
    vertex_to_simplices : list of set
        For each vertex, the simplices it belongs to.

    Raises
    ------
    TypeError
        If ``coords`` is not a 2-dimensional list of points.
    ValueError
        If the points are fewer than N + 1, of mixed or of dimension 1, or all in a hyperplane.
    """

    def __init__(self, coords: Any) -> None:
        pts = _checked_coords(coords)
        self._setup(pts)

    @classmethod
    def _of_simplex(cls, corners: Sequence[Point]) -> Triangulation:
        """Return the triangulation of one simplex given by valid corners, without checks.

        LearnerND makes one per split simplex; the checks of ``__init__`` would cost more than
        the rest.
        """
        tri = cls.__new__(cls)
        tri._setup(list(corners))
        return tri

    def _setup(self, pts: list[Point]) -> None:
        dim = len(pts[0])
        self._factorial = math.factorial(dim)
        self.vertices: list[Point] = []
        self.simplices: set[Simplex] = set()
        self.vertex_to_simplices: list[set[Simplex]] = []
        # Values are tuples, not lists: tuples of ints are untracked by the cyclic garbage
        # collector, so the full collections do not grow with the mesh.
        self._face_to_simplices: dict[Simplex, tuple[Simplex, ...]] = {}
        self._spheres: dict[Simplex, tuple[Point, float]] = {}
        self._dets: dict[Simplex, float] = {}  # |det| of the edge vectors (d! x volume)
        self._tcoords: list[Point] = []  # vertices in the coordinates of `_transform`
        self._transform: np.ndarray[Any, Any] | None = None
        self._transform_arg: Any = None  # the object last passed as transform
        self._diag: list[float] | None = None  # the diagonal of `_transform` if it is diagonal
        self._hint: Simplex = ()

        if len(pts) == dim + 1:  # one simplex: no Qhull needed (sub-triangulations of LearnerND)
            for p in pts:
                self._append_vertex(p)
            simplex = tuple(range(dim + 1))
            self.add_simplex(simplex)
            self._dets[simplex] = abs(edge_det(pts))
            return
        # Qhull gives the initial Delaunay triangulation (the reference library starts the same
        # way, so both start from the same mesh). Points Qhull leaves out (duplicates, or
        # coplanar ones it drops) are inserted afterwards.
        import scipy.spatial  # here: Qhull's module is too heavy to load with adaptive_nb

        initial = scipy.spatial.Delaunay(np.asarray(pts))
        for p in pts:
            self._append_vertex(p)
        for s in initial.simplices:
            simplex = tuple(sorted(int(i) for i in s))
            det = abs(self._det(simplex))
            if det > 0:
                self.add_simplex(simplex)
                self._dets[simplex] = det
        missing = [i for i, s in enumerate(self.vertex_to_simplices) if not s]
        for i in missing:
            self._insert_existing_vertex(i)

    # -- basic bookkeeping ----------------------------------------------------------------------

    def _append_vertex(self, p: Point) -> int:
        self.vertices.append(p)
        self.vertex_to_simplices.append(set())
        self._tcoords.append(p if self._transform is None else self._apply(p))
        return len(self.vertices) - 1

    def _apply(self, p: Point) -> Point:
        transform = self._transform
        assert transform is not None
        diag = self._diag
        if diag is not None:  # LearnerND's scaling: skip numpy for three multiplications
            return tuple([a * b for a, b in zip(p, diag, strict=True)])
        return tuple((np.asarray(p) @ transform).tolist())

    def _set_transform(self, transform: Any) -> None:
        """Make `_tcoords` and `_spheres` use ``transform`` (identity when None)."""
        if transform is self._transform_arg:
            return  # the learner passes the same array every time: skip the comparison
        self._transform_arg = transform
        if transform is None:
            transform = None if self._transform is None else np.eye(self.dim)
        else:
            transform = np.asarray(transform, dtype=float)
        if transform is None:
            return
        if self._transform is not None and np.array_equal(transform, self._transform):
            return
        if np.array_equal(transform, np.eye(self.dim)):
            self._transform = None
            self._tcoords = list(self.vertices)
        else:
            self._transform = transform
            self._tcoords = [tuple(r) for r in (np.asarray(self.vertices) @ transform).tolist()]
        t = self._transform
        is_diag = t is not None and np.count_nonzero(t - np.diag(np.diag(t))) == 0
        self._diag = np.diag(t).tolist() if t is not None and is_diag else None
        self._spheres = {}

    def add_simplex(self, simplex: Iterable[int]) -> None:
        """Add a simplex (a tuple of vertex indices) to the bookkeeping, without any checks."""
        self._add(tuple(sorted(simplex)))

    def _add(self, s: Simplex) -> None:
        self.simplices.add(s)
        for v in s:
            self.vertex_to_simplices[v].add(s)
        faces = self._face_to_simplices
        for i in range(len(s)):
            face = s[:i] + s[i + 1 :]
            owners = faces.get(face)
            faces[face] = (s,) if owners is None else (*owners, s)
        self._hint = s

    def delete_simplex(self, simplex: Iterable[int]) -> None:
        """Remove a simplex from the bookkeeping."""
        self._delete(tuple(sorted(simplex)))

    def _delete(self, s: Simplex) -> None:
        self.simplices.remove(s)
        for v in s:
            self.vertex_to_simplices[v].remove(s)
        faces = self._face_to_simplices
        for i in range(len(s)):
            face = s[:i] + s[i + 1 :]
            owners = faces[face]
            if len(owners) == 1:
                del faces[face]
            else:
                faces[face] = tuple(o for o in owners if o != s)
        self._spheres.pop(s, None)
        self._dets.pop(s, None)

    def _neighbor(self, simplex: Simplex, face: Simplex) -> Simplex | None:
        for s in self._face_to_simplices.get(face, ()):
            if s != simplex:
                return s
        return None

    @property
    def dim(self) -> int:
        """Number of coordinates of a vertex."""
        return len(self.vertices[0])

    @property
    def default_transform(self) -> np.ndarray[Any, Any]:
        """The identity matrix (no transform)."""
        return np.eye(self.dim)

    def get_vertices(self, indices: Iterable[int | None]) -> list[Point | None]:
        """Return the coordinates of the given vertex indices (None stays None)."""
        return [self.get_vertex(i) for i in indices]

    def get_vertex(self, index: int | None) -> Point | None:
        """Return the coordinates of one vertex (None for None)."""
        return None if index is None else self.vertices[index]

    def _pts(self, simplex: Iterable[int]) -> list[Point]:
        v = self.vertices
        return [v[i] for i in simplex]

    def _det(self, simplex: Iterable[int]) -> float:
        return edge_det(self._pts(simplex))

    # -- queries --------------------------------------------------------------------------------

    def volume(self, simplex: Iterable[int]) -> float:
        """Return the volume of a simplex."""
        det = self._dets.get(simplex) if type(simplex) is tuple else None
        if det is None:
            det = abs(self._det(simplex))
        return det / self._factorial

    def volumes(self) -> list[float]:
        """Return the volume of every simplex (in the iteration order of ``simplices``)."""
        return [self.volume(s) for s in self.simplices]

    def point_in_simplex(self, point: PointLike, simplex: Simplex, eps: float = EPS) -> bool:
        """Return whether ``point`` lies in the closure of ``simplex`` (tolerance ``eps``)."""
        bary = barycentric(self._pts(simplex), tuple(map(float, point)))
        return bary is not None and min(bary) >= -eps

    def get_reduced_simplex(
        self, point: PointLike, simplex: Simplex, eps: float = EPS
    ) -> list[int]:
        """Return the vertices of the lowest-dimensional face of ``simplex`` holding ``point``.

        Parameters
        ----------
        point
            The point.
        simplex
            A simplex of the triangulation, or a face of one.
        eps
            Tolerance on the barycentric coordinates.

        Returns
        -------
        list of int
            Empty when the point is outside the simplex; one vertex when the point is (within
            tolerance) that vertex.
        """
        if len(simplex) != self.dim + 1:
            simplex = min(self.containing(simplex))
        bary = barycentric(self._pts(simplex), tuple(map(float, point)))
        if bary is None or min(bary) < -eps:
            return []
        return [v for v, b in zip(simplex, bary, strict=True) if b > eps]

    def locate_point(self, point: PointLike) -> Simplex:
        """Return a simplex whose closure contains ``point``, or ``()`` if it is outside the hull.

        A walk from the last touched simplex: O(N^(1/d)) steps on a well-shaped mesh.
        """
        p = tuple(map(float, point))
        if not self.simplices:
            return ()
        current = self._hint if self._hint in self.simplices else min(self.simplices)
        visited: set[Simplex] = set()
        while current not in visited:
            visited.add(current)
            bary = barycentric(self._pts(current), p)
            if bary is None:
                break
            worst = min(range(len(bary)), key=bary.__getitem__)
            if bary[worst] >= -EPS:
                self._hint = current
                return current
            face = current[:worst] + current[worst + 1 :]
            nxt = self._neighbor(current, face)
            if nxt is None:
                break  # left the hull: outside if the hull is convex, confirmed below
            current = nxt
        for s in sorted(self.simplices):
            if self.point_in_simplex(p, s):
                self._hint = s
                return s
        return ()

    def faces(
        self,
        dim: int | None = None,
        simplices: Iterable[Simplex] | None = None,
        vertices: Iterable[int] | None = None,
    ) -> Iterator[Simplex]:
        """Iterate over the faces of ``dim`` vertices (default N) of some or all simplices.

        Parameters
        ----------
        dim
            Number of vertices of a face.
        simplices
            Only the faces of these simplices.
        vertices
            Only faces made of these vertices (of the simplices around them).
        """
        if dim is None:
            dim = self.dim
        if simplices is not None and vertices is not None:
            msg = "Only one of simplices and vertices is allowed."
            raise ValueError(msg)
        if vertices is not None:
            vset = set(vertices)
            around = set(chain.from_iterable(self.vertex_to_simplices[i] for i in vset))
            return (f for s in around for f in combinations(s, dim) if all(i in vset for i in f))
        source = self.simplices if simplices is None else simplices
        return (f for s in source for f in combinations(s, dim))

    def containing(self, face: Iterable[int]) -> set[Simplex]:
        """Return the simplices that contain all vertices of ``face``."""
        return set.intersection(*(self.vertex_to_simplices[i] for i in face))

    def get_neighbors_from_vertices(self, simplex: Iterable[int]) -> set[Simplex]:
        """Return all simplices that share at least one vertex with ``simplex``."""
        return set.union(*(self.vertex_to_simplices[p] for p in simplex))

    def get_face_sharing_neighbors(
        self, neighbors: Iterable[Simplex], simplex: Iterable[int]
    ) -> set[Simplex]:
        """Keep those of ``neighbors`` that share a whole face (N vertices) with ``simplex``."""
        sset = set(simplex)
        return {s for s in neighbors if len(sset.intersection(s)) == self.dim}

    def get_simplices_attached_to_points(self, indices: Iterable[int]) -> set[Simplex]:
        """Return the simplices sharing a face with the simplex made of ``indices``."""
        indices = tuple(indices)
        return self.get_face_sharing_neighbors(self.get_neighbors_from_vertices(indices), indices)

    def get_opposing_vertices(self, simplex: Simplex) -> tuple[int | None, ...]:
        """For each vertex of ``simplex``, the vertex across the opposite face (None on the hull).

        Raises
        ------
        ValueError
            If ``simplex`` is not part of the triangulation.
        """
        s = tuple(simplex)
        if s not in self.simplices:
            msg = f"Simplex {s} is not part of the triangulation."
            raise ValueError(msg)
        result: list[int | None] = []
        for i in range(len(s)):
            nb = self._neighbor(s, s[:i] + s[i + 1 :])
            if nb is None:
                result.append(None)
            else:
                (opposite,) = set(nb).difference(s)
                result.append(opposite)
        return tuple(result)

    @property
    def hull(self) -> set[int]:
        """The vertices on the convex hull (on a face that belongs to a single simplex).

        Raises
        ------
        RuntimeError
            If a face belongs to more than two simplices (a broken triangulation).
        """
        hull: set[int] = set()
        for face, owners in self._face_to_simplices.items():
            if len(owners) > 2:
                msg = "Broken triangulation: an (N-1)-face appears in more than 2 simplices."
                raise RuntimeError(msg)
            if len(owners) == 1:
                hull.update(face)
        return hull

    def reference_invariant(self) -> bool:
        """Return whether ``vertex_to_simplices`` and ``simplices`` agree."""
        for vertex, around in enumerate(self.vertex_to_simplices):
            if any(vertex not in s for s in around):
                return False
        return all(s in self.vertex_to_simplices[v] for s in self.simplices for v in s)

    def vertex_invariant(self, vertex: int) -> bool:
        """Return whether the simplices around ``vertex`` do not overlap (volumes add up)."""
        around = self.vertex_to_simplices[vertex]
        return all(abs(self._det(s)) > 0 for s in around)

    def convex_invariant(self, vertex: int | None = None) -> bool:
        """Return whether the hull is convex (around ``vertex``, or everywhere).

        Every hull face must have all vertices of the triangulation on its inner side.
        """
        interior = np.mean(np.asarray(self.vertices), axis=0)
        pts = np.asarray(self.vertices)
        for face, owners in self._face_to_simplices.items():
            if len(owners) != 1 or (vertex is not None and vertex not in face):
                continue
            fpts = pts[list(face)]
            normal_side = orientation(fpts, interior)
            for i in range(len(pts)):
                o = orientation(fpts, pts[i])
                if o not in (0, normal_side):
                    return False
        return True

    def circumscribed_circle(self, simplex: Simplex, transform: Any) -> tuple[Point, float]:
        """Return the centre and radius of the circumsphere of ``simplex`` after ``transform``."""
        pts = np.asarray(self._pts(simplex)) @ np.asarray(transform, dtype=float)
        center, r2 = circum([tuple(p) for p in pts.tolist()])
        return center, math.sqrt(r2)

    def point_in_circumcircle(self, pt_index: int, simplex: Simplex, transform: Any) -> bool:
        """Return whether vertex ``pt_index`` lies in the circumsphere of ``simplex``."""
        self._set_transform(transform)
        return self._in_sphere(self._tcoords[pt_index], simplex)

    point_in_cicumcircle = point_in_circumcircle  # the reference library's spelling

    def _sphere(self, simplex: Simplex) -> tuple[Point, float]:
        sph = self._spheres.get(simplex)
        if sph is None:
            tc = self._tcoords
            sph = self._spheres[simplex] = circum([tc[i] for i in simplex])
        return sph

    def _in_sphere(self, p: Point, simplex: Simplex) -> bool:
        center, r2 = self._sphere(simplex)
        d2 = 0.0
        for a, b in zip(center, p, strict=True):
            d2 += (a - b) * (a - b)
        return d2 < r2 * (1 + EPS) ** 2

    # -- insertion ------------------------------------------------------------------------------

    def _is_almost_flat(self, simplex: Simplex) -> bool:
        return measure(self._pts(simplex))[1]

    def bowyer_watson(
        self, pt_index: int, containing_simplex: Simplex | None = None, transform: Any = None
    ) -> tuple[set[Simplex], set[Simplex]]:
        """Insert vertex ``pt_index`` (already in ``vertices``) by Bowyer-Watson.

        The simplices whose circumsphere (after ``transform``) contains the point form a cavity,
        found by a search across faces from ``containing_simplex`` (or from the simplices that
        already have the vertex); the cavity is replaced by simplices joining its boundary faces
        to the point.

        Parameters
        ----------
        pt_index
            Index of the vertex to insert.
        containing_simplex
            A simplex containing the point.
        transform
            N x N matrix applied to the coordinates for the circumsphere tests.

        Returns
        -------
        deleted_simplices, new_simplices : set, set

        Raises
        ------
        ValueError
            If the cavity could not be re-triangulated without changing its volume (degenerate
            input); the triangulation is then left as it was.
        """
        self._set_transform(transform)
        if containing_simplex is None:
            seeds = set(self.vertex_to_simplices[pt_index])
        else:
            seeds = {tuple(sorted(containing_simplex))}
        bad, boundary = self._cavity(pt_index, seeds)
        new, new_dets = self._cone(pt_index, boundary)
        dets = self._dets
        old_vol = sum(dets[s] if s in dets else abs(self._det(s)) for s in bad)
        new_vol = sum(new_dets)
        if not math.isclose(old_vol, new_vol, rel_tol=1e-6, abs_tol=1e-14):
            msg = (
                f"Cannot insert point {self.vertices[pt_index]}: its cavity has volume {old_vol} "
                f"but its re-triangulation {new_vol} (degenerate input)."
            )
            raise ValueError(msg)
        for s in bad:
            self._delete(s)
        for s, det in zip(new, new_dets, strict=True):
            self._add(s)
            dets[s] = det
        new_set = set(new)
        return bad - new_set, new_set - bad

    def _cavity(self, pt_index: int, seeds: set[Simplex]) -> tuple[set[Simplex], list[Simplex]]:
        """Grow the set of simplices whose circumsphere holds the point, across faces.

        Returns the cavity and its boundary faces (faces with the point itself excluded).
        """
        p = self._tcoords[pt_index]
        faces = self._face_to_simplices
        spheres = self._spheres
        tc = self._tcoords
        tol = (1 + EPS) ** 2
        bad = set(seeds)
        done = set(seeds)
        stack = list(seeds)
        boundary: list[Simplex] = []
        while stack:
            s = stack.pop()
            for i in range(len(s)):
                face = s[:i] + s[i + 1 :]
                owners = faces[face]
                nb = None if len(owners) == 1 else owners[1] if owners[0] == s else owners[0]
                if nb is not None and nb in bad:
                    continue
                if nb is not None and nb not in done:
                    done.add(nb)
                    sph = spheres.get(nb)
                    if sph is None:
                        sph = spheres[nb] = circum([tc[j] for j in nb])
                    center, r2 = sph
                    d2 = 0.0
                    for a, b in zip(center, p, strict=True):
                        d2 += (a - b) * (a - b)
                    if d2 < r2 * tol:
                        bad.add(nb)
                        stack.append(nb)
                        continue
                if pt_index not in face:
                    boundary.append(face)
        return bad, boundary

    def _cone(self, pt_index: int, boundary: list[Simplex]) -> tuple[list[Simplex], list[float]]:
        """Join the boundary faces to the point, leaving out the (almost) flat simplices."""
        new: list[Simplex] = []
        new_dets: list[float] = []
        verts = self.vertices
        for face in boundary:
            simplex = (*face, pt_index) if pt_index > face[-1] else tuple(sorted((*face, pt_index)))
            det, flat = measure([verts[j] for j in simplex])
            if not flat:
                new.append(simplex)
                new_dets.append(det)
        return new, new_dets

    def _hull_faces(self) -> list[tuple[Simplex, Simplex]]:
        return [(f, o[0]) for f, o in self._face_to_simplices.items() if len(o) == 1]

    def _extend_hull(self, pt_index: int) -> set[Simplex]:
        """Join a point outside the hull to every hull face it sees; return the new simplices."""
        p = self.vertices[pt_index]
        added: set[Simplex] = set()
        for face, owner in sorted(self._hull_faces()):
            (inner,) = set(owner).difference(face)
            fpts = self._pts(face)
            d_in = edge_det([self.vertices[inner], *fpts])
            d_new = edge_det([p, *fpts])
            if d_in * d_new < 0:  # strictly on the other side of the face
                simplex = tuple(sorted((*face, pt_index)))
                if not self._is_almost_flat(simplex):
                    added.add(simplex)
        for s in added:
            self.add_simplex(s)
        return added

    def _undo_vertex(self, pt_index: int, temporary: Iterable[Simplex] = ()) -> None:
        for s in temporary:
            if s in self.simplices:
                self.delete_simplex(s)
        del self.vertices[pt_index]
        del self.vertex_to_simplices[pt_index]
        del self._tcoords[pt_index]

    def add_point(
        self, point: Sequence[float], simplex: Simplex | None = None, transform: Any = None
    ) -> tuple[set[Simplex], set[Simplex]]:
        """Add a vertex and re-triangulate around it (Delaunay after ``transform``).

        Parameters
        ----------
        point
            Coordinates of the new vertex.
        simplex
            A simplex containing the point (saves the point location), or ``()`` when the
            point is known to be outside the hull.
        transform
            N x N matrix applied to the coordinates for the Delaunay criterion.

        Returns
        -------
        deleted_simplices, new_simplices : set, set

        Raises
        ------
        ValueError
            If the point is already a vertex, lies outside the given simplex, sees no hull face,
            or cannot be inserted without corrupting the mesh; nothing is changed then.
        """
        p = tuple(float(v) for v in point)
        if len(p) != self.dim or not all(math.isfinite(v) for v in p):
            msg = f"Point {tuple(point)} must have {self.dim} finite coordinates."
            raise ValueError(msg)
        self._set_transform(transform)
        if simplex is None:
            simplex = self.locate_point(p)
        if not simplex:
            pt_index = self._append_vertex(p)
            temporary = self._extend_hull(pt_index)
            if not temporary:
                self._undo_vertex(pt_index)
                msg = f"Candidate vertex {p} is inside the hull (or on its boundary)."
                raise ValueError(msg)
            try:
                deleted, added = self.bowyer_watson(pt_index, None, transform)
            except ValueError:
                self._undo_vertex(pt_index, temporary)
                raise
            return deleted - temporary, added | (temporary - deleted)
        simplex = tuple(sorted(simplex))
        if simplex not in self.simplices:
            msg = f"Simplex {simplex} is not part of the triangulation."
            raise ValueError(msg)
        reduced = self.get_reduced_simplex(p, simplex)
        if not reduced:
            msg = f"Point {p} lies outside of the specified simplex {simplex}."
            raise ValueError(msg)
        if len(reduced) == 1:
            msg = f"Point {p} is already in the triangulation (vertex {reduced[0]})."
            raise ValueError(msg)
        pt_index = self._append_vertex(p)
        try:
            return self.bowyer_watson(pt_index, simplex, transform)
        except ValueError:
            self._undo_vertex(pt_index)
            raise

    def _insert_existing_vertex(self, index: int) -> None:
        """Insert a vertex Qhull left out (it sits at the end of `vertices` temporarily)."""
        p = self.vertices[index]
        simplex = self.locate_point(p)
        if simplex and len(self.get_reduced_simplex(p, simplex)) == 1:
            return  # a duplicate of an existing vertex: it stays unconnected
        if simplex:
            self.bowyer_watson(index, simplex)
            return
        temporary = self._extend_hull(index)
        if temporary:
            self.bowyer_watson(index)

    def __repr__(self) -> str:
        return (
            f"<Triangulation of {len(self.vertices)} vertices, {len(self.simplices)} simplices "
            f"in {self.dim}D>"
        )
