"""Static views of the live widgets: drawing, the display mimebundle, a saved notebook's HTML."""

import asyncio
import io
import re
import subprocess
import sys
import time

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbrun import SRC
from PIL import Image
from widget_helpers import finished_runner

import adaptive_nb as adaptive
from adaptive_nb.notebook import LiveInfo, LivePlot
from adaptive_nb.notebook._static_view import (
    _ANCHORS,
    PlotPanel,
    _fill_triangles,
    encode_png,
    info_bundle,
    plot_svg,
)
from adaptive_nb.runner import SequentialExecutor

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
COLORMAP_TS = SRC.parent / "js" / "src" / "plot" / "colormap.ts"


def test_the_static_heat_map_uses_the_live_plots_colour_anchors() -> None:
    # The saved-notebook view (Python) and the live plot (TypeScript) draw the same heat map:
    # their two copies of the anchor colours must not drift apart.
    table = COLORMAP_TS.read_text().split("const ANCHORS", 1)[1].split("];", 1)[0]
    ts_anchors = [[int(v) for v in row] for row in re.findall(r"\[(\d+), (\d+), (\d+)\]", table)]
    assert len(ts_anchors) >= 2
    assert ts_anchors == _ANCHORS.astype(int).tolist()


# -- drawing ----------------------------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_png_decodes_to_the_same_pixels(h, w, seed) -> None:
    rgba = np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8)
    image = Image.open(io.BytesIO(encode_png(rgba)))
    assert image.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(image), rgba)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_triangle_fill_reproduces_a_linear_function_inside_the_hull(seed) -> None:
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    n = 40
    pts = rng.uniform(0, n, (12, 2))
    a, b, c = rng.normal(size=3)
    z = a * pts[:, 0] + b * pts[:, 1] + c
    tri = Delaunay(pts)
    grid = _fill_triangles(pts[tri.simplices], z[tri.simplices], n)
    assert grid is not None
    col, row = np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5)
    inside = tri.find_simplex(np.column_stack([col.ravel(), row.ravel()])) >= 0
    filled = np.isfinite(grid.ravel())
    # every pixel centre inside the hull is filled, none outside (up to ties on the hull's edge)
    assert np.count_nonzero(filled != inside) <= 2
    both = filled & inside
    np.testing.assert_allclose(
        grid.ravel()[both], (a * col + b * row + c).ravel()[both], rtol=1e-9, atol=1e-9
    )


def _polyline_points(svg: str) -> np.ndarray:
    coords = re.search(r"<polyline points='([^']*)'", svg)
    assert coords is not None
    return np.array([[float(v) for v in p.split(",")] for p in coords.group(1).split()])


def test_1d_polyline_is_bounded_by_the_width_and_keeps_the_extremes() -> None:
    x = np.linspace(-1, 1, 50_000)
    y = np.sin(40 * x) + (x == x[12_345]) * 5.0  # one spike the envelope must keep
    svg = plot_svg([PlotPanel("", "1d", x, y)], width=600)
    line = _polyline_points(svg)
    assert len(line) <= 2 * 600 + 2
    # the spike is the highest point of the drawing (smallest SVG y), not lost by thinning
    top = line[np.argmin(line[:, 1])]
    x_px = 70 + (x[12_345] + 1) / 2 * (600 - 70 - 16)
    assert top[0] == pytest.approx(x_px, abs=1.0)
    assert "<circle" not in svg  # too many samples to draw each one


def test_svg_of_each_panel_kind_and_of_non_finite_values() -> None:
    rng = np.random.default_rng(1)
    pts2 = rng.uniform(-1, 1, (200, 2))
    pts3 = rng.uniform(-1, 1, (50, 3))
    panels = [
        PlotPanel(
            "one",
            "1d",
            np.array([0.0, 1.0, 2.0]),
            np.array([[1.0, 2.0], [np.nan, 3.0], [0.0, 1.0]]),
        ),
        PlotPanel("two", "2d", pts2, pts2[:, 0] * pts2[:, 1]),
        PlotPanel("three", "nd", pts3, pts3.sum(axis=1)),
        PlotPanel("<four>", "unsupported", np.empty(0), np.empty(0)),
        PlotPanel("empty", "2d", np.empty((0, 2)), np.empty(0)),
    ]
    svg = plot_svg(panels)
    assert svg.count("<polyline") == 2  # one line per output dimension
    assert svg.count("data:image/png;base64,") == 2  # heat map and point cloud
    assert "&lt;four&gt;" in svg
    assert "no static view" in svg
    assert "nan" not in svg.split("<polyline")[1].split("/>")[0]  # the NaN row is skipped
    assert svg.count("linearGradient id=") == 3  # a colour bar per 2d/nd panel, unique ids
    ids = re.findall(r"linearGradient id='([^']*)'", svg)
    assert len(set(ids)) == len(ids)


