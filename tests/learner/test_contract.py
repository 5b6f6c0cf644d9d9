"""The learner contract, checked for every learner of adaptive_nb by one parametrised module.

Every learner must: answer ``ask(0)`` with ``([], [])``; leave itself unchanged by
``ask(n, tell_pending=False)``; make empty twins with ``new()``; take another's data with
``copy_from``; survive cloudpickle (and ask the same next points afterwards); round-trip
``to_dataframe``/``load_dataframe``; work inside a BalancingLearner and a DataSaver; run with
``simple``, with a BlockingRunner and an AsyncRunner on a SequentialExecutor, and reproduce its
data from a runner's ``log`` with ``replay_log``; save to a file and load again.

To add a learner, add one line to ``FACTORIES``: its name in adaptive_nb and a function that
builds a small instance. Lines for learners adaptive_nb does not have yet are inactive (only
names adaptive_nb exports are tested), and ``test_every_learner_is_in_the_contract`` fails for a
learner that adaptive_nb exports but that has no line here.
"""

from __future__ import annotations

import math
import operator
import pickle
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adaptive_nb
from _support.aio import asyncio_test
from adaptive_nb.learner.base_learner import BaseLearner
from adaptive_nb.runner import AsyncRunner, BlockingRunner, SequentialExecutor, replay_log, simple

# -- functions the learners learn (module level: cheap and picklable) ------------------------


def peak(x: float, a: float = 0.01) -> float:
    return x + a**2 / (a**2 + (x - 0.123) ** 2)


def peak_dict(x: float) -> dict[str, float]:
    return {"y": peak(x), "x2": x * x}


def gauss(seed: int) -> float:
    return random.Random(seed).gauss(1.0, 0.3)


def square(x: int) -> int:
    return x * x


def ring(xy: tuple[float, float], a: float = 0.2) -> float:
    x, y = xy
    return x + math.exp(-((x**2 + y**2 - 0.75**2) ** 2) / a**4)


def noisy_peak(seed_x: tuple[int, float]) -> float:
    seed, x = seed_x
    return peak(x) + random.Random(seed).gauss(0, 0.1)


# -- the registry: one line per learner -------------------------------------------------------


def _a(name: str) -> Any:
    return getattr(adaptive_nb, name)


FACTORIES: dict[str, Callable[[], Any]] = {
    "Learner1D": lambda: _a("Learner1D")(peak, (-1, 1)),
    "BalancingLearner": lambda: _a("BalancingLearner")(
        [_a("Learner1D")(partial(peak, a=a), (-1, 1)) for a in (0.01, 0.1)]
    ),
    "DataSaver": lambda: _a("DataSaver")(
        _a("Learner1D")(peak_dict, (-1, 1)), operator.itemgetter("y")
    ),
    "AverageLearner": lambda: _a("AverageLearner")(gauss, atol=0.01),
    "SequenceLearner": lambda: _a("SequenceLearner")(square, range(40)),
    # Active once adaptive_nb exports the name:
    "Learner2D": lambda: _a("Learner2D")(ring, bounds=[(-1, 1), (-1, 1)]),
    "LearnerND": lambda: _a("LearnerND")(ring, bounds=[(-1, 1), (-1, 1)]),
    "IntegratorLearner": lambda: _a("IntegratorLearner")(peak, bounds=(0, 1), tol=1e-8),
    "AverageLearner1D": lambda: _a("AverageLearner1D")(noisy_peak, bounds=(-1, 1)),
}

PRESENT = [name for name in FACTORIES if hasattr(adaptive_nb, name)]

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(params=PRESENT)
def make(request: pytest.FixtureRequest) -> Callable[[], Any]:
    return FACTORIES[request.param]


def test_every_learner_is_in_the_contract() -> None:
    exported = {
        name
        for name in adaptive_nb.__all__
        if isinstance(obj := getattr(adaptive_nb, name), type)
        and issubclass(obj, BaseLearner)
        and obj is not BaseLearner
    }
    assert exported <= set(PRESENT), f"add a line to FACTORIES for {exported - set(PRESENT)}"


