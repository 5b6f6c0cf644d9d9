"""adaptive_nb: Jupyter-first adaptive sampling, API-compatible with the `adaptive` library.

Layering: the engine (learner/, runner, utils, _persistence) never imports the Jupyter stack;
only adaptive_nb.notebook does, and notebook_integration reaches it lazily.

>>> import adaptive_nb as adaptive
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from adaptive_nb import exceptions, learner, runner, types, utils
from adaptive_nb.exceptions import LearnerFileError
from adaptive_nb.learner import (
    AverageLearner,
    AverageLearner1D,
    BalancingLearner,
    BaseLearner,
    DataSaver,
    IntegratorLearner,
    Learner1D,
    Learner2D,
    LearnerND,
    SequenceLearner,
    make_datasaver,
)
from adaptive_nb.notebook_integration import (
    active_plotting_tasks,
    live_info,
    live_plot,
    notebook_extension,
)
from adaptive_nb.runner import AsyncRunner, BlockingRunner, Runner

try:
    __version__ = version("adaptive_nb")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "AsyncRunner",
    "AverageLearner",
    "AverageLearner1D",
    "BalancingLearner",
    "BaseLearner",
    "BlockingRunner",
    "DataSaver",
    "IntegratorLearner",
    "Learner1D",
    "Learner2D",
    "LearnerFileError",
    "LearnerND",
    "Runner",
    "SequenceLearner",
    "__version__",
    "active_plotting_tasks",
    "exceptions",
    "learner",
    "live_info",
    "live_plot",
    "make_datasaver",
    "notebook_extension",
    "runner",
    "types",
    "utils",
]


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%adaptive_run`` magic: ``%load_ext adaptive_nb``.

    The notebook layer is imported here, not at ``import adaptive_nb``, so the engine stays free
    of IPython (worker processes never load it).

    Parameters
    ----------
    ipython
        The running ``InteractiveShell``.
    """
    from adaptive_nb.notebook import magic

    magic.load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the ``%adaptive_run`` magic again: ``%unload_ext adaptive_nb``.

    Parameters
    ----------
    ipython
        The running ``InteractiveShell``.
    """
    from adaptive_nb.notebook import magic

    magic.unload_ipython_extension(ipython)


# Learners of the reference library that adaptive_nb does not have yet. Asking for one says so
# plainly instead of a bare "has no attribute", so users porting code know it is a gap, not a typo.
_NOT_YET: frozenset[str] = frozenset()


def __getattr__(name: str) -> Any:
    if name in _NOT_YET:
        msg = (
            f"adaptive_nb does not implement {name} yet (the learners it has are in "
            f"adaptive_nb.learner.__all__). For now, use {name} from the reference library "
            "(`import adaptive`)."
        )
        raise AttributeError(msg)
    msg = f"module 'adaptive_nb' has no attribute {name!r}"
    raise AttributeError(msg)
