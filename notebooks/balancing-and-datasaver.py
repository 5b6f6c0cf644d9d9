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
# # BalancingLearner and DataSaver
#
# A **BalancingLearner** runs many learners with one runner. Each time the runner asks for points,
# it picks the child learner where a new point helps most, so the hard cases get the points and
# the easy ones are done early. Typical use: the same function at many parameter values.
#
# A **DataSaver** wraps a learner whose function returns more than the number to learn (a dict with
# diagnostics, say). The learner sees only the part you pick; the DataSaver keeps the rest.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import adaptive_nb as adaptive

adaptive.notebook_extension()

import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

import numpy as np


# %%
def peak(x, offset, width):
    return np.exp(-((x - offset) ** 2) / width**2)


combos = {"offset": [-0.5, 0.0, 0.5], "width": [0.02, 0.2]}
# one dict per combination, in the order from_product creates the children
params = adaptive.utils.named_product(**combos)
params[:2]

# %% [markdown]
# `BalancingLearner.from_product` builds one child per combination of the values in `combos`:
# child `i` learns `partial(peak, **params[i])`. We run it on a small thread pool, which is enough
# for a cheap NumPy function.
#
# **Goals on a BalancingLearner** follow the reference library:
#
# * `loss_goal=0.02`: `learner.loss()` is the *largest* of the children's losses, so the run stops
#   when *every* child is below 0.02;
# * `npoints_goal=120`: stops when *every* child has at least 120 points (so at least 6 times 120 in
#   all), although `learner.npoints` counts the *total* over the children;
# * for a budget over all children together, use `goal=lambda bl: bl.npoints >= 500`.

# %%
learner = adaptive.BalancingLearner.from_product(
    peak, adaptive.Learner1D, {"bounds": (-1, 1)}, combos
)
runner = adaptive.Runner(learner, loss_goal=0.02, executor=ThreadPoolExecutor(2))
await runner.task
for combo, child in zip(params, learner.learners, strict=True):
    print(combo, f"{child.npoints:3d} points, loss {child.loss():.3f}")

# %% [markdown]
# The narrow peaks (`width=0.02`) received more points than the wide ones: balancing spends the
# budget where it is needed, and every child ends just below the loss goal.

# %%
pairs = list(zip(params, learner.learners, strict=True))
narrow = [child.npoints for combo, child in pairs if combo["width"] == 0.02]
wide = [child.npoints for combo, child in pairs if combo["width"] == 0.2]
assert min(narrow) > max(wide)
learner.learners[0].plot() * learner.learners[1].plot()

# %% [markdown]
# ## Strategies
#
# `strategy` decides which child gets the next point:
#
# * `"loss_improvements"` (default): the child whose next point lowers its loss the most;
# * `"loss"`: the child with the largest loss;
# * `"npoints"`: the child with the fewest points (all grow evenly);
# * `"cycle"`: take turns.
#
# It can be changed while a runner is going. With `"npoints"` every child ends with about the same
# number of points:

# %%
even = adaptive.BalancingLearner.from_product(peak, adaptive.Learner1D, {"bounds": (-1, 1)}, combos)
even.strategy = "npoints"
adaptive.runner.simple(even, npoints_goal=120)
print([child.npoints for child in even.learners], "total:", even.npoints)
assert all(child.npoints >= 120 for child in even.learners)

# %% [markdown]
# ## Saving many learners
#
# `save` and `load` take either a function that maps a child learner to a file name, or a list of
# names, one per child.

# %%
folder = tempfile.mkdtemp()


def fname(child):
    kw = child.function.keywords  # from_product made partial(peak, **combo)
    return os.path.join(folder, f"peak_offset{kw['offset']}_width{kw['width']}.pickle")


learner.save(fname)
print(sorted(os.listdir(folder))[:2], "...")

again = adaptive.BalancingLearner.from_product(
    peak, adaptive.Learner1D, {"bounds": (-1, 1)}, combos
)
again.load(fname)
assert [c.data for c in again.learners] == [c.data for c in learner.learners]

# %% [markdown]
# A plain string is a mistake (all children would share one file), so it is refused with a clear
# message:

# %%
try:
    learner.save(os.path.join(folder, "all.pickle"))
except Exception as e:
    print(type(e).__name__, ":", e)


# %% [markdown]
# ## DataSaver: keep what the function returns besides the value
#
# The function below returns a dict. `arg_picker=itemgetter("y")` tells the learner which entry to
# learn; the whole dict lands in `learner.extra_data`, keyed by x.


# %%
def measured(x):
    y = math.tanh(20 * x)
    return {
        "y": y,
        "gradient": 20 / math.cosh(20 * x) ** 2,
        "note": "ok" if abs(x) < 0.9 else "edge",
    }


saver = adaptive.DataSaver(adaptive.Learner1D(measured, bounds=(-1, 1)), arg_picker=itemgetter("y"))
adaptive.runner.simple(saver, npoints_goal=50)
x0 = sorted(saver.extra_data)[10]
print(x0, saver.extra_data[x0])
assert saver.learner.data[x0] == saver.extra_data[x0]["y"]

# %% [markdown]
# `make_datasaver(LearnerType, arg_picker)` turns that into a learner class you can hand to, for
# example, `BalancingLearner.from_product`:

# %%
DataSaverLearner1D = adaptive.make_datasaver(adaptive.Learner1D, arg_picker=itemgetter("y"))
dsl = DataSaverLearner1D(measured, bounds=(-1, 1))
adaptive.runner.simple(dsl, npoints_goal=20)
print(type(dsl).__name__, len(dsl.extra_data))
