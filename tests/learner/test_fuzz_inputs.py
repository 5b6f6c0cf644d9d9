"""Fuzzing tell / tell_many / ask with junk: a clear error or acceptance, never a broken learner.

Hypothesis throws values of every kind at every learner: points inside and outside the bounds,
NaN / inf / huge / tiny coordinates and values, points and values of the wrong shape (a scalar
for a tuple point, tuples of the wrong length, vectors of changing length), strings, booleans,
None, duplicates, ``tell_many`` with scalars or mismatched lengths, ``ask(n)`` with negative,
float or large ``n``. Each call either succeeds, and then the learner's invariants hold (its
own ``_check_invariants``, a loss that is a number or inf, ``ask`` works, ``npoints`` counts the
data, no told point is pending), or raises a ``TypeError`` / ``ValueError`` (our errors derive
from them; ``KeyError`` / ``IndexError`` for a point the learner does not have) with a message,
and then the learner's data and pending points are as they were.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import cloudpickle
import numpy as np
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from adaptive_nb import (
    AverageLearner,
    AverageLearner1D,
    BalancingLearner,
    DataSaver,
    IntegratorLearner,
    Learner1D,
    Learner2D,
    LearnerND,
    SequenceLearner,
)

ERRORS = (TypeError, ValueError, KeyError, IndexError)

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.just("1.5"),
    st.builds(np.float32, st.floats(-1e3, 1e3)),
    st.builds(np.bool_, st.booleans()),
    st.builds(complex, st.floats(-1, 1), st.floats(-1, 1)),
)
junk = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.builds(np.array, st.lists(st.floats(-1, 1), max_size=3)),
    st.dictionaries(st.text(max_size=2), scalars, max_size=2),
)


def _state(learner: Any) -> bytes:
    """The learner's data (through its persistence hook) and pending points, as bytes."""
    return cloudpickle.dumps((learner._get_data(), sorted(map(repr, _pending(learner)))))


def _pending(learner: Any) -> list[Any]:
    if isinstance(learner, BalancingLearner):
        return [(i, p) for i, lrn in enumerate(learner.learners) for p in _pending(lrn)]
    if isinstance(learner, DataSaver):
        return _pending(learner.learner)
    return list(learner.pending_points)


def _call(learner: Any, method: str, *args: Any) -> None:
    before = _state(learner)
    error: Exception | None = None
    try:
        getattr(learner, method)(*args)
    except ERRORS as e:
        error = e
    # (--hypothesis-show-statistics: how often each call is accepted, and which errors)
    event(f"{method}: {'accepted' if error is None else type(error).__name__}")
    if error is not None:
        assert str(error), f"{method}{args!r} raised {type(error).__name__} without a message"
        assert _state(learner) == before, f"{method}{args!r} raised and changed the learner"
        if method == "tell_many" and _is_scalar(args[0]):
            assert "expects xs to be a sequence" in str(error), error


def _is_scalar(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, str | bytes | numbers.Number | np.generic)
        or (isinstance(value, np.ndarray) and value.ndim == 0)
    )


def _still_works(learner: Any) -> None:
    points, _ = learner.ask(2)
    for p in points:
        learner.tell(p, 0.5 if not isinstance(learner, SequenceLearner) else 1.0)
    loss = learner.loss()
    assert isinstance(loss, float)
    assert not math.isnan(loss)


ops = st.lists(
    st.one_of(
        st.tuples(st.just("tell"), junk, junk),
        st.tuples(st.just("tell_many"), junk, junk),
        st.tuples(
            st.just("ask"),
            st.one_of(st.integers(-3, 5), junk.filter(lambda n: not isinstance(n, int))),
        ),
    ),
    max_size=8,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops)
def test_learner1d_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = Learner1D(lambda x: x, (-1, 1))
    learner.tell_many([-1.0, 1.0], [0.0, 1.0])
    for method, *args in ops:
        _call(learner, method, *args)
        learner._check_invariants()
    _still_works(learner)
    learner._check_invariants()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops)
@example(ops=[("tell", -1, 1.4990384980306193e154)])  # its square overflowed: a NaN loss
@example(ops=[("tell", 5, math.nan)])  # was accepted: a NaN mean and loss
def test_average_learner_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = AverageLearner(lambda seed: 0.5, atol=0.1)
    learner.tell_many([0, 1], [0.25, 0.75])
    for method, *args in ops:
        _call(learner, method, *args)
    _still_works(learner)
    assert learner.npoints == len(learner.data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops)
