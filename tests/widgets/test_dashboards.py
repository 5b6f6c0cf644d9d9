"""adaptive_nb.dashboards in process, and each widgets/ app served and clicked in Chromium."""

from __future__ import annotations

import asyncio
import importlib.util
import math
import subprocess
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import adaptive_nb as adaptive
from _support.browser import PageRecorder, free_port
from adaptive_nb import dashboards
from adaptive_nb._status import STATUS_COLORS
from adaptive_nb.dashboards import _long_run_monitor
from adaptive_nb.runner import SequentialExecutor

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "widgets"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"adaptive_nb_widgets_{name}", WIDGETS / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def slow_square(x: float) -> float:
    time.sleep(0.002)
    return x**2


# -- in process: the objects a notebook gets --------------------------------------------------


class _Click:
    """What Tabulator's on_click hands over: the row's position and the column."""

    def __init__(self, row: int, column: str) -> None:
        self.row, self.column = row, column


def test_multi_runner_dashboard_follows_runners_and_cancels() -> None:
    async def scenario() -> None:
        first = adaptive.Runner(
            adaptive.Learner1D(slow_square, (-1, 1)), executor=SequentialExecutor()
        )
        dashboard = dashboards.multi_runner_dashboard(update_interval=0.05)
        assert dashboard.runners() == [first]
        second = adaptive.Runner(adaptive.Learner1D(abs, (-1, 1)), npoints_goal=20)
        await second.task
        dashboard.update()
        assert dashboard.runners() == [first, second]  # new runners appear, ended ones stay
        table = dashboard.table.value
        assert 'data-status="finished"' in table.status[1]
        assert STATUS_COLORS["finished"] in table.status[1]
        assert 'data-status="running"' in table.status[0]
        assert table.points[1] == second.learner.npoints
        assert "Cancel" in table.action[0]
        assert table.action[1] == ""  # no button on an ended runner
        dashboard._on_click(_Click(0, "action"))  # what a click on the button does
        await asyncio.sleep(0.05)
        assert first.status() == "cancelled"
        assert 'data-status="cancelled"' in dashboard.table.value.status[0]
        assert dashboard.table.value.action[0] == ""
        assert dashboard.cancel_all.disabled
        dashboard._on_click(_Click(1, "runner"))  # a click elsewhere in the row plots it
        assert f"{second.learner.npoints} points" in _title(dashboard.plot.figure)
        assert dashboard.plot.npoints == second.learner.npoints
        dashboard.refresher.stop()

    asyncio.run(scenario())


def _title(figure: Any) -> str:
    title = figure.title
    assert title is not None
    return title if isinstance(title, str) else str(title.text)


def test_table_sorts_status_by_name_and_refreshes_by_patching() -> None:
    async def scenario() -> None:
        runners = [
            adaptive.Runner(adaptive.Learner1D(abs, (-1, 1)), npoints_goal=n) for n in (5, 10)
        ]
        for runner in runners:
            await runner.task
        dashboard = dashboards.multi_runner_dashboard(runners, update_interval=10)
        patched: list[Any] = []
        dashboard.table.patch = patched.append  # type: ignore[method-assign,assignment]
        assert dashboard.update() is False  # nothing runs: the refresher may stop
        assert patched == []  # nothing changed, nothing sent
        assert dashboard.table.sortable
        statuses = ["running", "finished", "cancelled", "failed"]
        cells = sorted(dashboards._common.status_html(s, "0") for s in statuses)
        assert [c.split('"')[1] for c in cells] == sorted(statuses)
        assert math.isnan(dashboard.table.value.loss[0]) or dashboard.table.value.loss[0] >= 0
        dashboard.refresher.stop()

    asyncio.run(scenario())


def test_balancing_grid_marks_the_worst_child_and_rejects_other_learners() -> None:
    async def scenario() -> None:
        learners = [adaptive.Learner1D(slow_square, (-1, 1)), adaptive.Learner1D(abs, (-1, 1))]
        runner = adaptive.Runner(adaptive.BalancingLearner(learners), npoints_goal=30,
                                 executor=SequentialExecutor())  # fmt: skip
        await runner.task
        grid = dashboards.balancing_grid(runner, ncols=2, update_interval=0.05)
        grid.update()
        losses = [child.loss() for child in learners]
        worst = losses.index(max(losses))
        assert grid.plots[worst].figure.outline_line_width == 3
        assert grid.plots[1 - worst].figure.outline_line_width == 1
        assert 'data-status="finished"' in grid.summary.value
        assert f"{learners[0].npoints} pts" in _title(grid.plots[0].figure)
        assert sum(p.npoints for p in grid.plots) == runner.learner.npoints
        assert not grid.refresher.running or grid.update() is False

        single = adaptive.Runner(adaptive.Learner1D(abs, (-1, 1)), npoints_goal=5)
        with pytest.raises(TypeError, match="needs a runner on a BalancingLearner"):
            dashboards.balancing_grid(single)
        await single.task

    asyncio.run(scenario())


