"""The CQUAD tables under the reference library's names (``adaptive.learner.integrator_coeffs``).

Functions: ``legendre(n)``, ``newton(n)``, ``scalar_product(a, b)``, ``calc_bdef(ns)``,
``calc_V(x, n)``. Tables, computed on first access and cached: ``ns``, ``xi``, ``V``, ``V_inv``,
``Vcond``, ``T_left``, ``T_right``, ``b_def``, ``alpha``, ``gamma``, ``k``, and the constants
``eps``, ``hint``, ``min_sep``, ``ndiv_max``. The learner itself uses
:mod:`adaptive_nb.learner._cquad`; this module only gives user code the names it knows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from adaptive_nb.learner import _cquad

__all__ = ["calc_V", "calc_bdef", "legendre", "newton", "scalar_product"]


def legendre(n: int) -> list[list[Fraction]]:
    """Return the monomial coefficients (exact) of the Legendre polynomials ``P_0 .. P_{n-1}``.

    Standard normalisation: ``int_{-1}^{1} P_m P_n dx = 2 / (2n + 1)`` if ``m == n``.

    Parameters
    ----------
    n
        Number of polynomials.

    Returns
    -------
    list of list of fractions.Fraction
    """
    return _cquad._legendre_rational(n)


def newton(n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return the monomial coefficients of ``prod(x - x_k)`` over the ``n`` Clenshaw-Curtis nodes.

    Parameters
    ----------
    n
        Number of nodes.

    Returns
    -------
    numpy.ndarray
        ``n + 1`` coefficients, constant term first.
    """
    return np.array([float(c) for c in _cquad._nodal_polynomial(n)])


def scalar_product(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    """Return ``int_{-1}^{1} a(x) b(x) dx`` of two polynomials given by monomial coefficients.

    Parameters
    ----------
    a, b
        Coefficients, constant term first (exact types give an exact result).

    Returns
    -------
    fractions.Fraction
    """
    return _cquad._integral_of_product(list(a), list(b))


def calc_bdef(ns: Sequence[int]) -> list[np.ndarray[Any, np.dtype[np.float64]]]:
    """Return the nodal polynomials of the rules with ``ns`` nodes, in orthonormal Legendre basis.

    Parameters
    ----------
    ns
        Numbers of nodes.

    Returns
    -------
    list of numpy.ndarray
    """
    legs = _cquad._legendre_rational(max(ns) + 1)
    return [_cquad._nodal_in_legendre(n, legs) for n in ns]


def calc_V(x: np.ndarray[Any, Any], n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return the matrix of the first ``n`` orthonormal Legendre polynomials at the points ``x``.

    Parameters
    ----------
    x
        Points in ``[-1, 1]``.
    n
        Number of polynomials.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(x), n)``.
    """
    return _cquad._legendre_vandermonde(np.asarray(x, dtype=float), n)


@functools.cache
def _tables() -> dict[str, Any]:
    tb = _cquad.tables()
    return {
        "eps": _cquad.EPS,
        "ns": _cquad.NS,
        "xi": list(tb.xi),
        "V": [calc_V(x, n) for x, n in zip(tb.xi, _cquad.NS, strict=True)],
        "V_inv": list(tb.v_inv),
        "Vcond": list(tb.v_cond),
        "T_left": tb.t_left,
        "T_right": tb.t_right,
        "hint": _cquad.HINT,
        "min_sep": _cquad.MIN_SEP,
        "ndiv_max": _cquad.NDIV_MAX,
        "k": np.arange(_cquad.NS[-1]),
        "alpha": tb.alpha,
        "gamma": tb.gamma,
        "b_def": list(tb.b_def),
    }


def __getattr__(name: str) -> Any:
    try:
        return _tables()[name]
    except KeyError:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg) from None
