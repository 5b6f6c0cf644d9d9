"""simple(): the reference's signature, plus an evaluation_timeout that never hangs the loop."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from typing import Any

import adaptive
import pytest

from adaptive_nb import AverageLearner, Learner1D
from adaptive_nb.exceptions import RunnerWarning
from adaptive_nb.runner import simple


def test_the_signature_is_the_references_plus_evaluation_timeout() -> None:
    ours = inspect.signature(simple).parameters
    ref = inspect.signature(adaptive.runner.simple).parameters
    assert list(ours) == [*ref, "evaluation_timeout"]
    for name, p in ref.items():
        assert (ours[name].kind, ours[name].default) == (p.kind, p.default), name
    assert ours["evaluation_timeout"].kind is inspect.Parameter.KEYWORD_ONLY
    assert ours["evaluation_timeout"].default is None


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "1", True])
def test_a_bad_timeout_is_an_error(timeout: Any) -> None:
    learner = Learner1D(lambda x: x, (0, 1))
    with pytest.raises(ValueError, match="evaluation_timeout must be a positive number"):
        simple(learner, npoints_goal=5, evaluation_timeout=timeout)
    assert learner.npoints == 0


def test_with_a_timeout_the_run_is_the_same() -> None:
    def f(x: float) -> float:
        return x**3 - x

    plain = Learner1D(f, (-1, 1))
    bounded = Learner1D(f, (-1, 1))
    simple(plain, npoints_goal=60, points_per_ask=3)
    simple(bounded, npoints_goal=60, points_per_ask=3, evaluation_timeout=5)
    assert bounded.data == plain.data
    assert not bounded.pending_points


def test_with_a_timeout_the_functions_own_error_propagates() -> None:
    class OopsError(Exception):
        pass

    def f(x: float) -> float:
        if x > 0.5:
            raise OopsError(x)
        return x

    learner = Learner1D(f, (0, 1))
    with pytest.raises(OopsError):
        simple(learner, npoints_goal=20, evaluation_timeout=5)


def test_a_hung_point_does_not_hang_simple() -> None:
    release = threading.Event()
    started: list[float] = []

    def f(x: float) -> float:
        if 0.3 < x < 0.7:
            started.append(x)
            release.wait(60)  # hangs until the test ends
        return x

    learner = Learner1D(f, (0, 1))
    t0 = time.monotonic()
    try:
        with (
            pytest.warns(RunnerWarning, match="abandoned") as record,
            pytest.raises(TimeoutError, match=r"timeout=0\.2 s; it was abandoned") as err,
        ):
            simple(learner, npoints_goal=50, evaluation_timeout=0.2)
        elapsed = time.monotonic() - t0
        assert elapsed < 5
        (hung,) = started
        assert repr(hung) in str(err.value)
        assert hung in learner.pending_points  # as for a point whose function raised
        assert hung not in learner.data
        assert record[0].filename == __file__  # the warning points at the call of simple()
        hung_threads = [t for t in threading.enumerate() if t.name.startswith("adaptive_nb simple")]
        assert hung_threads
        assert all(t.daemon for t in hung_threads)
    finally:
        release.set()


def test_an_async_function_is_cancelled_at_the_limit() -> None:
    cancelled: list[float] = []

    async def f(x: float) -> float:
        if 0.3 < x < 0.7:
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.append(x)
                raise
        return x

    learner = Learner1D(f, (0, 1))
    t0 = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RunnerWarning)  # nothing is abandoned
        with pytest.raises(TimeoutError, match="it was cancelled"):
            simple(learner, npoints_goal=50, evaluation_timeout=0.2)
    assert time.monotonic() - t0 < 5
    assert len(cancelled) == 1


def test_an_async_function_with_a_timeout_runs_as_without() -> None:
    async def f(x: float) -> float:
        await asyncio.sleep(0)
        return x * x

    plain = Learner1D(f, (-1, 1))
    bounded = Learner1D(f, (-1, 1))
    simple(plain, npoints_goal=20)
    simple(bounded, npoints_goal=20, evaluation_timeout=5)
    assert bounded.data == plain.data


def test_a_function_raising_timeout_error_itself_is_not_a_timeout() -> None:
    async def f(x: float) -> float:
        msg = "mine"
        raise TimeoutError(msg)

    with pytest.raises(TimeoutError, match=r"^mine$"):
        simple(AverageLearner(f, atol=0.1), npoints_goal=5, evaluation_timeout=5)


def test_the_process_exits_although_an_evaluation_hangs(tmp_path: Any) -> None:
    script = tmp_path / "hang.py"
    script.write_text(
        textwrap.dedent(
            """
            import time, warnings
            from adaptive_nb import Learner1D
            from adaptive_nb.runner import simple

            def f(x):
                if x > 0.5:
                    time.sleep(3600)
                return x

            warnings.simplefilter("ignore")
            try:
                simple(Learner1D(f, (0, 1)), npoints_goal=10, evaluation_timeout=0.2)
            except TimeoutError:
                print("timed out")
            """
        )
    )
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "timed out"
    assert time.monotonic() - t0 < 30
