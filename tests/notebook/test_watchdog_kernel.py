"""The busy-loop watchdog in a real ipykernel (nbclient) and in JupyterLab (headless Chromium).

A cell busy-waits on a runner; the warning must appear in *that* cell's output while it is still
running (ipykernel's IOPub thread delivers it), the kernel is then interrupted, and the runner
resumes.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
BUSY = "while not runner.task.done(): pass"

SETUP = """\
import asyncio, time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive

def f(x):
    time.sleep(0.005)
    return x**2

learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(2))
# The notebook layer loads only now (as with a late runner.live_info()): it must pick the
# running runner up.
from adaptive_nb.notebook import watchdog
watchdog.configure(threshold=0.5)
await asyncio.sleep(0.3)
print("watching", watchdog.state().watching, "blocked", watchdog.state().blocked)"""

AFTER = """\
await asyncio.sleep(0.5)
print("blocked after interrupt:", watchdog.state().blocked)
n0 = learner.npoints
await asyncio.sleep(0.5)
print("runner advanced:", learner.npoints > n0)
runner.cancel()
await asyncio.sleep(0.6)
print("parked:", watchdog.get_watchdog().thread_parked, "watching:", watchdog.state().watching)"""


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(SETUP), new_code_cell(BUSY), new_code_cell(AFTER)])
    nb.cells[1].metadata["tags"] = ["raises-exception"]  # the interrupt raises KeyboardInterrupt
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels import adaptive_nb from this checkout."""
    src = str(ROOT / "src")
    paths = [src, os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    monkeypatch.delenv("ADAPTIVE_NB_WATCHDOG", raising=False)


def _text(cell: nbformat.NotebookNode, stream: str | None = None) -> str:
    streams = [o for o in cell.outputs if o.output_type == "stream"]
    return "".join(o.text for o in streams if stream in (None, o.name))


@pytest.mark.kernel
def test_busy_cell_gets_the_warning_and_runner_resumes(kernel_env: None, tmp_path: Path) -> None:
    nb = _notebook()
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        timeout_func=lambda cell: 3 if BUSY in cell.source else 60,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    assert "watching True blocked False" in _text(nb.cells[0])

    busy = nb.cells[1]
    stderr = _text(busy, "stderr")
    assert "KernelBlockedWarning" in stderr, busy.outputs
    assert "The kernel's event loop has been blocked for" in stderr
    assert "await runner.task" in stderr
    assert "BlockingRunner" in stderr
    assert BUSY in stderr  # the warning points at the user's line and shows it
    assert stderr.count("KernelBlockedWarning") == 1  # once per blocked episode
    assert any(o.output_type == "error" and o.ename == "KeyboardInterrupt" for o in busy.outputs)

    after = _text(nb.cells[2])
    assert "blocked after interrupt: False" in after
    assert "runner advanced: True" in after
    assert "parked: True watching: False" in after


PLAIN = """\
import time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive

def f(x):
    time.sleep(0.005)
    return x**2

# No notebook_extension(), no widget, no %load_ext: the watchdog must still be there.
runner = adaptive.Runner(adaptive.Learner1D(f, bounds=(-1, 1)), executor=ThreadPoolExecutor(2))"""


@pytest.mark.kernel
def test_watchdog_needs_no_notebook_extension(
    kernel_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "0.5")
    nb = new_notebook(cells=[new_code_cell(PLAIN), new_code_cell(BUSY)])
    nb.cells[1].metadata["tags"] = ["raises-exception"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        timeout_func=lambda cell: 3 if BUSY in cell.source else 60,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    stderr = _text(nb.cells[1], "stderr")
    assert "KernelBlockedWarning" in stderr, nb.cells[1].outputs
    assert "await runner.task" in stderr


# -- JupyterLab in headless Chromium -----------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip


def _chromium() -> str | None:
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return exe if exe and os.access(exe, os.X_OK) else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def jupyter_lab(tmp: Path, nb: nbformat.NotebookNode) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 with isolated config; yields the notebook's URL."""
    root, cfg = tmp / "root", tmp / "cfg"
    root.mkdir(parents=True)
    for d in ["config/labconfig", "data", "runtime", "settings/@jupyterlab/notebook-extension",
              "workspaces", "ipython"]:  # fmt: skip
        (cfg / d).mkdir(parents=True, exist_ok=True)
    (cfg / "config/labconfig/page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    (cfg / "settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"})
    )
    nbformat.write(nb, root / "watchdog.ipynb")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(cfg / "config"), JUPYTER_DATA_DIR=str(cfg / "data"),
        JUPYTER_RUNTIME_DIR=str(cfg / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(cfg / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(cfg / "workspaces"), IPYTHONDIR=str(cfg / "ipython"),
    )  # fmt: skip
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with open(tmp / "server.log", "w") as log:
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        tail = (tmp / "server.log").read_text()[-3000:]
                        pytest.fail(f"jupyter lab did not start:\n{tail}")
                    time.sleep(0.2)
            yield f"{base}/lab/tree/watchdog.ipynb?reset&token={token}"
        finally:
            server.terminate()  # our own child only
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


# Every promise is raced against a deadline: Page.evaluate itself never times out.
DEADLINE = "const deadline = (p, ms, what) => Promise.race([p, new Promise((_, no) => "
DEADLINE += "setTimeout(() => no(new Error(what + ' timed out')), ms))]);"
OPEN = (
    "async () => {"
    + DEADLINE
    + """
  const app = window.jupyterapp;
  await deadline(Promise.all([app.started, app.restored]), 60000, 'lab start');
  const tick = () => new Promise(r => setTimeout(r, 100));
  const t0 = Date.now(), late = () => Date.now() - t0 > 90000;
  let panel; while (!(panel = app.shell.currentWidget)?.sessionContext) {
    if (late()) throw new Error('no notebook panel'); await tick(); }
  await deadline(Promise.all([panel.context.ready, panel.sessionContext.ready]), 60000, 'ready');
  while (panel.sessionContext.session?.kernel?.status !== 'idle') {
    if (late()) throw new Error('kernel not idle'); await tick(); }
  window.__panel = panel; }"""
)
RUN = (
    "async ([i, wait]) => {"
    + DEADLINE
    + """
  window.__panel.content.activeCellIndex = i;
  const pr = window.jupyterapp.commands.execute('notebook:run-cell');
  if (wait) await deadline(pr, 60000, 'cell ' + i); }"""
)
OUTPUT = """(i) => window.__panel.content.widgets[i].node
  .querySelector('.jp-OutputArea')?.textContent || ''"""
BUSY_STATUS = "() => window.__panel.sessionContext.session.kernel.status"
INTERRUPT = (
    "async () => {" + DEADLINE + "await deadline("
    "window.__panel.sessionContext.session.kernel.interrupt(), 30000, 'interrupt'); }"
)


@pytest.mark.browser
def test_warning_shows_in_the_running_cell_in_jupyterlab(kernel_env: None, tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium not found (apt-get install chromium, or set CHROMIUM=/path)")
    from playwright.sync_api import sync_playwright

    with jupyter_lab(tmp_path, _notebook()) as url, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1000, "height": 900},
        )  # fmt: skip
        try:
            page = ctx.new_page()
            external: list[str] = []
            page.on("request", lambda r: external.append(r.url) if _external(r.url) else None)
            page.goto(url)
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
            page.evaluate(OPEN)
            page.evaluate(RUN, [0, True])
            assert "watching True" in page.evaluate(OUTPUT, 0)

            page.evaluate(RUN, [1, False])  # fire and forget: the busy loop never ends by itself
            page.wait_for_function(
                "() => (window.__panel.content.widgets[1].node.querySelector('.jp-OutputArea')"
                "?.textContent || '').includes('KernelBlockedWarning')",
                timeout=15_000,
            )
            assert page.evaluate(BUSY_STATUS) == "busy"  # shown while the cell is still running
            text = page.evaluate(OUTPUT, 1)
            assert "await runner.task" in text

            page.evaluate(INTERRUPT)
            page.wait_for_function(
                "() => (window.__panel.content.widgets[1].node.querySelector('.jp-OutputArea')"
                "?.textContent || '').includes('KeyboardInterrupt')",
                timeout=15_000,
            )
            page.evaluate(RUN, [2, True])
            after = page.evaluate(OUTPUT, 2)
            assert "runner advanced: True" in after
            assert "parked: True" in after
            assert external == []
        finally:
            ctx.close()


def _external(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return False
    return not url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
