"""A Learner1D's state as plain values, and the check of its invariants (for tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sortedcontainers import SortedList

from adaptive_nb.learner._data1d import _as_y, _finite
from adaptive_nb.learner._interval_index import IndexSnapshot, _same_float
from adaptive_nb.learner._loss1d import default_loss

if TYPE_CHECKING:
    from adaptive_nb.learner.learner1D import Learner1D

__all__ = ["Snapshot", "check_invariants", "saved_state"]


def saved_state(learner: object) -> Callable[[], None]:
    """Return a function that puts ``learner`` back into its present state (O(n) copies).

    For operations that cannot compute everything before changing anything (the batch
    rebuild of ``tell_many``). Containers are restored in place, so references a user holds
    (``learner.data``, ``learner.pending_points``) stay valid. Their elements are immutable
    (floats, tuples, arrays that are never written), so shallow copies suffice.
    """
    attrs = dict(vars(learner))
    copies = {
        k: v.copy() for k, v in attrs.items() if isinstance(v, list | dict | set | SortedList)
    }

    def restore() -> None:
        d = vars(learner)
        for k in [k for k in d if k not in attrs]:
            del d[k]
        for k, v in attrs.items():
            c = copies.get(k)
            if c is not None:
                if isinstance(v, list):
                    v[:] = c
                else:
                    v.clear()
                    v.update(c)
            d[k] = v

    return restore


@dataclass(frozen=True)
class Snapshot:
    """A Learner1D's state as plain values (see ``Learner1D._snapshot``).

    Attributes
    ----------
    index
        The points and intervals, with their losses and ranks.
    told
        The points in the order they were told.
    y_min, y_max
        The bounding box of the finite values (per component for vectors).
    y_scale
        The current y-scale; ``old_y_scale`` the one of the last full recomputation.
    vdim
        The length of the values, None while unknown.
    """

    index: IndexSnapshot
    told: tuple[float, ...]
    y_min: Any
    y_max: Any
    y_scale: float
    old_y_scale: float
    vdim: int | None


def check_invariants(learner: Learner1D) -> None:
    """Assert every invariant of ``learner``, its interval index's included (O(n log n))."""
    lo, hi = learner.bounds
    data = learner.data
    snap = learner._check_index_invariants()
    assert list(data) == learner._log_x, "data order differs from the told-order record"
    assert len(learner._log_y) == len(learner._log_x)
    for x, y in zip(learner._log_x, learner._log_y, strict=True):
        assert data[x] is y or np.array_equal(data[x], y, equal_nan=True)
    assert not (learner.pending_points & data.keys()), "a point is both pending and evaluated"
    if learner._have_bounds:
        assert lo in data
        assert hi in data
    assert learner._fast_default == (learner.loss_per_interval is default_loss and not learner._vec)
    reals = sorted(x for x in data if lo <= x <= hi)
    assert list(snap.real) == reals
    assert list(snap.pending) == sorted(p for p in learner.pending_points if lo <= p <= hi)
    yv = snap.values
    for x in reals:
        assert _finite(yv[x]) == _finite(_as_y(data[x])[1])
    # y bounding box
    if learner._vec:
        assert learner._vdim is not None
        for x in data:
            assert np.shape(data[x]) == (learner._vdim,)
    elif data:
        assert learner._vdim == 1
    fin = [yv[x] for x in reals if _finite(yv[x])]
    if not learner._vec:
        if fin:
            assert learner._ymin == min(fin)
            assert learner._ymax == max(fin)
            assert learner._yscale == learner._ymax - learner._ymin
        else:
            assert learner._yscale == 0.0
    # scale bookkeeping
    factor = learner._recompute_losses_factor
    assert learner._old_yscale <= learner._yscale
    assert learner._yscale <= factor * learner._old_yscale or learner._yscale == 0.0
    # real losses: equal to a recomputation at the scale they were computed with
    nodes = learner._nodes
    for (left, right), (_, loss, scale) in snap.real_intervals.items():
        assert learner._old_yscale <= scale <= learner._yscale
        again = learner._interval_loss(nodes[left], nodes[right], scale)
        assert _same_float(loss, again), (left, right, loss, again)
    _check_locality_marks(learner)


def _check_locality_marks(learner: Learner1D) -> None:
    """Assert that every real entry marked local (``_rloc``) is.

    Its loss, recomputed at its scale by the batch protocol, reads no point beyond its ends'
    neighbours.
    """
    local = getattr(learner.loss_per_interval, "window_losses_local", None)
    re_ = learner._re
    nxr = learner._nxr
    ny: list[Any] = learner._ny
    for node, mark in enumerate(learner._rloc):
        if mark is None or mark is not re_[node]:
            continue  # (an entry replaced since voids its mark)
        assert local is not None, "a locality mark without window_losses_local"
        assert not learner._vec
        ns, pad_l = learner._real_run(node, 3)
        pad_r = 7 - pad_l - len(ns)
        yd = mark[4] or 1.0
        xs = [None] * pad_l + [nxr[i] for i in ns] + [None] * pad_r
        ys = [None] * pad_l + [ny[i] / yd for i in ns] + [None] * pad_r
        reads: list[int] = []
        (loss,) = local(xs, ys, 3, 4, reads)
        assert not reads, ("a loss marked local reads further", mark)
        assert _same_float(loss, mark[3]), (mark, loss)
