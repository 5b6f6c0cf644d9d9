"""AverageLearner1D: adaptive sampling of a noisy function ``f: R -> R`` by means of samples.

The function takes ``(seed, x)`` and returns one noisy sample at ``x``; ``data[x]`` is the mean
of the samples at ``x`` and ``error[x]`` the half-width of its confidence interval (Student's t
at ``1 - alpha`` times the standard error). Each ``ask`` either resamples a point (while it has
fewer than ``min_samples`` samples or markedly fewer than its neighbours, or when its error is
large against the distance to its neighbours: ``rescaled_error > delta``) or adds a new point
where the losses of Learner1D say so.

Why a subclass of Learner1D
---------------------------
The new points are Learner1D's: the same interval losses of the means, the same rank rule,
the same handling of pending points and of the y-scale. Subclassing reuses the interval index
(O(log n) per point), the loss machinery and the bulk recomputation as they are; the means are
the index's values, and a resample updates the value of its node and recomputes the losses of
the intervals around it. What Learner1D keeps as floats (its pending points) is the one thing
this learner overrides wholesale: here a pending point is ``(seed, x)``, and a point whose x
is pending sits in the index as a pending x.

Cost per sample
---------------
The reference recomputes the variance over all samples at x and calls ``scipy.stats.t.ppf``
on every tell (250-350 µs per sample, growing with the samples per point). Here each point
keeps running sums (Welford's update, seeded with the reference's running mean so that the
means are bit-identical), the t quantiles are cached by the number of samples, and the
largest rescaled error sits on a heap with lazy invalidation: O(log n) per sample, flat.

The reference's choices are kept exactly where they are deterministic: the same next points,
``nsamples`` and ``data`` for the same calls and values, and ``error`` to round-off (the
variance is a running sum here; so when two points' rescaled errors agree to ~1e-15, the one
resampled may differ). ``npoints`` counts the points x, as in the reference, so a
BalancingLearner with ``strategy="npoints"`` balances points, not samples, in both libraries.
``save(format="npz")`` stores one row per sample. Deliberate differences, each a fix of the
reference:

* a bound that is pending (asked, not told) is not asked for again (the reference asks
  ``(0, bound)`` again until it is told);
* resampling hands out seeds that are neither told nor pending at that x (the reference counts
  from the number of samples, so it repeats pending seeds, and loops forever on a told one when
  the seeds told were not ``0..n-1``);
* ``tell_pending`` of a sample already told does nothing, as in Learner1D (the reference
  keeps it pending until ``remove_unfinished``);
* ``tell_many_at_point`` ignores seeds already told (as ``tell`` does; the reference overwrote
  them and counted them twice), and updates the mean sample by sample as ``tell`` does (the
  reference's batch mean differs in the last bits), so that ``copy_from``, ``load`` and
  ``load_dataframe`` reproduce the means of a learner exactly;
* a point outside ``bounds``, a non-finite value or a vector value is a clear error (the
  reference crashes on the second sample of an outside point, and a NaN poisons the mean);
* a ``loss_per_interval`` that raises or returns a non-number makes ``tell`` raise
  :class:`~adaptive_nb.exceptions.LossFunctionError` naming the loss and the interval, and
  leaves the learner exactly as it was (a resample computes the losses of its new mean before
  storing anything; ``tell_many``, ``tell_many_at_point`` and loads are all or nothing);
* a lone point (no neighbour yet) that is resampled gets its rescaled error (inf) back. The
  reference skips it, so when its first samples are equal (error 0, common for functions with
  few values, e.g. counts or 0/1 outcomes) it is dropped from resampling for good;
* changing ``min_error`` or ``max_samples`` on a live learner takes effect for every point
  (the reference only looked at them when a point was resampled);
* ``ask(0)`` returns ``([], [])`` (the reference divides by zero);
* ``rescaled_error`` is a read-only snapshot ordered like the reference's, ``error`` a plain
  dict; ``to_dataframe(mean=True)`` names only ``x`` as its input.

Where the code lives
--------------------
This module is the public API (parameters, ``tell``, ``ask``, persistence hooks). The rules for
which point is resampled and the rescaled-error heap are in ``_average1d_resample``; how a
sample updates the mean, the losses and the y-scale, all or nothing, in ``_average1d_tell``;
checks of points and values, the t quantiles and the data views in ``_average1d_data``.
"""

