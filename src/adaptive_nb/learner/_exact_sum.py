"""Running sums of floats that are exact: adding a term and later removing it leaves no trace.

The IntegratorLearner keeps its integral and error as running totals over the intervals that
approximate the integral, so that reading them is O(1) instead of a walk over every interval.
A float accumulator would drift as terms are replaced thousands of times (and could not undo
a huge term next to small ones), so the total is kept as one Python integer in units of the
smallest subnormal, 2**-1074, where every finite double is an integer.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["ExactSum", "Totals"]

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


class Totals:
    """Integral, error and excess error, summed over the intervals that approximate the integral.

    The members are the root interval's ``done_leaves``; each member has ``in_total`` set. The
    excess is the error of the members marked ``removed`` (at the limit of accuracy). Every change
    of a member's ``igral``, ``err`` or ``removed`` must go through this object.
    """

    __slots__ = ("err", "excess", "igral", "members")

    def __init__(self) -> None:
        self.igral = ExactSum()
        self.err = ExactSum()
        self.excess = ExactSum()
        self.members = 0

    def enter(self, ival: Any) -> None:
        """Count ``ival`` in (it joined the approximating intervals)."""
        ival.in_total = True
        self.members += 1
        self.igral.add(ival.igral)
        self.err.add(ival.err)
        if ival.removed:
            self.excess.add(ival.err)

    def leave(self, ival: Any) -> None:
        """Count ``ival`` out (its descendants replaced it)."""
        ival.in_total = False
        self.members -= 1
        self.igral.remove(ival.igral)
        self.err.remove(ival.err)
        if ival.removed:
            self.excess.remove(ival.err)

    def set_err(self, ival: Any, err: float) -> None:
        """Set ``ival.err``."""
        if ival.in_total:
            self.err.remove(ival.err)
            self.err.add(err)
            if ival.removed:
                self.excess.remove(ival.err)
                self.excess.add(err)
        ival.err = err

    def set_igral(self, ival: Any, igral: float) -> None:
        """Set ``ival.igral``."""
        if ival.in_total:
            self.igral.remove(ival.igral)
            self.igral.add(igral)
        ival.igral = igral

    def mark_removed(self, ival: Any) -> None:
        """Set ``ival.removed``: its error now counts as excess."""
        if not ival.removed:
            ival.removed = True
            if ival.in_total:
                self.excess.add(ival.err)
