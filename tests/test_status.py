"""RunnerStatus / RunnerSnapshot agree with _status.json, the one source the widgets share."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import adaptive_nb
from adaptive_nb._status import SNAPSHOT_FIELDS, STATUS_COLORS, RunnerSnapshot, RunnerStatus

SPEC = Path(adaptive_nb.__file__).with_name("_status.json")


def test_snapshot_fields_are_those_of_the_json() -> None:
    fields = [f.name for f in dataclasses.fields(RunnerSnapshot)]
    assert fields == list(SNAPSHOT_FIELDS)
    assert list(SNAPSHOT_FIELDS) == json.loads(SPEC.read_text())["snapshot_fields"]


def test_every_status_has_one_colour() -> None:
    assert set(STATUS_COLORS) == {s.value for s in RunnerStatus}
    for status in RunnerStatus:
        assert re.fullmatch(r"#[0-9a-f]{6}", status.color), status.color
        assert status.color == STATUS_COLORS[status]


def test_dashboards_and_widgets_share_the_colours() -> None:
    import adaptive_nb.notebook

    assert adaptive_nb.notebook.STATUS_COLORS is STATUS_COLORS
    root = Path(__file__).resolve().parents[1]
    # No status colour is spelled out anywhere else: the TypeScript widgets import the JSON
    # (js/test/status.test.ts checks that), the dashboards import STATUS_COLORS.
    sources = [*root.glob("widgets/*.py"), *root.glob("js/src/**/*.ts")]
    sources += [p for p in (root / "src" / "adaptive_nb").rglob("*.py") if p.name != "_status.py"]
    for path in sources:
        text = path.read_text().lower()
        for colour in STATUS_COLORS.values():
            assert colour not in text, f"{path} repeats {colour}"
