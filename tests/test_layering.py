"""The engine must not import the Jupyter stack (DESIGN.md: the one-way dependency)."""

import subprocess
import sys

import pytest

NOTEBOOK_STACK = {
    "IPython",
    "ipykernel",
    "anywidget",
    "ipywidgets",
    "bokeh",
    "panel",
    "holoviews",
    "traitlets",
}
CLUSTER_STACK = {"dask", "distributed", "ipyparallel", "mpi4py"}


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name.split(".")[0] for name in out}


def test_import_loads_no_notebook_or_cluster_stack() -> None:
    loaded = _modules_after("import adaptive_nb")
    assert loaded.isdisjoint(NOTEBOOK_STACK), loaded & NOTEBOOK_STACK
    assert loaded.isdisjoint(CLUSTER_STACK), loaded & CLUSTER_STACK


def test_public_names_of_the_reference_exist() -> None:
    import adaptive_nb

    for name in [
        "Learner1D",
        "BalancingLearner",
        "BaseLearner",
        "DataSaver",
        "make_datasaver",
        "Runner",
        "AsyncRunner",
        "BlockingRunner",
        "notebook_extension",
        "live_plot",
        "learner",
        "runner",
        "utils",
        "__version__",
    ]:
        assert hasattr(adaptive_nb, name), name
    assert adaptive_nb.Runner is adaptive_nb.AsyncRunner
    from adaptive_nb.runner import SequentialExecutor, replay_log, simple

    assert callable(simple)
    assert callable(replay_log)
    assert SequentialExecutor is adaptive_nb.utils.SequentialExecutor


def test_reference_learners_we_lack_say_so() -> None:
    import adaptive_nb

    with pytest.raises(AttributeError, match="does not implement SequenceLearner yet"):
        _ = adaptive_nb.SequenceLearner
    with pytest.raises(AttributeError, match="has no attribute 'Lerner1D'"):
        _ = adaptive_nb.Lerner1D
    for name in adaptive_nb._NOT_YET:
        assert not hasattr(adaptive_nb, name), name
