"""Runners: evaluate a learner's points on an executor until a goal is reached.

``AsyncRunner`` (alias ``Runner``) works in the background on an asyncio event loop (the kernel's
loop in Jupyter); ``BlockingRunner`` blocks until done (scripts, or a notebook cell on purpose);
``simple`` runs in the calling thread, deterministically. The ask / submit / collect / retry /
log logic is one core (``_core.py``) that both runners drive.
"""

from __future__ import annotations

from adaptive_nb._hooks import active_runners as active_runners
from adaptive_nb.exceptions import EvaluationError as EvaluationError
from adaptive_nb.exceptions import SaveFailedWarning as SaveFailedWarning
from adaptive_nb.runner._runners import AsyncRunner as AsyncRunner
from adaptive_nb.runner._runners import BlockingRunner as BlockingRunner
from adaptive_nb.runner._runners import Runner as Runner
from adaptive_nb.runner._runners import replay_log as replay_log
from adaptive_nb.runner._runners import simple as simple
from adaptive_nb.runner._runners import stop_after as stop_after
from adaptive_nb.utils import SequentialExecutor as SequentialExecutor

__all__ = [
    "AsyncRunner",
    "BlockingRunner",
    "EvaluationError",
    "Runner",
    "SaveFailedWarning",
    "SequentialExecutor",
    "active_runners",
    "replay_log",
    "simple",
    "stop_after",
]
