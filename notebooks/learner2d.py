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
# # Learner2D and LearnerND: maps of f(x, y) and f(x, y, z)
#
# `Learner2D` samples a function of two variables on a rectangle. It keeps the points in a
# triangulation, gives each triangle a **loss**, and puts the next point into the triangle with
# the largest loss. `LearnerND` does the same with simplices in any number of dimensions. This
# notebook learns a 2D map live, writes a custom loss, learns a function in 3D, and saves the data.
#
# **Install:** `pip install "adaptive_nb[plotly]"` (plotly draws the 3D plots at the end; the rest
# needs only `adaptive_nb`).

# %%
import adaptive_nb as adaptive

adaptive.notebook_extension()

import os
import tempfile
import time

import numpy as np
from IPython.display import display

# %% [markdown]
# ## A map, live
#
# A sharp ring on a tilted plane: on a uniform grid most points would be wasted on the plane. We
# pretend each evaluation takes 5 ms, so that the run lasts long enough to watch: the heat map
# fills in, and the points gather on the ring.


# %%
def ring(xy, wait=True):
    if wait:
        time.sleep(0.005)  # stands in for a real computation
    x, y = xy
    a = 0.2
    return x + np.exp(-((x**2 + y**2 - 0.75**2) ** 2) / a**4)


learner = adaptive.Learner2D(ring, bounds=[(-1, 1), (-1, 1)])
runner = adaptive.Runner(learner, loss_goal=0.005)
display(runner.live_info())
runner.live_plot(update_interval=0.2)

# %%
await runner.task
print(runner.status(), "-", learner.npoints, "points, loss", round(learner.loss(), 4))

# %% [markdown]
# `learner.plot()` is a static HoloViews image of the linear interpolation on a grid; `tri_alpha`
# draws the triangles too. `learner.interpolated_on_grid()` gives the same grid as arrays.

# %%
learner.plot(tri_alpha=0.2)

# %%
xs, ys, zs = learner.interpolated_on_grid(n=200)
print(zs.shape, "grid; value range", np.nanmin(zs).round(3), "to", np.nanmax(zs).round(3))

# %% [markdown]
# Where did the points go? Compare the share of points near the ring with the share of the square
# that the band around the ring covers:

# %%
points = learner.to_numpy()[:, :2]
radius = np.hypot(points[:, 0], points[:, 1])
near = np.mean(abs(radius - 0.75) < 0.1)
band = np.pi * (0.85**2 - 0.65**2) / 4  # area of the band / area of the square
print(f"{near:.0%} of the points lie in a band that covers {band:.0%} of the square")
assert near > 2 * band

# %% [markdown]
# ## Losses
#
# `loss_per_triangle` decides what "interesting" means. The built-in losses are in
# `adaptive_nb.learner.learner2D`: `default_loss` (steep and curved regions), `uniform_loss`
# (triangles of equal size: a baseline), `minimize_triangle_surface_loss`, and the factories
# `resolution_loss_function(min_distance, max_distance)` (never split triangles smaller than
# `min_distance`, always split those larger than `max_distance`, both relative to the domain) and
# `thresholded_loss_function(lower_threshold, upper_threshold)`.
#
# A custom loss takes a `scipy.interpolate.LinearNDInterpolator` of the data (coordinates scaled
# to the unit square) and returns one number per triangle, `ip.tri.simplices`. It is the
# reference library's interface, so losses written for `adaptive` work unchanged. The helpers
# `areas(ip)` and `deviations(ip)` do the geometry. Here: the default loss, but only the right
# half of the domain matters to us, so the left half gets a tenth of the weight.

# %%
from adaptive_nb.learner.learner2D import default_loss


def right_half_loss(ip):
    loss = default_loss(ip)
    centers = ip.tri.points[ip.tri.simplices].mean(axis=1)  # scaled: x in [-0.5, 0.5]
    return np.where(centers[:, 0] > 0, loss, 0.1 * loss)


right = adaptive.Learner2D(
    lambda xy: ring(xy, wait=False), bounds=[(-1, 1), (-1, 1)], loss_per_triangle=right_half_loss
)
adaptive.runner.simple(right, npoints_goal=600)
xs_right = right.to_numpy()[:, 0]
print(f"{np.mean(xs_right > 0):.0%} of the points have x > 0")
assert np.mean(xs_right > 0) > 0.6
right.plot(tri_alpha=0.2)

# %% [markdown]
# Built-in losses run on a local, incremental triangulation: a new point updates only the
# triangles around it. A custom loss like the one above sees the whole interpolator, so it is
# recomputed from all points now and then: fine for thousands of points, slower for a hundred
# thousand.
#
# ## LearnerND: three (or more) variables
#
# `LearnerND(f, bounds)` takes a point as a tuple and works in any dimension. A sphere that is
# sharp at radius 0.6, in 3D:


# %%
def shell(xyz):
    x, y, z = xyz
    r = np.sqrt(x**2 + y**2 + z**2)
    return np.tanh(30 * (r - 0.6))


learner3d = adaptive.LearnerND(shell, bounds=[(-1, 1), (-1, 1), (-1, 1)])
runner3d = adaptive.Runner(
    learner3d, npoints_goal=800, executor=adaptive.runner.SequentialExecutor()
)
runner3d.live_plot(
    update_interval=0.2
)  # in 3D: the points projected onto a plane, coloured by value

# %%
await runner3d.task
r = np.linalg.norm(learner3d.points, axis=1)
print(learner3d.npoints, "points;", f"{np.mean(abs(r - 0.6) < 0.1):.0%} within 0.1 of the shell")

# %% [markdown]
# A slice through the middle (`plot_slice` fixes the coordinates you give: here z = 0) and, with
# plotly, the surface where the function crosses zero:

# %%
learner3d.plot_slice({2: 0.0}, n=100)

# %%
learner3d.plot_isosurface(level=0.0)

# %% [markdown]
# ## Save and load
#
# As for every learner: `save` writes the data (not the function), `load` reads it into a learner
# with the same function and bounds, and the loaded learner continues where the saved one stopped
# (it asks for the same next points). `format="npz"` writes plain NumPy arrays instead of a pickle,
# to share data without the risks of unpickling.

# %%
folder = tempfile.mkdtemp()
fname = os.path.join(folder, "ring.npz")
learner.save(fname, format="npz")

restored = adaptive.Learner2D(ring, bounds=[(-1, 1), (-1, 1)])
restored.load(fname, format="npz")
assert restored.data == learner.data
assert restored.ask(5, tell_pending=False) == learner.ask(5, tell_pending=False)
print("restored", restored.npoints, "points")

# %%
fname3d = os.path.join(folder, "shell.pickle")
learner3d.save(fname3d)
restored3d = adaptive.LearnerND(shell, bounds=[(-1, 1), (-1, 1), (-1, 1)])
restored3d.load(fname3d)
print("restored", restored3d.npoints, "points in 3D")

# %% [markdown]
# ## Where next
#
# * [Quickstart](quickstart.ipynb) and [Learner1D](learner1d.ipynb)
# * [More learners: averages, integrals, sequences](more-learners.ipynb)
# * [BalancingLearner](balancing-and-datasaver.ipynb): many maps with one runner; the live plot
#   shows them as small multiples
