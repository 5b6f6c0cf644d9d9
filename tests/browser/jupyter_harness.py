"""Run JupyterLab 4 / Notebook 7 on 127.0.0.1 with isolated config and drive it with playwright.

See /work/shared/jupyter-browser-recipe.md for why each flag is here. The server is started once
per test module (a fixture in conftest.py); each test writes its own notebook into the server's
root and opens it in a fresh page of the shared headless Chromium.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from _support.browser import free_port

SRC = Path(__file__).resolve().parents[2] / "src"
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"


@dataclass
class Server:
    flavor: str
    base: str
    token: str
    root: Path
    startup_s: float

    def write_notebook(self, name: str, cells: list[str]) -> str:
        """Write a notebook of ``cells`` into the root; return the URL that opens it."""
        write_notebook(self.root / name, cells)
        return self.url(name)

    def url(self, name: str, flavor: str | None = None) -> str:
        """The URL that opens notebook ``name`` (in the root) in this server's front end.

        Either server serves both front ends (JupyterLab and Notebook 7 are extensions of the
        same jupyter_server, and both are enabled where both are installed); ``flavor`` picks
        the other one. ``expose_app_in_browser`` is set for both.
        """
        if (flavor or self.flavor) == "lab":
            return f"{self.base}/lab/tree/{name}?reset&token={self.token}"
        return f"{self.base}/notebooks/{name}?token={self.token}"


def write_notebook(path: Path, cells: list[str]) -> None:
    """Write a notebook of code ``cells`` for the ``python3`` kernel (no kernel picker shows)."""
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, path)


@contextlib.contextmanager
def jupyter_server(
    tmp: Path, flavor: str, settings: dict[str, dict[str, Any]] | None = None
) -> Iterator[Server]:
    """Start JupyterLab (``flavor="lab"``) or Notebook 7 (``"notebook"``) on 127.0.0.1.

    ``settings`` maps plugin ids (``"@scope/package:plugin"``) to user settings for them,
    added to the harness's own (no windowing, so every cell stays in the DOM).
    """
    root, cfg = tmp / "root", tmp / "cfg"
    root.mkdir(parents=True)
    for d in ["config/labconfig", "data", "runtime", "workspaces", "ipython"]:
        (cfg / d).mkdir(parents=True, exist_ok=True)
    (cfg / "config/labconfig/page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    plugins = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    for plugin, values in {**plugins, **(settings or {})}.items():
        package, name = plugin.split(":")
        path = cfg / "settings" / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(cfg / "config"),
        JUPYTER_DATA_DIR=str(cfg / "data"),
        JUPYTER_RUNTIME_DIR=str(cfg / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(cfg / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(cfg / "workspaces"),
        IPYTHONDIR=str(cfg / "ipython"),
        # The kernels must import this checkout's adaptive_nb, not whatever the venv has.
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    port, token = free_port(), secrets.token_hex(16)
    app, other = ("LabApp", "JupyterNotebookApp")[:: 1 if flavor == "lab" else -1]
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab" if flavor == "lab" else "notebook",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--{app}.expose_app_in_browser=True",
        f"--{other}.expose_app_in_browser=True",
    ]
    if flavor == "lab":
        cmd.append("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    log_path = tmp / "server.log"
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        srv = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                    break
                except OSError:
                    if srv.poll() is not None or time.monotonic() - t0 > 90:
                        msg = "jupyter server did not start:\n" + log_path.read_text()[-3000:]
                        raise RuntimeError(msg) from None
                    time.sleep(0.2)
            yield Server(flavor, base, token, root, time.monotonic() - t0)
        finally:
            srv.terminate()  # our own child only
            try:
                srv.wait(15)
            except subprocess.TimeoutExpired:
                # its own session (start_new_session): the group is the server and its kernels
                os.killpg(srv.pid, signal.SIGKILL)
                srv.wait(5)


WAIT_KERNEL_JS = """async () => {
  const sleep = () => new Promise(r => setTimeout(r, 100));
  while (!window.jupyterapp) await sleep();
  const app = window.jupyterapp; await app.started; await app.restored;
  let panel;
  while (!(panel = app.shell.currentWidget)?.sessionContext) await sleep();
  await panel.context.ready; await panel.sessionContext.ready;
  while (panel.sessionContext.session?.kernel?.status !== 'idle') await sleep();
  window.__panel = panel;
  return panel.sessionContext.session.kernel.status;
}"""

RUN_CELL_JS = """async ([i, wait]) => {
  window.__panel.content.activeCellIndex = i;
  const pr = window.jupyterapp.commands.execute('notebook:run-cell');
  if (wait) await pr;
}"""

CELL_OUTPUT_JS = """(i) =>
  window.__panel.content.widgets[i].node.querySelector('.jp-OutputArea')?.textContent ?? ''"""

SAVE_JS = """async () => { await window.jupyterapp.commands.execute('docmanager:save'); }"""

SHUTDOWN_JS = """async () => { await window.__panel?.sessionContext?.shutdown(); }"""


def assert_offline_and_clean(page: Any, ours: str) -> None:
    """Assert that no request of ``page`` left 127.0.0.1 and no page error matches ``ours``.

    ``ours`` is a regular expression of the names in our own scripts and messages; errors of
    JupyterLab or Notebook themselves are not ours to assert on.
    """
    assert page.external() == [], f"requests left 127.0.0.1: {page.external()}"
    errors = [e for e in page.errors if re.search(ours, e)]
    assert errors == [], errors


def open_notebook(page: Any, url: str) -> str:
    page.goto(url)
    status: str = page.evaluate(WAIT_KERNEL_JS)
    return status


def run_cell(page: Any, i: int, *, wait: bool = True) -> None:
    page.evaluate(RUN_CELL_JS, [i, wait])


def cell_output(page: Any, i: int) -> str:
    text: str = page.evaluate(CELL_OUTPUT_JS, i)
    return text


def save_notebook(page: Any) -> None:
    page.evaluate(SAVE_JS)


def shutdown_kernel(page: Any) -> None:
    with contextlib.suppress(Exception):
        page.evaluate(SHUTDOWN_JS)


def cell_locator(page: Any, i: int) -> Any:
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


KERNEL_STATUS_JS = """() => window.__panel.sessionContext.session.kernel.status"""

INTERRUPT_JS = """async () => { await window.__panel.sessionContext.session.kernel.interrupt(); }"""

OUTPUT_CONTAINS_JS = f"""([i, text]) => ({CELL_OUTPUT_JS})(i).includes(text)"""


def kernel_status(page: Any) -> str:
    status: str = page.evaluate(KERNEL_STATUS_JS)
    return status


def interrupt_kernel(page: Any) -> None:
    page.evaluate(INTERRUPT_JS)


def wait_for_output(page: Any, i: int, text: str, *, timeout_ms: float = 15_000) -> None:
    """Wait until cell ``i``'s output contains ``text`` (the cell may still be running)."""
    page.wait_for_function(OUTPUT_CONTAINS_JS, arg=[i, text], timeout=timeout_ms)
