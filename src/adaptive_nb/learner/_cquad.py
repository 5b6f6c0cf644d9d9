"""Tables and small numerics of Gonnet's CQUAD rule, used by the IntegratorLearner.

An interval ``[a, b]`` is sampled at the nested Clenshaw-Curtis nodes of 5, 9, 17 and 33 points
(depth 0 to 3). The function values are turned into coefficients of orthonormal Legendre
polynomials on ``[-1, 1]`` by the inverse of a Vandermonde-like matrix; the integral is the
zeroth coefficient and the error estimate the norm of the change of the coefficient vector
between two consecutive rules (P. Gonnet, "Increasing the reliability of adaptive quadrature
using explicit interpolants", ACM TOMS 37, 2010, and his PhD thesis, ETH Zurich 2009).

The tables are computed here, lazily, the first time a learner needs them, and cached. The
computations follow the definitions step by step in double precision with LAPACK's inverse, so
that the learner reproduces the reference library's numbers bit for bit (its decisions compare
error estimates that are rounding noise for piecewise-constant integrands; a table that differed
in the last bit would send it down another path). ``tests/learner/test_integrator_learner.py``
checks each table against the reference's.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["NS", "Tables", "coefficients", "tables"]

NS = (5, 9, 17, 33)
"""Number of nodes of the rule at each depth."""

# Index of a depth-d node among the 33 depth-3 nodes is k * STRIDE[d] (the rules are nested).
STRIDE = (8, 4, 2, 1)

HINT = 0.1
"""A refinement whose coefficients changed by more than HINT (relative) forces a split: the
error estimate is not yet reliable (section 6.2 of Gonnet's thesis)."""

EPS = float(np.spacing(1.0))

MIN_SEP = 16 * EPS
"""Nodes closer than this (relative) end the subdivision of an interval."""

NDIV_MAX = 20
"""More than this many jumps of the leading coefficient in a branch mean the integral diverges."""

Vector = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Tables:
    """The CQUAD tables, indexed by depth where they are per rule.

    Attributes
    ----------
    xi
        Nodes on ``[-1, 1]`` of each rule, exactly antisymmetric.
    v_inv
        Maps function values at the nodes to Legendre coefficients.
    v_cond
        2-norm condition number of each Vandermonde-like matrix.
    t_left, t_right
        Map the 33 coefficients of an interval to those of its left/right half.
    b_def
        Legendre coefficients of the nodal polynomial ``prod(x - xi)`` of each rule (for the
        downdate that drops non-finite values).
    alpha, gamma
        Three-term recurrence of the orthonormal Legendre polynomials.
    """

    xi: tuple[Vector, ...]
    v_inv: tuple[Vector, ...]
    v_cond: tuple[float, ...]
    t_left: Vector
    t_right: Vector
    b_def: tuple[Vector, ...]
    alpha: Vector
    gamma: Vector


def _legendre_vandermonde(x: Vector, n: int) -> Vector:
    """Return the ``len(x) x n`` matrix of the orthonormal Legendre polynomials at ``x``."""
    rows = np.empty((n, len(x)))
    rows[0] = 1.0
    if n > 1:
        rows[1] = x
    # Bonnet: (k) P_k = (2k - 1) x P_{k-1} - (k - 1) P_{k-2}, evaluated as written.
    for k in range(2, n):
        rows[k] = (2 * k - 1) / k * x * rows[k - 1] - (k - 1) / k * rows[k - 2]
    for k in range(n):
        rows[k] *= np.sqrt(k + 0.5)
    return rows.T


def _chebyshev_nodes(n: int) -> Vector:
    """Nodes ``-cos(pi k / (n - 1))``, symmetrised so that ``x[k] == -x[n - 1 - k]`` exactly."""
    x = -np.cos(np.linspace(0.0, np.pi, n))
    return (x - x[::-1]) / 2


def _legendre_rational(n: int) -> list[list[Fraction]]:
    """Monomial coefficients (exact) of the standard Legendre polynomials ``P_0 .. P_{n-1}``."""
    polys: list[list[Fraction]] = [[Fraction(1)], [Fraction(0), Fraction(1)]][:n]
    for k in range(2, n):
        prev, prev2 = polys[k - 1], polys[k - 2]
        new = [Fraction(0)] * (k + 1)
        for i, c in enumerate(prev):
            new[i + 1] += c * (2 * k - 1) / k
        for i, c in enumerate(prev2):
            new[i] -= c * (k - 1) / k
        polys.append(new)
    return polys


def _nodal_polynomial(n: int) -> list[Fraction]:
    """Monomial coefficients (exact) of ``prod_k (x - x_k)`` over the ``n`` nodes.

    The nodes are +-1 and the zeros of the Chebyshev polynomial ``U_{n-2}``, whose leading
    coefficient is ``2**(n-2)``, so the product is ``(x**2 - 1) U_{n-2}(x) / 2**(n-2)``.
    """
    u_prev, u = [1], [0, 2]  # U_0, U_1
    if n - 2 == 0:
        u = u_prev
    for _ in range(2, n - 1):  # U_k = 2 x U_{k-1} - U_{k-2}
        nxt = [0] * (len(u) + 1)
        for i, c in enumerate(u):
            nxt[i + 1] += 2 * c
        for i, c in enumerate(u_prev):
            nxt[i] -= c
        u_prev, u = u, nxt
    prod = [0] * (len(u) + 2)
    for i, c in enumerate(u):
        prod[i + 2] += c
        prod[i] -= c
    scale = 2 ** (n - 2)
    return [Fraction(c, scale) for c in prod]


def _integral_of_product(p: list[Fraction], q: list[Fraction]) -> Fraction:
    """Exact ``int_{-1}^{1} p(x) q(x) dx`` of two polynomials given by monomial coefficients."""
    total = Fraction(0)
    for i, pi in enumerate(p):
        if not pi:
            continue
        for j, qj in enumerate(q):
            if qj and (i + j) % 2 == 0:
                total += pi * qj * Fraction(2, i + j + 1)
    return total


def _nodal_in_legendre(n: int, legendre: list[list[Fraction]]) -> Vector:
    """Coefficients of the nodal polynomial of ``n`` nodes in the orthonormal Legendre basis."""
    w = _nodal_polynomial(n)
    # <w, P_k> * sqrt((2k + 1) / 2): the coefficient on the normalised P_k.
    return np.array(
        [
            np.sqrt((2 * k + 1) / 2) * float(_integral_of_product(w, legendre[k]))
            for k in range(n + 1)
        ]
    )


@functools.cache
def tables() -> Tables:
    """Compute the CQUAD tables once (a few milliseconds) and return them.

    Returns
    -------
    Tables
        The cached tables.
    """
    import scipy.linalg  # here, not at module level: `import adaptive_nb` must stay light

    xi = tuple(_chebyshev_nodes(n) for n in NS)
    v = [_legendre_vandermonde(x, n) for x, n in zip(xi, NS, strict=True)]
    v_inv = tuple(scipy.linalg.inv(m) for m in v)
    v_cond = tuple(
        float(scipy.linalg.norm(m, 2) * scipy.linalg.norm(mi, 2))
        for m, mi in zip(v, v_inv, strict=True)
    )
    n = NS[-1]
    # The halves' nodes in the parent's coordinates, (xi + s) / 2 for s = -1, +1.
    t_left = v_inv[-1] @ _legendre_vandermonde((xi[-1] - 1) / 2, n)
    t_right = v_inv[-1] @ _legendre_vandermonde((xi[-1] + 1) / 2, n)
    legendre = _legendre_rational(n + 1)
    b_def = tuple(_nodal_in_legendre(m, legendre) for m in NS)
    k = np.arange(n)
    alpha = np.sqrt((k + 1) ** 2 / (2 * k + 1) / (2 * k + 3))
    kk = k[2:]
    gamma = np.concatenate([[0.0, 0.0], np.sqrt(kk**2 / (4 * kk**2 - 1))])
    for arr in (*xi, *v_inv, t_left, t_right, *b_def, alpha, gamma):
        arr.flags.writeable = False
    return Tables(xi, v_inv, v_cond, t_left, t_right, b_def, alpha, gamma)


def _downdate(c: Vector, bad: list[int], depth: int) -> Vector:
    """Remove the nodes ``bad`` from the interpolation whose coefficients are ``c`` (in place).

    The interpolant through the remaining nodes is the full one minus a multiple of the nodal
    polynomial of the dropped nodes; the nodal polynomial is divided by ``(x - xi[i])`` one node
    at a time with the Legendre three-term recurrence (algorithm 5 of Gonnet's thesis).
    """
    tb = tables()
    alpha, gamma = tb.alpha, tb.gamma
    b = tb.b_def[depth].copy()
    m = NS[depth] - 1
    for i in bad:
        x = tb.xi[depth][i]
        b[m + 1] /= alpha[m]
        b[m] = (b[m] + x * b[m + 1]) / alpha[m - 1]
        for j in range(m - 1, 0, -1):
            b[j] = (b[j] + x * b[j + 1] - gamma[j + 1] * b[j + 2]) / alpha[j - 1]
        b = b[1:]
        c[:m] -= c[m] / b[m] * b[:m]
        c[m] = 0
        m -= 1
    return c


def coefficients(fx: Vector, depth: int) -> Vector:
    """Return the Legendre coefficients of the interpolant of ``fx`` at the depth's nodes.

    Non-finite values are left out of the interpolation (their nodes are dropped), so a
    singularity at a node does not poison the interval.

    Parameters
    ----------
    fx
        Function values at ``tables().xi[depth]`` mapped to the interval (not modified).
    depth
        Rule depth, 0 to 3.

    Returns
    -------
    numpy.ndarray
        ``NS[depth]`` coefficients.
    """
    finite = np.isfinite(fx)
    if finite.all():
        return tables().v_inv[depth] @ fx
    bad = [int(i) for i in np.flatnonzero(~finite)]
    clean = np.where(finite, fx, 0.0)
    return _downdate(tables().v_inv[depth] @ clean, bad, depth)


def vector_norm(x: Vector) -> float:
    """Euclidean norm by BLAS ``nrm2`` (the same rounding as ``scipy.linalg.norm``)."""
    return float(_nrm2()(x))


@functools.cache
def _nrm2() -> Any:
    import scipy.linalg  # runs once (cached): vector_norm, per completed rule, imports nothing

    return scipy.linalg.get_blas_funcs("nrm2", dtype=np.float64, ilp64="preferred")
