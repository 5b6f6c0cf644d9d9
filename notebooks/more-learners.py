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
# # More learners: averages, integrals, sequences
#
# Besides mapping functions (`Learner1D`, `Learner2D`, `LearnerND`), adaptive_nb has learners for
# three other jobs:
#
# * `AverageLearner`: the mean of a random quantity, to a given precision;
# * `AverageLearner1D`: a noisy function of one variable, sampled where it is unclear *and*
#   averaged where it is noisy;
# * `IntegratorLearner`: the integral of a function of one variable, to a given tolerance;
# * `SequenceLearner`: a fixed list of inputs, evaluated in parallel, results kept in order.
#
# All of them work with every runner, the live widgets, `save`/`load` and `BalancingLearner`.
#
# **Install:** `pip install adaptive_nb` is all this notebook needs.

# %%
import adaptive_nb as adaptive

adaptive.notebook_extension()

import math
import os
import random
import tempfile

# %% [markdown]
# ## AverageLearner: a mean to a given precision
#
# The function takes an integer **seed** and returns one random sample; the learner asks for new
# seeds until the *standard error* of the mean is small enough. `atol` is the absolute tolerance,
# `rtol` the relative one (standard error / |mean|); give at least one. The loss is the standard
# error divided by the tolerance, so the run is done when the loss drops below 1.
#
# The standard error is itself estimated from the samples, and from a handful it can be far too
# small (two samples that happen to agree look very precise). `min_npoints` (default 2) keeps the
# loss infinite until that many samples are in; set it to a few dozen.
#
# A Monte Carlo estimate of pi: the fraction of random points in the unit square that fall inside
# the quarter circle, times 4 (10,000 points per sample, a few milliseconds each).


# %%
def pi_sample(seed):
    rng = random.Random(seed)  # the seed makes each sample reproducible
    inside = sum(rng.random() ** 2 + rng.random() ** 2 < 1 for _ in range(10_000))
    return 4 * inside / 10_000


average = adaptive.AverageLearner(pi_sample, atol=0.001, min_npoints=30)
runner = adaptive.Runner(average, loss_goal=1.0)
runner.live_info()

# %%
await runner.task
print(f"pi = {average.mean:.4f} +- {average.std / math.sqrt(average.npoints):.4f}")
print(f"from {average.npoints} samples (true value {math.pi:.4f})")
assert abs(average.mean - math.pi) < 5 * 0.001

# %% [markdown]
# `average.plot()` is a histogram of the samples.

# %%
average.plot()

# %% [markdown]
# ## AverageLearner1D: a noisy function of one variable
#
# When each evaluation of `f(x)` is noisy, a `Learner1D` would chase the noise. `AverageLearner1D`
# decides both *where* to sample (like `Learner1D`) and *how often* (like `AverageLearner`): the
# function takes a pair `(seed, x)`, `learner.data` holds the mean at each x, `learner.error` its
# confidence interval, and `nsamples` counts all samples. A new x starts with `min_samples`
# samples; an x is resampled while its error is large compared to its neighbours' distance
# (`delta`), up to `max_samples`. Here the goal is a budget of samples.


# %%
def noisy_peak(seed_x):
    seed, x = seed_x
    rng = random.Random(hash((seed, x)))  # reproducible noise for each (seed, x)
    return x + 0.1**2 / (0.1**2 + x**2) + rng.gauss(0, 0.05)


noisy = adaptive.AverageLearner1D(noisy_peak, bounds=(-1, 1), min_samples=10)
runner = adaptive.Runner(noisy, goal=lambda learner: learner.nsamples >= 2000)
runner.live_plot(update_interval=0.2)

# %%
await runner.task
counts = [noisy._number_samples[x] for x in sorted(noisy.data)]
print(f"{noisy.nsamples} samples at {noisy.npoints} x values, {min(counts)} to {max(counts)} each")

# %% [markdown]
# `plot()` shows the means with their error bars; `to_dataframe(mean=True)` has one row per x
# (the mean), `to_dataframe(mean=False)` one row per sample.

# %%
noisy.plot()

# %% [markdown]
# ## IntegratorLearner: an integral to a given tolerance
#
# `IntegratorLearner(f, bounds, tol)` integrates `f` over `bounds` with adaptive quadrature
# (Gonnet's CQUAD, as in the reference library): it refines the intervals whose error estimate is
# largest until the estimated error is below `tol` relative to the integral. It knows when it is
# finished, so the runner needs no goal: it stops when `learner.done()`.
#
# A peaked integrand whose integral we know: the integral of `1 / (1e-4 + x**2)` over [-1, 1] is
# `2 * atan(100) / 0.01`.


# %%
def lorentzian(x):
    return 1 / (1e-4 + x**2)


integrator = adaptive.IntegratorLearner(lorentzian, bounds=(-1, 1), tol=1e-10)
runner = adaptive.Runner(integrator, executor=adaptive.runner.SequentialExecutor())
await runner.task
exact = 2 * math.atan(100) / 0.01
print(f"integral {integrator.igral:.12f} +- {integrator.err:.1e} from {integrator.npoints} points")
print(f"exact    {exact:.12f}; done: {integrator.done()}")
assert abs(integrator.igral - exact) <= 1e-9 * exact

# %% [markdown]
# The points crowd around the peak. (`integrator.plot()` draws them.)

# %%
integrator.plot()

# %% [markdown]
# ## SequenceLearner: a list of inputs, in parallel
#
# Sometimes there is nothing to learn: you have a list of parameters and want `f` of each, in
# parallel, with the runner's bookkeeping (live progress, saving, retries). `SequenceLearner(f,
# sequence)` does that. Its points are `(index, element)` pairs; `result()` gives the values in
# the order of the sequence once it is `done()`. Without a goal the runner stops when all are done.


# %%
def slow_square(n):
    import time

    time.sleep(0.01)
    return n**2


sequence = list(range(200))
seq = adaptive.SequenceLearner(slow_square, sequence)
runner = adaptive.Runner(seq)
runner.live_info()

# %%
await runner.task
result = seq.result()
print(seq.done(), len(result), result[:5])
assert result == [n**2 for n in sequence]

# %% [markdown]
# `to_dataframe()` has one row per evaluated point, in sequence order, with the columns `i` (the
# index), `x` (the element) and `y` (the result); `index_name=`, `x_name=`, `y_name=` rename them.
# `full_sequence=True` gives one row per element of the sequence, with `pandas.NA` as the `y` of
# those not evaluated yet.

# %%
seq.to_dataframe().head(3)

# %% [markdown]
# ## Saving
#
# As for every learner, `save` writes the data and `load` reads it into a learner with the same
# function:

# %%
folder = tempfile.mkdtemp()
fname = os.path.join(folder, "pi.pickle")
average.save(fname)
again = adaptive.AverageLearner(pi_sample, atol=0.001, min_npoints=30)
again.load(fname)
assert again.mean == average.mean
print("restored", again.npoints, "samples, mean", round(again.mean, 4))

# %% [markdown]
# ## Where next
#
# * [Quickstart](quickstart.ipynb), [Learner1D](learner1d.ipynb), [Learner2D and
#   LearnerND](learner2d.ipynb)
# * [BalancingLearner and DataSaver](balancing-and-datasaver.ipynb): many learners, one runner
