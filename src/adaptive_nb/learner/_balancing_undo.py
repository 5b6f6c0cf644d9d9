"""Putting a BalancingLearner's children back after ``ask(n, tell_pending=False)``.

To choose n points the learner marks each one pending in its child (the next choice depends on
it), so a read-only ask records each touched child first and restores it afterwards.
"""

from __future__ import annotations

import copy
from typing import Any

from adaptive_nb.learner.data_saver import DataSaver

__all__ = ["undo", "undo_record"]


def _pending_undo_is_exact(learner: Any) -> bool:
    while isinstance(learner, DataSaver):  # its extra data does not change on tell_pending
        learner = learner.learner
    return bool(getattr(learner, "_pending_undo_is_exact", False))


def undo_record(learner: Any) -> list[Any] | dict[str, Any]:
    """Return what :func:`undo` needs to put ``learner`` back as it is now."""
    if _pending_undo_is_exact(learner):
        return list(learner.pending_points)
    # A deep copy of the attributes: functions and other callables are shared, not copied.
    state: dict[str, Any] = copy.deepcopy(learner.__dict__)
    return state


def undo(learner: Any, record: list[Any] | dict[str, Any]) -> None:
    """Put ``learner`` back as it was when :func:`undo_record` returned ``record``."""
    if isinstance(record, dict):
        learner.__dict__.clear()
        learner.__dict__.update(record)
        return
    learner.remove_unfinished()
    for x in record:
        learner.tell_pending(x)