def test_info_html_shows_the_state_and_escapes_tracebacks() -> None:
    state = {
        "status": "failed",
        "elapsed_time": 65.25,
        "npoints": 12,
        "loss": 0.00012,
        "overhead": 3.5,
        "n_pending": 0,
        "n_failed": 1,
        "error": "ValueError: <b>bad</b>",
        "last_traceback": None,
        "last_save_error": None,
    }
    bundle = info_bundle(state)
    assert "0:01:05.2" in bundle["text/html"] or "0:01:05.3" in bundle["text/html"]
    assert "1.2e-4" in bundle["text/html"]
    assert "&lt;b&gt;bad&lt;/b&gt;" in bundle["text/html"]
    assert "<b>bad</b>" not in bundle["text/html"]
    assert bundle["text/plain"].startswith("runner status: failed")


# -- the widgets' displays ----------------------------------------------------------------------
class Displays:
    def __init__(self) -> None:
        self.shown: list[tuple[dict, str]] = []
        self.updates: list[tuple[dict, str]] = []


@pytest.fixture
def displays(monkeypatch) -> Displays:
    import IPython.display

    rec = Displays()
    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda b, raw, metadata=None, display_id=None: rec.shown.append((b, display_id)),
    )
    monkeypatch.setattr(
        IPython.display,
        "update_display",
        lambda b, raw, metadata=None, display_id=None: rec.updates.append((b, display_id)),
    )
    return rec


def test_live_plot_is_displayed_with_its_static_view_and_updated_at_the_end(
    run, sent, displays
) -> None:
    async def main():
        learner = adaptive.Learner1D(np.sin, bounds=(-3, 3))
        runner = adaptive.Runner(learner, npoints_goal=30, executor=SequentialExecutor())
        w = LivePlot(runner, update_interval=0.01)
        w._ipython_display_()  # what IPython calls for `runner.live_plot()` as a cell's result
        w._ipython_display_()  # a second display of the same widget shares the display id
        await runner.task
        await asyncio.wait_for(w.task, 1)
        return w

    w = run(main())
    (live, no_id), (first, id1), (live2, _), (_, id2) = displays.shown
    assert no_id is None  # the widget's own output is never updated, so never redrawn
    assert id1 == id2
    assert live == live2
    # front ends with widgets show the widget; others draw its output as nothing
    assert live == {WIDGET_VIEW: live[WIDGET_VIEW], "text/html": "", "text/plain": ""}
    assert live[WIDGET_VIEW]["model_id"] == w.model_id
    # the companion output: the static view, which the widget's stylesheet hides where the
    # widget is drawn; no <style> of its own (a sanitizer would print it as text)
    assert WIDGET_VIEW not in first
    assert first["text/html"].startswith("<div class='adaptive-nb-static-for-plot'><div")
    assert "<style" not in first["text/html"]
    assert "<svg" in first["text/html"]
    assert (
        ".jp-OutputArea:has(.anb-plot:not(.jupyter-widgets-disconnected *)) > "
        ".jp-OutputArea-child:has(.adaptive-nb-static-for-plot)" in w._css
    )
    assert first["image/svg+xml"].startswith("<svg")
    assert "runner running" in first["text/plain"]
    ((final, id3),) = displays.updates  # one update, of the companion, when the poller stopped
    assert id3 == id1
    assert WIDGET_VIEW not in final
    assert "30 points, runner finished" in final["text/plain"]
    assert len(_polyline_points(final["image/svg+xml"])) == 30


def test_live_info_static_view_follows_the_final_snapshot(run, displays) -> None:
    async def main():
        learner = adaptive.Learner1D(lambda x: x**2, bounds=(-1, 1))
        runner = adaptive.Runner(learner, npoints_goal=20, executor=SequentialExecutor())
        w = LiveInfo(runner, update_interval=0.01)
        w._ipython_display_()
        await runner.task
        await asyncio.wait_for(w.task, 1)
        return w

    w = run(main())
    (live, _), (companion, display_id) = displays.shown
    assert live[WIDGET_VIEW]["model_id"] == w.model_id
    assert "adaptive-nb-static-for-info" in companion["text/html"]
    assert ":has(.anb-info:not(.jupyter-widgets-disconnected *))" in w._css
    assert w.get_state()["_css"] == w._css  # synced: a widget manager adds it to the page
    ((final, final_id),) = displays.updates
    assert final_id == display_id
    assert "finished" in final["text/html"]
    assert "points: 20" in final["text/plain"]


def test_a_widget_never_displayed_sends_no_update(run, sent, displays) -> None:
    async def main():
        runner = await finished_runner(adaptive.Learner1D(np.sin, bounds=(0, 1)), 5)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)

    run(main())
    assert displays.updates == []


def test_a_closed_widget_shows_only_its_static_view(run, sent, displays) -> None:
    async def main():
        runner = await finished_runner(adaptive.Learner1D(np.sin, bounds=(0, 1)), 5)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        w.close()
        w._ipython_display_()

    run(main())
    ((bundle, _),) = displays.shown
    assert WIDGET_VIEW not in bundle
    assert "<svg" in bundle["text/html"]


