"""LivePlot with real learners: only new points are sent, views, resync, names, plotters."""

import asyncio
import json
from functools import partial
from operator import itemgetter, mul
from typing import Any

import numpy as np
import pytest
from widget_helpers import decode_points, finished_runner, front_end_message

import adaptive_nb as adaptive
from _support.fake_learners import BoxLearner
from adaptive_nb import notebook_integration
from adaptive_nb.notebook import LivePlot
from adaptive_nb.notebook._live_plot2d import axis_labels, data_since, function_name
from adaptive_nb.runner import SequentialExecutor


def all_data(learner: Any) -> tuple[Any, Any]:
    """All of ``learner``'s points and values through the fast view the widget reads."""
    view = data_since(learner)
    assert view is not None
    return view(0)


def decode(messages):
    """Rows (x, y...) per panel, in the order received, from append/full messages."""
    return {i: np.column_stack([x, y]) for i, (x, y) in decode_points(messages).items()}


def test_sends_each_point_once_in_tell_order(run, sent) -> None:
    async def main():
        learner = adaptive.Learner1D(np.sin, bounds=(-3, 3))
        runner = await finished_runner(learner, 40)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        # the learner keeps growing (e.g. told by hand): the next update has only the new points
        xs = np.linspace(-2.9, 2.9, 25) + 1e-3  # none of them already in the learner
        learner.tell_many(xs, np.sin(xs))
        assert w._push(final=False)
        assert not w._push(final=False)  # nothing new, nothing sent
        return learner, w

    learner, w = run(main())
    appends = sent.of_type("append")
    assert [m[0]["series"][0]["start"] for m in appends] == [0, 40]
    assert [m[0]["series"][0]["n"] for m in appends] == [40, 25]
    pts = decode(appends)[0]
    x, y = all_data(learner)
    np.testing.assert_array_equal(pts[:, 0], x)
    np.testing.assert_array_equal(pts[:, 1], y)
    assert w._panels == [
        {"title": "", "kind": "1d", "bounds": [-3.0, 3.0], "xlabel": "x", "ylabel": "sin(x)"}
    ]
    assert w._status == "live"


def test_bytes_per_update_scale_with_new_points_not_total(run, sent) -> None:
    async def main():
        learner = adaptive.Learner1D(np.sin, bounds=(-3, 3))
        xs = np.random.default_rng(0).uniform(-3, 3, 20_000)
        learner.tell_many(xs, np.sin(xs))
        runner = await finished_runner(learner, 20_000)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        sizes: list[int] = []
        for _ in range(3):
            before = w.bytes_sent
            new = np.random.default_rng(100 + len(sizes)).uniform(-3, 3, 100)
            learner.tell_many(new, np.sin(new))
            w._push(final=False)
            sizes.append(w.bytes_sent - before)
        return sizes

    sizes = run(main())
    for size in sizes:
        assert 100 * 16 <= size < 100 * 16 + 400  # 100 new (x, y) float64 pairs + a JSON header


@pytest.mark.parametrize(
    "make",
    [
        lambda: adaptive.Learner1D(lambda x: [x, x**2, -x], bounds=(-1, 1)),
        lambda: adaptive.Learner2D(lambda p: [p[0], p[1], p[0] * p[1]], [(0, 1), (0, 1)]),
        lambda: BoxLearner(lambda p: [p[0], p[1], p[0] * p[1], 1], [(0, 1), (0, 1), (0, 1)]),
    ],
    ids=["1d", "2d", "3d"],
)
def test_vector_output_sends_every_component(run, sent, make) -> None:
    async def main():
        learner = make()
        runner = await finished_runner(learner, 30)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return learner

    learner = run(main())
    (content, _), *_ = sent.of_type("append")
    assert content["series"][0]["vdim"] == learner.vdim > 1
    _, values = decode_points(sent.of_type("append"))[0]
    np.testing.assert_array_equal(values, all_data(learner)[1])


