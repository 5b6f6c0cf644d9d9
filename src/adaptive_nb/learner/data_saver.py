"""DataSaver: keep a learner's full outputs while it learns from one part of them."""

from __future__ import annotations

from typing import Any

from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["DataSaver", "make_datasaver"]


class DataSaver(BaseLearner):  # pragma: no cover - replaced by the real learner
    """Save extra data returned by the learned function."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("DataSaver is not written yet")


def make_datasaver(*args: Any, **kwargs: Any) -> Any:  # pragma: no cover
    """Create a DataSaver of a learner type."""
    raise NotImplementedError("make_datasaver is not written yet")
