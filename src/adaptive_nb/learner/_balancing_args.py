"""Checks of BalancingLearner's arguments: its children and their labels (``cdims``).

Each check raises an error that says what is wrong and what to pass instead, before the
learner changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from adaptive_nb.learner.base_learner import BaseLearner

__all__ = ["check_children", "normalize_cdims"]

_REQUIRED_METHODS = ("ask", "tell", "tell_pending", "loss", "remove_unfinished")


def check_children(learners: Any) -> list[BaseLearner]:
    """Return ``learners`` as a list: distinct learners of one type, at least one."""
    if isinstance(learners, BaseLearner) or not isinstance(learners, Iterable):
        msg = (
            "BalancingLearner expects a list of learners, e.g. "
            f"BalancingLearner([learner_a, learner_b]); got {type(learners).__name__}."
        )
        raise TypeError(msg)
    children: list[BaseLearner] = list(learners)
    if not children:
        raise ValueError("BalancingLearner needs at least one learner; got an empty list.")
    for i, lrn in enumerate(children):
        missing = [m for m in _REQUIRED_METHODS if not callable(getattr(lrn, m, None))]
        if missing:
            msg = (
                f"learners[{i}] is a {type(lrn).__name__}, not a learner "
                f"(it has no {', '.join(missing)})."
            )
            raise TypeError(msg)
    types = list(dict.fromkeys(type(lrn) for lrn in children))
    if len(types) > 1:
        names = ", ".join(t.__name__ for t in types)
        msg = (
            f"A BalancingLearner compares the losses of its learners, so they must all be "
            f"of one type; got {names}."
        )
        raise TypeError(msg)
    seen: dict[int, int] = {}
    for i, lrn in enumerate(children):
        j = seen.setdefault(id(lrn), i)
        if j != i:
            msg = (
                f"learners[{j}] and learners[{i}] are the same object; every child must be "
                "a distinct learner (use learner.new() to make another one)."
            )
            raise ValueError(msg)
    return children


def normalize_cdims(cdims: Any, n: int) -> list[dict[str, Any]] | None:
    """Turn either accepted ``cdims`` form into a list of dicts, one per learner, and check it."""
    if cdims is None:
        return None
    items: list[Any] = list(cdims)
    if (
        len(items) == 2
        and not isinstance(items[0], Mapping)
        and not isinstance(items[0], str)
        and isinstance(items[0], Sequence)
    ):
        keys = list(items[0])
        dicts = []
        for row in items[1]:
            values = tuple(row)
            if len(values) != len(keys):
                msg = f"cdims: the values {values!r} do not match the keys {keys!r} in length."
                raise ValueError(msg)
            dicts.append(dict(zip(keys, values, strict=True)))
    elif all(isinstance(d, Mapping) for d in items):
        dicts = [dict(d) for d in items]
    else:
        msg = (
            "cdims must be a sequence of dicts ([{'a': 1, 'b': 0}, ...]) or a tuple "
            "(keys, values) such as (['a', 'b'], [(1, 0), ...]), one entry per learner."
        )
        raise TypeError(msg)
    if len(dicts) != n:
        msg = f"cdims has {len(dicts)} entries but there are {n} learners; give one per learner."
        raise ValueError(msg)
    if dicts:
        keys0 = list(dicts[0])
        for i, d in enumerate(dicts):
            if set(d) != set(keys0):
                msg = f"cdims entry {i} has keys {sorted(d)}, but entry 0 has {sorted(keys0)}."
                raise ValueError(msg)
        # One key order for all entries, so that tuple(d.values()) lines up in plot().
        dicts = [{k: d[k] for k in keys0} for d in dicts]
    return dicts
