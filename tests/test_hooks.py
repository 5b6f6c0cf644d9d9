"""The engine's runner-started hook, which the notebook layer's watchdog subscribes to."""

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
