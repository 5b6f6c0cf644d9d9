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
# # Quickstart
#
# *adaptive_nb* evaluates a function where it matters: it places few points where the function is
# boring and many where it changes fast. You give it a function and a domain, it decides where to
# evaluate next, and a runner evaluates those points in parallel while you keep working in the
# notebook.
#
# This notebook takes five minutes: define a function, learn it, watch it, look at the result, save
# it. It uses `import adaptive_nb as adaptive`, so code written for the `adaptive` library runs
# unchanged.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import adaptive_nb as adaptive

adaptive.notebook_extension()


# %% [markdown]
# A function with one narrow peak. On a uniform grid you would need thousands of points to see its
# shape; an adaptive sampler finds the peak and spends its points there.


# %%
def peak(x, offset=0.123):
    a = 0.01
    return x + a**2 / (a**2 + (x - offset) ** 2)


# %% [markdown]
# ## A learner, a runner, a goal
#
# Two objects do the work:
#
# * a **learner** knows *what* to sample: here `Learner1D`, for functions of one real variable on an
#   interval. It proposes points and absorbs results.
# * a **runner** knows *how* to evaluate: it asks the learner for points, sends them to an executor
#   (by default a pool of worker processes), feeds the results back, and stops at the goal.
#
# A **goal** tells the runner when to stop. Give one:
#
# * `loss_goal=0.01`: when the learner's *loss* drops below 0.01. For `Learner1D` the loss is the
#   length of the longest straight segment between neighbouring points, with x and y both rescaled
#   to [0, 1]: 0.01 means "the plotted line has no segment longer than 1% of the picture";
# * `npoints_goal=500`: after 500 points;
# * `duration_goal=10`: after 10 seconds (or a `timedelta`); `end_time_goal=datetime(...)`;
# * `goal=lambda learner: ...`: any test of your own;
# * none: until you cancel it.
#
# **What it costs.** Every point is one call of your function, sent to a worker process (by
# default one per core) and back. So a run takes about *points * time per call / workers*, plus,
# for each point, the round trip to a worker (of the order of a millisecond) and the learner's own
# bookkeeping (well under a millisecond). For functions that take well under a millisecond, the
# round trip dominates: evaluate them in the kernel instead (`executor=SequentialExecutor()`, see
# [Runners and executors](runners-and-executors.ipynb)).
#
# To have something to watch, we pretend `peak` is a small simulation that takes 20 ms per call.
# About 370 points at 20 ms on two workers: expect the run to take a few seconds.

# %%
import time

from IPython.display import display


def slow_peak(x):
    time.sleep(0.02)  # stands in for a real computation
    return peak(x)


learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, loss_goal=0.01)
display(runner.live_info())
runner.live_plot(update_interval=0.1)

# %% [markdown]
# The cell above returned at once: the runner works in the background, on the kernel's event loop,
# while the plot fills in where the peak is (press **Cancel** to stop the runner early). The kernel
# stays free meanwhile; you can run other cells. To wait for the runner in a cell, `await` its
# task; top-level `await` works in Jupyter.

# %%
await runner.task
print(runner.status(), "-", learner.npoints, "points, loss", round(learner.loss(), 4))
print(f"took {runner.elapsed_time():.1f} s")

# %% [markdown]
# `learner.plot()` gives a static [HoloViews](https://holoviews.org) plot of the same data, which
# you can combine with other plots as usual.

# %%
learner.plot()

# %% [markdown]
# ## The data
#
# `learner.data` is a dict `{x: f(x)}`; `learner.to_numpy()` is the same as an array of rows
# (x, y), sorted by x. The smallest gap between points sits right at the peak:

# %%
import numpy as np

xy = learner.to_numpy()
gaps = np.diff(xy[:, 0])
finest = gaps.argmin()
print(f"{len(xy)} points, the closest two are {gaps[finest]:.1e} apart at x = {xy[finest, 0]:.3f}")
print(f"a uniform grid that fine would need {2 / gaps[finest]:,.0f} points")

# %% [markdown]
# ## Save and load
#
# `learner.save(fname)` writes the learner's data (not the function) to a file; `load` reads it into
# a learner with the same function. Writing is crash-safe: the file on disk is always either the old
# or the new version, never half of each. We use a temporary folder so the tutorial leaves nothing
# behind.
#
# The default file is a (compressed) pickle: load only files you trust. To share data with others,
# `format="npz"` writes plain NumPy arrays that load without unpickling anything.

# %%
import os
import tempfile

folder = tempfile.mkdtemp()
fname = os.path.join(folder, "peak.pickle")
learner.save(fname)

restored = adaptive.Learner1D(peak, bounds=(-1, 1))
restored.load(fname)
assert restored.data == learner.data
print("restored", restored.npoints, "points")

shared = os.path.join(folder, "peak.npz")
learner.save(shared, format="npz")
from_npz = adaptive.Learner1D(peak, bounds=(-1, 1))
from_npz.load(shared, format="npz")
assert from_npz.data == learner.data

# %% [markdown]
# ## Where next
#
# * [Learner1D: losses and vector output](learner1d.ipynb)
# * [Learner2D and LearnerND: maps of f(x, y) and f(x, y, z)](learner2d.ipynb)
# * [More learners: averages, integrals, sequences](more-learners.ipynb)
# * [BalancingLearner and DataSaver](balancing-and-datasaver.ipynb)
# * [Runners and executors](runners-and-executors.ipynb): processes, dask, ipyparallel, MPI
# * [Widgets and dashboards](widgets-and-dashboards.ipynb)
# * [Do not block the kernel](do-not-block-the-kernel.ipynb)
# * [The `%adaptive_run` magic](magic.ipynb)
# * [Advanced topics](advanced-topics.ipynb): saving while running, debugging, logging,
#   reproducibility
