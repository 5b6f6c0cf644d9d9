"""LivePlot for learners over 2+ input dimensions: views, incremental bytes, vectors, panels.

Learner2D where it exists; ``BoxLearner`` (tests/_support/fake_learners.py) has exactly the data
interface of Learner2D / LearnerND that the view relies on, for 3+ dimensions and edge cases.
"""

import asyncio
from types import SimpleNamespace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull
from widget_helpers import decode_points as decode
from widget_helpers import finished_runner, front_end_message

import adaptive_nb as adaptive
from _support.fake_learners import BoxLearner
from adaptive_nb.notebook import LivePlot
from adaptive_nb.notebook._live_plot2d import panel_meta


def ring(p):
    x, y = p
    return x * y + np.exp(-((x**2 + y**2 - 0.75**2) ** 2) / 0.01**2)


@pytest.mark.parametrize("cls", [adaptive.Learner2D, BoxLearner])
def test_2d_learner_gets_a_heat_map_panel_and_each_point_once(run, sent, cls) -> None:
    async def main():
        learner = cls(ring, [(-1, 1), (-0.5, 2)])
        runner = await finished_runner(learner, 50)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        pts, _ = learner.ask(7)
        learner.tell_many(pts, [ring(p) for p in pts])
        assert w._push(final=False)
        assert not w._push(final=False)
        return learner, w

    learner, w = run(main())
    assert w._panels == [
        {
            "title": "",
            "kind": "2d",
            "box": [[-1.0, 1.0], [-0.5, 2.0]],
            "dim": 2,
            "xlabel": "x",
            "ylabel": "y",
            "zlabel": "ring(x, y)",
        }
    ]
    appends = sent.of_type("append")
    heads = [m[0]["series"][0] for m in appends]
    assert [(h["start"], h["n"]) for h in heads] == [(0, 50), (50, 7)]
    assert {m[0]["series"][0]["dim"] for m in appends} == {2}
    pts, vals = decode(appends)[0]
    want_pts, want_vals = learner.data_since(0)
    np.testing.assert_array_equal(pts, want_pts)
    np.testing.assert_array_equal(vals[:, 0], want_vals)


@pytest.mark.parametrize("total", [1_000, 10_000])
def test_bytes_per_update_scale_with_new_points_not_total(run, sent, total) -> None:
    async def main():
        learner = adaptive.Learner2D(ring, bounds=[(-1, 1), (-1, 1)])
        pts = np.random.default_rng(total).uniform(-1, 1, (total, 2))
        learner.tell_many(pts, [ring(p) for p in pts])
        runner = await finished_runner(learner, total)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        sizes: list[int] = []
        for _ in range(3):
            before = w.bytes_sent
            new, _ = learner.ask(100)
            learner.tell_many(new, [ring(p) for p in new])
            assert learner.npoints == total + 100 * (len(sizes) + 1)
            w._push(final=False)
            sizes.append(w.bytes_sent - before)
        return sizes

    for size in run(main()):
        assert 100 * 24 <= size < 100 * 24 + 400  # 100 new (x, y, value) float64 triples + header


def test_3d_learner_gets_a_projection_panel(run, sent) -> None:
    async def main():
        learner = BoxLearner(sum, [(0, 1), (0, 2), (0, 3)])
        runner = await finished_runner(learner, 40)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return w

    w = run(main())
    assert w._panels == [
        {"title": "", "kind": "nd", "box": [[0, 1], [0, 2], [0, 3]], "dim": 3, "zlabel": "sum(x)"}
    ]
    pts, vals = decode(sent.of_type("append"))[0]
    assert pts.shape == (40, 3)
    np.testing.assert_allclose(vals[:, 0], pts.sum(axis=1))


def test_balancing_learner_of_2d_learners_gets_small_multiples(run, sent) -> None:
    async def main():
        learners = [adaptive.Learner2D(ring, [(-a, a), (-a, a)]) for a in (1, 2, 3, 4)]
        runner = await finished_runner(adaptive.BalancingLearner(learners), 80)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return learners, w

    learners, w = run(main())
    assert [p["title"] for p in w._panels] == [f"learner {i}" for i in range(4)]
    assert {p["kind"] for p in w._panels} == {"2d"}
    assert [p["box"][0] for p in w._panels] == [[-a, a] for a in (1, 2, 3, 4)]
    got = decode(sent.of_type("append"))
    for i, lrn in enumerate(learners):
        np.testing.assert_array_equal(got[i][0], lrn.data_since(0)[0])


def test_resync_resends_every_2d_point(run, sent) -> None:
    async def main():
        learner = BoxLearner(ring, [(-1, 1), (-1, 1)])
        runner = await finished_runner(learner, 25)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        front_end_message(w, {"type": "resync"})
        return learner

    learner = run(main())
    (content, _), *_ = sent.of_type("full")
    assert content["series"][0]["n"] == 25
    # The resend names how many of its last points came in the latest appended chunk, so a page
    # that loads the widget again rings the same newest points.
    last_append = sent.of_type("append")[-1][0]["series"][0]["n"]
    assert content["series"][0]["newest"] == last_append > 0
    np.testing.assert_array_equal(decode(sent.of_type("full"))[0][0], learner.data_since(0)[0])


