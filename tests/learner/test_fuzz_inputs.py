"""Fuzzing tell / tell_many / ask with junk: a clear error or acceptance, never a broken learner.

Hypothesis throws values of every kind at Learner1D, AverageLearner and SequenceLearner. Each
call either succeeds or raises a ``TypeError`` / ``ValueError`` (or ``KeyError``/``IndexError``
for a point the learner does not have) with a message; a call that raises leaves the learner's
data and pending points as they were, and the learner keeps working afterwards.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_nb import AverageLearner, Learner1D, SequenceLearner

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


def _state(learner: Any) -> tuple[Any, ...]:
    data = {
        k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
        for k, v in learner.data.items()
    }
    return repr(sorted(data.items(), key=repr)), repr(sorted(learner.pending_points, key=repr))


def _call(learner: Any, method: str, *args: Any) -> None:
    before = _state(learner)
    error: Exception | None = None
    try:
        getattr(learner, method)(*args)
    except ERRORS as e:
        error = e
    if error is not None:
        assert str(error), f"{method}{args!r} raised {type(error).__name__} without a message"
        assert _state(learner) == before, f"{method}{args!r} raised and changed the learner"


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