def test_sequence_learner_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = SequenceLearner(lambda x: x, sequence=[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    for method, *args in ops:
        _call(learner, method, *args)
    if not learner.done():
        points, _ = learner.ask(1)
        for p in points:
            learner.tell(p, 1.0)
    assert learner.npoints == len(learner.data)


# -- every other learner: near-valid inputs as well as junk ------------------------------------
#
# Junk alone rarely makes a tuple point, so these strategies build points of the right shape
# from coordinates of every kind, points of the wrong shape, and values of every kind.

good_coords = st.one_of(
    st.floats(-1, 1),
    st.sampled_from([-1.0, 1.0, 0.0, 0.5]),  # duplicates of told points
    st.builds(np.float32, st.floats(-1, 1)),
)
bad_coords = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1e300, 5e-324, 1e-300, 2.0, -1.5]),
    st.integers(-2, 2),
    st.booleans(),
    st.none(),
    st.just("0.5"),
)
# Mostly good coordinates: a point is only as good as its worst coordinate.
coords = st.one_of(good_coords, good_coords, good_coords, bad_coords)
good_values = st.one_of(st.floats(-10, 10), st.sampled_from([0.0, -0.0, 5e-324, 1e-300]))
bad_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1e300]),
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.none(),
    st.just("1.5"),
    st.builds(complex, st.floats(-1, 1), st.floats(-1, 1)),
    st.lists(st.floats(-1, 1), min_size=1, max_size=3),  # vectors of changing length
    st.builds(np.array, st.lists(st.floats(-1, 1), max_size=3)),
)
values = st.one_of(good_values, good_values, bad_values)
counts = st.one_of(
    st.integers(-3, 12),
    st.sampled_from([64, 2.0, 1.5, -0.5, float("nan"), float("inf"), "2", None, True, False]),
    st.builds(np.int64, st.integers(0, 4)),
)


def points_of(dim: int) -> st.SearchStrategy[Any]:
    """Mostly points of ``dim`` coordinates; also of the wrong length, scalars, and junk."""
    right = st.one_of(
        st.tuples(*[coords] * dim),
        st.lists(coords, min_size=dim, max_size=dim),
        st.builds(np.array, st.lists(st.floats(-1, 1), min_size=dim, max_size=dim)),
    )
    wrong = st.one_of(
        st.lists(coords, max_size=dim + 1).filter(lambda p: len(p) != dim),
        coords,  # a scalar for a tuple point
        junk,
    )
    return st.one_of(right, right, right, wrong)


def vectors_of(length: int) -> st.SearchStrategy[Any]:
    """Mostly vector values of ``length``; also of other lengths, scalars, and junk."""
    right = st.lists(good_values, min_size=length, max_size=length)
    return st.one_of(right, right, right, bad_values, good_values)


def ops_for(point: st.SearchStrategy[Any], value: st.SearchStrategy[Any]) -> Any:
    many = st.one_of(st.lists(point, max_size=4), point, st.none())
    many_values = st.one_of(st.lists(value, max_size=4), value)
    return st.lists(
        st.one_of(
            st.tuples(st.just("tell"), point, value),
            st.tuples(st.just("tell"), point, value),
            st.tuples(st.just("tell_many"), many, many_values),
            st.tuples(st.just("tell_pending"), point),
            st.tuples(st.just("ask"), counts),
            st.tuples(st.just("ask_tell"), st.integers(1, 3)),
        ),
        max_size=10,
    )


def _check_after(learner: Any) -> None:
    """The invariants every learner keeps after an accepted call."""
    check = getattr(learner, "_check_invariants", None)
    if check is not None:
        check()
    loss = learner.loss()
    assert isinstance(loss, float | int), loss
    assert not math.isnan(loss), "the loss is NaN"
    points, improvements = learner.ask(2, tell_pending=False)
    assert len(points) == len(improvements) <= 2
    inner = learner.learner if isinstance(learner, DataSaver) else learner
    children = inner.learners if isinstance(inner, BalancingLearner) else [inner]
    for child in children:
        assert child.npoints == len(child.data)
        if isinstance(child, AverageLearner1D):
            samples = child._data_samples
            assert all(s not in samples.get(x, {}) for s, x in child.pending_points)
        else:
            assert not set(child.pending_points) & child.data.keys(), "a told point is pending"


def _run(learner: Any, ops: list[tuple[Any, ...]], answer: Any) -> None:
    _check_after(learner)
    for method, *args in ops:
        if method == "ask_tell":  # the normal use, between the junk
            points, _ = learner.ask(args[0])
            for p in points:
                learner.tell(p, answer(p))
        else:
            _call(learner, method, *args)
        _check_after(learner)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _learner2d(vector: bool) -> Learner2D:
    learner = Learner2D(lambda p: p[0], [(-1, 1), (-1, 1)])
    corners = [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0), (0.0, 0.5)]
    learner.tell_many(corners, [[x, y] if vector else x * y for x, y in corners])
    return learner


