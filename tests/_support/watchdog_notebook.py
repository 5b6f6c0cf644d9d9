"""The notebook the watchdog tests run, in nbclient (tests/notebook) and in JupyterLab (browser).

A cell busy-waits on a runner; the warning must appear in *that* cell's output while it is still
running, the kernel is then interrupted, and the runner resumes.
"""

from __future__ import annotations

BUSY = "while not runner.task.done(): pass"

SETUP = """\
import asyncio, time
from concurrent.futures import ThreadPoolExecutor
import adaptive_nb as adaptive

def f(x):
    time.sleep(0.005)
    return x**2

learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(2))
# The notebook layer loads only now (as with a late runner.live_info()): it must pick the
# running runner up.
from adaptive_nb.notebook import watchdog
watchdog.configure(threshold=0.5)
await asyncio.sleep(0.3)
print("watching", watchdog.state().watching, "blocked", watchdog.state().blocked)"""

AFTER = """\
await asyncio.sleep(0.5)
print("blocked after interrupt:", watchdog.state().blocked)
n0 = learner.npoints
await asyncio.sleep(0.5)
print("runner advanced:", learner.npoints > n0)
runner.cancel()
await asyncio.sleep(0.6)
print("parked:", watchdog.get_watchdog().thread_parked, "watching:", watchdog.state().watching)"""

CELLS = [SETUP, BUSY, AFTER]
