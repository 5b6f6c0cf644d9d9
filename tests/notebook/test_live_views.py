"""LivePlot views of AverageLearner, AverageLearner1D, IntegratorLearner and SequenceLearner.

``PageModel`` replays the messages the way js/src/live_plot.ts applies them (append with a
``start`` check, ``reset``, upsert by x with a ``total`` check), so a test can compare what a page
would hold with the learner. ``FakeAverage1D`` has the data interface of AverageLearner1D that the
view relies on (``data`` {x: mean}, ``_number_samples`` {x: count}, ``error`` and ``bounds``, as
the reference's; ``nsamples`` is the total).
"""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from widget_helpers import finished_runner, front_end_message

import adaptive_nb as adaptive
from adaptive_nb.learner.base_learner import BaseLearner
from adaptive_nb.notebook import LivePlot
from adaptive_nb.notebook._live_views import view_source


def _source(learner: Any) -> Any:
    src = view_source(learner)
    assert src is not None
    return src


class PageModel:
    """What a page holds per panel after applying LivePlot's view chunks."""

    def __init__(self) -> None:
        self.panels: dict[int, Any] = {}
        self.info: dict[int, dict[str, Any]] = {}

    def apply(self, content: dict[str, Any], bufs: list[bytes]) -> bool:
        at = 0
        ok = True
        for h in content["series"]:
            arrays = [np.frombuffer(b, "<f8") for b in bufs[at : at + h.get("nbuf", 2)]]
            at += h.get("nbuf", 2)
            i = h["i"]
            upsert = h["view"] == "average1d"
            if h["reset"]:
                self.panels[i] = {} if upsert else []
            held = self.panels.setdefault(i, {} if upsert else [])
            if len(held) != h["start"]:
                ok = False
                continue
            if upsert:
                for x, row in zip(arrays[0], arrays[1].reshape(-1, 3), strict=True):
                    held[float(x)] = tuple(row)
                ok = ok and len(held) == h["total"]
            else:
                held.extend(zip(*arrays, strict=True))
            self.info[i] = {k: v for k, v in h.items() if k in ("igral", "err", "tol", "done")}
        return ok


def replay(messages: list[tuple[dict[str, Any], list[bytes]]]) -> PageModel:
    page = PageModel()
    for content, bufs in messages:
        if content.get("type") in ("append", "full"):
            assert page.apply(content, bufs)
    return page


class FakeAverage1D(BaseLearner):
    """AverageLearner1D's data interface on a fixed grid; points are ``(seed, x)``."""

    def __init__(self, function: Any, bounds: tuple[float, float], nx: int = 5) -> None:
        self.function = function
        self.bounds = bounds
        self.grid = list(np.linspace(*bounds, nx))
        self.data: dict[float, float] = {}
        self._number_samples: dict[float, int] = {}
        self.error: dict[float, float] = {}
        self._sums: dict[float, list[float]] = {}
        self.pending_points: set[tuple[int, float]] = set()
        self._seed = 0

    @property
    def npoints(self) -> int:
        return len(self.data)

    @property
    def nsamples(self) -> int:
        return sum(self._number_samples.values())

    def ask(self, n: int, tell_pending: bool = True) -> tuple[list[Any], list[float]]:
        points = []
        for _ in range(n):
            x = self.grid[self._seed % len(self.grid)]
            points.append((self._seed, x))
            self._seed += 1
        if tell_pending:
            self.pending_points.update(points)
        return points, [1.0] * n

    def tell(self, point: Any, y: Any) -> None:
        _, x = point
        self.pending_points.discard(point)
        s: list[Any] = self._sums.setdefault(x, [0, 0.0, 0.0])
        s[0] += 1
        s[1] += y
        s[2] += y * y
        n, mean = s[0], s[1] / s[0]
        self.data[x] = mean
        self._number_samples[x] = n
        var = max(s[2] / n - mean * mean, 0.0)
        self.error[x] = math.sqrt(var / (n - 1)) if n > 1 else math.inf

    def tell_pending(self, x: Any) -> None:
        self.pending_points.add(x)

    def remove_unfinished(self) -> None:
        self.pending_points = set()

    def loss(self, real: bool = True) -> float:
        return max(self.error.values(), default=math.inf)

    def _get_data(self) -> Any:
        return self.data

    def _set_data(self, data: Any) -> None:
        raise NotImplementedError

    def new(self) -> FakeAverage1D:
        return FakeAverage1D(self.function, self.bounds, len(self.grid))


def noisy(point: Any) -> float:
    seed, x = point
    return x**2 + random.Random(seed).gauss(0, 0.1)


