# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -lines_to_next_cell
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version,-language_info
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Do not block the kernel
#
# A `Runner` does its work in an asyncio task on the kernel's **event loop**, the same loop that
# runs your cells. The loop can only run the runner between cells, or while a cell is waiting in an
# `await`. A cell that keeps the loop busy stops the runner (and the live widgets) until it ends.
#
# The classic trap is waiting for a runner in a loop:
#
# ```python
# while not runner.task.done():   # never do this
#     pass
# ```
#
# The runner never finishes, because it never gets to run: this cell spins forever and you have to
# interrupt the kernel. adaptive_nb notices: while a runner is active, a **watchdog** checks that the
# loop keeps ticking, and after a couple of seconds without a tick it prints a `KernelBlockedWarning`
# into the blocked cell, with the fix. (Live widgets freeze meanwhile: they update from the same
# loop. The long-run monitor dashboard keeps a record of blocked episodes.)
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import adaptive_nb as adaptive
from adaptive_nb.notebook import watchdog


# %%
def f(x):
    import time

    time.sleep(0.01)
    return x**2 * (x > 0)


# %% [markdown]
# ## Seeing it happen
#
# The watchdog warns after 2 seconds by default; we lower that to 0.5 s to keep this page short.
# Instead of a never-ending busy loop we block the loop for 1.5 s with `time.sleep` (any long
# synchronous work does the same). Watch the point count: it does not move while the cell sleeps,
# even though four threads are waiting for work.

# %%
watchdog.configure(threshold=0.5)
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(4))
await asyncio.sleep(0.3)  # the runner works while this cell awaits

# %%
before = learner.npoints
time.sleep(1.5)  # blocks the event loop: the watchdog warns into this cell
print("points before:", before, "after 1.5 s of blocking:", learner.npoints)
assert learner.npoints == before

# %%
await asyncio.sleep(0.3)  # free again: the runner catches up
print("after 0.3 s of awaiting:", learner.npoints)
runner.cancel()

# %% [markdown]
# ## What to do instead
#
# **Wait with `await`.** `await runner.task` pauses the cell without blocking the loop; the runner
# and the widgets keep going.

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, loss_goal=0.05, executor=ThreadPoolExecutor(4))
await runner.task
print(runner.status(), learner.npoints)

# %% [markdown]
# Need a time limit? `asyncio.wait_for` cancels the runner's task when the time is up. Need to do
# something periodically while it runs? Loop with `await asyncio.sleep(...)`, never a bare loop:

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(4))
while learner.npoints < 40:
    await asyncio.sleep(0.05)  # yields to the loop: the runner advances
runner.cancel()
print(learner.npoints, "points")

# %% [markdown]
# **Do not need live updates?** Block on purpose: `BlockingRunner` evaluates on its executor and
# returns when the goal is reached, and `adaptive.runner.simple` evaluates in this process, one
# point at a time. Neither triggers the watchdog: no `Runner` is waiting on the blocked loop.

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.BlockingRunner(learner, loss_goal=0.05, executor=ThreadPoolExecutor(4))
print("BlockingRunner:", learner.npoints)

learner = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.runner.simple(learner, loss_goal=0.05)
print("simple:", learner.npoints)

# %% [markdown]
# ## Configuring the watchdog
#
# * `watchdog.configure(threshold=5)` warns after 5 s instead of 2;
# * `watchdog.configure(enabled=False)` switches it off (and stops its heartbeat at once);
# * the environment variable `ADAPTIVE_NB_WATCHDOG=off` (or a number of seconds) does the same
#   before the kernel starts.
#
# It costs nothing while no runner is active: the heartbeat stops with the last runner and the
# watchdog thread sleeps until the next one starts.

# %%
print(watchdog.state())
watchdog.configure(threshold=2.0)
