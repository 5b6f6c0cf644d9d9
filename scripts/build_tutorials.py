"""Write the tutorial notebooks in notebooks/ from the cell lists below (outputs cleared).

The notebooks are what users download and what tests/notebooks/test_tutorials.py executes; this
script is only the convenient way to edit them. Run: ``python scripts/build_tutorials.py``.
Cells tagged ``raises-exception`` show an error on purpose.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
Cell = tuple[str, str] | tuple[str, str, list[str]]

SETUP = """\
import adaptive_nb as adaptive

adaptive.notebook_extension()"""

QUICKSTART: list[Cell] = [
    (
        "md",
        """\
# Quickstart

*adaptive_nb* evaluates a function where it matters: it places few points where the function is
boring and many where it changes fast. You give it a function and a domain, it decides where to
evaluate next, and a runner evaluates those points in parallel while you keep working in the
notebook.

This notebook takes five minutes: define a function, learn it, watch it, look at the result, save
it. It uses `import adaptive_nb as adaptive`, so code written for the `adaptive` library runs
unchanged.""",
    ),
    ("code", SETUP),
    (
        "md",
        """\
A function with one narrow peak. On a uniform grid you would need thousands of points to see its
shape; an adaptive sampler finds the peak and spends its points there.""",
    ),
    (
        "code",
        """\
def peak(x, offset=0.123):
    a = 0.01
    return x + a**2 / (a**2 + (x - offset) ** 2)""",
    ),
    (
        "md",
        """\
Two objects do the work:

* a **learner** knows *what* to sample: here `Learner1D`, for functions of one real variable on an
  interval. It proposes points and absorbs results.
* a **runner** knows *how* to evaluate: it asks the learner for points, sends them to an executor
  (by default a pool of worker processes), feeds the results back, and stops at the goal.

`loss_goal=0.01` stops when the learner's loss (how badly the current points describe the
function) drops below 0.01.""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, loss_goal=0.01)
runner.live_info()""",
    ),
    (
        "md",
        """\
The cell above returned at once: the runner works in the background, on the kernel's event loop,
and the widget updates itself (press **Cancel** to stop the runner early). To wait for the runner
in a cell, `await` its task; top-level `await` works in Jupyter.""",
    ),
    (
        "code",
        """\
await runner.task
print(runner.status(), "-", learner.npoints, "points, loss", round(learner.loss(), 4))""",
    ),
    (
        "code",
        """\
runner.live_plot()""",
    ),
    (
        "md",
        """\