def peak(x: float) -> float:
    return 1 / (0.001 + (x - 0.3) ** 2)


def gauss(seed: int) -> float:
    return random.Random(seed).gauss(1.0, 0.5)


def feed(learner: Any, n: int, f: Any) -> None:
    points, _ = learner.ask(n)
    learner.tell_many(points, [f(p) for p in points])


def test_average_learner_sends_each_value_once_in_tell_order(run, sent) -> None:
    async def main():
        learner = adaptive.AverageLearner(gauss, atol=0.01)
        runner = await finished_runner(learner, 40)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        feed(learner, 7, gauss)
        assert w._push(final=False)
        assert not w._push(final=False)  # nothing new, nothing sent
        return learner, w

    learner, w = run(main())
    assert w._panels == [
        {
            "title": "",
            "kind": "average",
            "bounds": None,
            "atol": 0.01,
            "rtol": None,
            "min_npoints": 2,
            "xlabel": "samples",
            "ylabel": "mean of gauss",
        }
    ]
    heads = [m[0]["series"][0] for m in sent.of_type("append")]
    assert [(h["start"], h["n"], h["nbuf"]) for h in heads] == [(0, 40, 1), (40, 7, 1)]
    page = replay(sent.messages)
    assert [v for (v,) in page.panels[0]] == list(learner.data.values())


def test_integrator_sends_points_and_the_current_integral(run, sent) -> None:
    async def main():
        learner = adaptive.IntegratorLearner(peak, bounds=(0, 1), tol=1e-10)
        runner = await finished_runner(learner, 60)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        return learner, w

    learner, w = run(main())
    assert w._panels[0]["kind"] == "integrator"
    assert w._panels[0]["bounds"] == [0.0, 1.0]
    page = replay(sent.messages)
    assert page.panels[0] == list(learner.data.items())
    assert page.info[0] == {"igral": learner.igral, "err": learner.err, "tol": 1e-10}


def test_integrator_resends_the_estimate_only_when_it_changes() -> None:
    learner = adaptive.IntegratorLearner(np.exp, bounds=(0, 1), tol=1e-10)
    src = _source(learner)
    feed(learner, 33, np.exp)
    first = src.update(0)
    assert first is not None
    assert first[0]["igral"] == pytest.approx(math.e - 1)
    assert src.update(0) is None


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(40)), st.lists(st.integers(1, 12), min_size=1, max_size=8))
def test_sequence_page_holds_each_done_element_once_whatever_the_order(order, cuts) -> None:
    learner = adaptive.SequenceLearner(lambda x: x * x if x % 5 else "not a number", range(40))
    src = _source(learner)
    page = PageModel()
    done = 0
    for cut in [*cuts, 40]:
        for index in order[done : done + cut]:
            learner.tell((index, index), learner._original_function(index))
        done = min(40, done + cut)
        part = src.update(0)
        if part is not None:
            assert page.apply({"series": [part[0]]}, [a.tobytes() for a in part[1:]])
    got = {int(k): v for k, v in page.panels[0]}
    assert sorted(got) == sorted(learner.data)
    for k, v in got.items():
        assert (math.isnan(v) and k % 5 == 0) or v == k * k
    assert page.info[0]["done"] == 40


def test_sequence_scan_costs_the_elements_in_flight_not_the_sequence() -> None:
    learner = adaptive.SequenceLearner(float, range(1_000_000))
    src = _source(learner)
    for start in range(0, 3000, 1000):
        points, _ = learner.ask(1000)
        learner.tell_many(points[:-1], [float(i) for i, _ in points[:-1]])
        part = src.update(0)
        assert part[0]["start"] == start - (start > 0)
        assert part[0]["n"] == 999 + (start > 0)  # the one left over last time arrives now
        learner.tell(points[-1], float(points[-1][0]))
    assert src._prefix == 2999  # everything below is done and sent: not scanned again
    assert len(src._above) == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: FakeAverage1D(noisy, (-1, 1), nx=5),
        lambda: adaptive.AverageLearner1D(noisy, (-1, 1), min_samples=3, max_samples=20),
    ],
    ids=["fake", "AverageLearner1D"],
)
def test_average1d_sends_only_the_x_whose_samples_changed(run, sent, make) -> None:
    async def main():
        learner = make()
        runner = await finished_runner(learner, 5)
        feed(learner, 23, noisy)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        before = dict(learner._number_samples)
        feed(learner, 1, noisy)
        assert w._push(final=False)
        assert not w._push(final=False)
        return learner, w, before

    learner, w, before = run(main())
    assert w._panels == [
        {
            "title": "",
            "kind": "average1d",
            "bounds": [-1.0, 1.0],
            "xlabel": "x",
            "ylabel": "noisy(x)",
        }
    ]
    heads = [m[0]["series"][0] for m in sent.of_type("append")]
    assert [(h["start"], h["n"], h["total"]) for h in heads] == [
        (0, len(before), len(before)),
        (len(before), 1, len(learner.data)),
    ]
    page = replay(sent.messages)
    counts = learner._number_samples
    want = {x: (learner.data[x], learner.error[x], counts[x]) for x in learner.data}
    assert page.panels[0] == want  # float64 both ways: exact


