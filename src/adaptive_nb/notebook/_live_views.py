"""Live views of the learners whose data is not a plain point cloud.

Each view is a *source*: it remembers what it has sent and hands ``LivePlot`` one chunk (a JSON
header and float64 buffers) with only what changed since, so an update costs bytes in proportion
to what is new, never to the total.

* ``"average"`` (AverageLearner): the values in tell order (one buffer); the page keeps the
  running mean and standard error per sample count.
* ``"integrator"`` (IntegratorLearner): the evaluated ``(x, f(x))`` in tell order, plus the
  current ``igral``, ``err`` and ``tol`` in the header.
* ``"sequence"`` (SequenceLearner): ``(index, value)`` of the newly done elements (value NaN when
  it is not a real number) plus ``done``/``total`` in the header.
* ``"average1d"`` (AverageLearner1D): an *upsert*: ``(x)`` and ``(mean, error, samples)`` of
  every x whose sample count changed; the header's ``total`` (distinct x after applying) lets the
  page detect a missed message.

Header: ``{"i", "view", "start", "n", "nbuf", "reset", ...}``; ``start`` is the number of items
the page must hold before applying (append views) and ``reset`` tells it to start over (the
learner lost data, e.g. it was reloaded). A page that finds ``start`` wrong asks for a resync.
"""

from __future__ import annotations

import itertools
import math
import numbers
from typing import Any

import numpy as np

from adaptive_nb.learner.average_learner import AverageLearner
from adaptive_nb.learner.integrator_learner import IntegratorLearner
from adaptive_nb.learner.sequence_learner import SequenceLearner

__all__ = ["ViewSource", "view_source"]

_F8 = np.dtype("<f8")
Chunk = tuple[Any, ...]  # (header dict, float64 buffers...)


def _real(value: Any) -> float:
    """``value`` as a float, NaN when it is not a real number (a vector, a string, ...)."""
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.shape == () and np.isrealobj(value):
        return float(value)
    return math.nan


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def sample_counts(leaf: Any) -> dict[Any, int] | None:
    """``{x: number of samples}`` of an AverageLearner1D (``_number_samples``, as the reference's).

    None for a learner without AverageLearner1D's interface: means in ``data`` and errors in
    ``error``, both keyed by x, and the counts.
    """
    if not all(isinstance(getattr(leaf, a, None), dict) for a in ("data", "error")):
        return None
    counts = getattr(leaf, "_number_samples", None)
    return counts if isinstance(counts, dict) else None


def is_average1d(leaf: Any) -> bool:
    """Whether ``leaf`` has AverageLearner1D's interface (means, errors, sample counts by x)."""
    return sample_counts(leaf) is not None


class ViewSource:
    """Base of the sources: tracks what was sent of one learner; subclasses fill ``_read``."""

    view = ""

    def __init__(self, leaf: Any) -> None:
        self.leaf = leaf
        self.sent = 0  # items the page holds after our last chunk

    def meta(self, title: str) -> dict[str, Any]:
        """Panel description sent before any data."""
        return {"title": title, "kind": self.view, "bounds": None}

    def update(self, i: int, *, full: bool = False) -> Chunk | None:
        """Chunk for panel ``i`` with what is new (everything if ``full``), or None."""
        raise NotImplementedError

    def _chunk(
        self, i: int, start: int, arrays: list[np.ndarray[Any, Any]], n: int, **extra: Any
    ) -> Chunk:
        header = {
            "i": i,
            "view": self.view,
            "start": start,
            "n": n,
            "nbuf": len(arrays),
            "reset": start == 0,
            **extra,
        }
        return (header, *(np.ascontiguousarray(a, dtype=_F8) for a in arrays))


class _AppendSource(ViewSource):
    """Learners whose ``data`` dict is in tell order and only grows (until reloaded)."""

    def _info(self) -> dict[str, Any]:
        return {}

    def _changed(self) -> bool:
        return False

    def update(self, i: int, *, full: bool = False) -> Chunk | None:
        data = self.leaf.data
        total = len(data)
        start = 0 if full or total < self.sent else self.sent
        if start == total and not full and not self._changed():
            return None
        # The newest items from the end (dicts iterate in reverse in O(1) per item), so the
        # cost is that of what is new, not of the total.
        items = list(itertools.islice(reversed(data.items()), total - start))[::-1]
        self.sent = total
        return self._chunk(i, start, self._arrays(items), len(items), **self._info())

    def _arrays(self, items: list[tuple[Any, Any]]) -> list[np.ndarray[Any, Any]]:
        xs = np.fromiter((float(x) for x, _ in items), _F8, len(items))
        ys = np.fromiter((_real(y) for _, y in items), _F8, len(items))
        return [xs, ys]


