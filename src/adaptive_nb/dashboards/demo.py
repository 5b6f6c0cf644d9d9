"""Demo runners for the served dashboards (``python widgets/serve.py APP``).

Cheap functions with a sharp feature, threads only, no data files.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import adaptive_nb as adaptive

__all__ = ["balancing_runner", "demo_functions", "monitored_runner", "three_runners"]


def peak(x: float, offset: float = 0.3) -> float:
    """Return a line with a narrow Lorentzian peak at ``offset``."""
    time.sleep(0.01)
    a = 0.02
    return x + a**2 / (a**2 + (x - offset) ** 2)


def wave(x: float) -> float:
    """Return a damped sine."""
    time.sleep(0.01)
    return float(np.sin(8 * x) * np.exp(-(x**2)))


def step(x: float) -> float:
    """Return a smooth step at x = -0.2."""
    time.sleep(0.01)
    return float(np.tanh(40 * (x + 0.2)))


def demo_functions() -> list[Any]:
    """Return the three demo functions."""
    return [peak, wave, step]


def three_runners() -> list[Any]:
    """Three Learner1D runners that stop at 3000 points each."""
    pool = ThreadPoolExecutor(4)
    return [
        adaptive.Runner(
            adaptive.Learner1D(f, bounds=(-1, 1)),
            npoints_goal=3000,
            executor=pool,
            shutdown_executor=False,
        )
        for f in demo_functions()
    ]


def balancing_runner() -> tuple[Any, list[str]]:
    """Start a BalancingLearner over six peak positions, and the children's labels."""
    offsets = [-0.6, -0.3, 0.0, 0.2, 0.4, 0.7]
    learners = [adaptive.Learner1D(partial(peak, offset=o), bounds=(-1, 1)) for o in offsets]
    runner = adaptive.Runner(
        adaptive.BalancingLearner(learners), npoints_goal=6000, executor=ThreadPoolExecutor(4)
    )
    return runner, [f"offset={o}" for o in offsets]


def monitored_runner() -> Any:
    """Start a slow Learner1D run that saves every 2 s into a temporary folder."""
    from adaptive_nb.notebook import watchdog

    watchdog.configure(only_in_kernel=False)  # also watch the server's event loop
    folder = Path(tempfile.mkdtemp(prefix="adaptive_nb-monitor-"))
    runner = adaptive.Runner(
        adaptive.Learner1D(wave, bounds=(-1, 1)), npoints_goal=5000, executor=ThreadPoolExecutor(2)
    )
    runner.start_periodic_saving(save_kwargs={"fname": str(folder / "learner.pickle")}, interval=2)
    return runner