`learner.plot()` gives a static [HoloViews](https://holoviews.org) plot of the same data, which
you can combine with other plots as usual.""",
    ),
    (
        "code",
        """\
learner.plot()""",
    ),
    (
        "md",
        """\
## The data

`learner.data` is a dict `{x: f(x)}`; `learner.to_numpy()` is the same as an array of rows. The
smallest gap between points sits right at the peak:""",
    ),
    (
        "code",
        """\
import numpy as np

xy = learner.to_numpy()
gaps = np.diff(xy[:, 0])
finest = gaps.argmin()
print(f"{len(xy)} points, the closest two are {gaps[finest]:.1e} apart at x = {xy[finest, 0]:.3f}")
print(f"a uniform grid that fine would need {2 / gaps[finest]:,.0f} points")""",
    ),
    (
        "md",
        """\
## Save and load

`learner.save(fname)` writes the learner's data (not the function) to a file; `load` reads it into
a learner with the same function. Writing is crash-safe: the file on disk is always either the old
or the new version, never half of each. We use a temporary folder so the tutorial leaves nothing
behind.""",
    ),
    (
        "code",
        """\
import os
import tempfile

folder = tempfile.mkdtemp()
fname = os.path.join(folder, "peak.pickle")
learner.save(fname)

restored = adaptive.Learner1D(peak, bounds=(-1, 1))
restored.load(fname)
assert restored.data == learner.data
print("restored", restored.npoints, "points")""",
    ),
    (
        "md",
        """\
## Where next

* [Learner1D: losses and vector output](learner1d.ipynb)
* [BalancingLearner and DataSaver](balancing-and-datasaver.ipynb)
* [Runners and executors](runners-and-executors.ipynb): processes, dask, ipyparallel, MPI
* [Widgets and dashboards](widgets-and-dashboards.ipynb)
* [Do not block the kernel](do-not-block-the-kernel.ipynb)
* [The `%adaptive_run` magic](magic.ipynb)
* [Advanced topics](advanced-topics.ipynb): saving while running, debugging, logging,
  reproducibility""",
    ),
]

LEARNER1D: list[Cell] = [
    (
        "md",
        """\
# Learner1D: losses and vector output

`Learner1D` samples a function `f(x)` on an interval `[a, b]`. It keeps the evaluated points
sorted and gives each interval between neighbours a **loss**; the next point goes into the
interval with the largest loss. The *loss function* therefore decides what "interesting" means.
This notebook compares the built-in loss functions, writes a custom one, and learns a function
with several outputs.

To keep it deterministic and quick we run with `adaptive.runner.simple`, which evaluates one
point at a time in this process and blocks until the goal is reached.""",
    ),
    (
        "code",
        SETUP
        + """

import numpy as np

from adaptive_nb.learner.learner1D import (
    curvature_loss_function,
    default_loss,
    resolution_loss_function,
    uniform_loss,
    uses_nth_neighbors,
)""",
    ),
    (
        "code",
        """\
def bump(x):
    # a smooth background plus a narrow bump at x = 0.3
    return np.sin(2 * x) + np.exp(-((x - 0.3) ** 2) / 0.002)


def learn(loss_per_interval=None, n=80):
    learner = adaptive.Learner1D(bump, bounds=(-1, 1), loss_per_interval=loss_per_interval)
    adaptive.runner.simple(learner, npoints_goal=n)
    return learner


def near_bump(learner):
    xs = np.array(list(learner.data))
    return int(np.sum(abs(xs - 0.3) < 0.1))""",
    ),
    (
        "md",
        """\
## The loss is infinite until the bounds are known

A fresh learner cannot judge any interval, so its loss is infinite; the first two points it asks
for are the bounds.""",
    ),
    (
        "code",
        """\
fresh = adaptive.Learner1D(bump, bounds=(-1, 1))
points, _ = fresh.ask(2)
print(fresh.loss(), sorted(points))""",
    ),
    (
        "md",
        """\
## Built-in losses

* `default_loss`: the length of the segment between neighbours in the (x, y) plane (both axes
  scaled to the unit square). It refines steep parts.
* `uniform_loss`: only the interval width, so you get an (almost) uniform grid. A baseline.
* `curvature_loss_function()`: also looks at the neighbouring intervals and refines where the
  function bends; good for smooth functions with sharp features.
* `resolution_loss_function(min_length, max_length)`: the default loss, but never splits
  intervals narrower than `min_length` and always splits those wider than `max_length` (lengths
  relative to the domain). Use it to stop the learner from zooming into a discontinuity forever.

All four get the same budget of 80 points; count how many land within 0.1 of the bump:""",
    ),
    (
        "code",
        """\
losses = {
    "default": None,
    "uniform": uniform_loss,
    "curvature": curvature_loss_function(),
    "resolution": resolution_loss_function(min_length=0.005, max_length=0.1),
}
learners = {name: learn(loss) for name, loss in losses.items()}
for name, lrn in learners.items():
    print(f"{name:>10}: {near_bump(lrn):2d} of {lrn.npoints} points near the bump")
assert near_bump(learners["default"]) > near_bump(learners["uniform"])""",
    ),
    (
        "code",
        """\
(
    learners["default"].plot().relabel("default")
    + learners["uniform"].plot().relabel("uniform")
    + learners["curvature"].plot().relabel("curvature")
)""",
    ),
    (
        "md",
        """\
## A custom loss

A loss function receives the x and y values of an interval's end points, scaled to the unit
square, and returns a number. `@uses_nth_neighbors(k)` says how many neighbouring points on each
side it wants to see (0: just the interval). Here: the default loss, but intervals shorter than
1/1000 of the domain are never split again.""",
    ),
    (
        "code",
        """\
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
assert narrowest >= 0.5e-3 * 2""",
    ),
    (
        "md",
        """\
## Vector output

If `f` returns an array (a fixed number of values per x), the learner treats every component at
once: the loss of an interval is the largest over the components, and `plot()` draws one line per
component. `learner.vdim` tells how many there are.""",
    ),
    (
        "code",
        """\
def damped(t):
    envelope = np.exp(-t)
    return np.array([envelope * np.cos(6 * t), envelope * np.sin(6 * t), envelope])


vector = adaptive.Learner1D(damped, bounds=(0, 3))
adaptive.runner.simple(vector, loss_goal=0.02)
print(vector.npoints, "points, vdim =", vector.vdim)
vector.plot()""",
    ),
    (
        "md",
        """\
## Getting the data out

`to_numpy()` returns one row per point (x, then the outputs); `to_dataframe()` returns a pandas
DataFrame (pandas is optional) with one column per output.""",
    ),
    (
        "code",
        """\
print(vector.to_numpy()[:3])
df = vector.to_dataframe()
df.head()""",
    ),
]

BALANCING: list[Cell] = [
    (
        "md",
        """\
# BalancingLearner and DataSaver

A **BalancingLearner** runs many learners with one runner. Each time the runner asks for points,
it picks the child learner where a new point helps most, so the hard cases get the points and
the easy ones are done early. Typical use: the same function at many parameter values.

A **DataSaver** wraps a learner whose function returns more than the number to learn (a dict with
diagnostics, say). The learner sees only the part you pick; the DataSaver keeps the rest.""",
    ),
    (
        "code",
        SETUP
        + """

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

import numpy as np""",
    ),
    (
        "code",
        """\
def peak(x, offset, width):
    return np.exp(-((x - offset) ** 2) / width**2)


combos = {"offset": [-0.5, 0.0, 0.5], "width": [0.02, 0.2]}
# one dict per combination, in the order from_product creates the children
params = adaptive.utils.named_product(**combos)
params[:2]""",
    ),
    (
        "md",
        """\
`BalancingLearner.from_product` builds one child per combination of the values in `combos`:
child `i` learns `partial(peak, **params[i])`. We run it on a small thread pool, which is enough
for a cheap NumPy function.""",
    ),
    (
        "code",
        """\
learner = adaptive.BalancingLearner.from_product(
    peak, adaptive.Learner1D, {"bounds": (-1, 1)}, combos
)
runner = adaptive.Runner(learner, loss_goal=0.02, executor=ThreadPoolExecutor(2))
await runner.task
for combo, child in zip(params, learner.learners, strict=True):
    print(combo, f"{child.npoints:3d} points, loss {child.loss():.3f}")""",
    ),
    (
        "md",
        """\
The narrow peaks (`width=0.02`) received far more points than the wide ones: balancing spends the
budget where it is needed.""",
    ),
    (
        "code",
        """\
pairs = list(zip(params, learner.learners, strict=True))
narrow = [child.npoints for combo, child in pairs if combo["width"] == 0.02]
wide = [child.npoints for combo, child in pairs if combo["width"] == 0.2]
assert min(narrow) > max(wide)
learner.learners[0].plot() * learner.learners[1].plot()""",
    ),
    (
        "md",
        """\
## Strategies

`strategy` decides which child gets the next point:

* `"loss_improvements"` (default): the child whose next point lowers its loss the most;
* `"loss"`: the child with the largest loss;
* `"npoints"`: the child with the fewest points (all grow evenly);
* `"cycle"`: take turns.

It can be changed while a runner is going. With `"npoints"` every child ends with about the same
number of points:""",
    ),
    (
        "code",
        """\
even = adaptive.BalancingLearner.from_product(
    peak, adaptive.Learner1D, {"bounds": (-1, 1)}, combos
)
even.strategy = "npoints"
adaptive.runner.simple(even, npoints_goal=120)
print([child.npoints for child in even.learners])""",
    ),
    (
        "md",
        """\
## Saving many learners

`save` and `load` take either a function that maps a child learner to a file name, or a list of
names, one per child.""",
    ),
    (
        "code",
        """\
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
assert [c.data for c in again.learners] == [c.data for c in learner.learners]""",
    ),
    (
        "md",
        """\
A plain string is a mistake (all children would share one file), so it is refused with a clear
message:""",
    ),
    (
        "code",
        """\
try:
    learner.save(os.path.join(folder, "all.pickle"))
except Exception as e:
    print(type(e).__name__, ":", e)""",
    ),
    (
        "md",
        """\
## DataSaver: keep what the function returns besides the value

The function below returns a dict. `arg_picker=itemgetter("y")` tells the learner which entry to
learn; the whole dict lands in `learner.extra_data`, keyed by x.""",
    ),
    (
        "code",
        """\
def measured(x):
    y = np.tanh(20 * x)
    return {"y": y, "gradient": 20 / np.cosh(20 * x) ** 2, "note": "ok" if abs(x) < 0.9 else "edge"}


saver = adaptive.DataSaver(adaptive.Learner1D(measured, bounds=(-1, 1)), arg_picker=itemgetter("y"))
adaptive.runner.simple(saver, npoints_goal=50)
x0 = sorted(saver.extra_data)[10]
print(x0, saver.extra_data[x0])
assert saver.learner.data[x0] == saver.extra_data[x0]["y"]""",
    ),
    (
        "md",
        """\
`make_datasaver(LearnerType, arg_picker)` turns that into a learner class you can hand to, for
example, `BalancingLearner.from_product`:""",
    ),
    (
        "code",
        """\
DataSaverLearner1D = adaptive.make_datasaver(adaptive.Learner1D, arg_picker=itemgetter("y"))
dsl = DataSaverLearner1D(measured, bounds=(-1, 1))
adaptive.runner.simple(dsl, npoints_goal=20)
print(type(dsl).__name__, len(dsl.extra_data))""",
    ),
]

RUNNERS: list[Cell] = [
    (
        "md",
        """\
# Runners and executors

A **runner** drives a learner: it asks for points, hands them to an **executor**, gives the
results back, and stops at the goal. The learner never knows where its function ran, so you can
move from your laptop to a cluster by changing one argument.

* `adaptive.Runner` (= `AsyncRunner`), in a notebook: works in the background, drives the live
  widgets, and `await runner.task` waits for it;
* `adaptive.BlockingRunner`, in a script or a cell that should just finish: blocks until the goal;
* `adaptive.runner.simple`: one point at a time in this process; deterministic, for debugging.

Goals (give at most one; none means "until cancelled"): `loss_goal=0.01`, `npoints_goal=200`,
`duration_goal=60` (seconds, or a `timedelta`), `end_time_goal=datetime(...)`, or `goal=callable`
taking the learner.""",
    ),
    (
        "code",
        """\
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import adaptive_nb as adaptive  # no notebook_extension(): no live widgets or plots here""",
    ),
    (
        "code",
        """\
def slow_peak(x, offset=0.2):
    import time  # imported inside: the function also runs in other processes

    time.sleep(0.01)  # a stand-in for an expensive simulation
    a = 0.02
    return x + a**2 / (a**2 + (x - offset) ** 2)""",
    ),
    (
        "md",
        """\
## The default: loky processes

Without `executor=`, a runner uses [loky](https://github.com/joblib/loky)'s reusable process pool,
one worker per core. It pickles functions with cloudpickle, so functions and lambdas defined in
the notebook just work. The pool is reused by later runners, so only the first start is slow.""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=60)
await runner.task
print(runner.status(), learner.npoints, f"points in {runner.elapsed_time():.2f} s,",
      f"overhead {runner.overhead():.0f}%")""",
    ),
    (
        "md",
        """\
## Any `concurrent.futures` executor

`ProcessPoolExecutor` for CPU-bound Python, `ThreadPoolExecutor` when the function releases the
GIL (NumPy, I/O, waiting on something). With `shutdown_executor=True` the runner shuts the pool
down when it is done.""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=60, executor=ThreadPoolExecutor(4),
                         shutdown_executor=True)
await runner.task
print("threads:", learner.npoints, f"points in {runner.elapsed_time():.2f} s")""",
    ),
    (
        "md",
        """\
`ProcessPoolExecutor` from the standard library re-imports `__main__` in the workers and cannot
ship functions defined in a notebook on every platform; loky (the default) can. Use it from
scripts, with the function in a module:""",
    ),
    (
        "code",
        """\
with ProcessPoolExecutor(max_workers=2) as pool:
    learner = adaptive.Learner1D(abs, bounds=(-1, 1))
    adaptive.BlockingRunner(learner, npoints_goal=30, executor=pool)
print("processes:", learner.npoints, "points")""",
    ),
    (
        "md",
        """\
## Deterministic runs

`SequentialExecutor` evaluates in the runner's own loop, one point at a time, so the same code
gives the same points every time; `adaptive.runner.simple` does the same without a runner.""",
    ),
    (
        "code",
        """\
from adaptive_nb.runner import SequentialExecutor

a = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
b = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
await adaptive.Runner(a, npoints_goal=25, executor=SequentialExecutor()).task
adaptive.runner.simple(b, npoints_goal=25)
assert a.data == b.data""",
    ),
    (
        "md",
        """\
## dask

Pass a `distributed.Client` as the executor. Here a local cluster with two worker processes on
127.0.0.1; on a cluster you would connect to your scheduler's address instead (or use
dask-jobqueue to get workers from SLURM/PBS).""",
    ),
    (
        "code",
        """\
from distributed import Client, LocalCluster

cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                       dashboard_address="127.0.0.1:0", processes=True)
client = Client(cluster)
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=60, executor=client)
await runner.task
print("dask:", learner.npoints, f"points in {runner.elapsed_time():.2f} s")
client.close()
cluster.close()""",
    ),
    (
        "md",
        """\
## ipyparallel

An `ipyparallel.Client` works the same way. `ipp.Cluster` starts a controller and engines on this
machine (127.0.0.1); on a cluster, start them with `ipcluster` and connect with `ipp.Client()`.""",
    ),
    (
        "code",
        """\
import ipyparallel as ipp

ipcluster = ipp.Cluster(n=2, log_level=40)
rc = await ipcluster.start_and_connect(activate=False)
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=40, executor=rc)
await runner.task
print("ipyparallel:", learner.npoints, "points")
rc.close()
await ipcluster.stop_cluster()""",
    ),
    (
        "md",
        """\
## MPI, from a script

With MPI the workers are MPI processes, started by `mpiexec`, so the learner runs in a script. The
script below uses `mpi4py.futures.MPIPoolExecutor` and a `BlockingRunner`, and saves the learner
at the end; `python -m mpi4py.futures` turns all ranks but the first into workers. (Importing
adaptive_nb never initialises MPI by itself; only creating the executor does.)""",
    ),
    (
        "code",
        """\
folder = tempfile.mkdtemp()
script = os.path.join(folder, "run_mpi.py")
result_file = os.path.join(folder, "mpi_learner.pickle")""",
    ),
    (
        "code",
        """\
%%writefile {script}
import sys

import adaptive_nb as adaptive
from mpi4py.futures import MPIPoolExecutor


def f(x):
    return x**3 - x


if __name__ == "__main__":
    learner = adaptive.Learner1D(f, bounds=(-1, 1))
    with MPIPoolExecutor() as executor:
        adaptive.BlockingRunner(learner, npoints_goal=50, executor=executor)
    learner.save(sys.argv[1])
    print(f"saved {learner.npoints} points")""",
    ),
    (
        "md",
        """\
On a cluster you would put the `mpiexec` line in your job script. Here we run it from the
notebook with 3 ranks (1 runner + 2 workers). As root, Open MPI wants `--allow-run-as-root`, and
`--oversubscribe` lets it start more ranks than there are cores.""",
    ),
    (
        "code",
        """\
cmd = ["mpiexec", "-n", "3"]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    cmd += ["--allow-run-as-root", "--oversubscribe"]
cmd += [sys.executable, "-m", "mpi4py.futures", script, result_file]
done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
print(done.stdout.strip() or done.stderr[-2000:])

mpi_learner = adaptive.Learner1D(lambda x: x**3 - x, bounds=(-1, 1))
mpi_learner.load(result_file)
assert mpi_learner.npoints >= 50""",
    ),
]

