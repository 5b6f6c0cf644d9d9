"""adaptive_nb.utils: named_product, cache_latest, save/load, SequentialExecutor."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import pickle
from pathlib import Path

import adaptive  # the reference library
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_nb import LearnerFileError, utils
from adaptive_nb.runner import SequentialExecutor


def test_named_product_order_and_shape() -> None:
    combos = utils.named_product(a=[1, 2], b="xy", c=(None,))
    assert combos == [
        {"a": 1, "b": "x", "c": None},
        {"a": 1, "b": "y", "c": None},
        {"a": 2, "b": "x", "c": None},
        {"a": 2, "b": "y", "c": None},
    ]
    assert utils.named_product() == [{}]
    assert utils.named_product(a=[]) == []


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from("abcd"), st.lists(st.integers(), max_size=3), max_size=4))
def test_named_product_equals_the_reference(items) -> None:
    assert utils.named_product(**items) == adaptive.utils.named_product(**items)
    ours = utils.named_product(**items)
    assert len(ours) == len(list(itertools.product(*items.values())))


def test_cache_latest_keeps_the_latest_value_per_instance() -> None:
    class Thing:
        _cache: dict[str, float]  # created by cache_latest on the first call

        def __init__(self, value: float) -> None:
            self.value = value

        @utils.cache_latest
        def loss(self, real: bool = True) -> float:
            """Docstring kept."""
            return self.value if real else -self.value

    a, b = Thing(1.0), Thing(2.0)
    assert a.loss() == 1.0
    assert a._cache == {"loss": 1.0}
    assert a.loss(real=False) == -1.0
    assert a._cache["loss"] == -1.0  # the latest call, whatever its arguments
    assert not hasattr(b, "_cache")
    assert b.loss() == 2.0
    assert Thing.loss.__doc__ == "Docstring kept."
    assert Thing.loss.__name__ == "loss"


@pytest.mark.parametrize("compress", [True, False])
def test_save_load_round_trip(tmp_path: Path, compress: bool) -> None:
    offset = 2
    data = {"f": lambda x: x + offset, "xs": [1.0, 2.5]}
    fname = tmp_path / "a" / "b.pickle"
    assert utils.save(fname, data, compress=compress) is True
    back = utils.load(fname, compress=compress)
    assert back["f"](1) == 3
    assert back["xs"] == [1.0, 2.5]
    assert [p.name for p in fname.parent.iterdir()] == ["b.pickle"]


def test_save_str_and_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    utils.save("~/x.p", [1, 2])
    assert (tmp_path / "x.p").exists()
    assert utils.load("~/x.p") == [1, 2]


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):  # as the reference: utils.load is not a resume helper
        utils.load(tmp_path / "missing.p")
    fname = tmp_path / "bad.p"
    fname.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(LearnerFileError, match=r"bad\.p"):
        utils.load(fname)


def test_failed_save_raises_instead_of_returning_false(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(NotADirectoryError):
        utils.save(blocker / "x.p", 1)


@pytest.mark.parametrize("compress", [True, False])
def test_reads_reference_files(tmp_path: Path, compress: bool) -> None:
    fname = str(tmp_path / "ref.p")
    adaptive.utils.save(fname, {"a": [1, 2]}, compress=compress)
    assert utils.load(fname) == {"a": [1, 2]}


def test_sequential_executor() -> None:
    ex = SequentialExecutor()
    calls: list[int] = []

    def square(x: int) -> int:
        calls.append(x)
        return x * x

    fut = ex.submit(square, 3)
    assert calls == [3]  # ran immediately, in this thread
    assert fut.done()
    assert fut.result() == 9

    def boom() -> None:
        raise ValueError("boom")

    failed = ex.submit(boom)
    assert isinstance(failed.exception(), ValueError)
    with pytest.raises(ValueError, match="boom"):
        failed.result()

    assert list(ex.map(pow, [2, 3], [3, 2])) == [8, 9]  # several iterables, like Executor.map
    assert list(ex.map(square, [])) == []
    with SequentialExecutor() as ex2:
        assert ex2.submit(square, 4).result() == 16
    ex.shutdown(wait=True, cancel_futures=True)
    assert isinstance(ex, cf.Executor)


def test_sequential_executor_map_is_lazy_and_ordered() -> None:
    seen: list[int] = []

    def record(x: int) -> int:
        seen.append(x)
        return x

    results = SequentialExecutor().map(record, range(5))
    assert seen == []
    assert next(iter(results)) == 0
    assert seen == [0]


def test_sequential_executor_pickles() -> None:
    ex = pickle.loads(pickle.dumps(SequentialExecutor()))
    assert ex.submit(abs, -2).result() == 2


def test_restore_puts_learners_back() -> None:
    from adaptive_nb import Learner1D

    a, b = Learner1D(abs, (-1, 1)), Learner1D(abs, (-1, 1))
    a.tell(0.0, 0.0)
    before = (dict(a.data), set(a.pending_points), b.npoints)

    def explore() -> None:
        with utils.restore(a, b):
            a.ask(5)
            b.tell(0.5, 0.5)
            raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        explore()
    assert (dict(a.data), set(a.pending_points), b.npoints) == before
    twin = Learner1D(abs, (-1, 1))
    twin.tell(0.0, 0.0)
    assert a.ask(3, tell_pending=False) == twin.ask(3, tell_pending=False)


def test_copy_docstring_from() -> None:
    def documented() -> None:
        """The documentation."""

    @utils.copy_docstring_from(documented)
    def bare() -> int:
        return 1

    assert bare.__doc__ == "The documentation."
    assert bare() == 1


def test_dataframe_helpers_have_the_reference_names() -> None:
    pd = pytest.importorskip("pandas")

    def f(x: float, a: int = 2, b: str = "s") -> float:
        return a * x

    df = pd.DataFrame({"x": [0.0, 1.0]})
    utils.assign_defaults(f, df)
    assert list(df.columns) == ["x", "function.a", "function.b"]
    df["function.a"] = 5
    with pytest.warns(UserWarning, match=r"sets a=.*5"):
        bound = utils.partial_function_from_dataframe(f, df)
    assert bound(1.0) == 5
