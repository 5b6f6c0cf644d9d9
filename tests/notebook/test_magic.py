"""%adaptive_run: argument handling in IPython's test shell (globalipapp)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.testing import globalipapp

from adaptive_nb import Learner1D
from adaptive_nb.learner.learner1D import default_loss, interpolation_error_loss
from adaptive_nb.notebook.magic import _parse, _switch_loss, usage


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
        ("learner --npoints 5", "the live widgets need a Jupyter kernel"),  # a terminal shell
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


# -- in a real kernel: runners start, widgets show, the runner lands in the namespace ----------

KERNEL_CELLS = [
    """\
%load_ext adaptive_nb
import adaptive_nb as adaptive
from concurrent.futures import ThreadPoolExecutor
pool = ThreadPoolExecutor(2)
learner = adaptive.Learner1D(abs, bounds=(-1, 1))""",
    "r = %adaptive_run learner --npoints 30 --executor pool --interval 0.05",
    "await runner.task\nprint(r is runner, runner.status(), learner.npoints >= 30)",
    """\
learner2 = adaptive.Learner1D(abs, bounds=(-1, 1))
%adaptive_run learner2 --goal "lambda l: l.npoints >= 20" --name r2 --no-plot --executor pool""",
    "await r2.task\nprint(r2.status(), learner2.npoints >= 20)",
    """\
%%adaptive_run cl --duration 0.3 --name r3 --executor pool
def g(x):
    return x**2
cl = adaptive.Learner1D(g, bounds=(-1, 1))""",
    "await r3.task\nprint(r3.status(), cl.npoints > 0, g(3))",
    "%adaptive_run learner --npoints 0",
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _views(cell: Any) -> int:
    return sum(1 for o in cell.outputs if WIDGET_VIEW in o.get("data", {}))


def _out(cell: Any, stream: str = "stdout") -> str:
    return "".join(o.text for o in cell.outputs if o.get("name") == stream)


@pytest.mark.kernel
def test_magic_in_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    src = str(Path(__file__).resolve().parents[2] / "src")
    paths = [src, os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    nb = new_notebook(cells=[new_code_cell(c) for c in KERNEL_CELLS])
    nb.cells[-1].metadata["tags"] = ["raises-exception"]
    NotebookClient(nb, kernel_name="python3", timeout=60,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    cells = nb.cells
    assert _views(cells[1]) == 2  # live_info + live_plot
    assert _out(cells[2]).split() == ["True", "finished", "True"]
    assert _views(cells[3]) == 1  # --no-plot: live_info only
    assert _out(cells[4]).split() == ["finished", "True"]
    assert _views(cells[5]) == 2
    # The returned runner's Out[n] names where the live status is, never a status that goes
    # stale in the page ("running" long after the run ended).
    for i, name in [(3, "r2"), (5, "r3")]:
        (shown,) = [
            o.data["text/plain"] for o in cells[i].outputs if o.output_type == "execute_result"
        ]
        assert f"stored as `{name}`" in shown
        assert "running" not in shown
    assert _out(cells[6]).split() == ["finished", "True", "9"]
    usage = _out(cells[7], "stderr")
    assert "UsageError: %adaptive_run: --npoints must be positive, got 0" in usage
    assert "Traceback" not in usage
    assert not [o for c in cells[:-1] for o in c.outputs if o.output_type == "error"]


# -- --loss by name (issue 15): NAME switches a Learner1D's loss, NAME:L also sets the goal ----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.01", (None, 0.01)),
        ("interpolation_error", ("interpolation_error", None)),
        ("interpolation_error:1e-3", ("interpolation_error", 1e-3)),
        ("default:0.5", ("default", 0.5)),
    ],
)
def test_loss_takes_a_goal_a_name_or_both(value: str, expected: tuple[Any, Any]) -> None:
    args = _parse(f"learner --loss {value}")
    assert args is not None
    assert (args.loss_name, args.loss) == expected


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("learner --loss bogus", "unknown loss 'bogus'; use a number or one of: interpolation_e"),
        ("learner --loss interpolation_error:x", "invalid loss goal 'x'"),
        ("learner --loss interpolation_error:0", "--loss must be positive"),
        ("learner --loss 0.1 --duration 3", "argument --loss: not allowed with argument --dur"),
        ("learner --loss interpolation_error:1 --npoints 3", "not allowed with argument --npo"),
        ("avg --loss interpolation_error", "'avg' is a AverageLearner; loss names apply to a Le"),
        ("busy --loss interpolation_error", "'busy' has pending points"),
        # a name with another goal is fine: the terminal shell is the only objection left
        ("learner --loss interpolation_error --npoints 3", "the live widgets need a Jupyter"),
    ],
)
def test_bad_loss_arguments(ip: Any, line: str, fragment: str) -> None:
    from adaptive_nb import AverageLearner

    ip.user_ns["learner"] = Learner1D(abs, bounds=(-1, 1))
    ip.user_ns["avg"] = AverageLearner(lambda seed: seed, atol=0.1)
    ip.user_ns["busy"] = busy = Learner1D(abs, bounds=(-1, 1))
    busy.ask(3)
    with pytest.raises(UsageError, match=r"^%adaptive_run: ") as info:
        ip.run_line_magic("adaptive_run", line)
    assert fragment in str(info.value)
    # a refused switch leaves the learner as it was
    assert ip.user_ns["learner"].loss_per_interval is default_loss


def test_switching_the_loss_keeps_the_learner_and_its_data() -> None:
    f = lambda x: x**3 - x  # noqa: E731
    learner = Learner1D(f, bounds=(-1, 1))
    for _ in range(30):
        (x,), _ = learner.ask(1)
        learner.tell(x, f(x))
    data = dict(learner.data)
    _switch_loss(learner, "interpolation_error")
    assert learner.loss_per_interval is interpolation_error_loss
    assert learner.data == data
    # the same state as a learner built with that loss and told the same data
    fresh = Learner1D(f, bounds=(-1, 1), loss_per_interval=interpolation_error_loss)
    fresh.tell_many(list(data), list(data.values()))
    assert dict(learner.losses) == dict(fresh.losses)
    assert learner.ask(5) == fresh.ask(5)


LOSS_CELLS = [
    """\
%load_ext adaptive_nb
import math
import adaptive_nb as adaptive
from adaptive_nb.learner.learner1D import interpolation_error_loss
from concurrent.futures import ThreadPoolExecutor
pool = ThreadPoolExecutor(2)
learner = adaptive.Learner1D(lambda x: math.tanh(20 * x), bounds=(-1, 1))""",
    "r = %adaptive_run learner --loss interpolation_error:0.001 --executor pool --no-plot",
    """\
await r.task
print(r.status(), learner.loss_per_interval is interpolation_error_loss, learner.loss() <= 1e-3)""",
]


@pytest.mark.kernel
def test_loss_by_name_in_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    src = str(Path(__file__).resolve().parents[2] / "src")
    paths = [src, os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    nb = new_notebook(cells=[new_code_cell(c) for c in LOSS_CELLS])
    NotebookClient(nb, kernel_name="python3", timeout=60,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    assert _views(nb.cells[1]) == 1
    assert _out(nb.cells[2]).split() == ["finished", "True", "True"]
