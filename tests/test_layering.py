"""The engine must not import the Jupyter stack (DESIGN.md: the one-way dependency).

The import graph itself is checked statically by import-linter (contracts in pyproject.toml,
run by scripts/test.sh); these tests check what actually gets loaded at run time.
"""

import re
import subprocess
import sys
from pathlib import Path

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


# Each costs 0.1-0.4 s to import: the learners import them inside the functions that need them
# (Qhull, interpolators, the CQUAD tables, the t quantiles), so `import adaptive_nb` stays fast.
HEAVY_SCIPY = {
    "scipy.interpolate",
    "scipy.linalg",
    "scipy.optimize",
    "scipy.spatial",
    "scipy.stats",
}


def test_import_loads_no_heavy_scipy_submodule() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import sys, adaptive_nb\nprint(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert HEAVY_SCIPY.isdisjoint(out), HEAVY_SCIPY & set(out)


WIDGET_STACK = {"anywidget", "ipywidgets", "traitlets"}

RUN_BOTH_RUNNERS = """
import asyncio
import adaptive_nb as adaptive
from adaptive_nb.runner import SequentialExecutor

def learner():
    return adaptive.Learner1D(lambda x: x * x, (-1, 1))

async def main():
    runner = adaptive.Runner(learner(), npoints_goal=20, executor=SequentialExecutor())
    await runner.task
    assert runner.status() == "finished", runner.status()
    assert adaptive.runner.active_runners() == []

asyncio.run(main())
blocking = adaptive.BlockingRunner(learner(), npoints_goal=20, executor=SequentialExecutor())
assert blocking.status() == "finished", blocking.status()
"""


def test_running_both_runners_loads_no_widget_stack() -> None:
    loaded = _modules_after(RUN_BOTH_RUNNERS)
    assert loaded.isdisjoint(WIDGET_STACK), loaded & WIDGET_STACK
    assert loaded.isdisjoint(NOTEBOOK_STACK), loaded & NOTEBOOK_STACK


def test_notebook_package_loads_its_submodules_lazily() -> None:
    loaded = _modules_after(
        "import adaptive_nb.notebook\nfrom adaptive_nb.notebook import watchdog"
    )
    assert loaded.isdisjoint(NOTEBOOK_STACK), loaded & NOTEBOOK_STACK
    import adaptive_nb.notebook as nb

    for name in nb.__all__:
        assert getattr(nb, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'LivePlott'"):
        _ = nb.LivePlott


SRC = Path(__file__).resolve().parents[1] / "src" / "adaptive_nb"


def test_no_module_is_imported_by_a_name_in_a_string() -> None:
    # import-linter sees only import statements; a module named in a string would hide an edge.
    pattern = re.compile(r"import_module\(|__import__\(")
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


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


def test_reference_learners_we_lack_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import adaptive

    import adaptive_nb

    # Every public name of the reference is either ours or listed as not implemented yet.
    for name in adaptive.__all__:
        assert hasattr(adaptive_nb, name) or name in adaptive_nb._NOT_YET, name
    monkeypatch.setattr(adaptive_nb, "_NOT_YET", frozenset({"FutureLearner"}))
    with pytest.raises(AttributeError, match="does not implement FutureLearner yet"):
        _ = adaptive_nb.FutureLearner
    with pytest.raises(AttributeError, match="has no attribute 'Lerner1D'"):
        _ = adaptive_nb.Lerner1D
