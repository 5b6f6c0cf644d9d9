"""The engine's seam to observers: callbacks, the registry of active runners, in_kernel."""

from __future__ import annotations

import asyncio
from typing import Any

import adaptive_nb as adaptive
from adaptive_nb import _hooks
from adaptive_nb.runner import SequentialExecutor


def test_async_runner_announces_itself_once_its_task_exists() -> None:
    seen: list[Any] = []

    def observer(runner: Any) -> None:
        seen.append((runner, runner.task.done()))

    remove = _hooks.add_runner_started_callback(observer)
    assert _hooks.add_runner_started_callback(observer) is not None  # added once only

    async def scenario() -> Any:
        runner = adaptive.Runner(
            adaptive.Learner1D(abs, (-1, 1)), npoints_goal=5, executor=SequentialExecutor()
        )
        await runner.task
        return runner

    try:
        runner = asyncio.run(scenario())
        adaptive.BlockingRunner(
            adaptive.Learner1D(abs, (-1, 1)), npoints_goal=5, executor=SequentialExecutor()
        )  # blocks by design: not announced, the watchdog must not watch it
    finally:
        remove()
        remove()  # idempotent
    assert seen == [(runner, False)]


class _Started:
    def __init__(self) -> None:
        self.task = asyncio.ensure_future(asyncio.Event().wait())


def test_hook_survives_a_broken_observer(caplog: Any) -> None:
    def broken(runner: object) -> None:
        raise RuntimeError("observer bug")

    async def scenario() -> None:
        remove = _hooks.add_runner_started_callback(broken)
        started = _Started()
        try:
            _hooks.runner_started(started)  # type: ignore[arg-type]  # must not raise
        finally:
            remove()
            started.task.cancel()

    asyncio.run(scenario())
    assert "observer bug" in caplog.text


def test_registry_follows_the_runner_task() -> None:
    async def scenario() -> None:
        started = _Started()
        # a stand-in with only .task, which is all the registry reads
        _hooks.runner_started(started)  # type: ignore[arg-type]
        assert started in _hooks.active_runners()  # type: ignore[comparison-overlap]
        started.task.cancel()
        await asyncio.sleep(0)  # the task ends ...
        assert started not in _hooks.active_runners()  # type: ignore[comparison-overlap]
        await asyncio.sleep(0)  # ... and its done-callback drops it from the registry
        assert id(started) not in _hooks._active

    asyncio.run(scenario())
    assert adaptive.runner.active_runners is _hooks.active_runners


def test_in_kernel_is_false_here_and_imports_nothing() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from adaptive_nb import _hooks\n"
        "assert not _hooks.in_kernel()\n"
        "assert 'IPython' not in sys.modules and 'ipykernel' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_in_kernel_needs_a_shell_that_carries_a_kernel(monkeypatch: Any) -> None:
    import sys
    import types

    class Shell:
        kernel: object | None = None

    shell = Shell()
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert not _hooks.in_kernel()  # e.g. terminal IPython: a shell without a kernel
    shell.kernel = object()
    assert _hooks.in_kernel()  # any shell class counts, as long as it carries a kernel
    monkeypatch.delitem(sys.modules, "ipykernel")
    assert not _hooks.in_kernel()
