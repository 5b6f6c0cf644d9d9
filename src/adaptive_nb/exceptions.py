"""Every public error and warning of adaptive_nb, in one tree.

::

    AdaptiveNbError (Exception)
    ├── LearnerFileError (also ValueError)   a learner file exists but cannot be loaded
    ├── DivergentIntegralError (also ValueError)
    │                                        IntegratorLearner: the integral diverges
    ├── EvaluationError (also RuntimeError)  a point's evaluation failed, retries used up
    └── LossFunctionError (also ValueError, TypeError)
                                             a learner's loss function raised or returned junk
    AdaptiveNbWarning (UserWarning)
    ├── SaveFailedWarning                    a periodic save failed; the runner goes on
    ├── RunnerWarning (also RuntimeWarning)  a runner works around a problem: an evaluation it
    │                                        cannot stop, a cluster without workers, another
    │                                        runner saving to the same file
    └── KernelBlockedWarning (also RuntimeWarning)
                                             the kernel's loop was blocked while a runner ran

Each error also derives from the built-in class it derived from before this module existed, so
``except ValueError`` around ``learner.load`` keeps working. This module imports only the
standard library: a script can filter a warning without importing the notebook stack::

    import warnings
    from adaptive_nb.exceptions import KernelBlockedWarning

    warnings.simplefilter("ignore", KernelBlockedWarning)

The classes are also re-exported where users met them first (``adaptive_nb.LearnerFileError``,
``adaptive_nb.runner.EvaluationError``, ``adaptive_nb.runner.SaveFailedWarning``,
``adaptive_nb.notebook.watchdog.KernelBlockedWarning``,
``adaptive_nb.learner.integrator_learner.DivergentIntegralError``).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AdaptiveNbError",
    "AdaptiveNbWarning",
    "DivergentIntegralError",
    "EvaluationError",
    "KernelBlockedWarning",
    "LearnerFileError",
    "LossFunctionError",
    "RunnerWarning",
    "SaveFailedWarning",
]


class AdaptiveNbError(Exception):
    """Base class of the errors adaptive_nb raises on purpose."""


class AdaptiveNbWarning(UserWarning):
    """Base class of the warnings adaptive_nb issues."""


class LearnerFileError(AdaptiveNbError, ValueError):
    """A learner file exists but cannot be loaded (truncated, corrupt, or for another learner).

    The learner that tried to load it is left unchanged.
    """


class DivergentIntegralError(AdaptiveNbError, ValueError):
    """An IntegratorLearner found that the integral diverges (raised by ``tell``).

    The integrand's values kept more than doubling as an interval was halved, the sign of a
    non-integrable singularity. Integrate up to a point short of it, or transform the integrand.
    """


class EvaluationError(AdaptiveNbError, RuntimeError):
    """A point failed and its retries are used up; ends the runner.

    The point failed because ``learner.function(point)`` raised, took longer than the
    runner's ``evaluation_timeout``, killed the worker evaluating it, or returned a value
    that ``learner.tell`` refused.

    Parameters
    ----------
    point
        The point whose evaluation failed.
    tb
        The traceback text (including the worker's, for process pools and clusters).
    reason
        The first sentence of the message, if not the default "an error occurred while
        evaluating ...".

    Attributes
    ----------
    point
        The point whose evaluation failed.
    traceback
        The traceback text.
    """

    def __init__(self, point: Any, tb: str, *, reason: str | None = None) -> None:
        self.point = point
        self.traceback = tb
        if reason is None:
            reason = f"An error occurred while evaluating learner.function({point!r})"
        super().__init__(
            f"{reason}; the runner stopped. The traceback is below and in "
            f"runner.tracebacks:\n\n{tb}"
        )


class LossFunctionError(AdaptiveNbError, ValueError, TypeError):
    """A learner's loss function raised, or returned something that is not a real number.

    Raised by ``tell`` (and ``tell_many``); the learner is left exactly as it was before the
    call, and the loss function's own error is the ``__cause__``.
    """


class SaveFailedWarning(AdaptiveNbWarning):
    """A periodic save of a runner's learner failed; the runner keeps going.

    The error is also in ``runner.snapshot().last_save_error`` until a later save succeeds.
    """


class RunnerWarning(AdaptiveNbWarning, RuntimeWarning):
    """A runner met a problem it works around, and says what to do about it.

    For example: an evaluation that exceeded ``evaluation_timeout`` on an executor that cannot
    stop it (threads), a dask cluster without workers, or another live runner periodically
    saving to the same file.
    """


class KernelBlockedWarning(AdaptiveNbWarning, RuntimeWarning):
    """The kernel's event loop was blocked while a runner was active, so the runner stalled."""
