"""What the runner needs of the objects it drives: learners, futures and executors.

The runner code is written against these protocols only; which library a future or an executor
comes from is known to the adapters in ``_executors`` alone, and which learner it runs is known
to nobody but the goals (``_goals`` unwraps DataSavers and counts a BalancingLearner's children).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["ExecutorAdapter", "FutureLike", "LearnerLike"]


class LearnerLike(Protocol):
    """What a runner calls on a learner (every adaptive_nb learner provides it).

    The core asks for points, tells results and, at the end, drops the points it will not
    tell; the runners evaluate ``function``, and read ``loss()`` and ``npoints`` for their
    status. Periodic saving also calls ``learner.save(**save_kwargs)`` (or the given method),
    and :func:`~adaptive_nb.runner.replay_log` the logged method names.
    """

    @property
    def function(self) -> Callable[..., Any]:
        """The function the runner evaluates on the points (``async def`` allowed)."""
        ...

    @property
    def npoints(self) -> int:
        """The number of points told so far."""
        ...

    def ask(self, n: int, tell_pending: bool = True) -> tuple[Sequence[Any], Sequence[Any]]:
        """Return ``n`` points to evaluate next (marked pending), and their loss improvements."""
        ...

    def tell(self, x: Any, y: Any) -> None:
        """Record the result ``y = function(x)``."""
        ...

    def remove_unfinished(self) -> None:
        """Forget every pending point (the runner will not tell them)."""
        ...

    def loss(self, real: bool = True) -> float:
        """Return the learner's current loss."""
        ...


class FutureLike(Protocol):
    """What the core needs from a future (``concurrent.futures.Future`` or an asyncio task)."""

    def done(self) -> bool: ...
    def cancelled(self) -> bool: ...
    def cancel(self) -> bool: ...
    def result(self) -> Any: ...
    def exception(self) -> BaseException | None: ...
    def add_done_callback(self, fn: Callable[[Any], object], /) -> None: ...


class ExecutorAdapter(Protocol):
    """One executor kind behind the interface the runner uses.

    Attributes
    ----------
    executor
        The object the futures come from (``runner.executor``); ``None`` for ``async def``
        functions, which run on the event loop.
    auto_ntasks
        The latest answer of :meth:`max_tasks`, or ``None`` before the first call.
    batches
        Whether :meth:`submit_many` hands a batch over as a whole (one call, possibly several
        points per task), so the batch is timed from one instant; otherwise the runner submits
        point by point with :meth:`submit`, each timed from its own submission.
    """

    executor: Any
    auto_ntasks: int | None
    batches: bool

    def nworkers(self) -> int:
        """Return how many evaluations can run at the same time."""
        ...

    def default_ntasks(self, nworkers: int) -> int:
        """Return how many points to keep in flight for ``nworkers`` workers (no latency known)."""
        ...

    def max_tasks(self, latency: float | None) -> int:
        """Return how many points to keep in flight, given the mean submit-to-result latency.

        Called before every submission (must be cheap) unless the user fixed ``ntasks``.
        """
        ...

    def submit(self, function: Callable[[Any], Any], x: Any, /) -> FutureLike:
        """Start evaluating ``function(x)``."""
        ...

    def submit_many(self, function: Callable[[Any], Any], xs: list[Any], /) -> list[FutureLike]:
        """Start evaluating ``function`` on every point of ``xs``; one future per point."""
        ...

    def shutdown(self) -> None:
        """Release the executor's workers (when the user asked for ``shutdown_executor``)."""
        ...


if TYPE_CHECKING:

    def _every_learner_is_runnable(learner: BaseLearner) -> LearnerLike:
        # mypy checks that BaseLearner satisfies LearnerLike; subclasses keep it (Liskov).
        return learner