def test_balancing_learner_gets_one_panel_per_child(run, sent) -> None:
    async def main():
        learners = [adaptive.Learner1D(partial(mul, a), bounds=(-a, a)) for a in (1, 2, 3)]
        bl = adaptive.BalancingLearner(learners)
        runner = await finished_runner(bl, 60)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return learners, w

    learners, w = run(main())
    assert [p["title"] for p in w._panels] == ["learner 0", "learner 1", "learner 2"]
    assert [p["bounds"] for p in w._panels] == [[-1, 1], [-2, 2], [-3, 3]]
    got = decode(sent.of_type("append"))
    assert sorted(got) == [0, 1, 2]
    for i, lrn in enumerate(learners):
        assert len(got[i]) == lrn.npoints


def test_data_saver_shows_its_inner_learner(run, sent) -> None:
    async def main():
        inner = adaptive.Learner1D(lambda x: {"y": x**2, "extra": "kept"}, bounds=(0, 2))
        saver = adaptive.DataSaver(inner, arg_picker=itemgetter("y"))
        runner = await finished_runner(saver, 20)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return inner, w

    inner, w = run(main())
    assert w._panels[0]["bounds"] == [0.0, 2.0]
    assert len(decode(sent.of_type("append"))[0]) == inner.npoints == 20


def test_resync_sends_everything_sent_so_far(run, sent) -> None:
    async def main():
        learner = adaptive.Learner1D(np.cos, bounds=(0, 1))
        runner = await finished_runner(learner, 15)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        front_end_message(w, {"type": "resync"})  # a second tab / a reloaded page
        return learner

    learner = run(main())
    (content, bufs), *_ = sent.of_type("full")
    assert content["series"][0]["start"] == 0
    assert content["series"][0]["n"] == learner.npoints
    assert np.frombuffer(bufs[0], "<f8").tolist() == all_data(learner)[0].tolist()


def test_same_name_replaces_the_old_live_plot(run, sent) -> None:
    async def main():
        learner = adaptive.Learner1D(np.sin, bounds=(-1, 1))
        runner = adaptive.Runner(learner, executor=SequentialExecutor())  # runs until cancelled
        first = LivePlot(runner, update_interval=0.01, name="p")
        await asyncio.sleep(0.03)
        second = LivePlot(runner, update_interval=0.01, name="p")
        await asyncio.sleep(0.03)
        state = (
            first.task.done(),
            first._status,
            notebook_integration.active_plotting_tasks.get("p") is second.task,
        )
        front_end_message(second, {"type": "stop"})  # the stop button
        await asyncio.sleep(0.01)
        runner.cancel()
        return state, second

    (first_done, first_status, registered), second = run(main())
    assert first_done
    assert first_status == "live plot stopped"
    assert registered
    assert second._status == "live plot stopped"
    assert "p" not in notebook_integration.active_plotting_tasks


def test_custom_plotter_is_rendered_as_bokeh_json_and_bokehjs_ships_offline(run, sent) -> None:
    calls = []

    def plotter(learner):
        calls.append(learner.npoints)
        if len(calls) == 1:
            raise ZeroDivisionError("first call fails")
        return learner.plot()

    async def main():
        learner = adaptive.Learner1D(np.sin, bounds=(-1, 1))
        runner = await finished_runner(learner, 20)
        w = LivePlot(runner, plotter=plotter)
        err_after_first = w._error
        await asyncio.wait_for(w.task, 5)
        front_end_message(w, {"type": "need_bokeh"})
        return w, err_after_first

    w, err_after_first = run(main())
    assert "ZeroDivisionError: first call fails" in err_after_first
    assert w._error == ""  # cleared by the next good render
    assert w._mode == "bokeh"
    doc = json.loads(w._bokeh_item)
    assert doc["seq"] >= 1
    assert "doc" in doc["item"]
    (content, bufs), *_ = sent.of_type("bokeh_js")
    assert content["version"] == w._bokeh_version
    assert len(bufs[0]) > 500_000
    assert b"Bokeh" in bufs[0][:5000] or b"bokeh" in bufs[0][:5000]


def test_learner_without_view_or_plot_is_refused(run) -> None:
    class Opaque:
        npoints = 0

    async def main():
        fut = asyncio.get_running_loop().create_future()

        class R:
            learner = Opaque()
            task = fut

        with pytest.raises(TypeError, match="pass plotter="):
            LivePlot(R())  # type: ignore[arg-type]  # not a runner: refused
        fut.cancel()

    run(main())


