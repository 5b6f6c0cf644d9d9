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
# # The `%adaptive_run` magic
#
# Starting a runner and showing its widgets is three lines; `%adaptive_run` makes it one. Load it
# once per session with `%load_ext adaptive_nb`.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
# %load_ext adaptive_nb
import adaptive_nb as adaptive

# %%
# %adaptive_run --help

# %% [markdown]
# ## Line magic
#
# `%adaptive_run LEARNER [options]` starts a `Runner` on the learner, displays `live_info` and
# `live_plot`, stores the runner in your namespace (as `runner` unless you pass `--name`) and
# returns it. Give at most one goal: `--npoints N`, `--loss L`, `--duration SECONDS`, or
# `--goal EXPR` (any expression giving a function of the learner; quote it).

# %%
from concurrent.futures import ThreadPoolExecutor


def f(x):
    import time

    time.sleep(0.01)
    return abs(x) ** 0.5


pool = ThreadPoolExecutor(2)
learner = adaptive.Learner1D(f, bounds=(-1, 1))

# %%
# %adaptive_run learner --npoints 40 --executor pool --interval 0.2

# %%
await runner.task
print(runner.status(), learner.npoints)

# %% [markdown]
# `--name` picks the variable, `--no-plot` shows only `live_info`, and `--goal` takes an expression
# evaluated in your namespace:

# %%
learner2 = adaptive.Learner1D(f, bounds=(-1, 1))
# %adaptive_run learner2 --goal "lambda l: l.loss() < 0.05" --name r2 --no-plot --executor pool

# %%
await r2.task
print(r2.status(), learner2.npoints, round(learner2.loss(), 3))


# %% [markdown]
# ## Cell magic
#
# With `%%adaptive_run`, the cell body runs first, so one cell can define the function, build the
# learner and start the run:


# %%
# %%adaptive_run cell_learner --loss 0.05 --name r3 --executor pool
def g(x):
    import math

    return math.tanh(10 * x)


cell_learner = adaptive.Learner1D(g, bounds=(-1, 1))

# %%
await r3.task
print(r3.status(), cell_learner.npoints)

# %% [markdown]
# ## Mistakes
#
# Bad arguments give a one-line usage error, not a traceback:

# %% tags=["raises-exception"]
# %adaptive_run learner --npoints 10 --loss 0.1

# %% tags=["raises-exception"]
# %adaptive_run no_such_learner
