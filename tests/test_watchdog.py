"""Busy-loop watchdog (adaptive_nb._watchdog): fake-clock unit tests and a real blocked loop."""

from __future__ import annotations

import asyncio
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from adaptive_nb import _hooks
from adaptive_nb import _watchdog as wd
from adaptive_nb._watchdog import KernelBlockedWarning, Watchdog, WatchdogState


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TaskHolder:
    """The two attributes of a runner the watchdog reads: ``task`` and ``learner``."""

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.learner = object()


async def _forever() -> None:
    await asyncio.Event().wait()


def test_warns_once_per_blocked_episode_with_fake_clock() -> None:
    clock = FakeClock()
    dog = Watchdog(threshold=2.0, clock=clock, start_thread=False)
    seen: list[WatchdogState] = []
    dog.add_listener(seen.append)

    async def scenario() -> None:
        holder = TaskHolder(asyncio.create_task(_forever()))
        assert dog.watch(holder)
        assert not dog.thread_parked
        clock.now += 1.9
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dog.check()  # below the threshold: nothing
            assert caught == []
            clock.now += 0.2
            dog.check()
            dog.check()  # the same episode warns once
        assert [w.category for w in caught] == [KernelBlockedWarning]
        text = str(caught[0].message)
        assert "blocked for 2.1 s" in text
        assert "await runner.task" in text
        assert "BlockingRunner" in text
        assert caught[0].filename == __file__  # points at the user's code, not the library
        state = dog.state()
        assert state.blocked
        assert state.n_blocks == 1
        assert state.last_block_time is not None
        assert state.last_block_duration == pytest.approx(2.1)
        assert wd.KernelBlockedWarning is KernelBlockedWarning
        assert [s.blocked for s in seen] == [True]

        # The loop runs again: the heartbeat ticks, the episode ends, a new block warns again.
        await asyncio.sleep(dog.period * 2)
        dog.check()
        assert not dog.state().blocked
        assert [s.blocked for s in seen] == [True, False]
        assert dog.state().last_block_duration == pytest.approx(2.1)  # kept after the episode
        clock.now += 3
        with pytest.warns(KernelBlockedWarning):
            dog.check()
        assert dog.state().n_blocks == 2

        holder.task.cancel()
        await asyncio.sleep(dog.period * 2)  # the next beat sees no active runner and stops
        assert dog.thread_parked
        assert not dog.state().watching
        assert [s.blocked for s in seen][-1] is False

    asyncio.run(scenario())


def test_disabled_watchdog_watches_nothing_and_cancels_heartbeats() -> None:
    dog = Watchdog(threshold=1.0, clock=FakeClock(), start_thread=False)

    async def scenario() -> None:
        holder = TaskHolder(asyncio.create_task(_forever()))
        assert dog.watch(holder)
        dog.configure(enabled=False)
        assert dog.thread_parked
        assert not dog.state().watching
        assert not dog.watch(holder)
        assert dog.thread_parked
        dog.configure(enabled=True, threshold=3)
        assert dog.watch(holder)
        assert dog.state().threshold == 3.0
        holder.task.cancel()

    asyncio.run(scenario())
    with pytest.raises(ValueError, match="positive number of seconds"):
        dog.configure(threshold=0)


def test_finished_runner_is_not_watched() -> None:
    dog = Watchdog(clock=FakeClock(), start_thread=False)

    async def scenario() -> None:
        task = asyncio.create_task(asyncio.sleep(0))
        await task
        assert not dog.watch(TaskHolder(task))
        assert dog.thread_parked

    asyncio.run(scenario())


def test_real_thread_warns_while_the_loop_is_blocked() -> None:
    dog = Watchdog(threshold=0.2)
    states: list[bool] = []
    dog.add_listener(lambda s: states.append(s.blocked))

    async def scenario() -> int:
        holder = TaskHolder(asyncio.create_task(_forever()))
        dog.watch(holder)
        await asyncio.sleep(0.3)  # a free loop does not warn
        assert states == []
        line = _blocking_line()
        time.sleep(0.8)  # the user's mistake: a synchronous wait on the loop thread
        await asyncio.sleep(0.3)  # free again: the listener hears "unblocked"
        holder.task.cancel()
        return line

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            line = asyncio.run(scenario())
    finally:
        dog.stop()
    blocked = [w for w in caught if w.category is KernelBlockedWarning]
    assert len(blocked) == 1
    assert blocked[0].filename == __file__
    assert blocked[0].lineno == line + 1
    assert states == [True, False]


def _blocking_line() -> int:
    import inspect

    frame = inspect.currentframe()
    assert frame is not None
    assert frame.f_back is not None
    return frame.f_back.f_lineno


def test_idle_thread_parks_without_polling() -> None:
    calls: list[float] = []

    def counting_clock() -> float:
        calls.append(0)
        return time.monotonic()

    dog = Watchdog(threshold=0.1, clock=counting_clock)

    async def scenario() -> None:
        holder = TaskHolder(asyncio.create_task(_forever()))
        dog.watch(holder)
        await asyncio.sleep(0.1)
        holder.task.cancel()
        await asyncio.sleep(0.1)

    try:
        asyncio.run(scenario())
        assert dog.thread_parked
        before = len(calls)
        time.sleep(0.3)  # parked: neither heartbeat nor checks read the clock
        assert len(calls) == before
    finally:
        dog.stop()


