"""Learner1D's neighbors/losses attributes against the reference library's, after the same calls."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from adaptive.learner import learner1D as ref1d  # noqa: N813  (the reference, adaptive 1.5)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adaptive_nb.learner._learner1d_views import SortedView
from adaptive_nb.learner.learner1D import Learner1D, curvature_loss_function

ATTRIBUTES = ("neighbors", "neighbors_combined", "losses", "losses_combined")


def peak(x: float) -> float:
    return x + 0.01**2 / (0.01**2 + (x - 0.123) ** 2)


def vector(x: float) -> np.ndarray:
    return np.array([math.sin(5 * x), x**2])


def assert_same_views(ours: Learner1D, ref: Any) -> None:
    for name in ATTRIBUTES:
        mine, theirs = getattr(ours, name), getattr(ref, name)
        assert list(mine) == list(theirs), name  # same keys in the same order
        for key in theirs:
            a, b = mine[key], theirs[key]
            if name.startswith("losses"):
                assert a == pytest.approx(float(b), rel=1e-12, abs=1e-15), (name, key)
            else:
                assert a == b, (name, key)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["ask", "ask", "tell", "tell", "many", "pending", "forget"]),
        st.integers(0, 5),
    ),
    max_size=40,
)


def _reference_bulk_quirk(ref: Any, xs: list[float]) -> bool:
    """Whether the reference's bulk tell_many would mark evaluated intervals unknown.

    Its rebuild joins the pending parts of consecutive intervals into one chain unless the chain
    is an evaluated interval; a chain that starts at a pending point left of every evaluated
    point never is one, so the pending parts of the evaluated intervals after it keep an
    infinite combined loss. Learner1D.tell_many documents this difference.
    """
    bulk = len(xs) > 0.5 * len(ref.data) and len(xs) > 2
    first = min([*ref.data, *xs])
    return bulk and any(p < first for p in ref.pending_points if p not in xs)


def test_where_the_reference_bulk_tell_forgets_and_we_do_not() -> None:
    # Pending -1 (left of every evaluated point) and 0 (inside an evaluated interval).
    xs = [1.0, -1 / 3, 1 / 3]
    learners = [Learner1D(peak, (-1, 1)), ref1d.Learner1D(peak, (-1, 1))]
    for learner in learners:
        learner.tell_pending(-1.0)
        learner.tell_pending(0.0)
        learner.tell_many(xs, [peak(x) for x in xs])
    ours, ref = learners
    assert ref.losses_combined[-1 / 3, 0.0] == math.inf
    # ours: the evaluated interval's loss, shared by length, as after single tells
    real = ours.losses[-1 / 3, 1 / 3]
    assert ours.losses_combined[-1 / 3, 0.0] == pytest.approx(real / 2)
    singly = Learner1D(peak, (-1, 1))
    singly.tell_pending(-1.0)
    singly.tell_pending(0.0)
    for x in xs:
        singly.tell(x, peak(x))
    assert dict(singly.losses_combined) == pytest.approx(dict(ours.losses_combined))


@settings(max_examples=40, deadline=None)
@given(OPS, st.sampled_from(["default", "curvature", "vector"]))
@example([("pending", 0), ("ask", 3), ("ask", 2), ("many", 2)], "default")  # the quirk
def test_views_equal_the_reference_after_the_same_calls(
    ops: list[tuple[str, int]], kind: str
) -> None:
    f: Any = vector if kind == "vector" else peak
    loss = curvature_loss_function() if kind == "curvature" else None
    ours = Learner1D(f, (-1, 1), loss_per_interval=loss)
    ref = ref1d.Learner1D(f, (-1, 1), loss_per_interval=loss)
    asked: list[float] = []
    for op, k in ops:
        if op == "ask" and k:
            points, _ = ours.ask(k)
            ref_points, _ = ref.ask(k)
            assert points == ref_points
            asked.extend(points)
        elif op == "tell" and asked:
            x = asked.pop(k % len(asked))
            ours.tell(x, f(x))
            ref.tell(x, f(x))
        elif op == "many" and asked:  # several at once: both libraries' bulk path
            xs, asked[:] = asked[: k + 1], asked[k + 1 :]
            if _reference_bulk_quirk(ref, xs):  # a documented difference: tell one by one
                for x in xs:
                    ours.tell(x, f(x))
                    ref.tell(x, f(x))
            else:
                ours.tell_many(xs, [f(x) for x in xs])
                ref.tell_many(xs, [f(x) for x in xs])
        elif op == "pending":
            x = -1 + 2 * k / 7
            if x not in ref.data:
                ours.tell_pending(x)
                ref.tell_pending(x)
        elif op == "forget":
            ours.remove_unfinished()
            ref.remove_unfinished()
            asked.clear()
        assert_same_views(ours, ref)


def test_views_after_a_long_run_and_a_rescale() -> None:
    ours = Learner1D(peak, (-1, 1))
    ref = ref1d.Learner1D(peak, (-1, 1))
    for _ in range(300):
        (x,), _ = ours.ask(1)
        (x_ref,), _ = ref.ask(1)
        assert x == x_ref
        ours.tell(x, peak(x))
        ref.tell(x, peak(x))
    ours.ask(7)
    ref.ask(7)
    assert_same_views(ours, ref)


def test_views_are_read_only_snapshots_with_sorted_dict_reads() -> None:
    learner = Learner1D(peak, (0, 2))
    learner.tell_many([0.0, 1.0, 2.0], [0.0, 1.0, 0.0])
    learner.tell_pending(0.5)
    neighbors = learner.neighbors
    assert isinstance(neighbors, SortedView)
    assert neighbors == {0.0: [None, 1.0], 1.0: [0.0, 2.0], 2.0: [1.0, None]}
    assert neighbors.keys()[-1] == 2.0
    assert neighbors.peekitem(0) == (0.0, [None, 1.0])
    assert neighbors.index(1.0) == 1
    assert list(reversed(neighbors)) == [2.0, 1.0, 0.0]
    # a KeysView equals the set of its keys (mypy's strict equality does not know that)
    assert learner.losses_combined.keys() == {(0.0, 0.5), (0.5, 1.0), (1.0, 2.0)}  # type: ignore[comparison-overlap]
    with pytest.raises(TypeError):
        neighbors[3.0] = [2.0, None]  # type: ignore[index]
    with pytest.raises(KeyError):
        neighbors.index(5.0)
    learner.tell(3.0, 1.0)  # outside the bounds: not a neighbour
    learner.tell(1.5, 1.0)
    assert 1.5 not in neighbors  # a snapshot
    assert learner.neighbors[1.5] == [1.0, 2.0]
    assert "SortedView({(" in repr(learner.losses)
    empty = Learner1D(peak, (0, 1))
    assert len(empty.neighbors) == len(empty.losses_combined) == 0