WIDGETS: list[Cell] = [
    (
        "md",
        """\
# Widgets and dashboards

Runners work in the background, so you need a window into them. adaptive_nb has two live
widgets for a single runner and three dashboards for bigger jobs. All of them work offline (no
JavaScript from the internet) and keep the kernel free while they update.""",
    ),
    (
        "code",
        """\
import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import adaptive_nb as adaptive  # the live widgets are anywidgets: nothing to load first""",
    ),
    (
        "code",
        """\
def wiggle(x, freq=5.0):
    import time

    time.sleep(0.005)
    return np.sin(freq * x) * np.exp(-(x**2))


pool = ThreadPoolExecutor(4)""",
    ),
    (
        "md",
        """\
## `runner.live_info()`

Status (colour-coded), elapsed time, number of points, the latest loss, overhead, failed points
with the last traceback, and a **Cancel** button that stops the runner within a fraction of a
second, also while another cell is `await`ing it. `update_interval` sets how often it refreshes
(seconds).""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(wiggle, bounds=(-3, 3))
runner = adaptive.Runner(learner, executor=pool)  # no goal: runs until cancelled
runner.live_info(update_interval=0.2)""",
    ),
    (
        "md",
        """\
## `runner.live_plot()`

Draws the learner's points and updates as they arrive, sending only the new points each time.
Give it a `name` and re-running the cell replaces the plot instead of adding a second one.
`plotter=` accepts your own function of the learner that returns a HoloViews or Bokeh object.""",
    ),
    (
        "code",
        """\
runner.live_plot(update_interval=0.2, name="wiggle")""",
    ),
    (
        "code",
        """\
await asyncio.sleep(1)
runner.cancel()  # what the Cancel button does
await asyncio.sleep(0.1)
print(runner.status(), learner.npoints, "points")""",
    ),
    (
        "md",
        """\
## Dashboards

The dashboards are in `adaptive_nb.dashboards`. They are built only from the public API
(`runner.snapshot()`, `runner.cancel()`, the learners' data) with [Panel](https://panel.holoviz.org),
so they are also a template for your own. Each one is a function that returns a Panel object for
the notebook (its plots follow the runners live, and everything it needs is inlined into the
notebook: nothing comes from the internet), and each can be served as an app (last section).""",
    ),
    (
        "code",
        """\
from adaptive_nb.dashboards import balancing_grid, long_run_monitor, multi_runner_dashboard""",
    ),
    (
        "md",
        """\
### Many runners: `multi_runner_dashboard()`

A table of runners with status, points, loss and elapsed time (click a column header to sort), a
**Cancel** button on each running row, and the plot of the runner whose row you click last.
Without arguments it follows every runner you start in this kernel.""",
    ),
    (
        "code",
        """\
runners = [
    adaptive.Runner(adaptive.Learner1D(wiggle, bounds=(-3, 3)), npoints_goal=n, executor=pool)
    for n in (80, 150, 400)
]
dashboard = multi_runner_dashboard(runners, update_interval=0.3)
dashboard""",
    ),
    (
        "code",
        """\
await asyncio.gather(*(r.task for r in runners[:2]))
dashboard.update()
print([r.status() for r in dashboard.runners()])""",
    ),
    (
        "md",
        """\
### A BalancingLearner: `balancing_grid(runner)`

One small plot per child learner, titled with its points and loss; the child with the largest
loss (the one that will get the next points) has a red frame.""",
    ),
    (
        "code",
        """\
combos = {"freq": [2.0, 5.0, 9.0]}
bal = adaptive.BalancingLearner.from_product(
    wiggle, adaptive.Learner1D, {"bounds": (-3, 3)}, combos
)
bal_runner = adaptive.Runner(bal, npoints_goal=200, executor=pool)
balancing_grid(bal_runner, ncols=3, labels=[f"freq={f}" for f in combos["freq"]])""",
    ),
    (
        "md",
        """\
### One long run: `long_run_monitor(runner)`

For runs that take hours: status, points, loss over time, failed points, when the learner was
last saved (and the last save error, in red), and whether the kernel's event loop is blocked
(see [Do not block the kernel](do-not-block-the-kernel.ipynb)).""",
    ),
    (
        "code",
        """\
import os
import tempfile

long_runner = adaptive.Runner(adaptive.Learner1D(wiggle, bounds=(-3, 3)), npoints_goal=300,
                              executor=pool)
long_runner.start_periodic_saving(
    save_kwargs={"fname": os.path.join(tempfile.mkdtemp(), "long.pickle")}, interval=0.5
)
monitor = long_run_monitor(long_runner, update_interval=0.5)
monitor""",
    ),
    (
        "code",
        """\
await asyncio.gather(bal_runner.task, long_runner.task, runners[2].task)
await asyncio.sleep(0.1)
monitor.update()
print(long_runner.status(), "last save:", long_runner.snapshot().last_save_time is not None)""",
    ),
    (
        "md",
        """\
## Serving a dashboard

The repository's `widgets/` folder holds a small Panel app per dashboard, with demo runners. From
the repository root:

```bash
python widgets/serve.py multi_runner        # or balancing_grid, long_run_monitor
```

This runs `panel serve widgets/multi_runner.py --address 127.0.0.1 --port 5006
--allow-websocket-origin 127.0.0.1:5006` with `BOKEH_RESOURCES=server`, so the page loads every
script and stylesheet from the server itself and works on a machine without internet. It binds
127.0.0.1 only; from your laptop, forward the port with `ssh -L 5006:127.0.0.1:5006 node`.

To serve your own runners, write a small app that creates them and ends with
`MultiRunnerDashboard(my_runners).servable()` (from `adaptive_nb.dashboards`), as the files in
`widgets/` do.""",
    ),
]

