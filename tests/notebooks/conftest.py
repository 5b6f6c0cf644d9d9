"""Run each tutorial the way a user does who downloads it: adaptive_nb installed from its wheel
(not this checkout), the .ipynb alone in an empty folder.

One virtual environment per test session: the wheel built from this checkout, installed with
``[all]`` (pip's cache makes this quick after the first time; it needs only the registries pip
already uses), and a kernel spec that starts that environment's Python. Kernels get an
environment without PYTHONPATH, so nothing of the checkout leaks in.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from wheel_kernel import KERNEL_NAME, ROOT, RUN_TIMES, WheelKernel, run_checked


@pytest.fixture(scope="session")
def wheel_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WheelKernel]:
    base = tmp_path_factory.mktemp("wheel-venv")
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    run_checked(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        base / "dist",
        ROOT,
        env=clean,
    )
    [wheel] = (base / "dist").glob("adaptive_nb-*.whl")
    venv = base / "venv"
    run_checked(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    # --no-compile: byte-compiling all of [all] costs tens of seconds; kernels compile what they
    # import. pip's cache (shared with the project's own venv) keeps this offline after once.
    run_checked(python, "-m", "pip", "install", "-q", "--no-compile", f"{wheel}[all]", env=clean)
    where = run_checked(
        python, "-c", "import adaptive_nb; print(adaptive_nb.__file__)", cwd=base, env=clean
    )
    assert str(venv) in where, where  # the installed wheel, not this checkout

    jupyter_path = base / "share" / "jupyter"
    spec = jupyter_path / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "adaptive_nb wheel", "language": "python"})
    )
    # Subprocesses a tutorial starts (mpiexec, ipcluster, scripts) find the venv's commands first.
    env = {**clean, "PATH": os.pathsep.join([str(venv / "bin"), clean.get("PATH", "")])}
    env.pop("ADAPTIVE_NB_WATCHDOG", None)
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_path), old]))
    try:
        yield WheelKernel(venv, jupyter_path, env)
    finally:
        if old is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = old


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RUN_TIMES:
        terminalreporter.section("tutorials run from a downloaded copy (wheel install)")
        for name, seconds in RUN_TIMES.items():
            terminalreporter.write_line(f"{name}: {seconds:.1f} s")
