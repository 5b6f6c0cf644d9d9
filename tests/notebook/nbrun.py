"""Execute a notebook in a real ipykernel (nbclient) that imports this checkout's adaptive_nb."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

SRC = Path(__file__).resolve().parents[2] / "src"


def run_notebook(cells: list[str], cwd: Path, timeout: int = 60) -> Any:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        resources={"metadata": {"path": str(cwd)}},
        store_widget_state=True,
    )
    pythonpath = os.pathsep.join(p for p in [str(SRC), os.environ.get("PYTHONPATH", "")] if p)
    client.execute(env=dict(os.environ, PYTHONPATH=pythonpath))
    nbformat.validate(nb)
    return nb


def stdout(cell: Any) -> str:
    """The cell's standard output (not stderr, where warnings go)."""
    return "".join(
        o.get("text", "")
        for o in cell.outputs
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )


def widget_models(nb: Any) -> dict[str, Any]:
    state: dict[str, Any] = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"][
        "state"
    ]
    return state
