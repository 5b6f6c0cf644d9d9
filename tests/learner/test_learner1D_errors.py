"""Learner1D's errors: a failing loss function leaves the learner as it was; bad values refused."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_nb import Learner1D
from adaptive_nb.exceptions import LossFunctionError
from adaptive_nb.learner.learner1D import uniform_loss, uses_nth_neighbors


class FlakyLoss:
    """A loss that misbehaves (``mode``) on intervals whose rescaled left end is in ``bad``.

    ``bad`` is a half-open range; only intervals narrower than ``max_width`` fail (so that a
    learner can hold wider ones there); ``armed`` switches the failure off (the fixed loss).
    """

    __name__ = "flaky_loss"

    def __init__(self, mode: str, bad: tuple[float, float]) -> None:
        self.mode = mode
        self.bad = bad
        self.armed = True
        self.max_width = math.inf
        self.nth_neighbors = 0

    def __call__(self, xs: tuple[Any, ...], ys: tuple[Any, ...]) -> Any:
        if self.armed and self.bad[0] <= xs[0] < self.bad[1] and xs[1] - xs[0] < self.max_width:
            if self.mode == "raise":
                msg = "boom"
                raise ZeroDivisionError(msg)
            return {"none": None, "str": "0.5", "array": np.array([1.0, 2.0])}[self.mode]
        return uniform_loss(xs, ys)


def _state(learner: Learner1D) -> tuple[Any, ...]:
    return (
        learner._snapshot(),
        dict(learner.data),
        set(learner.pending_points),
        learner.loss(),
        learner.loss(real=False),
    )


def _next_ask(learner: Learner1D) -> tuple[list[float], list[float]]:
    return learner.ask(3, tell_pending=False)


def _learner(mode: str) -> tuple[Learner1D, FlakyLoss]:
    loss = FlakyLoss(mode, (0.5, 0.6))  # bounds (0, 1): xs are rescaled by 1
    loss.max_width = 0.2
    learner = Learner1D(lambda x: x, (0.0, 1.0), loss_per_interval=loss)
    learner.tell_many([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 1.0, 0.0, 1.0, 0.0])
    return learner, loss


MODES = ["raise", "none", "str", "array"]


def _check_unchanged(learner: Learner1D, before: tuple[Any, ...], ask: Any) -> None:
    learner._check_invariants()
    assert _state(learner) == before
    assert _next_ask(learner) == ask


def _assert_names(err: pytest.ExceptionInfo[LossFunctionError], interval: str) -> None:
    text = str(err.value)
    assert "flaky_loss" in text
    assert interval in text


@pytest.mark.parametrize("mode", MODES)
def test_tell_with_failing_loss_changes_nothing(mode: str) -> None:
    learner, loss = _learner(mode)
    before, ask = _state(learner), _next_ask(learner)
    with pytest.raises(LossFunctionError) as err:
        learner.tell(0.55, 3.0)  # new intervals (0.5, 0.55) and (0.55, 0.75)
    _assert_names(err, "(0.5, 0.55)")
    if mode == "raise":
        assert isinstance(err.value.__cause__, ZeroDivisionError)
    _check_unchanged(learner, before, ask)
    loss.armed = False  # the loss is fixed: the same learner goes on
    learner.tell(0.55, 3.0)
    learner._check_invariants()
    assert 0.55 in learner.data


@pytest.mark.parametrize("mode", MODES)
def test_tell_of_a_pending_point_with_failing_loss_keeps_it_pending(mode: str) -> None:
    learner, loss = _learner(mode)
    learner.tell_pending(0.55)
    learner.tell_pending(0.9)
    before, ask = _state(learner), _next_ask(learner)
    with pytest.raises(LossFunctionError):
        learner.tell(0.55, 3.0)
    _check_unchanged(learner, before, ask)
    assert 0.55 in learner.pending_points
    loss.armed = False
    learner.tell(0.55, 3.0)
    learner._check_invariants()
    assert 0.55 not in learner.pending_points


def test_failure_when_the_y_scale_grows_changes_nothing() -> None:
    # A value far outside the y-range makes every loss be recomputed.
    learner, _ = _learner("raise")
    before, ask = _state(learner), _next_ask(learner)
    with pytest.raises(LossFunctionError):
        learner.tell(0.55, 1e6)
    _check_unchanged(learner, before, ask)


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("mode", ["raise", "none"])
def test_tell_many_with_failing_loss_changes_nothing(mode: str, force: bool) -> None:
    learner, loss = _learner(mode)
    learner.tell_pending(0.3)
    before, ask = _state(learner), _next_ask(learner)
    xs = [0.1, 0.55, 0.9]  # the failing point is not the first
    with pytest.raises(LossFunctionError) as err:
        learner.tell_many(xs, [2.0, 3.0, 4.0], force=force)
    _assert_names(err, "(0.5, 0.55)")
    _check_unchanged(learner, before, ask)
    loss.armed = False
    learner.tell_many(xs, [2.0, 3.0, 4.0], force=force)
    learner._check_invariants()
    assert set(xs) <= set(learner.data)


def test_bulk_tell_many_into_an_empty_learner_with_failing_loss() -> None:
    loss = FlakyLoss("raise", (0.5, 0.6))
    learner = Learner1D(lambda x: x, (0.0, 1.0), loss_per_interval=loss)
    data = learner.data
    before, ask = _state(learner), _next_ask(learner)
    xs = np.linspace(0, 1, 50)
    with pytest.raises(LossFunctionError):
        learner.tell_many(xs, xs**2)
    _check_unchanged(learner, before, ask)
    assert learner._vdim is None
    assert learner.data is data  # restored in place: references stay valid
    loss.armed = False
    learner.tell_many(xs, xs**2)
    learner._check_invariants()
    assert learner.npoints == 50


def test_nan_from_the_loss_is_a_number() -> None:
    # NaN is a real number: kept, and handled like other non-finite losses.
    learner = Learner1D(lambda x: x, (0.0, 1.0), loss_per_interval=lambda xs, ys: math.nan)
    learner.tell_many([0.0, 0.5, 1.0], [0.0, 1.0, 0.0])
    learner.tell(0.25, 2.0)
    learner._check_invariants()
    assert math.isfinite(learner.loss())


def test_issue_b2_fixed_loss_on_a_new_learner_and_ask_works() -> None:
    calls = {"n": 0}

    def loss(xs: tuple[Any, ...], ys: tuple[Any, ...]) -> Any:
        calls["n"] += 1
        return None if calls["n"] > 3 else xs[1] - xs[0]

    learner = Learner1D(lambda x: x**2, (-1.0, 1.0), loss_per_interval=loss)
    failures = 0
    for _ in range(10):
        xs, _ = learner.ask(1)
        before = _state(learner)
        try:
            learner.tell(xs[0], xs[0] ** 2)
        except LossFunctionError:
            failures += 1
            assert _state(learner) == before
            assert xs[0] not in learner.data
            assert xs[0] in learner.pending_points
    assert failures > 0
    calls["n"] = -(10**9)  # fixed
    for _ in range(10):
        xs, _ = learner.ask(1)
        assert len(xs) == 1
        learner.tell(xs[0], xs[0] ** 2)
    learner._check_invariants()
    assert learner.npoints >= 10


def test_loss_with_neighbours_fails_on_a_neighbouring_interval() -> None:
    @uses_nth_neighbors(1)
    def loss(xs: tuple[Any, ...], ys: tuple[Any, ...]) -> float:
        if xs[1] == 0.75:  # interval (0.75, ...), which a point at 0.55 changes as a neighbour
            msg = "neighbour"
            raise ValueError(msg)
        return float(xs[2] - xs[1])

    learner = Learner1D(lambda x: x, (0.0, 1.0), loss_per_interval=loss)
    learner.tell_many([0.0, 0.25, 0.5, 1.0], [0.0, 1.0, 0.0, 0.0])
    learner.tell(0.8, 1.0)
    before, ask = _state(learner), _next_ask(learner)
    with pytest.raises(LossFunctionError, match="loss"):
        learner.tell(0.75, 1.0)
    _check_unchanged(learner, before, ask)


@pytest.mark.parametrize("y", ["1.5", b"1.5", True, np.bool_(True), 1 + 2j, [1, 2j], ["a"]])
def test_tell_refuses_strings_booleans_and_complex(y: object) -> None:
    learner = Learner1D(lambda x: x, (0.0, 1.0))
    learner.tell(0.0, 1.0)
    before = _state(learner)
    with pytest.raises(TypeError, match=r"real number.*x=0\.3"):
        learner.tell(0.3, y)
    with pytest.raises(TypeError, match="real number"):
        learner.tell_many([0.3], [y])
    assert _state(learner) == before


@pytest.mark.parametrize("ys", [1.0, "ab", np.float64(1.0), np.array(1.0), None])
def test_tell_many_with_a_scalar_says_what_it_expected(ys: object) -> None:
    learner = Learner1D(lambda x: x, (0.0, 1.0))
    with pytest.raises(TypeError, match=r"expects ys to be a sequence .* use tell\(x, y\)"):
        learner.tell_many([0.1, 0.2], ys)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects xs to be a sequence"):
        learner.tell_many(0.1, [1.0])  # type: ignore[arg-type]
    assert learner.data == {}


_ops = st.lists(
    st.tuples(
        st.sampled_from(["tell", "tell_many", "bulk", "pending", "ask", "remove"]),
        st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=_ops,
    bad=st.floats(0.0, 0.9),
    mode=st.sampled_from(MODES),
    nth=st.integers(0, 1),
)
def test_random_operations_with_a_loss_failing_somewhere(
    ops: list[tuple[str, list[float]]], bad: float, mode: str, nth: int
) -> None:
    loss = FlakyLoss(mode, (bad, bad + 0.1))
    loss.nth_neighbors = nth
    learner = Learner1D(np.sin, (0.0, 1.0), loss_per_interval=loss)
    f: Callable[[float], float] = lambda x: math.sin(7 * x)  # noqa: E731
    failures = []
    for op, xs in ops:
        before = _state(learner)
        try:
            if op == "tell":
                learner.tell(xs[0], f(xs[0]))
            elif op in ("tell_many", "bulk"):
                learner.tell_many(xs, [f(x) for x in xs], force=op == "bulk")
            elif op == "pending":
                learner.tell_pending(xs[0])
            elif op == "ask":
                learner.ask(len(xs))
            else:
                learner.remove_unfinished()
        except LossFunctionError as e:
            failures.append(str(e))
            assert _state(learner) == before
        learner._check_invariants()
    assert all("flaky_loss" in text for text in failures)