def test_runner_started_hook_reaches_the_module_watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    watched: list[Any] = []
    monkeypatch.setattr(wd.get_watchdog(), "watch", watched.append)
    monkeypatch.setattr(wd, "_only_in_kernel", False)
    wd.install()
    wd.install()  # idempotent: one subscription

    async def scenario() -> None:
        first = TaskHolder(asyncio.create_task(_forever()))
        _hooks.runner_started(first)  # type: ignore[arg-type]  # a stand-in, see TaskHolder
        assert watched == [first]
        # Outside a kernel (this pytest process) runners are not watched by default.
        monkeypatch.setattr(wd, "_only_in_kernel", True)
        second = TaskHolder(asyncio.create_task(_forever()))
        _hooks.runner_started(second)  # type: ignore[arg-type]  # a stand-in, see TaskHolder
        assert watched == [first]
        first.task.cancel()
        second.task.cancel()

    asyncio.run(scenario())


def test_env_variable_is_read_when_the_watchdog_is_first_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wd, "_WATCHDOG", None)
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "0.75")
    dog = wd.get_watchdog()
    assert (dog.enabled, dog.threshold) == (True, 0.75)
    assert wd.get_watchdog() is dog


def test_env_variable_configures_the_module_watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "off")
    assert wd._settings_from_env() == (False, 2.0)
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "0.5")
    assert wd._settings_from_env() == (True, 0.5)
    monkeypatch.setenv("ADAPTIVE_NB_WATCHDOG", "nonsense")
    assert wd._settings_from_env() == (True, 2.0)


def test_runner_that_ended_before_the_block_does_not_warn() -> None:
    clock = FakeClock()
    dog = Watchdog(threshold=1.0, clock=clock, start_thread=False)

    async def scenario() -> None:
        holder = TaskHolder(asyncio.create_task(_forever()))
        dog.watch(holder)
        holder.task.cancel()
        await asyncio.sleep(0)  # the task ends, but no heartbeat has run since
        assert holder.task.done()
        clock.now += 5  # e.g. the next cell runs a BlockingRunner: blocking on purpose
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dog.check()
        assert caught == []
        assert not dog.state().blocked

    asyncio.run(scenario())


def test_runners_started_before_install_are_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import adaptive_nb as adaptive
    from adaptive_nb.runner import SequentialExecutor

    watched: list[Any] = []
    monkeypatch.setattr(wd.get_watchdog(), "watch", watched.append)
    monkeypatch.setattr(wd, "_only_in_kernel", False)
    wd.install()

    async def scenario() -> None:
        runner = adaptive.Runner(adaptive.Learner1D(abs, (-1, 1)), executor=SequentialExecutor())
        assert watched == [runner]  # the runner-started hook
        watched.clear()
        wd._watch_active_runners()  # what install() does for runners started before it
        assert watched == [runner]
        runner.cancel()
        await asyncio.sleep(0.01)

    asyncio.run(scenario())
    wd._watch_active_runners()  # no running loop in this thread: nothing to schedule on
    assert len(watched) == 1


def test_watch_of_a_closed_loop_is_dropped_so_the_thread_parks() -> None:
    dog = Watchdog(threshold=1.0, clock=FakeClock(), start_thread=False)

    async def scenario() -> None:
        dog.watch(TaskHolder(asyncio.create_task(_forever())))

    asyncio.run(scenario())  # cancels the task and closes the loop before any heartbeat
    assert not dog.thread_parked
    dog.check()
    assert dog.thread_parked
    assert not dog.state().watching


def test_public_path_re_exports_the_engine_watchdog() -> None:
    from adaptive_nb.notebook import watchdog as public

    assert set(public.__all__) == set(wd.__all__)
    for name in wd.__all__:
        assert getattr(public, name) is getattr(wd, name), name


def test_nothing_is_subscribed_on_import() -> None:
    import subprocess
    import sys

    code = (
        "from adaptive_nb import _hooks\n"
        "import adaptive_nb.notebook.watchdog\n"
        "import adaptive_nb._watchdog as wd\n"
        "assert _hooks._started_callbacks == [], _hooks._started_callbacks\n"
        "assert not wd._installed and wd._WATCHDOG is None  # no singleton, no thread\n"
        "wd.install(); wd.install()\n"
        "assert _hooks._started_callbacks == [wd._on_runner_started]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _frames(*filenames: str) -> Any:
    """A fake frame chain, innermost first (only what _user_frame reads)."""
    from types import SimpleNamespace

    frame = None
    for name in reversed(filenames):
        frame = SimpleNamespace(f_code=SimpleNamespace(co_filename=name), f_back=frame)
    return frame


def test_user_frame_never_points_into_a_frozen_module(tmp_path: Path) -> None:
    from adaptive_nb import _watchdog

    library = _watchdog._LIBRARY_DIRS[0] + "/holoviews/core.py"
    user = str(tmp_path / "cell.py")

    def filename(chain: Any) -> str | None:
        frame = _watchdog._user_frame(chain)
        return None if frame is None else frame.f_code.co_filename

    assert filename(_frames("<frozen importlib._bootstrap>", user)) == user
    chain = _frames("<frozen importlib._bootstrap>", library, "<frozen importlib._bootstrap>")
    assert filename(chain) == library
    # Only frozen frames: no location at all, so the warning is emitted without module globals.
    assert _watchdog._user_frame(_frames("<frozen importlib._bootstrap>")) is None
