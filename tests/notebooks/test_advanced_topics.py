"""Execute notebooks/advanced-topics.ipynb in a real kernel and check what its text promises.

Cells are found by tags (cell metadata): ``check-*`` cells produce the outputs asserted on here,
``widget`` cells call ``notebook_extension``/``live_info``/``live_plot``, ``raises-exception``
cells are meant to raise.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from wheel_kernel import RUN_TIMES, WheelKernel

pytestmark = [pytest.mark.kernel, pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def executed(
    wheel_kernel: WheelKernel, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, Path]:
    # Downloaded alone: the notebook in an empty folder, adaptive_nb from its wheel; every error
    # is asserted on below, cell by cell.
    workdir = tmp_path_factory.mktemp("advanced-topics")
    nb, elapsed = wheel_kernel.run("advanced-topics", workdir, allow_errors=True)
    RUN_TIMES["advanced-topics"] = elapsed
    return nb, workdir


def tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def cell_tagged(nb: Any, tag: str) -> Any:
    [cell] = [c for c in nb.cells if tag in tags(c)]
    return cell


def errors(cell: Any) -> list[Any]:
    return [o for o in cell.get("outputs", []) if o["output_type"] == "error"]


def stdout(cell: Any) -> str:
    return "".join(
        o["text"] for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == "stdout"
    )


def result(cell: Any) -> str:
    [out] = [o for o in cell["outputs"] if o["output_type"] == "execute_result"]
    return str(out["data"]["text/plain"])


def test_no_unexpected_errors(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or {"raises-exception", "widget"} & set(tags(cell)):
            continue
        assert not errors(cell), f"cell {i} raised:\n{cell.source}\n{errors(cell)}"
        for out in cell.outputs:  # no raw reprs of runner internals in what the reader sees
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert "<Task " not in text, (cell.source, text)


def test_save_load_and_copy(executed: tuple[Any, Path]) -> None:
    nb, workdir = executed
    assert result(cell_tagged(nb, "check-loaded-equal")) == "True"
    assert (workdir / "data" / "example_file.p").exists()
    cell = cell_tagged(nb, "check-compress")
    assert result(cell) == "True"
    sizes = ast.literal_eval(stdout(cell).strip())
    assert sizes["example_file.p"] < sizes["example_uncompressed.p"]
    assert result(cell_tagged(nb, "check-copy-from")) == "True"


def test_balancing_learner_file_names(executed: tuple[Any, Path]) -> None:
    nb, workdir = executed
    assert result(cell_tagged(nb, "check-balancing")) == "[True, True, True, True]"
    data = workdir / "data"
    assert (data / "balancing_offset_-0.3.p").exists()
    assert (data / "balancing_offset_0.3.p").exists()
    assert (data / "balancing_0.p").exists()
    assert (data / "balancing_1.p").exists()


def test_periodic_saving(executed: tuple[Any, Path]) -> None:
    nb, workdir = executed
    cell = cell_tagged(nb, "check-periodic")
    assert result(cell) == "True"  # the final save holds everything the runner learned
    assert stdout(cell).strip().endswith("status cancelled")
    assert (workdir / "data" / "periodic_example.p").exists()


def test_blocking_runner_in_a_cell(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    words = stdout(cell_tagged(nb, "check-blocking")).split()
    assert words[0] == "finished"
    assert int(words[1]) > 10
    assert words[2] == "True"


def test_reproducibility(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert result(cell_tagged(nb, "check-simple")) == "True"
    assert result(cell_tagged(nb, "check-sequential")) == "True"


def test_cancelling(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert stdout(cell_tagged(nb, "check-cancelled")) == "cancelled\n"


def test_debugging(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert result(cell_tagged(nb, "check-done")) == "True"
    [error] = errors(cell_tagged(nb, "check-result-raises"))
    assert error["ename"] == "EvaluationError"
    assert "learner.function(" in error["evalue"]
    assert "something went wrong!" in error["evalue"]
    assert "Traceback" in error["evalue"]  # the worker's traceback is in the message
    assert "will_raise" in error["evalue"]
    text = stdout(cell_tagged(nb, "check-tracebacks"))
    assert text.startswith("point: ")
    assert "RuntimeError: something went wrong!" in text


def test_logging_and_replay(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert result(cell_tagged(nb, "check-replay")) == "True"


def test_coroutines_and_elapsed_time(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert result(cell_tagged(nb, "check-timer")).startswith("datetime.timedelta(")
    assert float(result(cell_tagged(nb, "check-elapsed"))) > 0


def test_scripts(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    blocking = stdout(cell_tagged(nb, "check-script-blocking"))
    assert blocking.startswith("BlockingRunner:")
    assert "loss below 0.1: True" in blocking
    assert stdout(cell_tagged(nb, "check-script-async")).startswith("Runner: finished after")


def test_widget_cells(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    widget_cells = [c for c in nb.cells if "widget" in tags(c)]
    assert len(widget_cells) >= 8
    missing = [
        c.source
        for c in widget_cells
        if any(e["ename"] == "NotImplementedError" for e in errors(c))
    ]
    if missing:
        pytest.fail(
            "WIDGETS NOT IMPLEMENTED YET (issue 4): these notebook cells raise "
            "NotImplementedError:\n" + "\n".join(missing)
        )
    for cell in widget_cells:
        assert not errors(cell), f"{cell.source}\n{errors(cell)}"
        if "notebook_extension" in cell.source:
            continue
        mimes = {m for o in cell["outputs"] for m in o.get("data", {})}
        assert "application/vnd.jupyter.widget-view+json" in mimes, (cell.source, mimes)