def _leaf(bounds, points):
    def data_since(start):
        return np.asarray(points, float)[start:], np.zeros(len(points) - start)

    return SimpleNamespace(bounds=bounds, npoints=len(points), data_since=data_since)


def test_panel_kind_follows_the_bounds_or_else_the_data() -> None:
    hull = ConvexHull([(0, 0), (2, 0), (1, 3)])
    assert panel_meta("", _leaf(hull, [])) == {
        "title": "",
        "kind": "2d",
        "box": [[0.0, 2.0], [0.0, 3.0]],
        "dim": 2,
    }
    tetra = ConvexHull([(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 4)])
    assert panel_meta("t", _leaf(tetra, []))["kind"] == "nd"
    assert panel_meta("", _leaf((-1, 1), [])) == {"title": "", "kind": "1d", "bounds": [-1.0, 1.0]}
    # no readable bounds: the shape of the data decides
    assert panel_meta("", _leaf(None, [[0, 0, 0, 0]]))["kind"] == "nd"
    assert panel_meta("", _leaf("nonsense", [[0, 0]])) == {
        "title": "",
        "kind": "2d",
        "box": None,
        "dim": 2,
    }


def test_values_that_do_not_match_the_points_are_reported(run, sent) -> None:
    class Broken(BoxLearner):
        def data_since(self, start):
            pts, vals = super().data_since(start)
            return pts, vals[:-1]

    async def main():
        runner = await finished_runner(Broken(ring, [(0, 1), (0, 1)]), 10)
        with pytest.raises(ValueError, match="returned 10 points but values of shape"):
            LivePlot(runner)

    run(main())


def test_data_saver_of_a_learner2d_shows_the_inner_learner(run, sent) -> None:
    async def main():
        inner = adaptive.Learner2D(lambda p: {"v": ring(p), "meta": "kept"}, [(-1, 1), (-1, 1)])
        saver = adaptive.DataSaver(inner, arg_picker=lambda r: r["v"])
        runner = await finished_runner(saver, 40)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return inner, w

    inner, w = run(main())
    assert w._panels[0]["kind"] == "2d"
    pts, vals = decode(sent.of_type("append"))[0]
    np.testing.assert_array_equal(pts, inner.data_since(0)[0])
    np.testing.assert_array_equal(vals[:, 0], [inner.data[tuple(p)] for p in pts])


@pytest.mark.parametrize(
    ("bounds", "kind", "box"),
    [
        (ConvexHull([(0, 0), (2, 0), (1, 3)]), "2d", [[0.0, 2.0], [0.0, 3.0]]),
        ([(-1, 1), (0, 1), (0, 2)], "nd", [[-1.0, 1.0], [0.0, 1.0], [0.0, 2.0]]),
    ],
    ids=["2d-hull", "3d-box"],
)
def test_learner_nd_gets_the_view_of_its_dimension(run, sent, bounds, kind, box) -> None:
    async def main():
        learner = adaptive.LearnerND(lambda p: float(np.sum(np.square(p))), bounds)
        runner = await finished_runner(learner, 60)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        return learner, w

    learner, w = run(main())
    labels = (
        {"xlabel": "x", "ylabel": "y", "zlabel": "f(x, y)"} if kind == "2d" else {"zlabel": "f(x)"}
    )
    assert w._panels == [{"title": "", "kind": kind, "box": box, "dim": len(box), **labels}]
    pts, vals = decode(sent.of_type("append"))[0]
    want_pts, want_vals = learner.data_since(0)
    np.testing.assert_array_equal(pts, want_pts)
    np.testing.assert_array_equal(vals[:, 0], want_vals)
    assert len(pts) == learner.npoints


@settings(max_examples=25, deadline=None)
@given(
    batches=st.lists(st.lists(st.booleans(), max_size=4), min_size=1, max_size=6),
    dim=st.integers(2, 4),
    vector=st.booleans(),
)
def test_any_interleaving_of_tells_and_updates_sends_each_point_once_in_order(
    batches, dim, vector
) -> None:
    """Batches of tells, each followed by 0+ updates (True: push; False: a resync request)."""

    def f(p):
        return [sum(p), -sum(p)] if vector else sum(p)

    messages = []

    def send(self, content, buffers=None):
        messages.append((content, [bytes(b) for b in buffers or []]))

    async def main():
        learner = BoxLearner(f, [(0, 1)] * dim, seed=len(batches))
        runner = await finished_runner(learner, 1)
        with patch.object(LivePlot, "send", send):
            w = LivePlot(runner)
            for i, actions in enumerate(batches):
                pts, _ = learner.ask(i + 1)
                learner.tell_many(pts, [f(p) for p in pts])
                for push in actions:
                    if push:
                        w._push(final=False)
                    else:
                        front_end_message(w, {"type": "resync"})
            w._push(final=True)
            w.task.cancel()
        return learner

    learner = asyncio.run(main())
    data = [m for m in messages if m[0].get("type") in ("append", "full")]
    pts, vals = decode(data)[0]
    want_pts, want_vals = learner.data_since(0)
    np.testing.assert_array_equal(pts, want_pts)
    np.testing.assert_array_equal(vals, want_vals.reshape(len(want_pts), -1))
