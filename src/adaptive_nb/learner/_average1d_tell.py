"""How samples enter AverageLearner1D: one at a time or in batches, each all or nothing.

A new sample moves the mean at its x, which changes the losses of the intervals around x and
possibly the y-scale. With a loss function of the user's (which may raise), every loss the new
mean changes is computed before anything is stored (:meth:`SampleTells._move_mean`), so a single
sample is transactional by itself. A batch (``tell_many``, ``tell_many_at_point``, loads) that
touches several points, or a new point with several samples, is made all or nothing by
:meth:`SampleTells._all_or_nothing`, which snapshots the learner (O(n)) only when that is needed.

:class:`SampleTells` is a base class of AverageLearner1D, built on :class:`Resampling`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from typing import Any

from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner._average1d_resample import Resampling
from adaptive_nb.learner._loss1d import default_loss, uniform_loss
from adaptive_nb.learner._state1d import saved_state

__all__ = ["SampleTells"]

_INF = math.inf
# Returned by SampleTells._move_mean when it recomputed every loss (compared by identity).
_RECOMPUTED: dict[int, float] = {}


class _RecordingSet(set[float]):
    """A copy of a set that records its ``add`` and ``discard`` calls (in ``changes``)."""

    def __init__(self, original: set[float]) -> None:
        super().__init__(original)
        self.changes: list[tuple[bool, float]] = []

    def add(self, x: float) -> None:
        self.changes.append((True, x))
        super().add(x)

    def discard(self, x: Any) -> None:
        self.changes.append((False, x))
        super().discard(x)


class SampleTells(Resampling):
    """Telling samples to AverageLearner1D, transactionally (a base class of it)."""

    _m2: dict[float, float]
    _nsamples: int

    def _check_in_bounds(self, x: float) -> None:
        lo, hi = self.bounds
        if not lo <= x <= hi:
            msg = (
                f"x={x!r} is outside the bounds {self.bounds} of the learner; remove it or "
                "make a learner with wider bounds."
            )
            raise ValueError(msg)

    def _tell_new(self, seed: int, x: float, y: float) -> None:
        node = self._nodes.get(x)
        if node is not None:  # x is pending in the index: let Learner1D insert it afresh
            self._unlink_pending([x])
        # Learner1D's insertion: data[x], the y-scale, the neighbours and the losses. It undoes
        # itself when the loss function fails; x, pending before, is put back as pending.
        try:
            self._add_point(x, y, y)
        except LossFunctionError:
            if node is not None:
                self._split_combined(*self._insert_combined(x, None))
            raise
        if self._vdim is None:
            self._vdim = 1
        node = self._nodes[x]
        self._data_samples[x] = {seed: y}
        self._number_samples[x] = 1
        self._m2[x] = 0.0
        self._nsamples += 1
        self._undersampled_points.add(x)
        self.error[x] = _INF
        self._set_resc(x, _INF)
        self._update_distances(node)
        self._update_rescaled_around(node, resampled=False)

    def _tell_resample(self, seed: int, x: float, y: float, samples: dict[int, float]) -> None:
        n_old = len(samples)
        old = self.data[x]
        # The reference's running mean, operation for operation (bit-identical means).
        mean = old * n_old / (n_old + 1) + y / (n_old + 1)
        node = self._nodes[x]
        losses = self._move_mean(x, node, mean, y, y)
        samples[seed] = y
        n = n_old + 1
        m2 = self._m2[x] + (y - old) * (y - mean)
        self._m2[x] = m2
        self._number_samples[x] = n
        self._nsamples += 1
        self._after_samples(x, node, n, m2, neighbor_rule=True)
        self._update_losses_around(node, losses)

    def _loss_may_fail(self) -> bool:
        """Whether the loss is a user's function (the built-in defaults cannot fail)."""
        lf = self.loss_per_interval
        return not (self._fast_default or lf is default_loss or lf is uniform_loss)

    def _move_mean(
        self, x: float, node: int, mean: float, lo: float, hi: float
    ) -> dict[int, float] | None:
        """Set the mean at x and grow the y-scale by new samples in [lo, hi].

        The first step of a resample, and the only one that calls the loss function: with a
        loss that may fail, the losses the new mean changes are computed here, before anything
        else is stored. If one fails, the mean and the scale are put back and
        :class:`LossFunctionError` propagates, so the learner is as it was.

        Returns
        -------
        dict or None
            The losses computed (and checked) for :meth:`_update_losses_around`, by left node;
            ``_RECOMPUTED`` if the y-scale grew so that every loss was recomputed and stored
            here; None for a loss that cannot fail (nothing computed yet).
        """
        if mean - mean != 0.0:  # the running mean overflowed (samples near the float limit)
            msg = (
                f"The mean of the samples at x={x!r} overflows (samples up to {max(-lo, hi)!r}); "
                "AverageLearner1D needs samples well inside the float range. Rescale the "
                "function's output."
            )
            raise ValueError(msg)
        data = self.data
        old = data[x]
        data[x] = mean
        self._ny[node] = mean
        lf = self.loss_per_interval
        if self._fast_default or lf is default_loss or lf is uniform_loss:  # cannot fail
            self._rescale_y(lo, hi)
            return None
        scale = self._ymin, self._ymax, self._yscale
        self._rescale_y(lo, hi)
        try:
            if self._yscale > self._recompute_losses_factor * self._old_yscale:
                self._recompute_all()  # computes every loss before storing any
                return _RECOMPUTED
            return self._losses_around(node)
        except LossFunctionError:
            data[x] = old
            self._ny[node] = old
            self._ymin, self._ymax, self._yscale = scale
            raise

    def _rescale_y(self, lo: float, hi: float) -> None:
        """Grow the y bounding box by samples in [lo, hi] (the scale follows the samples)."""
        self._ymin = min(self._ymin, lo)
        self._ymax = max(self._ymax, hi)
        self._yscale = self._ymax - self._ymin

    def _update_losses_around(self, node: int, losses: dict[int, float] | None) -> None:
        """Recompute the losses that depend on the value at ``node`` (and rescale if due).

        ``losses`` are those :meth:`_move_mean` computed already, by left node
        (``_RECOMPUTED``: it recomputed them all, so no loss is computed again here).
        """
        if losses is _RECOMPUTED:
            self._compact_resc()
            return
        # The intervals between the points nth_neighbors + 1 steps to the left and to the right
        # (fewer at the ends), as for a new point in Learner1D.
        rp = self._rp
        rnx = self._rn
        left = right = node
        for _ in range(self.nth_neighbors + 1):
            left = rp[left] if rp[left] is not None else left  # type: ignore[assignment]
            right = rnx[right] if rnx[right] is not None else right  # type: ignore[assignment]
        u = left
        while u != right:
            v: int = rnx[u]  # type: ignore[assignment]
            self._update_real_interval(u, v, losses)
            u = v
        if self._yscale > self._recompute_losses_factor * self._old_yscale:
            self._recompute_all()
        elif (
            len(self._rheap) > 2 * self._nreal + 62 or len(self._cheap) > 2 * len(self._nodes) + 62
        ):
            self._compact_heaps()
        self._compact_resc()

    def _tell_by_x(self, by_x: dict[float, dict[int, float]]) -> None:
        """Tell checked samples ``{x: {seed: y}}``, all or none."""
        samples = self._data_samples
        # One known point is transactional by itself; a new one is told in two steps.
        needed = len(by_x) > 1 or any(len(s) > 1 and x not in samples for x, s in by_x.items())
        with self._all_or_nothing(by_x, needed):
            for x, seed_y in by_x.items():
                if len(seed_y) == 1:
                    ((seed, y),) = seed_y.items()
                    self.tell((seed, x), y)
                else:
                    self._tell_at_point(x, list(seed_y.items()))

    @contextlib.contextmanager
    def _all_or_nothing(self, xs: Iterable[float], needed: bool) -> Iterator[None]:
        """Undo everything done in the block if the loss function fails in it.

        Costs O(n) copies, so it is only taken when ``needed`` and the loss may fail; a single
        sample is transactional by itself (its losses are computed before anything is stored).
        ``xs`` are the points whose samples the block may add to.
        """
        if not (needed and self._loss_may_fail()):
            yield
            return
        # `ask` takes the first undersampled point in the set's order, which depends on the
        # set's history, not only on its elements: the block works on a copy that records its
        # changes, replayed on the untouched original if the block succeeds.
        under = self._undersampled_points
        self._undersampled_points = recording = _RecordingSet(under)
        restore = saved_state(self)
        samples = self._data_samples
        # saved_state copies containers shallowly: the samples of a point are a dict inside one.
        inner = {x: dict(samples[x]) for x in xs if x in samples}
        try:
            yield
        except LossFunctionError:
            restore()
            for x, seed_y in inner.items():
                samples[x].clear()
                samples[x].update(seed_y)
            raise
        else:
            for add, x in recording.changes:
                if add:
                    under.add(x)
                else:
                    under.discard(x)
        finally:
            self._undersampled_points = under

    def _tell_at_point(self, x: float, items: list[tuple[int, float]]) -> None:
        """Tell checked samples ``[(seed, y)]`` at a checked x; transactional if x is known."""
        if not items:
            return
        told = self._data_samples.get(x)
        if told is None:
            seed, y = items[0]
            self._tell_new(seed, x, y)
            self.pending_points.discard((seed, x))
            items = items[1:]
            told = self._data_samples[x]
        items = [(s, y) for s, y in dict(items).items() if s not in told]
        if not items:
            return
        # The running mean and sum of squares of `tell`, sample by sample in the given order:
        # the state depends on the samples and their order only, not on how they were told
        # (so copy_from and load reproduce a learner's means exactly). The reference takes a
        # batch mean here, which differs from this in the last bits.
        mean = self.data[x]
        m2 = self._m2[x]
        k = self._number_samples[x]
        for _, y in items:
            new = mean * k / (k + 1) + y / (k + 1)
            m2 += (y - mean) * (y - new)
            mean = new
            k += 1
        node = self._nodes[x]
        ys = [y for _, y in items]
        # (the y bounding box holds every sample told before: the new ones are enough)
        losses = self._move_mean(x, node, mean, min(ys), max(ys))
        told.update(items)
        for s, _ in items:
            self.pending_points.discard((s, x))
        self._m2[x] = m2
        self._number_samples[x] = k
        self._nsamples += len(items)
        self._after_samples(x, node, k, m2, neighbor_rule=False)
        self._update_losses_around(node, losses)