from __future__ import annotations

import heapq
import math
import numbers
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner._average1d_data import AverageData, as_sample, as_seed_x
from adaptive_nb.learner._average1d_resample import Point
from adaptive_nb.learner._average1d_tell import SampleTells
from adaptive_nb.learner._data1d import _as_list
from adaptive_nb.learner._learner1d_views import SortedView
from adaptive_nb.learner._loss1d import LossFunction, Real
from adaptive_nb.learner.base_learner import check_n
from adaptive_nb.learner.learner1D import Learner1D

__all__ = ["AverageLearner1D"]

_INF = math.inf


def _check_fraction(name: str, value: object, *, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number ({hint}), got {value!r}."
        raise TypeError(msg)
    return float(value)


class AverageLearner1D(SampleTells, AverageData, Learner1D):  # type: ignore[misc]
    """Learns a noisy function ``f: R -> R`` from repeated samples at each point.

    Parameters
    ----------
    function : callable
        ``function((seed, x)) -> float``: one sample of the noisy function at ``x``; ``seed``
        (an int) makes the sample reproducible.
    bounds : pair of reals
        The interval ``(lower, upper)`` to learn the function on.
    loss_per_interval : callable, optional
        The loss of an interval between neighbouring points, computed from their means, as
        for :class:`Learner1D` (default: the scaled length of the segment).
    delta : float, default 0.2
        Resample a point while its error is larger than ``delta`` times the distance to its
        nearest neighbour in the x-y plane (``rescaled_error``); ``0 < delta <= 1``. May be
        changed on a live learner.
    alpha : float, default 0.005
        The true value at x lies in ``data[x] +- error[x]`` with probability ``1 - 2 * alpha``.
    neighbor_sampling : float, default 0.3
        A new point is sampled until it has at least this fraction of the mean number of
        samples of its neighbours; ``0 < neighbor_sampling <= 1``.
    min_samples : int, default 50
        A new point is sampled at least this many times.
    max_samples : int, default sys.maxsize
        A point is not resampled once it has this many samples. May be changed on a live
        learner.
    min_error : float, default 0
        A point is not resampled once its error is at most this. May be changed on a live
        learner.

    Attributes
    ----------
    data : dict
        ``{x: mean of the samples at x}``.
    error : dict
        ``{x: half-width of the confidence interval of data[x]}`` (inf with one sample).
    pending_points : set
        Points ``(seed, x)`` asked for but not told yet.

    Notes
    -----
    ``npoints`` counts the points x, ``nsamples`` the samples. A tell costs O(log n) for n
    points, whatever the number of samples at x.
    """

    _pending_undo_is_exact = True

    def __init__(  # noqa: PLR0917 (the reference's signature)
        self,
        function: Callable[[tuple[int, float]], Any],
        bounds: tuple[Real, Real] | Sequence[Real],
        loss_per_interval: LossFunction | None = None,
        delta: float = 0.2,
        alpha: float = 0.005,
        neighbor_sampling: float = 0.3,
        min_samples: int = 50,
        max_samples: int = sys.maxsize,
        min_error: float = 0,
    ) -> None:
        if not callable(function):
            msg = (
                "function must be callable (a function of a pair (seed, x)), got "
                f"{type(function).__name__}."
            )
            raise TypeError(msg)
        alpha = _check_fraction("alpha", alpha, hint="0 < alpha <= 1")
        if not 0 < alpha <= 1:
            msg = f"alpha must satisfy 0 < alpha <= 1 (we recommend 0.005), got {alpha!r}."
            raise ValueError(msg)
        ns = _check_fraction("neighbor_sampling", neighbor_sampling, hint="0 < value <= 1")
        if not 0 < ns <= 1:
            msg = f"neighbor_sampling must satisfy 0 < neighbor_sampling <= 1, got {ns!r}."
            raise ValueError(msg)
        if isinstance(min_samples, bool) or not isinstance(min_samples, numbers.Integral):
            msg = f"min_samples must be an int, got {min_samples!r}."
            raise TypeError(msg)
        if min_samples < 0:
            msg = f"min_samples must be >= 0, got {min_samples}."
            raise ValueError(msg)
        self.min_samples = int(min_samples)
        self.alpha = alpha
        self.neighbor_sampling = ns
        self._delta = self._min_error = 0.0
        self._max_samples = sys.maxsize
        self.delta = delta
        self.min_error = min_error
        self.max_samples = max_samples
        super().__init__(function, bounds, loss_per_interval)

    def _reset(self) -> None:
        super()._reset()
        self.pending_points = set()
        self._data_samples = {}
        self._number_samples = {}
        self._m2 = {}  # sum of squared deviations from the mean, per x
        self._nsamples = 0
        # Points with fewer than min_samples samples or a small share of their neighbours'.
        # A set, iterated as the reference's: the same adds and discards give the same order.
        self._undersampled_points = set()
        self.error = {}
        # {x_left: distance in the x-y plane (unscaled) from x_left to its right neighbour}
        self._distances = {}
        # x -> its entry in _resc_heap, for the points that may still be resampled.
        self._resc = {}
        self._resc_heap = []
        self._resc_seq = 0

    def new(self) -> AverageLearner1D:
        """Return a new learner with the same function and parameters, and no data."""
        return AverageLearner1D(
            self.function,
            self.bounds,
            self.loss_per_interval,
            self.delta,
            self.alpha,
            self.neighbor_sampling,
            self.min_samples,
            self.max_samples,
            self.min_error,
        )

    # ----------------------------------------------------------------- live parameters ---

    @property
    def delta(self) -> float:
        """Resampling threshold of ``rescaled_error``, ``0 < delta <= 1``."""
        return self._delta

    @delta.setter
    def delta(self, value: float) -> None:
        value = _check_fraction("delta", value, hint="0 < delta <= 1")
        if not 0 < value <= 1:
            msg = f"delta must satisfy 0 < delta <= 1, got {value!r}."
            raise ValueError(msg)
        self._delta = value

    @property
    def min_error(self) -> float:
        """Points whose error is at most this are not resampled."""
        return self._min_error

    @min_error.setter
    def min_error(self, value: float) -> None:
        value = _check_fraction("min_error", value, hint=">= 0")
        if not value >= 0:
            msg = f"min_error must be >= 0, got {value!r}."
            raise ValueError(msg)
        self._min_error = value
        self._refresh_resampling()

    @property
    def max_samples(self) -> int:
        """Points with this many samples are not resampled."""
        return self._max_samples

    @max_samples.setter
    def max_samples(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            msg = f"max_samples must be an int, got {value!r}."
            raise TypeError(msg)
        if value < self.min_samples:
            msg = f"max_samples must be at least min_samples={self.min_samples}, got {value}."
            raise ValueError(msg)
        self._max_samples = int(value)
        self._refresh_resampling()

    # ------------------------------------------------------------------------- counts ---

    @property
    def nsamples(self) -> int:
        """Total number of samples (O(1))."""
        return self._nsamples

    @property
    def min_samples_per_point(self) -> int:
        """The fewest samples at any point (0 without points)."""
        return min(self._number_samples.values(), default=0)

    @property
    def rescaled_error(self) -> SortedView:
        """``{x: error[x] / distance to its nearest neighbour}``, largest first (a snapshot).

        Only the points that may still be resampled are listed.
        """
        entries = sorted(self._resc.values())
        return SortedView([e[2] for e in entries], [-e[0] for e in entries])

    # --------------------------------------------------------------------------- tell ---

    def tell(self, x: Any, y: Any) -> None:
        """Tell the learner one sample: ``function((seed, x)) == y``.

        A seed already told at x is ignored (the first value is kept).

        Parameters
        ----------
        x
            The point ``(seed, x)``; x inside ``bounds``.
        y
            The sample, a finite real number.
        """
        seed, xv = as_seed_x(x)
        yv = as_sample(y)
        samples = self._data_samples.get(xv)
        if samples is None:
            self._check_in_bounds(xv)
            self._tell_new(seed, xv, yv)
        elif seed not in samples:
            self._tell_resample(seed, xv, yv, samples)
        self.pending_points.discard((seed, xv))

    def tell_many(self, xs: Iterable[Any], ys: Iterable[Any], *, force: bool = False) -> None:
        """Tell the learner many samples; all are checked before any is stored.

        With a loss function of your own, the samples are told all or none: if the loss
        function fails, :class:`~adaptive_nb.exceptions.LossFunctionError` is raised and the
        learner is as it was.

        Parameters
        ----------
        xs
            Points ``(seed, x)``.
        ys
            The samples at ``xs``, in the same order.
        force
            Accepted for compatibility with Learner1D; without effect.
        """
        points = [as_seed_x(p) for p in _as_list("xs", xs)]
        values = [as_sample(y) for y in _as_list("ys", ys)]
        if len(points) != len(values):
            msg = f"xs and ys must have the same length, got {len(points)} and {len(values)}."
            raise ValueError(msg)
        by_x: dict[float, dict[int, float]] = {}
        for (seed, x), y in zip(points, values, strict=True):
            if x not in by_x:
                self._check_in_bounds(x)
                by_x[x] = {}
            by_x[x][seed] = y
        self._tell_by_x(by_x)

    def tell_many_at_point(self, x: float, seed_y_mapping: dict[int, Any]) -> None:
        """Tell the learner many samples at one point x (faster than one by one).

        Seeds already told at x are ignored. If the loss function fails,
        :class:`~adaptive_nb.exceptions.LossFunctionError` is raised and the learner is as it
        was.

        Parameters
        ----------
        x
            The point, inside ``bounds``.
        seed_y_mapping
            ``{seed: sample}``.
        """
        x = as_seed_x((0, x))[1]
        self._check_in_bounds(x)
        items = [(as_seed_x((s, x))[0], as_sample(y)) for s, y in seed_y_mapping.items()]
        # A new point is told in two steps (its first sample, then the rest): undo the first
        # if the second fails.
        with self._all_or_nothing([x], len(items) > 1 and x not in self._data_samples):
            self._tell_at_point(x, items)

    def tell_pending(self, x: Any) -> None:
        """Mark the point ``(seed, x)`` as being computed (a sample told already is ignored).

        Parameters
        ----------
        x
            The point ``(seed, x)``.
        """
        seed, xv = as_seed_x(x)
        told = self._data_samples.get(xv)
        if told is not None:
            if seed not in told:  # a sample told already is not pending (as in Learner1D)
                self.pending_points.add((seed, xv))
            return
        self.pending_points.add((seed, xv))
        if xv in self._nodes:
            return
        lo, hi = self.bounds
        if lo <= xv <= hi:
            node, an, bn = self._insert_combined(xv, None)
            self._split_combined(node, an, bn)

    def remove_unfinished(self) -> None:
        """Forget all pending points."""
        pending = self.pending_points
        self.pending_points = set()
        nodes = self._nodes
        ny = self._ny
        xs = {x for _, x in pending if x in nodes and ny[nodes[x]] is None}
        if xs:
            self._unlink_pending(sorted(xs))

    # ---------------------------------------------------------------------------- ask ---

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Point], list[float]]:  # type: ignore[override]
        """Return ``n`` points ``(seed, x)``: samples of one point x (existing or new).

        Parameters
        ----------
        n
            Number of points, ``n >= 0``.
        tell_pending
            Mark the points as pending (default). With False the learner is not changed.

        Returns
        -------
        points, loss_improvements
            ``n`` seeds at one x, and the loss improvement expected from each.
        """
        n = check_n(n)
        if n == 0:
            return [], []
        if self._undersampled_points:
            points, improvements = self._more_samples(next(iter(self._undersampled_points)), n)
        elif len(self.data) <= 1:
            points, improvements = self._new_point(n)
        else:
            top = self._top_resc()
            if top is not None and -top[0] > self._delta:
                points, improvements = self._more_samples(top[2], n)
            else:
                points, improvements = self._new_point(n)
        if tell_pending:
            for p in points:
                self.tell_pending(p)
        return points, improvements

    def _new_point(self, n: int) -> tuple[list[Point], list[float]]:
        (x,), (gain,) = self._ask_points(1)
        return [(s, x) for s in range(n)], [gain / n] * n

    def _is_pending_x(self, x: float) -> bool:
        node = self._nodes.get(x)
        return node is not None and self._ny[node] is None

    def _missing_bounds(self) -> list[float]:
        data = self.data
        return [b for b in self.bounds if b not in data and not self._is_pending_x(b)]

    def _combined_loss(self) -> float:
        data = self.data
        if any(b not in data and not self._is_pending_x(b) for b in self.bounds):
            return _INF
        top = self._top_comb()
        return _INF if top is None else top[4]

    # -------------------------------------------------------------------- persistence ---

    def _set_data(self, data: dict[float, dict[int, float]]) -> None:
        checked: dict[float, list[tuple[int, float]]] = {}
        for x, samples in data.items():
            xv = as_seed_x((0, x))[1]
            self._check_in_bounds(xv)
            checked.setdefault(xv, []).extend(
                (as_seed_x((s, xv))[0], as_sample(y)) for s, y in samples.items()
            )
        with self._all_or_nothing(checked, True):
            for xv, items in checked.items():
                self._tell_at_point(xv, items)
        # Which points still need samples, by the rule of `tell` (tell_many_at_point keeps the
        # reference's n > min_samples, which would resample every point with exactly
        # min_samples samples after a load). Added in told order, as a learner fed by tell
        # would have added them.
        under = self._undersampled_points
        under.clear()
        nodes = self._nodes
        for x in self._log_x:
            n = self._number_samples[x]
            node = nodes[x]
            if (
                n == 1
                or n < self.min_samples
                or not n > self.neighbor_sampling * self._neighbor_n(node)
            ):
                under.add(x)

    def _to_npz(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], dict[str, Any]]:
        # One row per sample: points (seed, x), values y; the seeds of an x in told order, so
        # that loading reproduces the means exactly.
        rows = self.to_numpy()
        settings = {"learner": type(self).__name__, "bounds": list(self.bounds)}
        return rows[:, :2], rows[:, 2], settings

    def _from_npz(
        self,
        points: np.ndarray[Any, Any],
        values: np.ndarray[Any, Any],
        settings: dict[str, Any],
        *,
        source: str,
    ) -> dict[float, dict[int, float]]:
        flat = super()._from_npz(points.reshape(-1, 2), values, settings, source=source)
        data: dict[float, dict[int, float]] = {}
        for (seed, x), y in flat.items():
            data.setdefault(float(x), {})[int(seed)] = float(y)
        return data

    def __setstate__(self, state: bytes) -> None:
        super().__setstate__(state)
        self._resc_heap = list(self._resc.values())
        heapq.heapify(self._resc_heap)

    def _check_invariants(self) -> None:
        """Assert every internal invariant (for tests; O(nsamples + n log n))."""
        from adaptive_nb.learner._average1d_check import check_invariants

        check_invariants(self)
