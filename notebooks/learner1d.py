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
# # Learner1D: losses and vector output
#
# `Learner1D` samples a function `f(x)` on an interval `[a, b]`. It keeps the evaluated points
# sorted and gives each interval between neighbours a **loss**; the next point goes into the
# interval with the largest loss. The *loss function* therefore decides what "interesting" means.
# This notebook compares the built-in loss functions, writes a custom one, and learns a function
# with several outputs.
#
# To keep it deterministic and quick we run with `adaptive.runner.simple`, which evaluates one
# point at a time in this process and blocks until the goal is reached.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import adaptive_nb as adaptive

adaptive.notebook_extension()

import numpy as np

from adaptive_nb.learner.learner1D import (
    curvature_loss_function,
    default_loss,
    interpolation_error_loss,
    resolution_loss_function,
    uniform_loss,
    uses_nth_neighbors,
)


# %%
def bump(x):
    # a smooth background plus a narrow bump at x = 0.3
    return np.sin(2 * x) + np.exp(-((x - 0.3) ** 2) / 0.002)


def learn(loss_per_interval=None, n=80):
    learner = adaptive.Learner1D(bump, bounds=(-1, 1), loss_per_interval=loss_per_interval)
    adaptive.runner.simple(learner, npoints_goal=n)
    return learner


def near_bump(learner):
    xs = np.array(list(learner.data))
    return int(np.sum(abs(xs - 0.3) < 0.1))


# %% [markdown]
# ## The loss is infinite until the bounds are known
#
# A fresh learner cannot judge any interval, so its loss is infinite; the first two points it asks
# for are the bounds.

# %%
fresh = adaptive.Learner1D(bump, bounds=(-1, 1))
points, _ = fresh.ask(2)
print(fresh.loss(), sorted(points))

# %% [markdown]
# ## Built-in losses
#
# * `default_loss`: the length of the segment between neighbours in the (x, y) plane (both axes
#   scaled to the unit square). It refines steep parts.
# * `uniform_loss`: only the interval width, so you get an (almost) uniform grid. A baseline.
# * `curvature_loss_function()`: also looks at the neighbouring intervals and refines where the
#   function bends; good for smooth functions with sharp features.
# * `resolution_loss_function(min_length, max_length)`: the default loss, but never splits
#   intervals narrower than `min_length` and always splits those wider than `max_length` (lengths
#   relative to the domain). Use it to stop the learner from zooming into a discontinuity forever.
#
# All four get the same budget of 80 points; count how many land within 0.1 of the bump:

# %%
losses = {
    "default": None,
    "uniform": uniform_loss,
    "curvature": curvature_loss_function(),
    "resolution": resolution_loss_function(min_length=0.005, max_length=0.1),
}
learners = {name: learn(loss) for name, loss in losses.items()}
for name, lrn in learners.items():
    print(f"{name:>10}: {near_bump(lrn):2d} of {lrn.npoints} points near the bump")
assert near_bump(learners["default"]) > near_bump(learners["uniform"])

# %%
(
    learners["default"].plot().relabel("default")
    + learners["uniform"].plot().relabel("uniform")
    + learners["curvature"].plot().relabel("curvature")
)


# %% [markdown]
# ## A loss you can read: the interpolation error
#
# With the losses above, `loss_goal=0.01` is a number in the units of the loss, which you have to
# get a feel for. `interpolation_error_loss` makes the loss mean something: `learner.loss()`
# estimates the largest error of drawing straight lines between the points, relative to the
# function's range. So `loss_goal=1e-3` asks for "a plot within 0.1% of the y-range everywhere"
# (for functions that are smooth at the scale of the points; at a jump the error stays half the
# jump's height, and the estimate says less).
#
# Like every loss, it only sees what the points show. With three points (the bounds and the
# middle) `bump` looks like a smooth sine and the estimate is tiny: a plain `loss_goal=1e-3` would
# stop right there, before any point lands near the bump. So ask for a minimum number of points
# as well, enough to be sure no feature hides between them. Then check the estimate against the
# true error on a fine grid:

# %%
accurate = adaptive.Learner1D(bump, bounds=(-1, 1), loss_per_interval=interpolation_error_loss)
adaptive.runner.simple(accurate, goal=lambda lrn: lrn.npoints >= 20 and lrn.loss() < 1e-3)
xs, ys = accurate.to_numpy().T
fine = np.linspace(-1, 1, 20_001)
true_error = np.max(abs(np.interp(fine, xs, ys) - bump(fine))) / np.ptp(ys)
print(
    f"{accurate.npoints} points; estimated error {accurate.loss():.1e}, true error {true_error:.1e}"
)
assert true_error < 2e-3

# %% [markdown]
# ## A custom loss
#
# A loss function receives the x and y values of an interval's end points, scaled to the unit
# square, and returns a number. `@uses_nth_neighbors(k)` says how many neighbouring points on each
# side it wants to see (0: just the interval). Here: the default loss, but intervals shorter than
# 1/1000 of the domain are never split again.


# %%
@uses_nth_neighbors(0)
def capped_loss(xs, ys):
    if xs[1] - xs[0] < 1e-3:
        return 0.0
    return default_loss(xs, ys)


capped = learn(capped_loss, n=120)
narrowest = np.diff(sorted(capped.data)).min()
print(f"narrowest interval: {narrowest:.1e}")
# xs arrive scaled to the unit interval; the domain is 2 wide. An interval is split only while it
# is at least 1e-3 (scaled) long, so no piece gets shorter than half of that.
assert narrowest >= 0.5e-3 * 2


# %% [markdown]
# ## Vector output
#
# If `f` returns an array (a fixed number of values per x), the learner treats every component at
# once: the loss of an interval is the largest over the components, and `plot()` draws one line per
# component. `learner.vdim` tells how many there are.


# %%
def damped(t):
    envelope = np.exp(-t)
    return np.array([envelope * np.cos(6 * t), envelope * np.sin(6 * t), envelope])


vector = adaptive.Learner1D(damped, bounds=(0, 3))
adaptive.runner.simple(vector, loss_goal=0.02)
print(vector.npoints, "points, vdim =", vector.vdim)
vector.plot()

# %% [markdown]
# ## Getting the data out
#
# `to_numpy()` returns one row per point, sorted by x: x, then the outputs (here 1 + 3 columns).
#
# `to_dataframe()` returns a pandas DataFrame, also one row per point sorted by x, with the columns
# `x` and `y` (rename them with `x_name=`, `y_name=`), plus one constant column per default
# argument of the function (none here; `with_default_function_args=False` leaves them out).
# For vector output each entry of
# `y` is the whole array of components; split it into columns yourself when you want one per
# component. (`load_dataframe` reads the two-column form back.)

# %%
print(vector.to_numpy()[:3])
df = vector.to_dataframe(x_name="t", y_name="position")
print(list(df.columns), "- first row's position:", df.position.iloc[0])

# %%
import pandas as pd

components = pd.DataFrame(df.position.tolist(), columns=["re", "im", "envelope"], index=df.index)
df[["t"]].join(components).head()
