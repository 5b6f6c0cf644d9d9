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
# # Advanced topics
#
# This notebook goes beyond the basics: saving and restoring learners, saving while a runner works,
# running until done (or deterministically), stopping runners, finding out why a runner stopped,
# recording and replaying what a runner did, running your own coroutines next to a runner, and
# using runners outside Jupyter.
#
# > The widgets below (`live_info`, `live_plot`) only update while you run the notebook yourself;
# > a rendered copy shows their last state at best.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs. It writes its files into a `data/` folder next to
# itself.

# %% tags=["widget"]
import adaptive_nb as adaptive

adaptive.notebook_extension()

# %% [markdown]
# Most examples learn a line with a sharp bump at a random place. A few functions sleep for a
# moment to stand in for an expensive computation; real functions are usually much slower.

# %%
import asyncio
import random
from functools import partial

offset = random.uniform(-0.5, 0.5)


def f(x, offset=offset):
    a = 0.01
    return x + a**2 / (a**2 + (x - offset) ** 2)


# %% [markdown]
# ## Saving and loading learners
#
# `learner.save(fname)` writes a learner's *data* (not its function or settings) to a file, and
# `learner.load(fname)` reads it back into a learner that was created with the same function and
# settings. Files are written atomically: if the kernel dies while saving, you keep the previous
# file rather than a half-written one.
#
# Let us run one learner, save it, and load its data into a second, untouched learner.

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
control = adaptive.Learner1D(f, bounds=(-1, 1))

runner = adaptive.Runner(learner, goal=lambda lrn: lrn.loss() < 0.01)
await runner.task  # waits without blocking the kernel; scripts do this inside a coroutine

# %% tags=["widget"]
runner.live_info()

# %% tags=["check-loaded-equal"]
fname = "data/example_file.p"
learner.save(fname)
control.load(fname)

control.data == learner.data

# %%
learner.plot().relabel("saved learner") + control.plot().relabel("loaded learner")

# %% [markdown]
# Files are gzip-compressed by default. Compression makes them smaller and saving a little
# slower; switch it off with `compress=False`. Loading detects which kind of file it is.

# %% tags=["check-compress"]
import os

learner.save("data/example_uncompressed.p", compress=False)
uncompressed = adaptive.Learner1D(f, bounds=(-1, 1))
uncompressed.load("data/example_uncompressed.p")

names = ["example_file.p", "example_uncompressed.p"]
sizes = {name: os.path.getsize(f"data/{name}") for name in names}
print(sizes)
uncompressed.data == learner.data

# %% [markdown]
# To copy data between learners in memory, skip the file:

# %% tags=["check-copy-from"]
control = adaptive.Learner1D(f, bounds=(-1, 1))
control.copy_from(learner)
control.data == learner.data

# %% [markdown]
# A `BalancingLearner` holds several learners, so it needs several file names. Give either a
# function that receives each child learner and returns its file name, or a list with one name
# per child.

# %% tags=["check-balancing"]
offsets = [-0.3, 0.3]
children = [adaptive.Learner1D(partial(f, offset=o), bounds=(-1, 1)) for o in offsets]
balancing = adaptive.BalancingLearner(children)
adaptive.runner.simple(balancing, npoints_goal=40)


def child_fname(child):
    return f"data/balancing_offset_{child.function.keywords['offset']}.p"


balancing.save(child_fname)  # one file per child, named by the function
balancing.save([f"data/balancing_{i}.p" for i in range(len(children))])  # or by a list

restored = adaptive.BalancingLearner(
    [adaptive.Learner1D(partial(f, offset=o), bounds=(-1, 1)) for o in offsets]
)
restored.load(child_fname)
restored_from_list = adaptive.BalancingLearner(
    [adaptive.Learner1D(partial(f, offset=o), bounds=(-1, 1)) for o in offsets]
)
restored_from_list.load([f"data/balancing_{i}.p" for i in range(len(children))])

[r.data == c.data for r, c in zip(restored.learners, children, strict=True)] + [
    r.data == c.data for r, c in zip(restored_from_list.learners, children, strict=True)
]


# %% [markdown]
# ### Saving periodically while running
#
# A long run should not lose hours of work to a crash. `runner.start_periodic_saving` saves the
# learner every `interval` seconds, and once more when the runner stops (finished, cancelled or
# failed). The pickling and writing happen in a background thread, so the notebook stays
# responsive even for a big learner; if a save fails, you get a warning and the runner keeps
# going.


# %%
def slow_f(x):
    from time import sleep

    sleep(0.05)
    return x