@FUZZ
@given(ops=ops_for(points_of(2), values))
def test_learner2d_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    _run(_learner2d(vector=False), ops, lambda p: p[0] * p[1])


@FUZZ
@given(ops=ops_for(points_of(2), vectors_of(2)))
def test_learner2d_of_vectors_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    _run(_learner2d(vector=True), ops, lambda p: [p[0], p[1]])


@FUZZ
@given(ops=st.one_of(ops_for(points_of(2), values), ops_for(points_of(2), vectors_of(2))))
def test_learnernd_2d_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    # (told scalars, then vectors among the junk, or the other way round)
    vector = any(isinstance(op[-1], list) and len(op[-1]) == 2 for op in ops)
    learner = LearnerND(lambda p: p[0], [(-1, 1), (-1, 1)])
    corners = [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0), (0.0, 0.5)]
    learner.tell_many(corners, [[x, y] if vector else x * y for x, y in corners])
    _run(learner, ops, lambda p: [p[0], p[1]] if vector else p[0] * p[1])


@FUZZ
@given(ops=ops_for(points_of(3), values))
@example(ops=[("tell", (0.0, 0.0, "0.5"), 0.0)])  # was stored, then an unclear TypeError
def test_learnernd_3d_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = LearnerND(lambda p: p[0], [(-1, 1), (-1, 1), (-1, 1)])
    corners = [(-1.0, -1.0, -1.0), (1.0, 1.0, 1.0), (0.0, 0.5, 0.0)]
    learner.tell_many(corners, [sum(c) for c in corners])
    _run(learner, ops, sum)


@FUZZ
@given(
    ops=ops_for(
        st.one_of(
            st.tuples(st.one_of(st.integers(0, 3), coords), coords),
            st.tuples(st.integers(0, 3), st.sampled_from([-1.0, 1.0, 0.0])),  # resamples
            points_of(1),
        ),
        values,
    )
)
# samples whose squares overflow (the checks overflowed); a mean that overflows (was inf)
@example(ops=[("tell", (1, 1.0), 1.3407807929942597e154)])
@example(ops=[("tell", (s, 0.0), 1.7e308) for s in (1, 2, 3)])
def test_average_learner1d_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = AverageLearner1D(lambda p: p[1], (-1, 1), min_samples=2)
    learner.tell_many([(0, -1.0), (1, -1.0), (0, 1.0), (0, 0.0)], [0.0, 0.5, 1.0, 0.25])
    _run(learner, ops, lambda p: p[1] + 0.01 * p[0])


@FUZZ
@given(ops=ops_for(coords, values))
@example(ops=[("tell_many", "0.5", np.array([-0.27]))])  # told the point "0", then failed
@example(ops=[("tell_many", [0.0, 0.0, 0.5], [0.0, 0.0, 0.0])])  # 0.5 was never asked
def test_integrator_learner_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = IntegratorLearner(math.exp, (-1, 1), tol=1e-8)
    points, _ = learner.ask(10)
    for p in points[:6]:  # some told, some pending
        learner.tell(p, math.exp(p))
    _run(learner, ops, math.exp)


@FUZZ
@given(
    ops=ops_for(
        st.one_of(st.tuples(st.one_of(st.integers(-1, 3), coords), coords), points_of(2)),
        values,
    )
)
@example(ops=[("tell_many", [(0, 0.1), (1, 0.2)], [1.0, "x"])])  # told child 0, then failed
def test_balancing_learner_of_learner1ds_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    children = [Learner1D(lambda x: x, (-1, 1)) for _ in range(3)]
    children[0].tell_many([-1.0, 0.0, 1.0], [0.0, 1.0, 0.0])
    _run(BalancingLearner(children), ops, lambda p: p[1] ** 2)


@FUZZ
@given(
    ops=ops_for(
        st.one_of(st.tuples(st.one_of(st.integers(-1, 2), coords), points_of(2)), points_of(2)),
        values,
    )
)
def test_balancing_learner_of_learner2ds_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = BalancingLearner([_learner2d(vector=False), _learner2d(vector=False)])
    _run(learner, ops, lambda p: p[1][0] * p[1][1])


@FUZZ
@given(
    ops=ops_for(
        coords,
        st.one_of(st.fixed_dictionaries({"y": values}), st.fixed_dictionaries({}), values),
    )
)
def test_data_saver_takes_junk(ops: list[tuple[Any, ...]]) -> None:
    learner = DataSaver(Learner1D(lambda x: {"y": x}, (-1, 1)), arg_picker=lambda r: r["y"])
    learner.tell_many([-1.0, 1.0], [{"y": 0.0}, {"y": 1.0}])
    _run(learner, ops, lambda x: {"y": x, "extra": "kept"})
