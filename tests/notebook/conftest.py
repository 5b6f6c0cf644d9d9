"""Helpers for the widget tests: run a coroutine, record what a widget sends to the front end."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from adaptive_nb.notebook import LivePlot


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine on a fresh event loop (the kernel's loop in a notebook)."""
    return asyncio.run


class Sent:
    """Custom messages a LivePlot sent, with their buffers as bytes."""

    def __init__(self) -> None:
        self.messages: list[tuple[dict[str, Any], list[bytes]]] = []

    def of_type(self, kind: str) -> list[tuple[dict[str, Any], list[bytes]]]:
        return [m for m in self.messages if m[0].get("type") == kind]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Record LivePlot.send (what would go over the comm to the browser)."""
    rec = Sent()

    def send(self: Any, content: dict[str, Any], buffers: Any = None) -> None:
        rec.messages.append((content, [bytes(b) for b in buffers or []]))

    monkeypatch.setattr(LivePlot, "send", send)
    return rec
