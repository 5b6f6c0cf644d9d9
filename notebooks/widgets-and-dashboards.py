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
# # Widgets and dashboards
#
# Runners work in the background, so you need a window into them. adaptive_nb has two live
# widgets for a single runner and three dashboards for bigger jobs. All of them work offline (no
# JavaScript from the internet) and keep the kernel free while they update.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import adaptive_nb as adaptive  # the live widgets are anywidgets: nothing to load first


# %%
def wiggle(x, freq=5.0):
    import time

    time.sleep(0.005)
    return np.sin(freq * x) * np.exp(-(x**2))


pool = ThreadPoolExecutor(4)

# %% [markdown]
# ## `runner.live_info()`
#
# Status (colour-coded), elapsed time, number of points, the latest loss, overhead, failed points
# with the last traceback, and a **Cancel** button that stops the runner within a fraction of a
# second, also while another cell is `await`ing it. `update_interval` sets how often it refreshes
# (seconds).

# %%
learner = adaptive.Learner1D(wiggle, bounds=(-3, 3))
runner = adaptive.Runner(learner, executor=pool)  # no goal: runs until cancelled
runner.live_info(update_interval=0.2)

# %% [markdown]
# ## `runner.live_plot()`
#
# Draws the learner's points and updates as they arrive, sending only the new points each time.
# Give it a `name` and re-running the cell replaces the plot instead of adding a second one.
# `plotter=` accepts your own function of the learner that returns a HoloViews or Bokeh object.
#
# The axes are labelled `x_name` and `y_name` (by default `x` and the plot's `name`, or the
# function's name such as `wiggle(x)`). Drag a rectangle to zoom in (the plot keeps updating while
# zoomed); double-click or **reset zoom** to go back. **⤓ PNG** saves the picture and **⤓ CSV**
# the points and values, straight from the page, without asking the kernel.

# %%
runner.live_plot(update_interval=0.2, name="wiggle", x_name="x", y_name="sin(5x)·exp(-x²)")

# %%
await asyncio.sleep(1)
runner.cancel()  # what the Cancel button does
await asyncio.sleep(0.1)
print(runner.status(), learner.npoints, "points")

# %% [markdown]
# ## Dashboards
#
# The dashboards are in `adaptive_nb.dashboards`. They are built only from the public API
# (`runner.snapshot()`, `runner.cancel()`, the learners' data) with [Panel](https://panel.holoviz.org),
# so they are also a template for your own. Each one is a function that returns a Panel object for
# the notebook; the repository's `widgets/` folder has a `panel serve` app for each (next section).

# %%
import adaptive_nb.dashboards
from adaptive_nb.dashboards import balancing_grid, long_run_monitor, multi_runner_dashboard

# Load the dashboards' front-end code in a cell of its own, before the first dashboard: the page
# loads it asynchronously, and a dashboard shown in the same cell may render before it arrives.
adaptive_nb.dashboards.extension()

# %% [markdown]
# ### Many runners: `multi_runner_dashboard()`
#
# A table of runners with status, points, loss and elapsed time, a **cancel** button per runner,
# and the selected runner's data (**show**). Without arguments it follows every runner you start.

# %%
runners = [
    adaptive.Runner(adaptive.Learner1D(wiggle, bounds=(-3, 3)), npoints_goal=n, executor=pool)
    for n in (80, 150, 400)
]
dashboard = multi_runner_dashboard(runners, update_interval=0.3)
dashboard

# %%
await asyncio.gather(*(r.task for r in runners[:2]))
dashboard.update()
print([r.status() for r in dashboard.runners()])

# %% [markdown]
# ### A BalancingLearner: `balancing_grid(runner)`
#
# One small plot per child learner, titled with its points and loss; the child with the largest
# loss (the one that will get the next points) has a red frame.

# %%
combos = {"freq": [2.0, 5.0, 9.0]}
bal = adaptive.BalancingLearner.from_product(
    wiggle, adaptive.Learner1D, {"bounds": (-3, 3)}, combos
)
bal_runner = adaptive.Runner(bal, npoints_goal=200, executor=pool)
balancing_grid(bal_runner, ncols=3, labels=[f"freq={f}" for f in combos["freq"]])

# %% [markdown]
# ### One long run: `long_run_monitor(runner)`
#
# For runs that take hours: status, points, loss over time, failed points, when the learner was
# last saved (and the last save error, in red), and whether the kernel's event loop is blocked
# (see [Do not block the kernel](do-not-block-the-kernel.ipynb)).

# %%
import os
import tempfile

long_runner = adaptive.Runner(
    adaptive.Learner1D(wiggle, bounds=(-3, 3)), npoints_goal=300, executor=pool
)
long_runner.start_periodic_saving(
    save_kwargs={"fname": os.path.join(tempfile.mkdtemp(), "long.pickle")}, interval=0.5
)
monitor = long_run_monitor(long_runner, update_interval=0.5)
monitor

# %%
await asyncio.gather(bal_runner.task, long_runner.task, runners[2].task)
await asyncio.sleep(0.1)
monitor.update()
print(long_runner.status(), "last save:", long_runner.snapshot().last_save_time is not None)

# %% [markdown]
# ## Serving a dashboard
#
# The repository's `widgets/` folder has a Panel app with demo runners for each dashboard. From the
# repository root:
#
# ```bash
# python widgets/serve.py multi_runner        # or balancing_grid, long_run_monitor
# ```
#
# This runs `panel serve widgets/multi_runner.py --address 127.0.0.1 --port 5006
# --allow-websocket-origin 127.0.0.1:5006` with `BOKEH_RESOURCES=server`, so the page loads every
# script and stylesheet from the server itself and works on a machine without internet. It binds
# 127.0.0.1 only; from your laptop, forward the port with `ssh -L 5006:127.0.0.1:5006 node`.
#
# To serve your own runners, write a small app that creates them and ends with
# `multi_runner_dashboard(my_runners).servable()`.
