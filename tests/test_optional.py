"""A missing optional dependency names the install extra that brings it, in one line."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from adaptive_nb._optional import EXTRAS, install_hint, optional_dependencies

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _extras() -> dict[str, list[str]]:
    extras: dict[str, list[str]] = tomllib.loads(PYPROJECT.read_text())["project"][
        "optional-dependencies"
    ]
    return extras


def test_every_named_extra_is_declared_and_all_brings_them_all() -> None:
    extras = _extras()
    named = {extra for extra in EXTRAS.values() if extra is not None}
    assert named <= set(extras)
    # plotly draws in a notebook only with nbformat importable in the kernel's environment.
    assert extras["plotly"] == ["plotly>=5", "nbformat>=4.2"]
    (everything,) = extras["all"]
    assert everything.startswith("adaptive_nb[")
    assert set(everything[len("adaptive_nb[") : -1].split(",")) == named


@pytest.mark.parametrize(
    ("module", "extra"),
    [("distributed", "dask"), ("ipyparallel", "ipyparallel"), ("mpi4py.futures", "mpi")],
)
def test_a_missing_optional_package_names_its_extra(
    module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail as if absent
    with pytest.raises(ModuleNotFoundError) as info, optional_dependencies():
        __import__(module)
    message = str(info.value)
    assert "\n" not in message
    assert f"pip install 'adaptive_nb[{extra}]'" in message
    assert message.startswith(module.partition(".")[0])
    assert info.value.__suppress_context__  # no second traceback about the original error


def test_a_missing_required_package_says_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "panel", None)
    import adaptive_nb.dashboards

    for name in [n for n in sys.modules if n.startswith("adaptive_nb.dashboards.")]:
        monkeypatch.delitem(sys.modules, name)  # imported again, so panel is looked up again
        monkeypatch.delattr(adaptive_nb.dashboards, name.rpartition(".")[2], raising=False)

    with pytest.raises(ModuleNotFoundError, match=r"^panel is not installed.*reinstall"):
        adaptive_nb.dashboards.multi_runner_dashboard  # noqa: B018


def test_other_missing_modules_pass_through_unchanged() -> None:
    with pytest.raises(ModuleNotFoundError) as info, optional_dependencies():
        import adaptive_nb_no_such_module  # type: ignore[import-not-found]  # noqa: F401
    assert info.value.name == "adaptive_nb_no_such_module"
    assert "pip install" not in str(info.value)
    assert "plotly" in install_hint("plotly.graph_objects")
