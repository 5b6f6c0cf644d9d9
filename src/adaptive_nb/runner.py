"""Runners: evaluate a learner's points on an executor. Being written: see issue 3."""

from __future__ import annotations

from typing import Any

from adaptive_nb.utils import SequentialExecutor

__all__ = ["AsyncRunner", "BlockingRunner", "Runner", "SequentialExecutor", "replay_log", "simple"]


class AsyncRunner:  # pragma: no cover - replaced by the real runner
    """Run a learner in an asyncio task."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("AsyncRunner is not written yet")


Runner = AsyncRunner


class BlockingRunner:  # pragma: no cover - replaced by the real runner
    """Run a learner until its goal is reached, blocking."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("BlockingRunner is not written yet")


def simple(*args: Any, **kwargs: Any) -> None:  # pragma: no cover
    """Run a learner sequentially in this thread."""
    raise NotImplementedError("simple is not written yet")


def replay_log(*args: Any, **kwargs: Any) -> None:  # pragma: no cover
    """Apply a runner log to a learner."""
    raise NotImplementedError("replay_log is not written yet")