NOBLOCK: list[Cell] = [
    (
        "md",
        """\
# Do not block the kernel

A `Runner` does its work in an asyncio task on the kernel's **event loop**, the same loop that
runs your cells. The loop can only run the runner between cells, or while a cell is waiting in an
`await`. A cell that keeps the loop busy stops the runner (and the live widgets) until it ends.

The classic trap is waiting for a runner in a loop:

```python
while not runner.task.done():   # never do this
    pass
```

The runner never finishes, because it never gets to run: this cell spins forever and you have to
interrupt the kernel. adaptive_nb notices: while a runner is active, a **watchdog** checks that the
loop keeps ticking, and after a couple of seconds without a tick it prints a `KernelBlockedWarning`
into the blocked cell, with the fix. (Live widgets freeze meanwhile: they update from the same
loop. The long-run monitor dashboard keeps a record of blocked episodes.)""",
    ),
    (
        "code",
        """\
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import adaptive_nb as adaptive
from adaptive_nb.notebook import watchdog""",
    ),
    (
        "code",
        """\
def f(x):
    import time

    time.sleep(0.01)
    return x**2 * (x > 0)""",
    ),
    (
        "md",
        """\
## Seeing it happen

The watchdog warns after 2 seconds by default; we lower that to 0.5 s to keep this page short.
Instead of a never-ending busy loop we block the loop for 1.5 s with `time.sleep` (any long
synchronous work does the same). Watch the point count: it does not move while the cell sleeps,
even though four threads are waiting for work.""",
    ),
    (
        "code",
        """\
watchdog.configure(threshold=0.5)
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(4))
await asyncio.sleep(0.3)  # the runner works while this cell awaits""",
    ),
    (
        "code",
        """\
before = learner.npoints
time.sleep(1.5)  # blocks the event loop: the watchdog warns into this cell
print("points before:", before, "after 1.5 s of blocking:", learner.npoints)
assert learner.npoints == before""",
    ),
    (
        "code",
        """\
await asyncio.sleep(0.3)  # free again: the runner catches up
print("after 0.3 s of awaiting:", learner.npoints)
runner.cancel()""",
    ),
    (
        "md",
        """\
## What to do instead

**Wait with `await`.** `await runner.task` pauses the cell without blocking the loop; the runner
and the widgets keep going.""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, loss_goal=0.05, executor=ThreadPoolExecutor(4))
await runner.task
print(runner.status(), learner.npoints)""",
    ),
    (
        "md",
        """\
Need a time limit? `asyncio.wait_for` cancels the runner's task when the time is up. Need to do
something periodically while it runs? Loop with `await asyncio.sleep(...)`, never a bare loop:""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(f, bounds=(-1, 1))
runner = adaptive.Runner(learner, executor=ThreadPoolExecutor(4))
while learner.npoints < 40:
    await asyncio.sleep(0.05)  # yields to the loop: the runner advances
runner.cancel()
print(learner.npoints, "points")""",
    ),
    (
        "md",
        """\
**Do not need live updates?** Block on purpose: `BlockingRunner` evaluates on its executor and
returns when the goal is reached, and `adaptive.runner.simple` evaluates in this process, one
point at a time. Neither triggers the watchdog: no `Runner` is waiting on the blocked loop.""",
    ),
    (
        "code",
        """\
learner = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.BlockingRunner(learner, loss_goal=0.05, executor=ThreadPoolExecutor(4))
print("BlockingRunner:", learner.npoints)

learner = adaptive.Learner1D(f, bounds=(-1, 1))
adaptive.runner.simple(learner, loss_goal=0.05)
print("simple:", learner.npoints)""",
    ),
    (
        "md",
        """\
## Configuring the watchdog

* `watchdog.configure(threshold=5)` warns after 5 s instead of 2;
* `watchdog.configure(enabled=False)` switches it off (and stops its heartbeat at once);
* the environment variable `ADAPTIVE_NB_WATCHDOG=off` (or a number of seconds) does the same
  before the kernel starts.

It costs nothing while no runner is active: the heartbeat stops with the last runner and the
watchdog thread sleeps until the next one starts.""",
    ),
    (
        "code",
        """\
print(watchdog.state())
watchdog.configure(threshold=2.0)""",
    ),
]