def test_a_plotter_figure_gets_a_caption_not_a_picture(run, sent, displays) -> None:
    from bokeh.plotting import figure

    async def main():
        runner = await finished_runner(adaptive.Learner1D(np.sin, bounds=(0, 1)), 5)
        w = LivePlot(runner, plotter=lambda lrn: figure(), update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        w._ipython_display_()

    run(main())
    _, (bundle, _) = displays.shown
    assert "image/svg+xml" not in bundle
    assert "needs a running kernel" in bundle["text/plain"]


# -- a real kernel, a saved notebook, nbconvert ------------------------------------------------
CELLS = [
    "import asyncio, time\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "import numpy as np\n"
    "import adaptive_nb as adaptive\n"
    "from adaptive_nb.notebook import live_widgets\n"
    "def f(x):\n    time.sleep(0.005)\n    return np.tanh(20 * x)\n"
    "learner = adaptive.Learner1D(f, bounds=(-1, 1))\n"
    "runner = adaptive.Runner(learner, npoints_goal=120, executor=ThreadPoolExecutor(2))\n"
    "runner.live_info(update_interval=0.05)\n"
    "plot = runner.live_plot(update_interval=0.05)\n"
    "display(plot)",
    # The run ends while a later cell executes: nbclient still gets the final update, addressed
    # to this cell (see _as_the_latest_request), and applies it to the first cell's outputs.
    "await runner.task\nawait asyncio.gather(*(w.task for w in live_widgets(runner)))",
    "lrn2 = adaptive.Learner2D(lambda xy: np.sin(4 * xy[0]) * xy[1], bounds=[(-1, 1), (-1, 1)])\n"
    "r2 = adaptive.Runner(lrn2, npoints_goal=200, executor=ThreadPoolExecutor(2))\n"
    "await r2.task\n"
    "r2.live_plot()",
    "%load_ext adaptive_nb\n"
    "learner3 = adaptive.Learner1D(f, bounds=(-1, 1))\n"
    "%adaptive_run --npoints 40 --name r3 learner3",
    "await r3.task\nawait asyncio.gather(*(w.task for w in live_widgets(r3)))",
]


def _execute(tmp_path):
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    env = {"PYTHONPATH": str(SRC)}
    import os

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(tmp_path)}},
        # as JupyterLab saves by default: outputs, no widget state
        store_widget_state=False,
    )
    client.execute(env=dict(os.environ, **env))
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    return nb, path


def static_outputs(cell):
    """The companion outputs: each follows its widget's own output, which shows no state."""
    outputs = [o for o in cell.outputs if o.get("output_type") == "display_data"]
    for own, companion in zip(outputs[::2], outputs[1::2], strict=True):
        assert own.data[WIDGET_VIEW]["version_major"] == 2
        assert (own.data["text/html"], own.data["text/plain"]) == ("", "")
        assert WIDGET_VIEW not in companion.data
    return outputs[1::2]


@pytest.mark.kernel
@pytest.mark.slow
def test_saved_notebook_holds_final_state_and_nbconvert_shows_it(tmp_path) -> None:
    t0 = time.monotonic()
    nb, path = _execute(tmp_path)
    assert static_outputs(nb.cells[1]) == []
    info, plot1, plot2 = static_outputs(nb.cells[0]) + static_outputs(nb.cells[2])
    assert "finished" in info.data["text/html"]
    found = re.search(r"points: (\d+)", info.data["text/plain"])
    assert found is not None
    npoints = int(found.group(1))
    assert npoints >= 120
    assert f"{npoints} points, runner finished" in plot1.data["text/plain"]
    assert len(_polyline_points(plot1.data["image/svg+xml"])) == npoints
    assert "Learner2D, " in plot2.data["text/plain"]
    assert "data:image/png;base64," in plot2.data["image/svg+xml"]
    magic_info, magic_plot = static_outputs(nb.cells[3])  # %adaptive_run's two widgets
    assert "runner status: finished" in magic_info.data["text/plain"]
    assert "runner finished" in magic_plot.data["text/plain"]

    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "saved.html").read_text()
    # no widget state saved, so nbconvert takes the static HTML instead of the widget view
    assert 'type="application/vnd.jupyter.widget-view+json"' not in page
    assert page.count("adaptive-nb-static-plot") == 3
    assert "static view of runner.live_info()" in page
    assert f"{npoints} points, runner finished" in page
    assert time.monotonic() - t0 < 60


def test_a_replaced_live_plot_saves_the_state_it_stopped_at(run, sent, displays) -> None:
    async def main():
        slow = adaptive.Learner1D(np.sin, bounds=(0, 1))
        runner = adaptive.Runner(slow, npoints_goal=10_000, executor=SequentialExecutor())
        first = LivePlot(runner, update_interval=0.01)  # name=None
        first._ipython_display_()
        await asyncio.sleep(0.05)
        second = LivePlot(await finished_runner(adaptive.Learner1D(np.cos, (0, 1)), 5))
        await asyncio.sleep(0.05)
        runner.cancel()
        await asyncio.wait_for(second.task, 1)
        return first, slow.npoints

    first, _ = run(main())
    ((bundle, display_id),) = displays.updates
    assert display_id == first._static_display_id
    assert "(live plot stopped)" in bundle["text/plain"]
    assert "runner running" in bundle["text/plain"]
