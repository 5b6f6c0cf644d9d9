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
# Two objects do the work:
#
# * a **learner** knows *what* to sample: here `Learner1D`, for functions of one real variable on an
#   interval. It proposes points and absorbs results.
# * a **runner** knows *how* to evaluate: it asks the learner for points, sends them to an executor
#   (by default a pool of worker processes), feeds the results back, and stops at the goal.
#
# `loss_goal=0.01` stops when the learner's loss (how badly the current points describe the
# function) drops below 0.01.

# %%
learner = adaptive.Learner1D(peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, loss_goal=0.01)
runner.live_info()

# %% [markdown]
# The cell above returned at once: the runner works in the background, on the kernel's event loop,
# and the widget updates itself (press **Cancel** to stop the runner early). To wait for the runner
# in a cell, `await` its task; top-level `await` works in Jupyter.

# %%
await runner.task
print(runner.status(), "-", learner.npoints, "points, loss", round(learner.loss(), 4))

# %%
runner.live_plot()

# %% [markdown]
# `learner.plot()` gives a static [HoloViews](https://holoviews.org) plot of the same data, which
# you can combine with other plots as usual.

# %%
learner.plot()

# %% [markdown]
# ## The data
#
# `learner.data` is a dict `{x: f(x)}`; `learner.to_numpy()` is the same as an array of rows. The
# smallest gap between points sits right at the peak:

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

# %% [markdown]
# ## Where next
#
# * [Learner1D: losses and vector output](learner1d.ipynb)
# * [BalancingLearner and DataSaver](balancing-and-datasaver.ipynb)
# * [Runners and executors](runners-and-executors.ipynb): processes, dask, ipyparallel, MPI
# * [Widgets and dashboards](widgets-and-dashboards.ipynb)
# * [Do not block the kernel](do-not-block-the-kernel.ipynb)
# * [The `%adaptive_run` magic](magic.ipynb)
# * [Advanced topics](advanced-topics.ipynb): saving while running, debugging, logging,
#   reproducibility