class AverageSource(_AppendSource):
    """AverageLearner: the values, in tell order (the page accumulates mean and error)."""

    view = "average"

    def meta(self, title: str) -> dict[str, Any]:
        leaf = self.leaf
        tol = {k: _finite(getattr(leaf, k, None)) for k in ("atol", "rtol")}
        return {**super().meta(title), **tol, "min_npoints": int(leaf.min_npoints)}

    def _arrays(self, items: list[tuple[Any, Any]]) -> list[np.ndarray[Any, Any]]:
        return [np.fromiter((_real(y) for _, y in items), _F8, len(items))]


class IntegratorSource(_AppendSource):
    """IntegratorLearner: evaluated points in tell order, with the current integral and error."""

    view = "integrator"

    def __init__(self, leaf: Any) -> None:
        super().__init__(leaf)
        self._last: tuple[float | None, float | None] | None = None

    def meta(self, title: str) -> dict[str, Any]:
        a, b = self.leaf.bounds
        return {**super().meta(title), "bounds": [float(a), float(b)]}

    def _estimate(self) -> tuple[float | None, float | None]:
        return _finite(self.leaf.igral), _finite(self.leaf.err)

    def _changed(self) -> bool:
        return self._estimate() != self._last

    def _info(self) -> dict[str, Any]:
        self._last = igral, err = self._estimate()
        return {"igral": igral, "err": err, "tol": _finite(self.leaf.tol)}


class SequenceSource(ViewSource):
    """SequenceLearner: the newly done ``(index, value)``; ``data`` is sorted by index.

    Indices below ``self._prefix`` are all done and sent, ``self._above`` holds the sent ones
    above it: runners finish elements roughly in order, so a scan from the prefix costs about
    the number of elements in flight, not the length of the sequence.
    """

    view = "sequence"

    def __init__(self, leaf: Any) -> None:
        super().__init__(leaf)
        self._prefix = 0
        self._above: set[int] = set()

    def meta(self, title: str) -> dict[str, Any]:
        return {**super().meta(title), "total": len(self.leaf.sequence)}

    def update(self, i: int, *, full: bool = False) -> Chunk | None:
        data = self.leaf.data
        total = len(data)
        if full or total < self.sent:
            self._prefix, self._above, self.sent = 0, set(), 0
        if total == self.sent and not full:
            return None
        start = self.sent
        irange = getattr(data, "irange", None)
        candidates = irange(minimum=self._prefix) if irange is not None else iter(data)
        new = [k for k in candidates if k >= self._prefix and k not in self._above]
        self._above.update(new)
        while self._prefix in self._above:
            self._above.discard(self._prefix)
            self._prefix += 1
        index = np.fromiter(new, _F8, len(new))
        values = np.fromiter((_real(data[k]) for k in new), _F8, len(new))
        self.sent = start + len(new)
        info = {"done": total, "total": len(self.leaf.sequence)}
        return self._chunk(i, start, [index, values], len(new), **info)


class Average1DSource(ViewSource):
    """AverageLearner1D: mean, error and sample count of every x whose sample count changed."""

    view = "average1d"

    def __init__(self, leaf: Any) -> None:
        super().__init__(leaf)
        self._seen: dict[Any, int] = {}

    def meta(self, title: str) -> dict[str, Any]:
        a, b = self.leaf.bounds
        return {**super().meta(title), "bounds": [float(a), float(b)]}

    def update(self, i: int, *, full: bool = False) -> Chunk | None:
        leaf = self.leaf
        nsamples = sample_counts(leaf)
        assert nsamples is not None
        reset = full or any(x not in nsamples for x in itertools.islice(self._seen, 1))
        if reset or len(nsamples) < len(self._seen):
            self._seen = {}
        seen = self._seen
        changed = [x for x, n in nsamples.items() if seen.get(x) != n]
        if not changed and not full:
            return None
        data, error = leaf.data, leaf.error
        xs = np.fromiter((float(x) for x in changed), _F8, len(changed))
        stats = np.empty((len(changed), 3), _F8)
        for k, x in enumerate(changed):
            n = nsamples[x]
            seen[x] = n
            stats[k] = (_real(data.get(x, math.nan)), _real(error.get(x, math.nan)), n)
        start = 0 if not self.sent or reset else self.sent
        self.sent = len(seen)
        header, *bufs = self._chunk(i, start, [xs, stats], len(changed), total=len(seen))
        header["reset"] = start == 0
        return (header, *bufs)


def view_source(leaf: Any) -> ViewSource | None:
    """Return the live view of ``leaf``, or None when it has none of these (see the module doc)."""
    if is_average1d(leaf):
        return Average1DSource(leaf)
    if isinstance(leaf, AverageLearner):
        return AverageSource(leaf)
    if isinstance(leaf, IntegratorLearner):
        return IntegratorSource(leaf)
    if isinstance(leaf, SequenceLearner):
        return SequenceSource(leaf)
    return None
