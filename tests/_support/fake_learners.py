"""A minimal learner over a box with the data interface of Learner2D and LearnerND.

It exists so the live views of 2+ D learners can be tested on their own: ``data`` maps point
tuples to values (floats or vectors), ``bounds`` is one ``(lo, hi)`` per dimension, and
``data_since(start)`` returns the points told after the first ``start`` ones, in tell order, as
``(k, d)`` and ``(k,)`` or ``(k, vdim)`` arrays. It asks uniformly random points (seeded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adaptive_nb.learner.base_learner import BaseLearner


class BoxLearner(BaseLearner):
    """Random sampling of ``function`` over the box ``bounds``."""

    def __init__(
        self, function: Callable[[Any], Any], bounds: Sequence[Sequence[float]], seed: int = 0
    ) -> None:
        self.function = function
        self.bounds = tuple((float(lo), float(hi)) for lo, hi in bounds)
        self.data: dict[tuple[float, ...], Any] = {}
        self.pending_points: set[tuple[float, ...]] = set()
        self._order: list[tuple[float, ...]] = []
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self.vdim = 1

    @property
    def npoints(self) -> int:
        return len(self.data)

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Any], list[float]]:
        lo, hi = np.array(self.bounds).T
        points = [tuple(map(float, p)) for p in self._rng.uniform(lo, hi, (n, len(lo)))]
        if tell_pending:
            self.pending_points.update(points)
        return points, [1.0] * n

    def tell_many(self, xs: Any, ys: Any) -> None:
        for point, y in zip(xs, ys, strict=True):
            x = tuple(map(float, point))
            if x not in self.data:
                self._order.append(x)
            self.data[x] = y
            self.pending_points.discard(x)
            self.vdim = int(np.size(y))

    def tell_pending(self, x: Any) -> None:
        self.pending_points.add(tuple(x))

    def remove_unfinished(self) -> None:
        self.pending_points.clear()

    def loss(self, real: bool = True) -> float:
        return 1.0 / (1 + self.npoints)

    def _get_data(self) -> Any:
        return dict(self.data)

    def _set_data(self, data: Any) -> None:
        self.tell_many(data.keys(), data.values())

    def new(self) -> BoxLearner:
        return BoxLearner(self.function, self.bounds, self._seed)

    def data_since(self, start: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        keys = self._order[start:]
        points = np.array(keys, dtype=float).reshape(len(keys), len(self.bounds))
        values = np.array([self.data[k] for k in keys], dtype=float)
        if self.vdim > 1:
            values = values.reshape(len(keys), self.vdim)
        return points, values
