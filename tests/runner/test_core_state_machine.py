"""The runner core under any completion order, failures, retries and a cancel at any moment.

A hypothesis state machine drives :class:`RunnerCore` the way the runners do (fill, collect,
finish), over a :class:`ScriptedExecutor` whose futures succeed, fail, get lost or start running
in whichever order hypothesis picks. Whatever happens:

- every result that arrived before the end is told to the learner exactly once, and nothing
  else is told (a failed, lost or late evaluation never is);
- after the end nothing is in flight: the learner has no pending points and every future that
  had not started is cancelled;
- ``replay_log(runner.log)`` on a fresh learner reproduces the learner's data;
- a worker death (which fails every evaluation in flight) is charged only to a point that died
  while nothing else was in flight; the others are evaluated again (one at a time).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from _support.scripted_executor import Job, ScriptedExecutor, ScriptedFaults
from adaptive_nb import Learner1D
from adaptive_nb.exceptions import EvaluationError
from adaptive_nb.runner import replay_log
from adaptive_nb.runner._core import RunnerCore
from adaptive_nb.runner._protocols import FutureLike

BOUNDS = (-1.0, 1.0)


def cubic(x: float) -> float:
    return x**3 - x


class CoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.executor = ScriptedExecutor()
        self.learner = Learner1D(cubic, BOUNDS)
        self.arrived: list[tuple[float, float]] = []  # results that arrived before the end
        self.failures: Counter[float] = Counter()  # failed evaluations per point
        self.alone_deaths: Counter[float] = Counter()  # deaths with nothing else in flight
        self.ended = False

    @initialize(
        ntasks=st.integers(1, 5),
        retries=st.integers(0, 2),
        raise_if_retries_exceeded=st.booleans(),
        batched=st.booleans(),
    )
    def start(
        self, ntasks: int, retries: int, raise_if_retries_exceeded: bool, batched: bool
    ) -> None:
        submit = self.executor.submit

        def submit_one(x: float) -> FutureLike:
            return submit(cubic, x)

        def submit_many(xs: list[float]) -> list[FutureLike]:
            return [submit(cubic, x) for x in xs]

        self.retries = retries
        self.raise_if_retries_exceeded = raise_if_retries_exceeded
        self.core = RunnerCore(
            self.learner,
            lambda _: False,
            submit_one,
            lambda: ntasks,
            log=True,
            retries=retries,
            raise_if_retries_exceeded=raise_if_retries_exceeded,
            submit_many=submit_many if batched else None,
            faults=ScriptedFaults(self.executor),
        )

    # -- the driver's moves ------------------------------------------------------------------

    @precondition(lambda self: not self.ended)
    @rule()
    def fill(self) -> None:
        self.core.fill()

    @precondition(lambda self: not self.ended)
    @rule()
    def collect(self) -> None:
        try:
            self.core.collect()
        except EvaluationError as e:
            error = e
        else:
            return
        assert self.raise_if_retries_exceeded
        charged = self.failures[error.point] + self.alone_deaths[error.point]
        assert charged >= self.retries + 1
        self._end()  # the runners end (and finish) on this error

    @precondition(lambda self: not self.ended)
    @rule(now=st.integers(0, 7))
    def cancel(self, now: int) -> None:
        # Cancels one time in eight, so that runs get deep before they end (teardown ends
        # every run that is still going, so a cancel at the last moment is covered too).
        if now == 7:
            self._end()

    @precondition(lambda self: self.ended)
    @rule()
    def stay_ended(self) -> None:
        # A run that has ended stays ended: nothing in flight, nothing new told.
        assert self.core.n_pending == 0
        assert not self.learner.pending_points
        assert Counter(self._told()) == Counter(self.arrived)

    # -- the executor's moves, in any order ---------------------------------------------------

    @precondition(lambda self: bool(self.executor.pending()))
    @rule(data=st.data())
    def succeed(self, data: st.DataObject) -> None:
        job = data.draw(st.sampled_from(self.executor.pending()))
        y = self.executor.succeed(job)
        if not self.ended:
            self.arrived.append((job.point, y))

    @precondition(lambda self: bool(self.executor.pending()))
    @rule(data=st.data())
    def fail(self, data: st.DataObject) -> None:
        job = data.draw(st.sampled_from(self.executor.pending()))
        self.executor.fail(job, ValueError(f"scripted failure at {job.point}"))
        if not self.ended:
            self.failures[job.point] += 1

    @precondition(lambda self: bool(self.executor.pending()))
    @rule(data=st.data())
    def kill_worker(self, data: st.DataObject) -> None:
        job = data.draw(st.sampled_from(self.executor.pending()))
        alone = len(self.executor.pending()) == 1
        self.executor.kill(job)
        if alone and not self.ended:
            self.alone_deaths[job.point] += 1

    @precondition(lambda self: any(not job.running for job in self.executor.pending()))
    @rule(data=st.data())
    def lose(self, data: st.DataObject) -> None:
        job = data.draw(st.sampled_from([j for j in self.executor.pending() if not j.running]))
        assert self.executor.lose(job)

    @precondition(lambda self: any(not job.running for job in self.executor.pending()))
    @rule(data=st.data())
    def start_running(self, data: st.DataObject) -> None:
        job = data.draw(st.sampled_from([j for j in self.executor.pending() if not j.running]))
        self.executor.start(job)

    # -- what always holds ---------------------------------------------------------------------

    def _told(self) -> list[tuple[float, float]]:
        assert self.core.log is not None
        return [(e[1], e[2]) for e in self.core.log if e[0] == "tell"]

    @invariant()
    def told_once_and_only_what_arrived(self) -> None:
        if not hasattr(self, "core"):
            return
        told = self._told()
        assert len({x for x, _ in told}) == len(told), "a point was told twice"
        assert Counter(told) <= Counter(self.arrived), "told something that never arrived"
        assert self.learner.data == dict(told)

    @invariant()
    def no_point_is_forgotten(self) -> None:
        # Every point the core owes an evaluation (submitted, not told, not failed for good) is
        # in flight or queued to be submitted again: lost and retried points are not dropped.
        if not hasattr(self, "core") or self.ended:
            return
        core = self.core
        told = {x for x, _ in self._told()}
        owed = {job.point for job in self.executor.jobs} - told - set(core.failed())
        queued = {core._id_to_point[pid] for pid in [*core._retry_queue, *core._suspects]}
        assert owed <= {x for _, x in core.pending_points()} | queued

    @invariant()
    def only_points_that_died_alone_are_charged(self) -> None:
        if not hasattr(self, "core"):
            return
        charged = {x for x, tb in self.core.tracebacks() if "died" in tb}
        assert charged <= set(self.alone_deaths), "an innocent point was charged"

    @invariant()
    def one_live_evaluation_per_point(self) -> None:
        points = [job.point for job in self.executor.pending()]
        assert len(points) == len(set(points))

    def _end(self) -> None:
        self.core.finish()
        self.ended = True
        assert Counter(self._told()) == Counter(self.arrived), "an arrived result was lost"
        assert self.core.n_pending == 0
        assert not self.learner.pending_points
        assert all(job.running for job in self.executor.pending()), "a future was left behind"
        fresh = Learner1D(cubic, BOUNDS)
        assert self.core.log is not None
        replay_log(fresh, self.core.log)
        assert fresh.data == self.learner.data

    def teardown(self) -> None:
        if hasattr(self, "core") and not self.ended:
            self._end()


TestCoreMachine = CoreMachine.TestCase
TestCoreMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


def test_scripted_executor_resolves_in_the_chosen_order() -> None:
    ex = ScriptedExecutor()
    first, second = ex.submit(cubic, 0.5), ex.submit(cubic, -0.5)
    order: list[Any] = []
    first.add_done_callback(lambda f: order.append("first"))
    second.add_done_callback(lambda f: order.append("second"))
    jobs: list[Job] = ex.pending()
    ex.succeed(jobs[1])
    assert order == ["second"]
    assert second.result() == cubic(-0.5)
    assert ex.lose(jobs[0])
    assert first.cancelled()
    assert ex.pending() == []
    with pytest.raises(RuntimeError, match="cancelled"):
        ex.succeed(jobs[0])
