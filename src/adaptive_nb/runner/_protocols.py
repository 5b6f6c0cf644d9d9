"""What the runner needs of the objects it drives: learners, futures and executors.

The runner code is written against these protocols only; which library a future or an executor
comes from is known to the adapters in ``_executors`` alone, and which learner it runs is known
to nobody but the goals (``_goals`` unwraps DataSavers and counts a BalancingLearner's children).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from adaptive_nb.learner.base_learner import BaseLearner

__all__ = [
    "ExecutorAdapter",
    "FaultHandler",
    "FutureLike",
    "LearnerLike",
    "StopOutcome",
    "cancel_all",
]


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


def cancel_all(futures: list[FutureLike]) -> bool:
    """Cancel every future (not stopping at the first that refuses); return whether all were."""
    cancelled = True
    for f in futures:
        cancelled = f.cancel() and cancelled
    return cancelled


#: What stopping timed-out evaluations did (see :meth:`FaultHandler.stop`).
StopOutcome = Literal["cancelled", "replaced", "broken", "abandoned"]


class FaultHandler(Protocol):
    """How the core learns about, and recovers from, dead workers and hung evaluations."""

    def is_worker_death(self, error: BaseException) -> bool:
        """Return whether ``error`` says the worker evaluating the point died (not the function)."""
        ...

    def recover(self) -> bool:
        """Make the executor usable after a worker death; False if it is not ours to replace."""
        ...

    def stop(self, futures: list[FutureLike]) -> StopOutcome:
        """Stop the evaluations behind ``futures``, which took too long.

        Returns ``"cancelled"`` (only those stopped), ``"replaced"`` (the workers were killed
        and the pool replaced: every other evaluation in flight was lost too), ``"broken"``
        (the workers were killed and the pool cannot be replaced) or ``"abandoned"`` (nothing
        can stop them; they run on, unwatched).
        """
        ...

    def describe(self) -> str:
        """Name the executor for error messages, e.g. "the ProcessPoolExecutor you passed in"."""
        ...


class ExecutorAdapter(FaultHandler, Protocol):
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
    prefetches
        Whether the automatic ntasks queues points beyond one per worker (and groups short
        evaluations into tasks); a runner with an ``evaluation_timeout`` turns it off, so that
        an evaluation's time in flight is its running time.
    elastic
        Whether the number of workers can change while running (clusters).
    replaceable
        Whether the runner may stop workers and replace the pool (loky's reusable executor,
        a cluster): then evaluations left running by a runner with a timeout are stopped.
    """

    executor: Any
    auto_ntasks: int | None
    batches: bool
    prefetches: bool
    elastic: bool
    replaceable: bool

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

    def shutdown(self, *, kill: bool = False) -> None:
        """Release the executor's workers (when the user asked for ``shutdown_executor``).

        With ``kill``, evaluations still running are stopped where the executor allows it,
        so that a hung evaluation cannot make the shutdown wait forever.
        """
        ...


if TYPE_CHECKING:

    def _every_learner_is_runnable(learner: BaseLearner) -> LearnerLike:
        # mypy checks that BaseLearner satisfies LearnerLike; subclasses keep it (Liskov).
        return learner
