"""The poller: rate, final update, back-off when the front end stops acknowledging, errors."""

import asyncio
import itertools

import pytest

from adaptive_nb.notebook import Poller


class RecordingWidget:
    """Counts pushes and acknowledges them like a front end would (when `acking`)."""

    def __init__(self) -> None:
        self.seq = 0
        self.ack = 0
        self.acking = True
        self.finals = 0
        self.errors: list[str] = []
        self.stopped = 0
        self.fail_after: int | None = None

    def _push(self, *, final: bool) -> bool:
        if self.fail_after is not None and self.seq >= self.fail_after:
            raise ZeroDivisionError("boom in the widget")
        self.seq += 1
        self.finals += final
        if self.acking:
            self.ack = self.seq
        return True

    def _lag(self) -> int:
        return self.seq - self.ack

    def _show_error(self, text: str) -> None:
        self.errors.append(text)

    def _on_stopped(self) -> None:
        self.stopped += 1


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_backs_off_exponentially_without_acks_and_resumes() -> None:
    loop = asyncio.new_event_loop()
    try:
        w, clock = RecordingWidget(), FakeClock()
        runner_task = loop.create_future()
        p = Poller(w, runner_task, 0.125, max_lag=3, max_backoff=2.0, clock=clock)  # exact binary
        w.acking = False
        sent_at = []
        for _ in range(400):  # 50 s of ticks
            before = w.seq
            p.tick()
            if w.seq > before:
                sent_at.append(clock.t)
            clock.t += 0.125
        # 4 updates at full rate (lag 0..3), then probes further and further apart, up to 2 s
        assert sent_at[:4] == [0.0, 0.125, 0.25, 0.375]
        gaps = [b - a for a, b in itertools.pairwise(sent_at[4:])]
        assert gaps[:5] == [0.125, 0.25, 0.5, 1.0, 2.0]
        assert set(gaps[5:]) == {2.0}
        assert len(sent_at) < 40  # instead of 400
        w.acking, w.ack = True, w.seq  # the front end is back
        before = w.seq
        for _ in range(10):
            p.tick()
            clock.t += 0.125
        assert w.seq - before == 10
        assert p.backoff == 0.125
    finally:
        loop.close()


async def _test_final_update_when_runner_ends_then_stops() -> None:
    w = RecordingWidget()
    runner_task = asyncio.get_running_loop().create_task(asyncio.sleep(0.15))
    p = Poller(w, runner_task, 0.02)
    task = p.start("test-poller")
    await asyncio.wait_for(task, 2)
    assert w.finals == 1
    assert 3 <= w.seq <= 12
    assert not w.errors


async def _test_wakes_immediately_when_runner_ends() -> None:
    w = RecordingWidget()
    runner_task = asyncio.get_running_loop().create_future()
    p = Poller(w, runner_task, 60.0)  # would sleep a minute between updates
    task = p.start("test-poller-wake")
    await asyncio.sleep(0.01)
    runner_task.cancel()
    await asyncio.wait_for(task, 0.5)
    assert w.finals == 1


async def _test_widget_error_is_shown_not_swallowed() -> None:
    w = RecordingWidget()
    w.fail_after = 2
    runner_task = asyncio.get_running_loop().create_future()
    p = Poller(w, runner_task, 0.01)
    await asyncio.wait_for(p.start("test-poller-err"), 1)
    assert len(w.errors) == 1
    assert "ZeroDivisionError: boom in the widget" in w.errors[0]
    runner_task.cancel()


async def _test_cancelled_poller_reports_stop() -> None:
    w = RecordingWidget()
    runner_task = asyncio.get_running_loop().create_future()
    task = Poller(w, runner_task, 0.01).start("test-poller-cancel")
    await asyncio.sleep(0.03)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert w.stopped == 1
    runner_task.cancel()


def test_rejects_nonpositive_interval() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(ValueError, match="update_interval must be a positive"):
            Poller(RecordingWidget(), loop.create_future(), 0)
    finally:
        loop.close()


def test_final_update_when_runner_ends_then_stops() -> None:
    asyncio.run(_test_final_update_when_runner_ends_then_stops())


def test_wakes_immediately_when_runner_ends() -> None:
    asyncio.run(_test_wakes_immediately_when_runner_ends())


def test_widget_error_is_shown_not_swallowed() -> None:
    asyncio.run(_test_widget_error_is_shown_not_swallowed())


def test_cancelled_poller_reports_stop() -> None:
    asyncio.run(_test_cancelled_poller_reports_stop())
