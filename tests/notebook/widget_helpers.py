"""Helpers for the widget tests (a uniquely named module: `import conftest` is ambiguous)."""

from __future__ import annotations

from typing import Any


def front_end_message(widget: Any, content: dict[str, Any]) -> None:
    """Deliver a custom message as if the browser had sent it (ipywidgets' comm path)."""
    data = {"method": "custom", "content": content}
    widget._handle_msg({"content": {"data": data}, "buffers": []})