MAGIC: list[Cell] = [
    (
        "md",
        """\
# The `%adaptive_run` magic

Starting a runner and showing its widgets is three lines; `%adaptive_run` makes it one. Load it
once per session with `%load_ext adaptive_nb`.""",
    ),
    (
        "code",
        """\
%load_ext adaptive_nb
import adaptive_nb as adaptive""",
    ),
    (
        "code",
        """\
%adaptive_run --help""",
    ),
    (
        "md",
        """\
## Line magic

`%adaptive_run LEARNER [options]` starts a `Runner` on the learner, displays `live_info` and
`live_plot`, stores the runner in your namespace (as `runner` unless you pass `--name`) and
returns it. Give at most one goal: `--npoints N`, `--loss L`, `--duration SECONDS`, or
`--goal EXPR` (any expression giving a function of the learner; quote it).""",
    ),
    (
        "code",
        """\
from concurrent.futures import ThreadPoolExecutor


def f(x):
    import time

    time.sleep(0.01)
    return abs(x) ** 0.5


pool = ThreadPoolExecutor(2)
learner = adaptive.Learner1D(f, bounds=(-1, 1))""",
    ),
    (
        "code",
        """\
%adaptive_run learner --npoints 40 --executor pool --interval 0.2""",
    ),
    (
        "code",
        """\
await runner.task
print(runner.status(), learner.npoints)""",
    ),
    (
        "md",
        """\
`--name` picks the variable, `--no-plot` shows only `live_info`, and `--goal` takes an expression
evaluated in your namespace:""",
    ),
    (
        "code",
        """\
learner2 = adaptive.Learner1D(f, bounds=(-1, 1))
%adaptive_run learner2 --goal "lambda l: l.loss() < 0.05" --name r2 --no-plot --executor pool""",
    ),
    (
        "code",
        """\
await r2.task
print(r2.status(), learner2.npoints, round(learner2.loss(), 3))""",
    ),
    (
        "md",
        """\
## Cell magic

With `%%adaptive_run`, the cell body runs first, so one cell can define the function, build the
learner and start the run:""",
    ),
    (
        "code",
        """\
%%adaptive_run cell_learner --loss 0.05 --name r3 --executor pool
def g(x):
    import math

    return math.tanh(10 * x)

cell_learner = adaptive.Learner1D(g, bounds=(-1, 1))""",
    ),
    (
        "code",
        """\
await r3.task
print(r3.status(), cell_learner.npoints)""",
    ),
    (
        "md",
        """\
## Mistakes

Bad arguments give a one-line usage error, not a traceback:""",
    ),
    (
        "code",
        """\
%adaptive_run learner --npoints 10 --loss 0.1""",
        ["raises-exception"],
    ),
    (
        "code",
        """\
%adaptive_run no_such_learner""",
        ["raises-exception"],
    ),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "quickstart": QUICKSTART,
    "learner1d": LEARNER1D,
    "balancing-and-datasaver": BALANCING,
    "runners-and-executors": RUNNERS,
    "widgets-and-dashboards": WIDGETS,
    "do-not-block-the-kernel": NOBLOCK,
    "magic": MAGIC,
}


