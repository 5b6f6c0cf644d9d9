"""Run a tutorial the way a user does who downloads it: adaptive_nb installed from its wheel
(not this checkout), the .ipynb alone in an empty folder. The fixture is in conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "adaptive-nb-wheel"


@dataclass
class WheelKernel:
    """A kernel spec for a fresh venv with adaptive_nb[all] installed from the wheel."""

    venv: Path
    jupyter_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(self, name: str, folder: Path, *, allow_errors: bool = False) -> tuple[Any, float]:
        """Copy notebooks/<name>.ipynb alone into the empty ``folder`` and execute it there.

        Returns the executed notebook and the seconds it took (kernel start included).
        """
        folder.mkdir(parents=True, exist_ok=True)
        assert not any(folder.iterdir()), folder
        copy = folder / f"{name}.ipynb"
        shutil.copyfile(NOTEBOOKS / f"{name}.ipynb", copy)
        nb = nbformat.read(copy, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=KERNEL_NAME,
            timeout=120,
            allow_errors=allow_errors,
            resources={"metadata": {"path": str(folder)}},
        )
        start = time.perf_counter()
        client.execute(env=self.env)  # raises CellExecutionError unless allow_errors
        return nb, time.perf_counter() - start


def run_checked(*args: str | Path, **kwargs: Any) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


# Seconds each tutorial took from its downloaded copy, shown at the end of the run.
RUN_TIMES: dict[str, float] = {}