# -- helpers ------------------------------------------------------------------------------------


def canon(obj: Any) -> Any:
    """A comparable, hashable form of data, points and losses (arrays and NaN included)."""
    if isinstance(obj, np.ndarray):
        return ("array", canon(obj.tolist()))
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return ("map", tuple(sorted((canon(k), canon(v)) for k, v in obj.items())))
    if isinstance(obj, set | frozenset):
        return ("set", tuple(sorted(canon(v) for v in obj)))
    if isinstance(obj, list | tuple):
        return tuple(canon(v) for v in obj)
    if isinstance(obj, float | np.floating):
        return ("nan",) if math.isnan(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def state(learner: Any) -> Any:
    """Everything a user can see of a learner's state, and what it would ask next."""
    return (
        canon(learner.data),
        canon(learner.pending_points),
        learner.npoints,
        canon(learner.loss()),
        canon(learner.loss(real=False)),
    )


def run_points(learner: Any, n: int) -> None:
    """Ask and tell until ``n`` points are evaluated (or the learner runs out of points)."""
    function = learner.function
    while learner.npoints < n:
        points, _ = learner.ask(1)
        if not points:
            break
        learner.tell(points[0], function(points[0]))


def npoints_goal(n: int) -> Callable[[Any], bool]:
    return lambda learner: learner.npoints >= n


# -- the contract -------------------------------------------------------------------------------

OPS = st.lists(
    st.tuples(st.sampled_from(["ask", "ask", "tell", "tell", "forget"]), st.integers(0, 4)),
    max_size=25,
)


# The learner alone, and as a child of the two learners that wrap others.
WRAPPERS: dict[str, Callable[[Callable[[], Any]], Any]] = {
    "alone": lambda make: make(),
    "in BalancingLearner": lambda make: adaptive_nb.BalancingLearner([make(), make()]),
    "in DataSaver": lambda make: adaptive_nb.DataSaver(make(), arg_picker=lambda r: r),
}


@pytest.mark.parametrize("wrap", list(WRAPPERS))
@SETTINGS
@given(ops=OPS, k=st.integers(1, 5))
def test_ask_zero_and_ask_without_tell_pending_change_nothing(
    make: Callable[[], Any], wrap: str, ops: list[tuple[str, int]], k: int
) -> None:
    learner = WRAPPERS[wrap](make)
    function = learner.function
    asked: list[Any] = []
    for op, i in ops:
        if op == "ask":
            preview = canon(learner.ask(i, tell_pending=False))
            points, improvements = learner.ask(i)
            assert len(points) == len(improvements) <= i
            assert canon((points, improvements)) == preview
            asked.extend(points)
        elif op == "tell" and asked:
            x = asked.pop(i % len(asked))
            learner.tell(x, function(x))
        elif op == "forget":
            learner.remove_unfinished()
            asked.clear()
        assert learner.ask(0) == ([], [])
        before = state(learner)
        preview = canon(learner.ask(k, tell_pending=False))
        assert state(learner) == before
        assert canon(learner.ask(k, tell_pending=False)) == preview
        assert state(learner) == before


def test_new_is_an_empty_twin(make: Callable[[], Any]) -> None:
    learner = make()
    run_points(learner, 12)
    learner.ask(2)
    fresh = learner.new()
    assert type(fresh) is type(learner)
    assert fresh.npoints == 0
    assert not fresh.data
    # As made: empty for most learners; IntegratorLearner, as the reference's, starts with the
    # nodes of its first rule pending.
    assert fresh.pending_points == make().pending_points
    assert canon(fresh.ask(3)) == canon(make().ask(3))


def test_copy_from_takes_the_data(make: Callable[[], Any]) -> None:
    learner = make()
    run_points(learner, 15)
    other = make()
    other.copy_from(learner)
    assert canon(other.data) == canon(learner.data)
    assert other.npoints == learner.npoints
    assert canon(other.ask(3)) == canon(learner.ask(3))


@pytest.mark.parametrize("pickler", [cloudpickle, pickle], ids=["cloudpickle", "pickle"])
def test_pickle_round_trip_asks_the_same_points(make: Callable[[], Any], pickler: Any) -> None:
    learner = make()
    run_points(learner, 10)
    learner.ask(2)
    clone = pickler.loads(pickler.dumps(learner))
    assert state(clone) == state(learner)
    for n in (1, 3):
        assert canon(clone.ask(n)) == canon(learner.ask(n))
    (point,), _ = learner.ask(1, tell_pending=False)
    assert canon(clone.function(point)) == canon(learner.function(point))


def test_save_load_round_trip(make: Callable[[], Any], tmp_path: Path) -> None:
    learner = make()
    run_points(learner, 11)
    fname: Any = tmp_path / "learner.p"
    if isinstance(learner, adaptive_nb.BalancingLearner):  # one file per child
        fname = [tmp_path / f"child{i}.p" for i in range(len(learner.learners))]
    learner.save(fname)
    other = learner.new()
    other.load(fname)
    assert canon(other.data) == canon(learner.data)
    assert canon(other.ask(2)) == canon(learner.ask(2))


def test_dataframe_round_trip(make: Callable[[], Any]) -> None:
    learner = make()
    run_points(learner, 14)
    df = learner.to_dataframe()
    # one row per point, or per sample for the learners that take several at a point
    assert len(df) == getattr(learner, "nsamples", learner.npoints)
    other = learner.new()
    other.load_dataframe(df)
    assert canon(other.data) == canon(learner.data)
    assert other.to_dataframe().equals(df)


def test_works_inside_a_balancing_learner(make: Callable[[], Any]) -> None:
    balancing = adaptive_nb.BalancingLearner([make(), make()], strategy="npoints")
    simple(balancing, goal=npoints_goal(20))
    counts = [child.npoints for child in balancing.learners]
    if make().pending_points:
        # IntegratorLearner starts with its first rule's nodes pending (as the reference's), so
        # npoints + pending ties for a while and the first child is chosen: both get points.
        assert sum(counts) == 20
        assert min(counts) > 0
    else:
        assert counts == [10, 10]
    assert balancing.ask(0) == ([], [])
    (point,), _ = balancing.ask(1, tell_pending=False)
    assert point[0] in (0, 1)


def test_works_inside_a_data_saver(make: Callable[[], Any]) -> None:
    learner = make()
    saver = adaptive_nb.DataSaver(learner, arg_picker=lambda result: result)
    simple(saver, goal=npoints_goal(12))
    assert learner.npoints == 12
    # extra data per told point: per sample for the learners that take several at a point
    assert len(saver.extra_data) == getattr(learner, "nsamples", learner.npoints)
    for x, result in saver.extra_data.items():
        assert canon(result) == canon(learner.function(x))
    assert saver.ask(0) == ([], [])


def test_runners_and_replay_log(make: Callable[[], Any]) -> None:
    by_simple = make()
    simple(by_simple, goal=npoints_goal(25))
    assert by_simple.npoints >= 25
    learner = make()
    runner = BlockingRunner(learner, goal=npoints_goal(25), executor=SequentialExecutor(), log=True)
    assert runner.status() == "finished"
    assert learner.npoints >= 25
    assert canon(learner.data) == canon(by_simple.data)
    replayed = make()
    assert runner.log is not None
    replay_log(replayed, runner.log)
    assert canon(replayed.data) == canon(learner.data)


@asyncio_test
async def test_async_runner(make: Callable[[], Any]) -> None:
    learner = make()
    runner = AsyncRunner(learner, goal=npoints_goal(25), executor=SequentialExecutor(), log=True)
    await runner.task
    assert runner.status() == "finished"
    assert learner.npoints >= 25
    replayed = make()
    assert runner.log is not None
    replay_log(replayed, runner.log)
    assert canon(replayed.data) == canon(learner.data)