# The install extras each notebook needs beyond `pip install adaptive_nb` (pyproject.toml names
# them); the first cell of every notebook says so, so a downloaded copy tells what to install.
EXTRAS_NEEDED: dict[str, list[str]] = {"runners-and-executors": ["dask", "ipyparallel", "mpi"]}


def install_note(name: str) -> str:
    """Return the install line that ends the first cell of notebook ``name``."""
    extras = EXTRAS_NEEDED.get(name)
    if not extras:
        return "**Install:** `pip install adaptive_nb` is all this notebook needs."
    note = (
        f'**Install:** `pip install "adaptive_nb[{",".join(extras)}]"` '
        "(or `adaptive_nb[all]` for every optional feature)."
    )
    if "mpi" in extras:
        note += " mpi4py also needs an MPI library, for example `apt install libopenmpi-dev`."
    return note


def build(cells: list[Cell], name: str = "") -> nbformat.NotebookNode:
    """Make a notebook of ``cells`` with the python3 kernelspec and no outputs.

    With a ``name``, the first (markdown) cell ends with the notebook's install line.
    """
    nb = new_notebook()
    if name:
        kind, source, *rest = cells[0]
        cells = [(kind, f"{source}\n\n{install_note(name)}", *rest), *cells[1:]]
    for kind, source, *rest in cells:
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        if rest:
            cell.metadata["tags"] = rest[0]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main() -> None:
    """Write every notebook into notebooks/."""
    for name, cells in NOTEBOOKS.items():
        path = ROOT / "notebooks" / f"{name}.ipynb"
        nb = build(cells, name)
        # stable cell ids, so regenerating without changes gives no diff
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{name[:20]}-{i}"
        nbformat.write(nb, path)
        print("wrote", path.relative_to(ROOT))
    # the notebooks are linted and formatted with the rest of the code (ruff reads .ipynb)
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "format", "-q", str(ROOT / "notebooks")], check=True)


if __name__ == "__main__":
    main()
