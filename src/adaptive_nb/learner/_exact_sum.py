"""A running sum of floats that is exact: adding a term and later removing it leaves no trace.

The IntegratorLearner keeps its integral and error as running totals over the intervals that
approximate the integral, so that reading them is O(1) instead of a walk over every interval.
A float accumulator would drift as terms are replaced thousands of times (and could not undo
a huge term next to small ones), so the total is kept as one Python integer in units of the
smallest subnormal, 2**-1074, where every finite double is an integer.
"""

from __future__ import annotations

import math

__all__ = ["ExactSum"]

_SHIFT = 1074  # every finite double is an integer multiple of 2**-1074
_UNIT = 1 << _SHIFT


class ExactSum:
    """Exact sum of a multiset of floats: O(1) ``add``/``remove``, a correctly rounded value.

    Infinities and NaNs are counted apart, so they can be removed again too.

    Examples
    --------
    >>> s = ExactSum()
    >>> s.add(1e100); s.add(1.0); s.remove(1e100)
    >>> s.value()
    1.0
    """

    __slots__ = ("_cached", "_nan", "_ninf", "_pinf", "_scaled")

    def __init__(self) -> None:
        self._scaled = 0
        self._pinf = 0
        self._ninf = 0
        self._nan = 0
        self._cached: float | None = 0.0

    def _update(self, x: float, sign: int) -> None:
        x = float(x)
        self._cached = None
        if math.isfinite(x):
            num, den = x.as_integer_ratio()
            self._scaled += sign * (num << (_SHIFT - den.bit_length() + 1))
        elif x > 0:
            self._pinf += sign
        elif x < 0:
            self._ninf += sign
        else:
            self._nan += sign

    def add(self, x: float) -> None:
        """Add the term ``x``."""
        self._update(x, 1)

    def remove(self, x: float) -> None:
        """Remove a term ``x`` that was added before."""
        self._update(x, -1)

    def value(self) -> float:
        """Return the sum rounded to the nearest float (``inf`` past the largest float)."""
        if self._cached is None:
            self._cached = self._compute()
        return self._cached

    def _compute(self) -> float:
        if self._nan or (self._pinf and self._ninf):
            return math.nan
        if self._pinf:
            return math.inf
        if self._ninf:
            return -math.inf
        try:
            return self._scaled / _UNIT  # int / int is correctly rounded
        except OverflowError:
            return math.inf if self._scaled > 0 else -math.inf
