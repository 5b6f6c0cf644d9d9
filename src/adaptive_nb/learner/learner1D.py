"""Learner1D: adaptive sampling of f: R -> R^N. Being written: see issue 2."""

from __future__ import annotations

from typing import Any

from adaptive_nb.learner.base_learner import BaseLearner, uses_nth_neighbors

__all__ = ["Learner1D", "uses_nth_neighbors"]


class Learner1D(BaseLearner):  # pragma: no cover - replaced by the real learner
    """Learns and predicts a function ``f: R -> R^N``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("Learner1D is not written yet")
