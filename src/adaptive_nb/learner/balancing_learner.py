"""BalancingLearner: runs several learners at once, spending points where they help most."""

from __future__ import annotations

from typing import Any

from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["BalancingLearner"]


class BalancingLearner(BaseLearner):  # pragma: no cover - replaced by the real learner
    """Choose points from several learners."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("BalancingLearner is not written yet")
