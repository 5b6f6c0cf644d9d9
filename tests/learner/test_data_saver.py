"""DataSaver and make_datasaver: extra data, delegation, persistence, pickling, dataframes."""

from __future__ import annotations

import pickle
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

import adaptive  # the reference library: legacy files
import cloudpickle
import pytest

from adaptive_nb import BalancingLearner, DataSaver, Learner1D, LearnerFileError, make_datasaver
from adaptive_nb.learner.base_learner import BaseLearner

BOUNDS = (-1.0, 1.0)
Inner = Learner1D


def rich(x: float, scale: float = 1.0) -> dict[str, float]:
    return {"y": scale * x**2, "err": abs(x) / 10}


def make() -> DataSaver:
    return DataSaver(Inner(rich, BOUNDS), arg_picker=itemgetter("y"))


def extra_data(child: BaseLearner) -> dict[Any, Any]:
    """A BalancingLearner child's extra data (the children are DataSavers here)."""
    assert isinstance(child, DataSaver)
    return dict(child.extra_data)


def run(learner, n: int) -> None:
    while learner.npoints < n:
        points, _ = learner.ask(3)
        for x in points:
            learner.tell(x, learner.function(x))


def test_keeps_full_results_and_learns_the_picked_value() -> None:
    learner = make()
    run(learner, 12)
    assert learner.npoints == 12
    assert learner.learner.data == {x: rich(x)["y"] for x in learner.extra_data}
    assert learner.extra_data == {x: rich(x) for x in learner.learner.data}
    assert list(learner.extra_data) == list(learner.learner.data)  # told order
    assert learner.data is learner.learner.data
    assert learner.loss() == learner.learner.loss()
    assert learner.function is learner.learner.function


def test_delegates_everything_else_to_the_wrapped_learner() -> None:
    learner = make()
    assert learner.bounds == BOUNDS  # not defined on DataSaver
    points, _ = learner.ask(2)
    assert learner.pending_points == set(points) == learner.learner.pending_points
    assert learner.ask(2, tell_pending=False) == learner.learner.ask(2, tell_pending=False)
    learner.remove_unfinished()
    assert learner.pending_points == set()
    with pytest.raises(AttributeError, match="no_such_attribute"):
        _ = learner.no_such_attribute


def test_tell_many_and_failed_pick() -> None:
    learner = make()
    xs = [-1.0, 0.0, 1.0]
    learner.tell_many(xs, [rich(x) for x in xs])
    assert learner.npoints == 3
    with pytest.raises(KeyError):
        learner.tell(0.5, {"not_y": 1})
    assert 0.5 not in learner.extra_data  # nothing half-stored
    assert 0.5 not in learner.learner.data


def test_constructor_errors() -> None:
    with pytest.raises(TypeError, match="DataSaver wraps a learner"):
        DataSaver(rich, itemgetter("y"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="arg_picker must be callable"):
        DataSaver(Inner(rich, BOUNDS), "y")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="arg_picker must be callable"):
        make_datasaver(Inner, "y")  # type: ignore[arg-type]


def test_new_is_empty() -> None:
    learner = make()
    run(learner, 5)
    fresh = learner.new()
    assert fresh.npoints == 0
    assert fresh.extra_data == {}
    assert fresh.arg_picker is learner.arg_picker
    assert fresh.learner is not learner.learner


@pytest.mark.parametrize("dumps", [pickle.dumps, cloudpickle.dumps])
def test_pickles_with_lambdas(dumps) -> None:
    scale = 3.0
    learner = DataSaver(
        Inner(lambda x: {"y": scale * x, "n": 1}, BOUNDS), arg_picker=lambda r: r["y"]
    )
    run(learner, 7)
    learner.ask(2)
    copy = pickle.loads(dumps(learner))
    assert copy.extra_data == learner.extra_data
    assert copy.learner.data == learner.learner.data
    assert copy.pending_points == learner.pending_points
    assert copy.arg_picker({"y": 4}) == 4
    assert copy.function(1.0) == {"y": 3.0, "n": 1}


@pytest.mark.parametrize("compress", [True, False])
def test_save_load_copy_from(tmp_path: Path, compress: bool) -> None:
    learner = make()
    run(learner, 15)
    fname = tmp_path / "ds.p"
    learner.save(fname, compress=compress)
    loaded = make()
    loaded.load(fname)
    assert dict(loaded.extra_data) == dict(learner.extra_data)
    assert loaded.learner.data == learner.learner.data
    other = make()
    other.copy_from(learner)
    assert other.extra_data == learner.extra_data


