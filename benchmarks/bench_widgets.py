"""Live widgets: bytes, kernel CPU, kernel->page latency and render time; vs the reference.

    python benchmarks/bench_widgets.py            # full run (about 5 minutes on 2 cores)
    python benchmarks/bench_widgets.py --quick    # no 100k-point reference render, no browser
    python benchmarks/bench_widgets.py --no-browser

Measurements
------------
1. Bytes sent per live_plot update while a Learner1D grows to 100k points, 100 new points per
   update, at 1k, 10k and 100k points in total (must stay flat: only new points are sent).
   Reference: adaptive 1.5.2's live_plot re-renders ``learner.plot()`` with holoviews and sends
   the whole figure's data every update; we measure the size of that figure as bokeh JSON.
   The same for a 2D learner (the ring of issue 10) at 1k and 10k points: the page triangulates
   the points itself, so an update carries only the new points. The reference's 2D figure is
   measured on points its own Learner2D chose, which takes minutes at 10k (so --quick: 1k only).
2. Kernel CPU per update (``time.process_time`` around one update, in this process; the browser
   part repeats it inside a real kernel, where the message really goes over ZMQ).
3. In JupyterLab 4 + headless Chromium (127.0.0.1): kernel->page latency of live_info updates
   (kernel ``time.time()`` in the update vs the page's ``Date.now()`` when the DOM has changed;
   same host clock), and live_plot render time at 100k points (target <= 16 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# The browser harness (tests/browser) imports the shared helpers as ``_support`` (tests/).
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import numpy as np  # noqa: E402 - after the sys.path setup

import adaptive_nb  # noqa: E402 - after the sys.path setup
from adaptive_nb.notebook import LiveInfo, LivePlot  # noqa: E402 - after the sys.path setup
from adaptive_nb.runner import SequentialExecutor  # noqa: E402 - after the sys.path setup

MILESTONES = [1_000, 10_000, 100_000]
STEP = 100  # new points per update


def f(x: float) -> float:
    return x + 0.01**2 / (0.01**2 + (x - 0.123) ** 2)


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def ours_in_process() -> dict[int, dict[str, float]]:
    """Grow a Learner1D to 100k points; measure live_plot/live_info updates at the milestones."""

    async def main() -> dict[int, dict[str, float]]:
        learner = adaptive_nb.Learner1D(f, bounds=(-1, 1))
        runner = adaptive_nb.Runner(learner, npoints_goal=2, executor=SequentialExecutor())
        await runner.task  # finished: we drive the updates by hand, as the poller would
        plot = LivePlot(runner)
        info = LiveInfo(runner)
        await asyncio.sleep(0)
        rng = np.random.default_rng(0)
        out: dict[int, dict[str, float]] = {}
        for total in MILESTONES:
            # grow in bulk up to just below the milestone, then time 10 updates of STEP points
            bulk = total - learner.npoints - 10 * STEP
            if bulk > 0:
                xs = rng.uniform(-1, 1, bulk)
                learner.tell_many(xs, [f(x) for x in xs])
                plot._push(final=False)
            sizes, cpu_plot, cpu_info = [], [], []
            for _ in range(10):
                xs = rng.uniform(-1, 1, STEP)
                learner.tell_many(xs, [f(x) for x in xs])
                before = plot.bytes_sent
                t0 = time.process_time()
                plot._push(final=False)
                cpu_plot.append(time.process_time() - t0)
                sizes.append(plot.bytes_sent - before)
                t0 = time.process_time()
                info._push(final=False)
                cpu_info.append(time.process_time() - t0)
            out[total] = {
                "npoints": learner.npoints,
                "bytes": statistics.median(sizes),
                "cpu_plot_ms": 1000 * statistics.median(cpu_plot),
                "cpu_info_ms": 1000 * statistics.median(cpu_info),
            }
        return out

    return asyncio.run(main())


def ring(p: Any) -> float:
    x, y = p
    return float(x * y + np.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2))


MILESTONES_2D = [1_000, 10_000]


def _learner_2d() -> Any:
    """adaptive_nb's Learner2D, or (before it exists) a learner with its data interface."""
    cls = getattr(adaptive_nb, "Learner2D", None)
    if cls is not None:
        return cls(ring, bounds=[(-1, 1), (-1, 1)])
    from _support.fake_learners import BoxLearner

    return BoxLearner(ring, [(-1, 1), (-1, 1)])


