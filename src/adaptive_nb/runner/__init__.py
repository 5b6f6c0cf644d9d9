"""Runners: evaluate a learner's points on an executor until a goal is reached.

``AsyncRunner`` (alias ``Runner``) works in the background on an asyncio event loop (the kernel's
loop in Jupyter); ``BlockingRunner`` blocks until done (scripts, or a notebook cell on purpose);
``simple`` runs in the calling thread, deterministically. The ask / submit / collect / retry /
log logic is one core (``_core.py``) that both runners drive.

Modules: ``_core`` (the sans-I/O core), ``_base`` (what both runners share), ``_blocking``,
``_async``, ``_saving`` (periodic saving), ``_simple`` (``simple``, ``replay_log``), ``_goals``
(goals, ``stop_after``) and ``_executors`` (executor adapters).
"""

from __future__ import annotations

from adaptive_nb._hooks import active_runners as active_runners
from adaptive_nb.exceptions import EvaluationError as EvaluationError
from adaptive_nb.exceptions import SaveFailedWarning as SaveFailedWarning
from adaptive_nb.runner._async import AsyncRunner as AsyncRunner
from adaptive_nb.runner._async import Runner as Runner
from adaptive_nb.runner._blocking import BlockingRunner as BlockingRunner
from adaptive_nb.runner._goals import auto_goal as auto_goal
from adaptive_nb.runner._goals import stop_after as stop_after
from adaptive_nb.runner._optional import with_distributed as with_distributed
from adaptive_nb.runner._optional import with_ipyparallel as with_ipyparallel
from adaptive_nb.runner._optional import with_mpi4py as with_mpi4py
from adaptive_nb.runner._simple import replay_log as replay_log
from adaptive_nb.runner._simple import simple as simple
from adaptive_nb.utils import SequentialExecutor as SequentialExecutor

__all__ = [
    "AsyncRunner",
    "BlockingRunner",
    "EvaluationError",
    "Runner",
    "SaveFailedWarning",
    "SequentialExecutor",
    "active_runners",
    "auto_goal",
    "replay_log",
    "simple",
    "stop_after",
    "with_distributed",
    "with_ipyparallel",
    "with_mpi4py",
]