class _Incremental:
    """What the live plot needs of a learner (the IncrementalLearner protocol)."""

    def __init__(self, xs: list[float]) -> None:
        self.xs = xs

    @property
    def npoints(self) -> int:
        return len(self.xs)

    def data_since(self, start: int) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(self.xs[start:], dtype=float)
        return x, 2 * x


def test_fast_view_reads_the_public_data_since() -> None:
    from adaptive_nb._protocols import IncrementalLearner
    from adaptive_nb.notebook import _live_plot, _live_plot2d

    leaf = _Incremental([0.5, -1.0, 0.25])
    assert isinstance(leaf, IncrementalLearner)
    assert _live_plot._leaves(leaf) == [("", leaf)]
    method = _live_plot2d.data_since(leaf)
    assert method is not None
    x, y = method(1)
    assert x.tolist() == [-1.0, 0.25]
    assert y.tolist() == [-2.0, 0.5]
    assert _live_plot._leaves(object()) is None  # neither data_since nor a known container


def peak(x: float, width: float = 0.1) -> float:
    return float(np.exp(-(x**2) / width**2))


def test_axis_labels_come_from_the_names_given_else_the_function() -> None:
    learner = adaptive.Learner1D(peak, bounds=(-1, 1))
    assert axis_labels("1d", learner) == {"xlabel": "x", "ylabel": "peak(x)"}
    assert axis_labels("1d", learner, x_name="t") == {"xlabel": "t", "ylabel": "peak(t)"}
    assert axis_labels("1d", learner, name="run A")["ylabel"] == "run A"
    assert axis_labels("1d", learner, name=("not", "a", "label"))["ylabel"] == "peak(x)"
    assert axis_labels("1d", learner, y_name="height", name="run A")["ylabel"] == "height"
    # a lambda has no name worth showing; a partial shows the function it wraps
    assert axis_labels("1d", adaptive.Learner1D(lambda x: x, (0, 1)))["ylabel"] == "f(x)"
    assert function_name(adaptive.Learner1D(partial(peak, width=1), (0, 1))) == "peak"
    ring = adaptive.Learner2D(lambda p: p[0], bounds=[(0, 1), (0, 1)])
    assert axis_labels("2d", ring, x_name="a") == {
        "xlabel": "a",
        "ylabel": "y",
        "zlabel": "f(a, y)",
    }
    assert axis_labels("2d", ring, z_name="E")["zlabel"] == "E"
    assert axis_labels("unsupported", None) == {}


def test_live_plot_labels_its_axes_and_sends_them_once(run, sent) -> None:
    async def main():
        learner = adaptive.Learner1D(peak, bounds=(-1, 1))
        runner = await finished_runner(learner, 30)
        plain = LivePlot(runner, name="plain")
        await asyncio.wait_for(plain.task, 1)
        bytes_plain = plain.bytes_sent
        named = notebook_integration.live_plot(
            runner, name="named", x_name="time (s)", y_name="signal"
        )
        await asyncio.wait_for(named.task, 1)
        return plain, named, bytes_plain

    plain, named, bytes_plain = run(main())
    assert plain._panels[0]["ylabel"] == "plain"  # a string name labels the output
    assert (named._panels[0]["xlabel"], named._panels[0]["ylabel"]) == ("time (s)", "signal")
    # labels travel with the panel list (a trait, sent once), not with each data update; the
    # messages differ only in their timestamps' digits
    assert abs(named.bytes_sent - bytes_plain) <= 8


def test_axis_label_that_is_not_a_string_is_refused(run) -> None:
    async def main():
        runner = await finished_runner(adaptive.Learner1D(peak, bounds=(-1, 1)), 5)
        with pytest.raises(TypeError, match="x_name must be a string"):
            LivePlot(runner, x_name=3)  # type: ignore[arg-type]

    run(main())


def test_runner_live_plot_passes_the_labels_on(run, sent) -> None:
    async def main():
        learner = adaptive.Learner2D(lambda p: p[0] * p[1], bounds=[(0, 1), (0, 1)])
        runner = await finished_runner(learner, 20)
        w = runner.live_plot(update_interval=0.01, x_name="u", y_name="v", z_name="uv")
        await asyncio.wait_for(w.task, 1)
        return w

    w = run(main())
    labels = {k: w._panels[0][k] for k in ("xlabel", "ylabel", "zlabel")}
    assert labels == {"xlabel": "u", "ylabel": "v", "zlabel": "uv"}
