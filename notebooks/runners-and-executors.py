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
# # Runners and executors
#
# A **runner** drives a learner: it asks for points, hands them to an **executor**, gives the
# results back, and stops at the goal. The learner never knows where its function ran, so you can
# move from your laptop to a cluster by changing one argument.
#
# * `adaptive.Runner` (= `AsyncRunner`), in a notebook: works in the background, drives the live
#   widgets, and `await runner.task` waits for it;
# * `adaptive.BlockingRunner`, in a script or a cell that should just finish: blocks until the goal;
# * `adaptive.runner.simple`: one point at a time in this process; deterministic, for debugging.
#
# Goals (give at most one; none means "until cancelled"): `loss_goal=0.01`, `npoints_goal=200`,
# `duration_goal=60` (seconds, or a `timedelta`), `end_time_goal=datetime(...)`, or `goal=callable`
# taking the learner.
#
# **Install:** `pip install "adaptive_nb[dask,ipyparallel,mpi]"` (or `adaptive_nb[all]` for every
# optional feature). mpi4py also needs an MPI library, for example `apt install libopenmpi-dev`.

# %%
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import adaptive_nb as adaptive  # no notebook_extension(): no live widgets or plots here


# %%
def slow_peak(x, offset=0.2):
    import time  # imported inside: the function also runs in other processes

    time.sleep(0.01)  # a stand-in for an expensive simulation
    a = 0.02
    return x + a**2 / (a**2 + (x - offset) ** 2)


# %% [markdown]
# ## The default: loky processes
#
# Without `executor=`, a runner uses [loky](https://github.com/joblib/loky)'s reusable process pool,
# one worker per core. It pickles functions with cloudpickle, so functions and lambdas defined in
# the notebook just work. The pool is reused by later runners, so only the first start is slow.

# %%
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=60)
await runner.task
print(
    runner.status(),
    learner.npoints,
    f"points in {runner.elapsed_time():.2f} s,",
    f"overhead {runner.overhead():.0f}%",
)

# %% [markdown]
# ## Any `concurrent.futures` executor
#
# `ProcessPoolExecutor` for CPU-bound Python, `ThreadPoolExecutor` when the function releases the
# GIL (NumPy, I/O, waiting on something). With `shutdown_executor=True` the runner shuts the pool
# down when it is done.

# %%
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(
    learner, npoints_goal=60, executor=ThreadPoolExecutor(4), shutdown_executor=True
)
await runner.task
print("threads:", learner.npoints, f"points in {runner.elapsed_time():.2f} s")

# %% [markdown]
# `ProcessPoolExecutor` from the standard library re-imports `__main__` in the workers and cannot
# ship functions defined in a notebook on every platform; loky (the default) can. Use it from
# scripts, with the function in a module:

# %%
with ProcessPoolExecutor(max_workers=2) as pool:
    learner = adaptive.Learner1D(abs, bounds=(-1, 1))
    adaptive.BlockingRunner(learner, npoints_goal=30, executor=pool)
print("processes:", learner.npoints, "points")

# %% [markdown]
# ## Deterministic runs
#
# `SequentialExecutor` evaluates in the runner's own loop, one point at a time, so the same code
# gives the same points every time; `adaptive.runner.simple` does the same without a runner.

# %%
from adaptive_nb.runner import SequentialExecutor

a = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
b = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
await adaptive.Runner(a, npoints_goal=25, executor=SequentialExecutor()).task
adaptive.runner.simple(b, npoints_goal=25)
assert a.data == b.data

# %% [markdown]
# ## dask
#
# Pass a `distributed.Client` as the executor. Here a local cluster with two worker processes on
# 127.0.0.1; on a cluster you would connect to your scheduler's address instead (or use
# dask-jobqueue to get workers from SLURM/PBS).

# %%
from distributed import Client, LocalCluster

cluster = LocalCluster(
    n_workers=2,
    threads_per_worker=1,
    host="127.0.0.1",
    dashboard_address="127.0.0.1:0",
    processes=True,
)
client = Client(cluster)
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=60, executor=client)
await runner.task
print("dask:", learner.npoints, f"points in {runner.elapsed_time():.2f} s")
client.close()
cluster.close()

# %% [markdown]
# ## ipyparallel
#
# An `ipyparallel.Client` works the same way. `ipp.Cluster` starts a controller and engines on this
# machine (127.0.0.1); on a cluster, start them with `ipcluster` and connect with `ipp.Client()`.

# %%
import ipyparallel as ipp

ipcluster = ipp.Cluster(n=2, log_level=40)
rc = await ipcluster.start_and_connect(activate=False)
learner = adaptive.Learner1D(slow_peak, bounds=(-1, 1))
runner = adaptive.Runner(learner, npoints_goal=40, executor=rc)
await runner.task
print("ipyparallel:", learner.npoints, "points")
rc.close()
await ipcluster.stop_cluster()

# %% [markdown]
# ## MPI, from a script
#
# With MPI the workers are MPI processes, started by `mpiexec`, so the learner runs in a script. The
# script below uses `mpi4py.futures.MPIPoolExecutor` and a `BlockingRunner`, and saves the learner
# at the end; `python -m mpi4py.futures` turns all ranks but the first into workers. (Importing
# adaptive_nb never initialises MPI by itself; only creating the executor does.)

# %%
folder = tempfile.mkdtemp()
script = os.path.join(folder, "run_mpi.py")
result_file = os.path.join(folder, "mpi_learner.pickle")

# %%
# %%writefile {script}
import sys

from mpi4py.futures import MPIPoolExecutor

import adaptive_nb as adaptive


def f(x):
    return x**3 - x


if __name__ == "__main__":
    learner = adaptive.Learner1D(f, bounds=(-1, 1))
    with MPIPoolExecutor() as executor:
        adaptive.BlockingRunner(learner, npoints_goal=50, executor=executor)
    learner.save(sys.argv[1])
    print(f"saved {learner.npoints} points")

# %% [markdown]
# On a cluster you would put the `mpiexec` line in your job script. Here we run it from the
# notebook with 3 ranks (1 runner + 2 workers). As root, Open MPI wants `--allow-run-as-root`, and
# `--oversubscribe` lets it start more ranks than there are cores.

# %%
cmd = ["mpiexec", "-n", "3"]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    cmd += ["--allow-run-as-root", "--oversubscribe"]
cmd += [sys.executable, "-m", "mpi4py.futures", script, result_file]
done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
print(done.stdout.strip() or done.stderr[-2000:])

mpi_learner = adaptive.Learner1D(lambda x: x**3 - x, bounds=(-1, 1))
mpi_learner.load(result_file)
assert mpi_learner.npoints >= 50