learner = adaptive.Learner1D(slow_f, bounds=[0, 1])
runner = adaptive.Runner(learner, goal=lambda lrn: lrn.npoints > 100)
saving = runner.start_periodic_saving(
    save_kwargs={"fname": "data/periodic_example.p"}, interval=0.3
)
# `saving` is the asyncio task that saves; cancel it to stop saving while the runner goes on.

# %%
await asyncio.sleep(0.5)  # in a notebook you would simply carry on working
runner.cancel()
await runner.saving_task  # the final save, after the runner stopped

# %% tags=["widget"]
runner.live_info()  # cancelled after half a second

# %% tags=["check-periodic"]
saved = adaptive.Learner1D(slow_f, bounds=[0, 1])
saved.load("data/periodic_example.p")
print(f"{saved.npoints} points saved, {learner.npoints} points learned, status {runner.status()}")
saved.data == learner.data

# %%
# The files on disk (macOS and Linux):
# !ls -lh data

# %% [markdown]
# ## A watched pot never boils
#
# In a notebook, `adaptive.Runner` works in an asyncio task on the kernel's event loop, between
# the cells you run. That is what keeps the widgets live, but it also means that **a cell that
# keeps the kernel busy stops the runner**. In particular, never wait for a runner like this:
#
# ```python
# while not runner.task.done():  # the runner never gets a turn: this never ends
#     pass
# ```
#
# Write `await runner.task` instead; it waits and lets the runner work.
#
# If you do not need live updates and simply want the result, use `adaptive.BlockingRunner`: it
# blocks the cell (on purpose) until the goal is reached.

# %% tags=["check-blocking"]
learner = adaptive.Learner1D(f, bounds=(-1, 1))
blocking = adaptive.BlockingRunner(learner, goal=lambda lrn: lrn.loss() < 0.01)
# This cell only ends when the runner has finished:
print(blocking.status(), learner.npoints, learner.loss() < 0.01)

# %%
learner.plot()

# %% [markdown]
# ## Reproducibility
#
# Runners evaluate points in parallel and hand each result to the learner as soon as it arrives,
# asking for a new point to keep every worker busy. Results arrive in an unpredictable order, so
# two runs of the same learner usually choose slightly different points. The speed is nearly
# always worth it, but sometimes you want exactly reproducible runs.
#
# The simplest way is `adaptive.runner.simple`, which evaluates one point at a time in the kernel
# itself (so it blocks until done, like `BlockingRunner`):

# %% tags=["check-simple"]
learner = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.runner.simple(learner, goal=lambda lrn: lrn.loss() < 0.01)

again = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.runner.simple(again, goal=lambda lrn: lrn.loss() < 0.01)
list(again.data) == list(learner.data)  # the same points, in the same order

# %%
learner.plot()

# %% [markdown]
# To stay deterministic but keep the non-blocking `adaptive.Runner` (and its widgets), give it a
# `SequentialExecutor`, which evaluates each point right away in the kernel:

# %% tags=["check-sequential"]
from adaptive_nb.runner import SequentialExecutor

learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=SequentialExecutor(), goal=lambda lrn: lrn.loss() < 0.01)
await runner.task
learner.data == again.data  # the same points as with simple()

# %% tags=["widget"]
runner.live_info()

# %% tags=["widget"]
runner.live_plot(update_interval=0.1)

# %% [markdown]
# ## Cancelling a runner
#
# Without a goal, a runner keeps refining until you stop it: convenient for exploring, when you
# decide by eye that the result is good enough. The Cancel button of `runner.live_info()` stops
# it, and so does `runner.cancel()`. Results that have already arrived are kept. (As in the
# reference library, creating a runner without a goal warns that it only stops when cancelled.)

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner)
await asyncio.sleep(0.1)  # in a notebook, this is you doing something else for a while
runner.cancel()

# %% tags=["widget"]
runner.live_info()

# %% tags=["widget"]
runner.live_plot(update_interval=0.1)

# %% tags=["check-cancelled"]
print(runner.status())


# %% [markdown]
# ## Debugging problems
#
# A runner works in the background, so when the function raises, nothing shows up in the cell
# you are looking at: the runner simply stops. Here is a function that fails about one time in
# ten:


# %%
def will_raise(x):
    from random import random
    from time import sleep

    sleep(random() * 0.05)
    if random() < 0.1:
        raise RuntimeError("something went wrong!")
    return x**2