def test_file_of_the_bare_learner_is_refused(tmp_path: Path) -> None:
    """DataSaver files and bare learner files are different kinds; neither loads into the other."""
    bare = Inner(rich, BOUNDS)
    bare.tell(0.0, 0.0)
    bare.save(tmp_path / "bare.p")
    learner = make()
    run(learner, 4)
    before = (dict(learner.extra_data), dict(learner.learner.data))
    with pytest.raises(LearnerFileError, match=r"does not hold data of a DataSaver.*a pair"):
        learner.load(tmp_path / "bare.p")
    assert (dict(learner.extra_data), dict(learner.learner.data)) == before
    learner.save(tmp_path / "ds.p")
    with pytest.raises(LearnerFileError, match="does not hold data of a Learner1D"):
        bare.load(tmp_path / "ds.p")


def test_reference_datasaver_files_load(tmp_path: Path) -> None:
    ref = adaptive.DataSaver(adaptive.Learner1D(rich, BOUNDS), arg_picker=itemgetter("y"))
    adaptive.runner.simple(ref, npoints_goal=20)
    ref.save(str(tmp_path / "ref.p"))
    ours = make()
    ours.load(tmp_path / "ref.p")
    assert ours.extra_data == ref.extra_data
    assert ours.learner.data == ref.learner.data


def test_legacy_file_with_wrong_shape_rolls_back(tmp_path: Path) -> None:
    adaptive.utils.save(str(tmp_path / "wrong.p"), {0.0: 1.0})  # a bare learner's data
    learner = make()
    run(learner, 4)
    before = (dict(learner.extra_data), dict(learner.learner.data))
    with pytest.raises(LearnerFileError, match="does not hold data of a DataSaver"):
        learner.load(tmp_path / "wrong.p")
    assert (dict(learner.extra_data), dict(learner.learner.data)) == before


def test_make_datasaver_positional_and_keyword() -> None:
    factory = make_datasaver(Inner, arg_picker=itemgetter("y"))
    by_keyword = factory(function=rich, bounds=BOUNDS)
    positional = factory(rich, BOUNDS)  # the reference silently drops two positional args
    for learner in (by_keyword, positional):
        assert isinstance(learner, DataSaver)
        assert learner.bounds == BOUNDS
    assert pickle.loads(pickle.dumps(factory))(rich, BOUNDS).arg_picker(rich(1.0)) == 1.0


def test_make_datasaver_in_from_product(tmp_path: Path) -> None:
    factory = make_datasaver(Inner, arg_picker=itemgetter("y"))
    learner = BalancingLearner.from_product(rich, factory, {"bounds": BOUNDS}, {"scale": [1, 2]})
    assert all(isinstance(lrn, DataSaver) for lrn in learner.learners)
    run(learner, 20)
    for i, child in enumerate(learner.learners):
        assert isinstance(child, DataSaver)
        for x, result in child.extra_data.items():
            assert result == rich(x, scale=i + 1)
    names = [tmp_path / f"c{i}.p" for i in range(2)]
    learner.save(names)
    loaded = BalancingLearner.from_product(rich, factory, {"bounds": BOUNDS}, {"scale": [1, 2]})
    loaded.load(names)
    assert [extra_data(c) for c in loaded.learners] == [extra_data(c) for c in learner.learners]
    assert loaded.function((1, 0.5)) == partial(rich, scale=2)(0.5)


def test_to_dataframe_and_back() -> None:
    pytest.importorskip("pandas")
    learner = make()
    run(learner, 12)
    df = learner.to_dataframe()
    assert list(df.columns[:2]) == ["x", "y"]
    assert list(df.extra_data) == [rich(x) for x in df.x]
    assert list(df.y) == [rich(x)["y"] for x in df.x]
    custom = learner.to_dataframe(extra_data_name="full")
    assert "full" in custom.columns

    loaded = make()
    loaded.load_dataframe(df)
    assert dict(loaded.extra_data) == dict(learner.extra_data)
    assert loaded.learner.data == learner.learner.data

    df.attrs.clear()  # what a DataFrame read back from a file looks like
    with pytest.raises(ValueError, match="pass input_names"):
        make().load_dataframe(df)
    again = make()
    again.load_dataframe(df, input_names=("x",))
    assert dict(again.extra_data) == dict(learner.extra_data)
    with pytest.raises(KeyError, match="no 'nope' column"):
        make().load_dataframe(df, input_names=("x",), extra_data_name="nope")


def test_balancing_learner_of_datasavers_to_dataframe() -> None:
    pytest.importorskip("pandas")
    factory = make_datasaver(Inner, arg_picker=itemgetter("y"))
    learner = BalancingLearner.from_product(rich, factory, {"bounds": BOUNDS}, {"scale": [1, 2]})
    run(learner, 16)
    df = learner.to_dataframe()
    assert set(df.columns) >= {"learner_index", "x", "y", "extra_data", "function.scale"}
    loaded = BalancingLearner.from_product(rich, factory, {"bounds": BOUNDS}, {"scale": [1, 2]})
    loaded.load_dataframe(df)
    assert [extra_data(c) for c in loaded.learners] == [extra_data(c) for c in learner.learners]