def test_long_run_monitor_shows_saves_and_the_watchdog(tmp_path: Path) -> None:
    async def scenario() -> None:
        runner = adaptive.Runner(
            adaptive.Learner1D(slow_square, (-1, 1)), executor=SequentialExecutor()
        )
        monitor = dashboards.long_run_monitor(runner, update_interval=0.05)
        assert "never" in monitor.table.value
        runner.start_periodic_saving(
            save_kwargs={"fname": str(tmp_path / "l.pickle")}, interval=0.05
        )
        await asyncio.sleep(0.4)
        monitor.update()
        assert "ago)" in monitor.table.value  # a save happened and is shown with its age
        assert "watchdog" in monitor.table.value
        assert len(monitor.source.data["t"]) >= 1
        monitor.cancel.clicks += 1
        await asyncio.sleep(0.05)
        assert runner.status() == "cancelled"
        assert monitor.update() is False
        assert monitor.source.data["npoints"][-1] == runner.learner.npoints

    asyncio.run(scenario())


# -- served apps in headless Chromium ---------------------------------------------------------


def _serve(app: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    serve = _load("serve")
    port = free_port()
    log = tmp / f"{app}.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(serve.command(app, port), env=serve.environment(), stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/{app}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return server, url, log
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"panel serve {app} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)


# app -> (status key of the runner to cancel, minimum number of canvases)
APPS = {
    "multi_runner": ("0", 1),
    "balancing_grid": ("balancing", 6),
    "long_run_monitor": ("monitor", 1),
}


@pytest.mark.browser
@pytest.mark.parametrize("app", list(APPS))
def test_served_app_renders_offline_and_cancels(
    app: str, page: PageRecorder, tmp_path: Path
) -> None:
    key, min_canvases = APPS[app]
    server, url, log = _serve(app, tmp_path)
    pg = page.page
    try:
        pg.goto(url)
        status = pg.locator(f'span.an-status[data-key="{key}"]')
        status.wait_for(timeout=30_000)
        assert status.inner_text() == "running"
        if app == "multi_runner":  # the points column of the runner's table row
            npoints = pg.locator(".tabulator-row", has=status).locator('[tabulator-field="points"]')
        else:
            npoints = pg.locator(f'span.an-npoints[data-key="{key}"]')
        first = int(npoints.inner_text())
        deadline = time.monotonic() + 15
        while int(npoints.inner_text()) <= first:  # live: the table follows the runner
            assert time.monotonic() < deadline, "the point count did not grow"
            time.sleep(0.2)
        assert pg.locator("canvas").count() >= min_canvases

        if app == "long_run_monitor":
            saved = pg.locator('span.an-last-save[data-key="monitor"]')
            deadline = time.monotonic() + 15
            while "ago" not in saved.inner_text():  # the demo saves every 2 s
                assert time.monotonic() < deadline, "no save shown"
                time.sleep(0.2)
            assert pg.locator('span.an-watchdog[data-key="monitor"]').inner_text().startswith("ok")

        if app == "multi_runner":
            pg.locator('button.an-cancel[data-key="0"]').click()
        else:
            pg.get_by_role("button", name="Cancel runner").click()
        deadline = time.monotonic() + 10
        while status.inner_text() != "cancelled":
            assert time.monotonic() < deadline, f"status stayed {status.inner_text()!r}"
            time.sleep(0.1)
        if app == "multi_runner":  # only the clicked runner stopped
            assert pg.locator('span.an-status[data-key="1"]').inner_text() == "running"
        pg.screenshot(path=str(tmp_path / f"{app}.png"))
        assert page.external() == [], page.external()
        assert page.errors == [], page.errors
    finally:
        server.terminate()  # our own child only
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    assert "Traceback" not in log.read_text()


def test_monitor_reports_the_watchdog_record(monkeypatch: pytest.MonkeyPatch) -> None:
    from adaptive_nb.notebook import watchdog

    base: dict[str, Any] = {
        "enabled": True,
        "threshold": 2.0,
        "watching": True,
        "lag": 0.1,
        "n_runners": 1,
    }
    monkeypatch.setattr(watchdog, "state", lambda: watchdog.WatchdogState(blocked=False, **base))
    assert _long_run_monitor.watchdog_text() == "ok (loop ticking; warns after 2 s)"
    at = time.mktime((2026, 1, 2, 3, 4, 5, 0, 0, -1))
    record = watchdog.WatchdogState(
        blocked=False, n_blocks=2, last_block_time=at, last_block_duration=5.25, **base
    )
    monkeypatch.setattr(watchdog, "state", lambda: record)
    assert _long_run_monitor.watchdog_text().endswith("blocked 2x, last at 03:04:05 for 5.2 s")
    blocked = watchdog.WatchdogState(**{**base, "lag": 3.0}, blocked=True)
    monkeypatch.setattr(watchdog, "state", lambda: blocked)
    assert _long_run_monitor.watchdog_text() == "KERNEL BLOCKED for 3.0 s"


def test_extension_outside_a_notebook_does_nothing() -> None:
    import panel as pn

    before = list(pn.extension._loaded_extensions)
    assert dashboards.extension() is None
    assert list(pn.extension._loaded_extensions) == before
    assert "extension" in dashboards.__all__
