"""Every public error and warning of adaptive_nb, in one tree.

::

    AdaptiveNbError (Exception)
    ├── LearnerFileError (also ValueError)   a learner file exists but cannot be loaded
    ├── DivergentIntegralError (also ValueError)
    │                                        IntegratorLearner: the integral diverges
    └── EvaluationError (also RuntimeError)  a point's evaluation failed, retries used up
    AdaptiveNbWarning (UserWarning)
    ├── SaveFailedWarning                    a periodic save failed; the runner goes on
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
    """``learner.function(point)`` raised and its retries are used up; ends the runner.

    Parameters
    ----------
    point
        The point whose evaluation failed.
    tb
        The traceback text (including the worker's, for process pools and clusters).

    Attributes
    ----------
    point
        The point whose evaluation failed.
    traceback
        The traceback text.
    """

    def __init__(self, point: Any, tb: str) -> None:
        self.point = point
        self.traceback = tb
        super().__init__(
            f"An error occurred while evaluating learner.function({point}); the runner "
            f"stopped. The traceback is below and in runner.tracebacks:\n\n{tb}"
        )


class SaveFailedWarning(AdaptiveNbWarning):
    """A periodic save of a runner's learner failed; the runner keeps going.

    The error is also in ``runner.snapshot().last_save_error`` until a later save succeeds.
    """


class KernelBlockedWarning(AdaptiveNbWarning, RuntimeWarning):
    """The kernel's event loop was blocked while a runner was active, so the runner stalled."""