learner = adaptive.Learner1D(will_raise, (-1, 1))
runner = adaptive.Runner(learner)  # no goal: it would run until cancelled...
await asyncio.wait([runner.task], timeout=30)  # ...but it soon stops by itself
print(runner.status())

# %% tags=["widget"]
runner.live_info()

# %% tags=["widget"]
runner.live_plot()

# %% [markdown]
# First, check that the runner has really stopped:

# %% tags=["check-done"]
runner.task.done()

# %% [markdown]
# The task's result is `None` for a runner that stopped normally. For a runner stopped by an
# exception, asking for the result raises it again, naming the point that failed, with the
# traceback from the worker and the original exception chained below it:

# %% tags=["raises-exception", "check-result-raises"]
runner.task.result()

# %% [markdown]
# `runner.tracebacks` lists `(point, traceback)` pairs for the failures:

# %% tags=["check-tracebacks"]
for point, tb in runner.tracebacks:
    print(f"point: {point}:\n {tb}")

# %% [markdown]
# ## Logging runners
#
# Create a runner with `log=True` and it records every call it makes to the learner in
# `runner.log`, as `("ask", n)` and `("tell", x, y)` entries. Because workers finish in an
# unpredictable order, this record is the only way to know exactly what happened.

# %%
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, goal=lambda lrn: lrn.loss() < 0.01, log=True)
await runner.task
runner.log[:4]

# %% tags=["widget"]
runner.live_info()

# %% [markdown]
# `adaptive.runner.replay_log` performs the same calls on another learner, which then ends up
# with exactly the same data:

# %% tags=["check-replay"]
reconstructed_learner = adaptive.Learner1D(f, bounds=learner.bounds)
adaptive.runner.replay_log(reconstructed_learner, runner.log)
reconstructed_learner.data == learner.data

# %%
learner.plot().relabel("runner") * reconstructed_learner.plot().relabel("replayed")


# %% [markdown]
# ## Adding coroutines
#
# Because a runner is an asyncio task, you can start your own coroutines next to it. As a (not
# very useful) example, let us time a runner; `runner.elapsed_time()` and the `live_info` widget
# already tell you this.
#
# Timing it like this does not work, because creating a runner returns immediately:
#
# ```python
# start = datetime.now()
# runner = adaptive.Runner(...)
# print(datetime.now() - start)
# ```
#
# and busy-waiting for `runner.task` would stop the runner (see above). Instead, write a
# coroutine that awaits the runner's task, and schedule it on the kernel's event loop:


# %%
async def time_runner(runner):
    from datetime import datetime

    start = datetime.now()
    await runner.task
    return datetime.now() - start


ioloop = asyncio.get_running_loop()

learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, goal=lambda lrn: lrn.loss() < 0.01)

timer = ioloop.create_task(time_runner(runner))
await runner.task

# %% tags=["check-timer"]
# The timer's result is set once the runner is done:
timer.result()

# %% tags=["check-elapsed"]
runner.elapsed_time()

# %% [markdown]
# ## Using runners from a script
#
# Runners work without Jupyter too. In a script, the simplest choice is `BlockingRunner`. Here we
# write a small script and run it in a separate Python process:

# %% tags=["check-script-blocking"]
import subprocess
import sys

script = """
import adaptive_nb as adaptive


def f(x):
    return x


learner = adaptive.Learner1D(f, (-1, 1))
adaptive.BlockingRunner(learner, goal=lambda lrn: lrn.loss() < 0.1)
print("BlockingRunner:", learner.npoints, "points, loss below 0.1:", learner.loss() < 0.1)
"""
with open("data/blocking_script.py", "w") as file:
    file.write(script)
done = subprocess.run(
    [sys.executable, "data/blocking_script.py"], capture_output=True, text=True, check=False
)
print(done.stdout, done.stderr)

# %% [markdown]
# If your script already uses asyncio, use `adaptive.Runner` as in the notebook and
# `await runner.task` inside a coroutine:

# %% tags=["check-script-async"]
script = """
import asyncio

import adaptive_nb as adaptive


async def main():
    learner = adaptive.Learner1D(lambda x: x**3, (-1, 1))
    runner = adaptive.Runner(learner, goal=lambda lrn: lrn.loss() < 0.1)
    await runner.task
    print("Runner:", runner.status(), "after", learner.npoints, "points")


asyncio.run(main())
"""
with open("data/async_script.py", "w") as file:
    file.write(script)
done = subprocess.run(
    [sys.executable, "data/async_script.py"], capture_output=True, text=True, check=False
)
print(done.stdout, done.stderr)
