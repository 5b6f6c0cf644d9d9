"""%adaptive_run: argument handling in IPython's test shell (globalipapp)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.testing import globalipapp

from adaptive_nb import Learner1D
from adaptive_nb.notebook.magic import usage


def get_ipython() -> Any:
    globalipapp.start_ipython()  # once per process; afterwards get_ipython returns the shell
    return globalipapp.get_ipython()


@pytest.fixture
def ip() -> Iterator[Any]:
    shell = get_ipython()
    shell.run_line_magic("load_ext", "adaptive_nb")
    yield shell
    shell.run_line_magic("unload_ext", "adaptive_nb")


def test_load_ext_registers_line_and_cell_magic(ip: Any) -> None:
    magics = ip.magics_manager.magics
    assert "adaptive_run" in magics["line"]
    assert "adaptive_run" in magics["cell"]


def test_unload_ext_removes_the_magic() -> None:
    shell = get_ipython()
    shell.run_line_magic("load_ext", "adaptive_nb")
    shell.run_line_magic("unload_ext", "adaptive_nb")
    assert "adaptive_run" not in shell.magics_manager.magics["line"]


def test_help_prints_the_usage(ip: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert ip.run_line_magic("adaptive_run", "--help") is None
    out = capsys.readouterr().out
    assert out == usage()
    for option in [
        "--goal EXPR",
        "--npoints N",
        "--loss L",
        "--duration SECONDS",
        "--executor",
        "--name VAR",
        "--no-plot",
        "--interval S",
        "%%adaptive_run",
    ]:
        assert option in out, option


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("", "the following arguments are required: LEARNER"),
        ("learner --npoints 3 --loss 0.1", "not allowed with argument"),
        ("learner --npoints many", "invalid int value: 'many'"),
        ("learner --bogus", "unrecognized arguments: --bogus"),
        ("learner --name 'not a name'", "--name must be a Python identifier"),
        ("learner --interval 0", "--interval must be positive"),
        ("learner --goal 'lambda l: '", "cannot evaluate --goal"),
        ("no_such_learner", "cannot evaluate LEARNER 'no_such_learner': NameError"),
        ("forty_two", "LEARNER 'forty_two' is a int, not an adaptive_nb learner"),
        ("learner --goal 'oops", "No closing quotation"),
    ],
)
def test_bad_arguments_raise_a_usage_error(ip: Any, line: str, fragment: str) -> None:
    ip.user_ns["forty_two"] = 42
    ip.user_ns["learner"] = Learner1D(abs, bounds=(-1, 1))
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("adaptive_run", line)
    text = str(info.value)
    assert fragment in text
    assert text.startswith("%adaptive_run: ")
    assert "\nusage: %adaptive_run [-h]" in text


def test_usage_error_is_shown_without_traceback(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    result = ip.run_cell("%adaptive_run --npoints 3 --loss 1 learner")
    assert isinstance(result.error_in_exec, UsageError)
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "UsageError: %adaptive_run:" in shown
    assert "Traceback" not in shown
    assert "magic.py" not in shown
