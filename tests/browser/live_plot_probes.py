"""Probes of the live plot's canvas and tool bar shared by the browser tests."""

from __future__ import annotations

import json
from typing import Any

# Dark pixels per canvas column at the edges and near the left (the rotated y label): a tick
# label cut by the canvas edge leaves ink in its first or last columns.
EDGE_INK_JS = """(canvas) => {
  const w = canvas.width, h = canvas.height;
  const d = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  const dark = (x, y) => {
    const i = 4 * (y * w + x);
    return d[i] < 160 && d[i + 1] < 160 && d[i + 2] < 160 ? 1 : 0;
  };
  const column = (x) => { let n = 0; for (let y = 0; y < h; y++) n += dark(x, y); return n; };
  const row = (y) => { let n = 0; for (let x = 0; x < w; x++) n += dark(x, y); return n; };
  let label = 0;
  for (let x = 2; x < 16; x++) label += column(x);
  return { edges: column(0) + column(1) + column(w - 2) + column(w - 1) + row(h - 1), label };
}"""

# What makes a button look like one: a border, a background, rounded corners, a hand cursor.
BUTTON_STYLE_JS = """(b) => {
  const s = getComputedStyle(b);
  return { border: parseFloat(s.borderTopWidth), style: s.borderTopStyle,
           radius: parseFloat(s.borderTopLeftRadius), cursor: s.cursor,
           background: s.backgroundColor, height: b.getBoundingClientRect().height };
}"""


def first_view(pg: Any) -> list[float]:
    """The (x0, x1, y0, y1) the first live plot's first panel shows."""
    view: list[list[float]] = json.loads(
        pg.evaluate("() => document.querySelector('.anb-plot').dataset.view")
    )
    return view[0]


def drag(pg: Any, box: dict[str, float], frm: tuple[float, ...], to: tuple[float, ...]) -> None:
    """Drag the mouse between two points given as fractions of ``box`` (a bounding box)."""
    pg.mouse.move(box["x"] + frm[0] * box["width"], box["y"] + frm[1] * box["height"])
    pg.mouse.down()
    pg.mouse.move(box["x"] + to[0] * box["width"], box["y"] + to[1] * box["height"], steps=4)
    pg.mouse.up()


def assert_buttons_look_like_buttons(plot: Any) -> None:
    """The visible tool-bar buttons of ``plot`` (a locator) are styled as buttons."""
    for cls in ("anb-export-png", "anb-export-csv", "anb-plot-stop"):
        button = plot.locator(f".{cls}")
        if not button.is_visible():
            continue
        style = button.evaluate(BUTTON_STYLE_JS)
        assert style["border"] >= 1, (cls, style)
        assert style["style"] == "solid", (cls, style)
        assert style["radius"] >= 2, (cls, style)
        assert style["cursor"] == "pointer", (cls, style)
        assert style["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), (cls, style)
        assert style["height"] >= 18, (cls, style)
