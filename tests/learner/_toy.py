"""A small real 1D learner (uniform bisection) used until Learner1D lands in main."""

from __future__ import annotations

import bisect
import itertools
import math
from typing import Any

from adaptive_nb.learner.base_learner import BaseLearner


class Toy1D(BaseLearner):
    def __init__(self, function, bounds, loss_per_interval=None):
        self.function = function
        self.bounds = tuple(bounds)
        self.data: dict[float, Any] = {}
        self.pending_points: set[float] = set()

    @property
    def npoints(self) -> int:
        return len(self.data)

    def new(self):
        return Toy1D(self.function, self.bounds)

    def _best(self, xs):
        width = self.bounds[1] - self.bounds[0]
        best = None
        for a, b in itertools.pairwise(xs):
            if best is None or b - a > best[0]:
                best = (b - a, a, b)
        return best[0] / width, (best[1] + best[2]) / 2

    def ask(self, n, tell_pending=True):
        xs = sorted(set(self.data) | self.pending_points)
        pts, imps = [], []
        for _ in range(n):
            missing = [b for b in self.bounds if b not in xs]
            if missing:
                x, imp = missing[0], math.inf
            else:
                imp, x = self._best(xs)
            bisect.insort(xs, x)
            pts.append(x)
            imps.append(imp)
        if tell_pending:
            for x in pts:
                self.tell_pending(x)
        return pts, imps

    def tell(self, x, y):
        self.pending_points.discard(x)
        self.data[x] = y

    def tell_pending(self, x):
        if x not in self.data:
            self.pending_points.add(x)

    def remove_unfinished(self):
        self.pending_points = set()

    def loss(self, real=True):
        xs = sorted(set(self.data) if real else set(self.data) | self.pending_points)
        if any(b not in xs for b in self.bounds):
            return math.inf
        return self._best(xs)[0]

    def _get_data(self):
        return self.data

    def _set_data(self, data):
        if not isinstance(data, dict):
            raise TypeError(f"Toy1D data is a dict, got {type(data).__name__}")
        self.data.update(data)
        self.pending_points -= set(data)
