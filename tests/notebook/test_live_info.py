"""LiveInfo with real runners: what it shows, Cancel, errors, back-off."""

import asyncio
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from widget_helpers import front_end_message

import adaptive_nb as adaptive
from adaptive_nb._status import SNAPSHOT_FIELDS
from adaptive_nb.notebook import LiveInfo
from adaptive_nb.runner import SequentialExecutor


def slow(x: float) -> float:
    time.sleep(0.002)
    return x**2


def test_shows_fresh_snapshot_and_final_state(run) -> None:
    async def main() -> tuple[dict, float]:
        learner = adaptive.Learner1D(lambda x: x**3, bounds=(-1, 1))
        runner = adaptive.Runner(learner, npoints_goal=60, executor=SequentialExecutor())
        w = LiveInfo(runner, update_interval=0.01)
        await runner.task
        await asyncio.wait_for(w.task, 1)
        return w._snapshot, learner.loss()

    snap, loss = run(main())
    assert snap["status"] == "finished"
    assert snap["npoints"] == 60
    assert snap["loss"] == pytest.approx(loss)  # fresh, not a cached value
    assert snap["error"] is None
    assert snap["n_failed"] == 0
    assert snap["seq"] >= 1
    # The front end reads exactly the fields of the one description, plus the transport fields.
    assert list(snap) == [*SNAPSHOT_FIELDS, "seq", "sent_ms"]


def test_clicking_cancel_cancels_the_runner_within_0_2_s(run) -> None:
    async def main() -> tuple[str, str, float]:
        learner = adaptive.Learner1D(slow, bounds=(-1, 1))
        with ThreadPoolExecutor(2) as ex:
            runner = adaptive.Runner(learner, executor=ex)  # no goal: runs until cancelled
            w = LiveInfo(runner, update_interval=0.05)
            await asyncio.sleep(0.1)
            t0 = time.monotonic()
            w._clicks = 1  # what a "cancel" message from the front end does
            status_now = runner.status()
            assert w._snapshot["status"] == "cancelled"  # shown at once, before the loop turns
            await asyncio.wait({runner.task}, timeout=1)
            await asyncio.wait_for(w.task, 1)
            return status_now, w._snapshot["status"], time.monotonic() - t0

    status_now, shown, dt = run(main())
    assert status_now == "cancelled"
    assert shown == "cancelled"
    assert dt < 0.2


def test_cancel_message_from_the_browser(run) -> None:
    async def main() -> tuple[int, str]:
        learner = adaptive.Learner1D(slow, bounds=(-1, 1))
        with ThreadPoolExecutor(2) as ex:
            runner = adaptive.Runner(learner, executor=ex)
            w = LiveInfo(runner, update_interval=0.05)
            await asyncio.sleep(0.05)
            front_end_message(w, {"type": "cancel"})
            await asyncio.wait_for(w.task, 1)
            return w._clicks, runner.status()

    clicks, status = run(main())
    assert clicks == 1
    assert status == "cancelled"


def test_failed_runner_is_shown_with_traceback(run) -> None:
    def boom(x: float) -> float:
        if x > 0.5:
            raise ValueError(f"bad x={x}")
        return x

    async def main() -> dict:
        learner = adaptive.Learner1D(boom, bounds=(-1, 1))
        runner = adaptive.Runner(learner, npoints_goal=100, executor=SequentialExecutor())
        w = LiveInfo(runner, update_interval=0.01)
        await asyncio.wait({runner.task})
        await asyncio.wait_for(w.task, 1)
        return w._snapshot

    snap = run(main())
    assert snap["status"] == "failed"
    assert "EvaluationError" in snap["error"]
    assert snap["n_failed"] >= 1
    assert "ValueError: bad x=" in snap["last_traceback"]


def test_an_error_inside_the_poller_is_shown(run) -> None:
    async def main() -> str:
        learner = adaptive.Learner1D(slow, bounds=(-1, 1))
        with ThreadPoolExecutor(2) as ex:
            runner = adaptive.Runner(learner, executor=ex)
            w = LiveInfo(runner, update_interval=0.01)

            def broken() -> None:
                raise RuntimeError("snapshot exploded")

            runner.snapshot = broken  # type: ignore[method-assign,assignment]  # make it fail
            await asyncio.wait_for(w.task, 1)
            runner.cancel()
            return w._error

    err = run(main())
    assert "RuntimeError: snapshot exploded" in err
    assert "Traceback" in err


def test_backs_off_without_acks_and_resumes_with_them(run) -> None:
    async def main() -> tuple[int, int, int, int]:
        learner = adaptive.Learner1D(slow, bounds=(-1, 1))
        with ThreadPoolExecutor(2) as ex:
            runner = adaptive.Runner(learner, executor=ex)
            w = LiveInfo(runner, update_interval=0.01)
            # nobody acknowledging for 40 ticks (counted, not timed: the machine may be loaded)
            for _ in range(500):
                if w.poller.sent + w.poller.skipped >= 40:
                    break
                await asyncio.sleep(0.01)
            ticks = w.poller.sent + w.poller.skipped
            sent_unacked = w._seq
            front_end_message(w, {"type": "ack", "seq": w._seq})  # a browser comes back
            before = w._seq
            for _ in range(20):
                await asyncio.sleep(0.01)
                front_end_message(w, {"type": "ack", "seq": w._seq})
            resumed = w._seq - before
            runner.cancel()
            await asyncio.wait_for(w.task, 1)
            return ticks, sent_unacked, w.poller.skipped, resumed

    ticks, sent_unacked, skipped, resumed = run(main())
    assert ticks >= 40
    # 1 + max_lag updates at full rate, then probes 0.01, 0.02, 0.04, ... s apart
    assert sent_unacked <= 15
    assert skipped >= ticks - 15
    assert resumed >= 5  # full rate again once acks arrive


def test_runner_without_asyncio_task_is_refused() -> None:
    class NotARunner:
        task = None

    with pytest.raises(TypeError, match=r"live widgets need an `adaptive\.Runner`"):
        LiveInfo(NotARunner())  # type: ignore[arg-type]  # not a runner: refused


def test_shows_kernel_blocked_while_a_cell_blocks_the_loop(run) -> None:
    from adaptive_nb.notebook import watchdog

    before = watchdog.state()
    watchdog.configure(threshold=0.2, only_in_kernel=False)

    async def main() -> tuple[str, str]:
        learner = adaptive.Learner1D(slow, bounds=(-1, 1))
        with ThreadPoolExecutor(2) as ex:
            runner = adaptive.Runner(learner, executor=ex)
            w = LiveInfo(runner, update_interval=0.05)
            await asyncio.sleep(0.1)
            time.sleep(0.7)  # the mistake: a synchronous wait on the kernel's loop
            during = w._blocked  # set by the watchdog thread while the loop was stuck
            await asyncio.sleep(0.4)
            after = w._blocked
            runner.cancel()
            await asyncio.wait_for(w.task, 1)
            return during, after

    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            during, after = run(main())
    finally:
        watchdog.configure(threshold=before.threshold, only_in_kernel=True)
    assert "kernel blocked" in during
    assert "await runner.task" in during
    assert after == ""