@pytest.mark.parametrize(
    ("make", "f", "per_item"),
    [
        (lambda: adaptive.AverageLearner(gauss, atol=1e-9), gauss, 8),
        (lambda: adaptive.SequenceLearner(float, range(10**6)), lambda p: float(p[0]), 16),
    ],
)
@pytest.mark.parametrize("total", [1_000, 10_000])
def test_bytes_per_update_scale_with_what_is_new(run, make, f, per_item, total) -> None:
    async def main():
        learner = make()
        feed(learner, total, f)
        runner = await finished_runner(learner, total)
        w = LivePlot(runner)
        await asyncio.wait_for(w.task, 1)
        sizes = []
        for _ in range(3):
            before = w.bytes_sent
            feed(learner, 100, f)
            w._push(final=False)
            sizes.append(w.bytes_sent - before)
        return sizes

    for size in run(main()):
        assert 100 * per_item <= size < 100 * per_item + 400


@pytest.mark.parametrize("total", [50, 500])
def test_average1d_bytes_scale_with_changed_x(total) -> None:
    learner = FakeAverage1D(noisy, (-1, 1), nx=total)
    feed(learner, total, noisy)
    src = _source(learner)
    src.update(0)
    for x in learner.grid[:10]:
        learner.tell((10**6, x), noisy((10**6, x)))
    header, xs, stats = src.update(0)
    assert (header["n"], xs.nbytes + stats.nbytes) == (10, 10 * 32)


def test_resync_and_a_reloaded_learner_start_the_panel_over(run, sent) -> None:
    async def main():
        learner = adaptive.AverageLearner(gauss, atol=0.01)
        runner = await finished_runner(learner, 30)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        front_end_message(w, {"type": "resync"})
        fresh = learner.new()
        feed(fresh, 4, gauss)
        vars(learner).update(vars(fresh))  # state replaced by a smaller one, e.g. unpickled
        w._push(final=False)
        return learner

    learner = run(main())
    (content, _), *_ = sent.of_type("full")
    assert content["series"][0]["reset"]
    assert content["series"][0]["n"] == 30
    last = sent.of_type("append")[-1][0]["series"][0]
    assert (last["start"], last["n"], last["reset"]) == (0, 4, True)
    assert [v for (v,) in replay(sent.messages).panels[0]] == list(learner.data.values())


def test_balancing_learner_gets_one_view_panel_per_child(run, sent) -> None:
    async def main():
        learners = [adaptive.AverageLearner(gauss, atol=1e-3) for _ in range(3)]
        bal = adaptive.BalancingLearner(learners)
        runner = await finished_runner(bal, 30)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        return learners, w

    learners, w = run(main())
    assert [(p["title"], p["kind"]) for p in w._panels] == [
        (f"learner {i}", "average") for i in range(3)
    ]
    content, bufs = sent.of_type("append")[0]
    assert sum(h["nbuf"] for h in content["series"]) == len(bufs)
    page = replay(sent.messages)
    for i, learner in enumerate(learners):
        assert [v for (v,) in page.panels[i]] == list(learner.data.values())


def test_balancing_learner_of_average_learner1d(run, sent) -> None:
    async def main():
        learners = [adaptive.AverageLearner1D(noisy, (-1, a), min_samples=3) for a in (1, 2)]
        runner = await finished_runner(adaptive.BalancingLearner(learners), 8)
        w = LivePlot(runner, update_interval=0.01)
        await asyncio.wait_for(w.task, 1)
        return learners, w

    learners, w = run(main())
    assert [p["kind"] for p in w._panels] == ["average1d", "average1d"]
    page = replay(sent.messages)
    for i, lrn in enumerate(learners):
        assert sorted(page.panels[i]) == sorted(lrn.data)
        assert [page.panels[i][x][2] for x in lrn.data] == [
            lrn._number_samples[x] for x in lrn.data
        ]
