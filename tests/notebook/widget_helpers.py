"""Helpers for the widget tests (a uniquely named module: `import conftest` is ambiguous)."""

from __future__ import annotations

from typing import Any

import numpy as np

import adaptive_nb as adaptive
from adaptive_nb.runner import SequentialExecutor


def front_end_message(widget: Any, content: dict[str, Any]) -> None:
    """Deliver a custom message as if the browser had sent it (ipywidgets' comm path)."""
    data = {"method": "custom", "content": content}
    widget._handle_msg({"content": {"data": data}, "buffers": []})


async def finished_runner(learner: Any, n: int) -> Any:
    """A runner that has already taken ``learner`` to ``n`` points (one at a time, in order)."""
    runner = adaptive.Runner(learner, npoints_goal=n, executor=SequentialExecutor())
    await runner.task
    return runner


def decode_points(
    messages: list[tuple[dict[str, Any], list[bytes]]],
) -> dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """(coordinates ``(n, dim)``, values ``(n, vdim)``) per panel from LivePlot data messages.

    Chunks are concatenated in the order received; a ``full`` message starts its panel over.
    """
    got: dict[int, list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]] = {}
    for content, bufs in messages:
        for k, h in enumerate(content["series"]):
            pts = np.frombuffer(bufs[2 * k], "<f8").reshape(h["n"], h.get("dim", 1))
            vals = np.frombuffer(bufs[2 * k + 1], "<f8").reshape(h["n"], h["vdim"])
            if content["type"] == "full":
                got[h["i"]] = []
            got.setdefault(h["i"], []).append((pts, vals))
    return {
        i: (np.concatenate([p for p, _ in v]), np.concatenate([y for _, y in v]))
        for i, v in got.items()
    }