def ours_2d_in_process() -> tuple[str, dict[int, dict[str, float]]]:
    """Bytes and kernel CPU per live_plot update of a 2D learner, STEP new points per update."""

    async def main() -> dict[int, dict[str, float]]:
        learner = _learner_2d()
        rng = np.random.default_rng(0)
        runner = adaptive_nb.Runner(learner, npoints_goal=2, executor=SequentialExecutor())
        await runner.task
        plot = LivePlot(runner)
        out: dict[int, dict[str, float]] = {}
        for total in MILESTONES_2D:
            bulk = max(0, total - learner.npoints - 10 * STEP)
            pts = [tuple(p) for p in rng.uniform(-1, 1, (bulk, 2))]
            learner.tell_many(pts, [ring(p) for p in pts])
            plot._push(final=False)
            sizes, cpu = [], []
            for _ in range(10):
                pts = [tuple(p) for p in rng.uniform(-1, 1, (STEP, 2))]
                learner.tell_many(pts, [ring(p) for p in pts])
                before = plot.bytes_sent
                t0 = time.process_time()
                plot._push(final=False)
                cpu.append(time.process_time() - t0)
                sizes.append(plot.bytes_sent - before)
            out[total] = {
                "npoints": learner.npoints,
                "bytes": statistics.median(sizes),
                "cpu_plot_ms": 1000 * statistics.median(cpu),
            }
        return out

    return type(_learner_2d()).__name__, asyncio.run(main())


def reference_bytes_2d(sizes: list[int]) -> dict[int, tuple[int, float]]:
    """Size of the reference live_plot's per-update figure for its Learner2D, as bokeh JSON.

    The reference learner picks its own points (``plot()`` sizes its image by the smallest
    triangle, so random points would inflate the figure unfairly); that is the slow part here.
    """
    import adaptive
    import holoviews as hv
    from bokeh.embed import json_item

    hv.extension("bokeh", logo=False)
    out = {}
    learner = adaptive.Learner2D(ring, bounds=[(-1, 1), (-1, 1)])
    for n in sizes:
        adaptive.runner.simple(learner, npoints_goal=n)
        t0 = time.perf_counter()
        text = json.dumps(json_item(hv.render(learner.plot(), backend="bokeh")))
        out[n] = (len(text), time.perf_counter() - t0)
    return out


def reference_bytes(sizes: list[int]) -> dict[int, tuple[int, float]]:
    """Size of the reference live_plot's per-update payload: the whole figure as bokeh JSON."""
    import adaptive
    import holoviews as hv
    from bokeh.embed import json_item

    hv.extension("bokeh", logo=False)
    out = {}
    rng = np.random.default_rng(0)
    learner = adaptive.Learner1D(f, bounds=(-1, 1))
    learner.tell_many([-1.0, 1.0], [f(-1.0), f(1.0)])  # sets vdim
    for n in sizes:
        # plot() only reads learner.data; filled directly because the reference's tell_many
        # is quadratic at this size (40k points took 130 s here)
        xs = rng.uniform(-1, 1, n - learner.npoints)
        learner.data.update(zip(xs.tolist(), [f(x) for x in xs], strict=True))
        t0 = time.perf_counter()
        item = json_item(hv.render(learner.plot(), backend="bokeh"))
        text = json.dumps(item)
        out[n] = (len(text), time.perf_counter() - t0)
    return out


BROWSER_CELLS = [
    """
import asyncio, time, statistics, json
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import adaptive_nb as adaptive
from adaptive_nb.notebook import LivePlot
from adaptive_nb.runner import SequentialExecutor

def f(x):
    return x + 0.01**2 / (0.01**2 + (x - 0.123) ** 2)

def slow(x):
    time.sleep(0.004)
    return f(x)

# latency: a live_info on a running runner, 20 updates per second
lat_runner = adaptive.Runner(adaptive.Learner1D(slow, (-1, 1)), executor=ThreadPoolExecutor(2))
lat_runner.live_info(update_interval=0.05)
""",
    """
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=2, executor=SequentialExecutor())
await runner.task
plot = LivePlot(runner)
plot
""",
    """
rng = np.random.default_rng(0)
cpu = {}
for total in [1_000, 10_000, 100_000]:
    bulk = total - learner.npoints - 10 * 100
    if bulk > 0:
        xs = rng.uniform(-1, 1, bulk)
        learner.tell_many(xs, [f(x) for x in xs])
        plot._push(final=False)
        await asyncio.sleep(0.5)
    c = []
    for _ in range(10):
        xs = rng.uniform(-1, 1, 100)
        learner.tell_many(xs, [f(x) for x in xs])
        t0 = time.process_time(); plot._push(final=False); c.append(time.process_time() - t0)
        await asyncio.sleep(0.1)
    cpu[total] = 1000 * statistics.median(c)
lat_runner.cancel()
print("CPU", json.dumps(cpu))
""",
]


