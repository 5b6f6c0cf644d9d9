"""Tests of SequenceLearner: order, done/result, the to-do bookkeeping, dataframes, runners."""

from __future__ import annotations

import pickle
from typing import Any

import adaptive
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _support.aio import asyncio_test
from adaptive_nb import BalancingLearner, BlockingRunner, DataSaver, Runner, SequenceLearner
from adaptive_nb.runner import SequentialExecutor, simple


def square(x: float, offset: float = 0.0) -> float:
    return x * x + offset


def test_hands_out_points_in_sequence_order_until_done() -> None:
    learner = SequenceLearner(square, [3, 1, 4, 1, 5])
    points, imps = learner.ask(3)
    assert points == [(0, 3), (1, 1), (2, 4)]
    assert imps == [0.2] * 3
    assert learner.ask(10)[0] == [(3, 1), (4, 5)]
    assert learner.ask(1) == ([], [])
    assert not learner.done()
    for i, x in reversed(points):
        learner.tell((i, x), square(x))
    assert learner.loss() == pytest.approx(0.4)
    assert learner.loss(real=False) == pytest.approx(0.0)
    learner.tell((4, 5), 25)
    learner.tell((3, 1), 1)
    assert learner.done()
    assert learner.loss() == 0.0
    assert learner.result() == [9, 1, 16, 1, 25]
    assert list(learner.data) == [0, 1, 2, 3, 4]


def test_result_before_done_is_a_clear_error() -> None:
    learner = SequenceLearner(square, range(4))
    learner.tell((2, 2), 4)
    with pytest.raises(RuntimeError, match="3 of 4 elements are not evaluated"):
        learner.result()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("atpru"), st.integers(0, 19)), max_size=80))
def test_same_points_and_losses_as_the_reference(ops: list[tuple[str, int]]) -> None:
    seq = list(range(100, 120))
    ours = SequenceLearner(square, seq)
    ref = adaptive.SequenceLearner(square, seq)
    for op, k in ops:
        if op == "a":
            n = k % 5
            assert ours.ask(n, tell_pending=False) == ref.ask(n, tell_pending=False)
            if n:  # the reference cannot ask(0)
                assert ours.ask(n) == ref.ask(n)
        elif op in "tu" and k not in ref.data:  # the reference overwrites a retold value
            ours.tell((k, seq[k]), -k)
            ref.tell((k, seq[k]), -k)
        elif op == "p" and k not in ref.data:  # the reference marks evaluated points pending
            ours.tell_pending((k, seq[k]))
            ref.tell_pending((k, seq[k]))
        elif op == "r":
            ours.remove_unfinished()
            ref.remove_unfinished()
        assert dict(ours.data) == dict(ref.data)
        assert ours.pending_points == ref.pending_points
        assert ours.done() == ref.done()
        assert ours.loss() == ref.loss()
        assert ours.loss(real=False) == ref.loss(real=False)
        todo = [i for i in range(20) if i not in ours.data and i not in ours.pending_points]
        assert [i for i, _ in ours.ask(20, tell_pending=False)[0]] == todo


def test_long_sequences_are_cheap_to_create_and_run() -> None:
    learner = SequenceLearner(square, range(10**9))  # no per-element work up front
    points, _ = learner.ask(5)
    assert points[-1] == (4, 4)
    learner.tell((10**9 - 1, 0), 0)
    assert learner.loss() == pytest.approx(1 - 1e-9)


def test_tell_out_of_order_and_retell() -> None:
    learner = SequenceLearner(square, range(6))
    learner.tell((0, 0), 0)
    learner.tell((1, 1), 1)
    learner.tell((3, 3), 9)
    learner.tell_pending((2, 2))
    assert learner.ask(5)[0] == [(4, 4), (5, 5)]
    learner.tell((3, 3), 100)
    assert learner.data[3] == 9  # the first value is kept
    learner.remove_unfinished()
    assert learner.ask(5)[0] == [(2, 2), (4, 4), (5, 5)]
    pending = set(learner.pending_points)  # indices, as in the reference
    learner.remove_unfinished()
    for index in pending:  # bare indices are accepted, so they can be re-added
        learner.tell_pending(index)
    assert learner.pending_points == pending == {2, 4, 5}
    assert learner.ask(1) == ([], [])