def browser_measurements() -> dict[str, Any]:
    from jupyter_harness import cell_output, jupyter_server, open_notebook, run_cell
    from playwright.sync_api import sync_playwright

    from _support.browser import CHROMIUM_ARGS, LOCAL, chromium

    with (
        tempfile.TemporaryDirectory() as tmp,
        jupyter_server(Path(tmp), "lab") as srv,
        sync_playwright() as p,
    ):
        ctx = p.chromium.launch_persistent_context(
            str(Path(tmp) / "profile"),
            executable_path=chromium(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 1000},
        )
        page = ctx.new_page()
        external: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(LOCAL) else external.append(r.url),
        )
        open_notebook(page, srv.write_notebook("bench.ipynb", BROWSER_CELLS))
        run_cell(page, 0)
        run_cell(page, 1)
        page.wait_for_selector(".anb-canvas", timeout=30_000)
        time.sleep(3)  # collect ~60 live_info updates
        lat = page.evaluate("() => window.__adaptiveNbInfoLatency.slice()")
        run_cell(page, 2)
        cpu = json.loads(cell_output(page, 2).split("CPU", 1)[1].strip().splitlines()[0])
        page.wait_for_function(
            "() => Number(document.querySelector('.anb-plot').dataset.npoints) >= 100000",
            timeout=30_000,
        )
        stats = page.evaluate("() => window.__adaptiveNbPlotStats")
        page.evaluate("() => window.__panel.sessionContext.shutdown()")
        ctx.close()
    renders = list(zip(stats["points"], stats["renderMs"], strict=True))
    at_100k = [ms for n, ms in renders if n >= 99_000]
    return {
        "latency_ms": lat,
        "kernel_cpu_ms": {int(k): v for k, v in cpu.items()},
        "render_ms_100k": at_100k,
        "renders": renders,
        "external": external,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    ours = ours_in_process()
    ref_sizes = [1_000, 10_000] if args.quick else MILESTONES
    ref = reference_bytes(ref_sizes)
    print(f"live_plot bytes per update ({STEP} new points per update, Learner1D):")
    print(f"{'total points':>14} {'adaptive_nb':>12} {'reference*':>12} {'ratio':>8}")
    for total in MILESTONES:
        r = ref.get(total)
        ours_b = ours[total]["bytes"]
        ref_txt = _fmt(r[0]) if r else "-"
        ratio = f"{r[0] / ours_b:,.0f}x" if r else "-"
        print(f"{_fmt(total):>14} {_fmt(ours_b):>12} {ref_txt:>12} {ratio:>8}")
    print("  * reference: adaptive 1.5.2's live_plot sends the whole re-rendered figure every")
    print("    update; measured as len(json.dumps(json_item(hv.render(learner.plot())))).")
    for total, (_, secs) in ref.items():
        print(
            f"    reference render time at {_fmt(total)} points: {1000 * secs:,.0f} ms per update"
        )
    name_2d, ours_2d = ours_2d_in_process()
    ref_2d = reference_bytes_2d(MILESTONES_2D[:1] if args.quick else MILESTONES_2D)
    print(f"live_plot bytes per update ({STEP} new points per update, 2D: {name_2d}):")
    print(f"{'total points':>14} {'adaptive_nb':>12} {'reference*':>12} {'ratio':>8} {'CPU ms':>8}")
    for total in MILESTONES_2D:
        ours_b = ours_2d[total]["bytes"]
        ref_b = ref_2d[total][0] if total in ref_2d else None
        ref_txt, ratio = (_fmt(ref_b), f"{ref_b / ours_b:,.0f}x") if ref_b else ("-", "-")
        print(
            f"{_fmt(total):>14} {_fmt(ours_b):>12} {ref_txt:>12} {ratio:>8}"
            f" {ours_2d[total]['cpu_plot_ms']:>8.3f}"
        )
    print("  * reference: adaptive 1.5.2's Learner2D.plot() (interpolated image) as bokeh JSON,")
    print("    on points its Learner2D chose; CPU ms: our kernel CPU per update, in-process.")
    for total, (_, secs) in ref_2d.items():
        print(f"    its render time at {_fmt(total)} points: {1000 * secs:,.0f} ms per update")
    print("kernel CPU per update (in-process, no comm), median of 10:")
    for total in MILESTONES:
        o = ours[total]
        print(
            f"  {_fmt(total):>8} points: live_plot {o['cpu_plot_ms']:.3f} ms,"
            f" live_info {o['cpu_info_ms']:.3f} ms"
        )
    if args.quick or args.no_browser:
        return
    # No catch-all here: scripts/bench.sh installs Chromium and playwright, so a failure is a
    # bug to see (a broad except once hid a broken import behind "skipped").
    b = browser_measurements()
    lat = sorted(b["latency_ms"][5:])  # skip the first updates (page still loading)
    print(f"kernel->page latency of a live_info update (JupyterLab, {len(lat)} updates):")
    print(
        f"  median {statistics.median(lat):.1f} ms, p90 {lat[int(0.9 * len(lat))]:.1f} ms,"
        f" max {lat[-1]:.1f} ms"
    )
    print("kernel CPU per live_plot update inside the kernel (real comm), median of 10:")
    for total, ms in sorted(b["kernel_cpu_ms"].items()):
        print(f"  {_fmt(total):>8} points: {ms:.3f} ms")
    r = b["render_ms_100k"]
    if r:
        print(
            f"page render time at >= 99k points (Chromium, headless, {len(r)} renders): median"
            f" {statistics.median(r):.1f} ms, max {max(r):.1f} ms (target <= 16 ms)"
        )
    print(f"requests that left 127.0.0.1: {len(b['external'])}")


if __name__ == "__main__":
    main()