def test_errors_are_clear() -> None:
    with pytest.raises(TypeError, match="len\\(\\) and indexing"):
        SequenceLearner(square, (x for x in range(3)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="len\\(\\) and indexing"):
        SequenceLearner(square, {1, 2})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        SequenceLearner(3, [1])  # type: ignore[arg-type]
    learner = SequenceLearner(square, range(3))
    with pytest.raises(IndexError, match="out of range for a sequence of 3"):
        learner.tell((3, 9), 1)
    with pytest.raises(ValueError, match="\\(index, element\\) pairs"):
        learner.tell(1, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be an int"):
        learner.tell_pending((1.0, 1))  # type: ignore[arg-type]  # a float index: refused
    with pytest.raises(IndexError):
        learner.tell_many([(0, 0), (7, 7)], [0, 49])
    assert learner.npoints == 0  # tell_many checks every point first
    with pytest.raises(ValueError, match="non-negative"):
        learner.ask(-2)


def test_empty_sequence_is_done() -> None:
    learner = SequenceLearner(square, [])
    assert learner.done()
    assert learner.loss() == 0.0
    assert learner.ask(3) == ([], [])
    assert learner.result() == []
    simple(learner)


def test_dataframe_round_trip_partial_and_full() -> None:
    learner = SequenceLearner(square, range(10, 30))
    simple(learner, npoints_goal=10)
    df = learner.to_dataframe()
    assert list(df.columns) == ["i", "x", "y", "function.offset"]
    assert df["x"].tolist() == list(range(10, 20))
    assert df["y"].tolist() == [x * x for x in range(10, 20)]
    full = learner.to_dataframe(full_sequence=True)
    assert len(full) == 20
    assert full["y"].iloc[15] is pd.NA
    again = learner.new()
    again.load_dataframe(df)
    assert dict(again.data) == dict(learner.data)
    assert again.to_dataframe().equals(df)
    from_full = learner.new()
    from_full.load_dataframe(full, full_sequence=True)
    assert from_full.to_dataframe(full_sequence=True).equals(full)
    with pytest.raises(KeyError, match="index_name="):
        learner.new().load_dataframe(df.rename(columns={"i": "j"}))


def test_load_dataframe_binds_defaults_and_keeps_points_callable() -> None:
    learner = SequenceLearner(square, range(5))
    simple(learner)
    df = learner.to_dataframe()
    df["function.offset"] = 1.0
    other = learner.new()
    with pytest.warns(UserWarning, match="offset"):
        other.load_dataframe(df)
    assert other.function((0, 3)) == 10.0  # still takes (index, element) points
    assert other.new().function((0, 3)) == 10.0


def test_unhashable_and_array_elements() -> None:
    learner = SequenceLearner(lambda d: d["a"], [{"a": 1}, {"a": 2}])
    simple(learner)
    assert learner.result() == [1, 2]
    assert learner.to_dataframe()["x"].tolist() == [{"a": 1}, {"a": 2}]
    arrays = SequenceLearner(np.sum, [np.ones(2), np.ones(3)])
    simple(arrays)
    assert arrays.to_dataframe(full_sequence=True)["y"].tolist() == [2.0, 3.0]


def test_sequence_is_copied() -> None:
    seq = [1, 2, 3]
    learner = SequenceLearner(square, seq)
    seq.append(4)
    assert learner.ask(10)[0] == [(0, 1), (1, 2), (2, 3)]


def test_save_load_and_reference_files(tmp_path: Any) -> None:
    learner = SequenceLearner(square, range(8))
    simple(learner, npoints_goal=5)
    learner.save(tmp_path / "s.p")
    other = learner.new()
    other.load(tmp_path / "s.p")
    assert dict(other.data) == dict(learner.data)
    assert other.ask(3)[0] == [(5, 5), (6, 6), (7, 7)]
    ref = adaptive.SequenceLearner(square, range(8))
    adaptive.runner.simple(ref, npoints_goal=4)
    ref.save(str(tmp_path / "ref.p"))
    mine = SequenceLearner(square, range(8))
    mine.load(tmp_path / "ref.p")
    assert dict(mine.data) == dict(ref.data)


def test_pickle_keeps_the_to_do_state() -> None:
    learner = SequenceLearner(lambda x: -x, range(10))
    learner.ask(4)
    learner.tell((1, 1), -1)
    learner.remove_unfinished()
    copy = pickle.loads(pickle.dumps(learner))
    assert copy.ask(5) == learner.ask(5)
    assert copy.function((0, 7)) == -7


def test_runners_stop_when_done_without_a_goal() -> None:
    learner = SequenceLearner(square, range(30))
    BlockingRunner(learner, executor=SequentialExecutor())
    assert learner.result() == [x * x for x in range(30)]
    saver = DataSaver(SequenceLearner(lambda x: {"y": x}, range(7)), lambda r: r["y"])
    simple(saver)
    assert isinstance(saver.learner, SequenceLearner)
    assert saver.learner.done()
    balancing = BalancingLearner([SequenceLearner(square, range(n)) for n in (3, 6)])
    BlockingRunner(balancing, executor=SequentialExecutor())
    assert len(balancing.learners) == 2
    assert all(isinstance(lrn, SequenceLearner) and lrn.done() for lrn in balancing.learners)


@asyncio_test
async def test_async_runner_with_a_function_that_fails_once() -> None:
    class FailOnce:
        def __init__(self) -> None:
            self.failed = False

        def __call__(self, value: Any) -> Any:
            if not self.failed:
                self.failed = True
                raise RuntimeError("first call fails")
            return value

    learner = SequenceLearner(FailOnce(), [{1: 1}, {2: 2}])  # unhashable elements
    runner = Runner(learner, retries=1, executor=SequentialExecutor())
    await runner.task
    assert runner.status() == "finished"
    assert learner.result() == [{1: 1}, {2: 2}]
