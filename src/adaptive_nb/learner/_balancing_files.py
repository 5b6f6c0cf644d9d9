"""BalancingLearner's files: one per child, named by the user, and loaded all or none.

A single path is refused (there is one file per child), two children never share a file, and
every file is read and checked before any child changes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from adaptive_nb._persistence import read_data
from adaptive_nb.learner.base_learner import BaseLearner, _restore_point

__all__ = ["all_or_none", "child_fnames", "read_children"]


def child_fnames(
    learners: Sequence[BaseLearner], fname: Any, action: str
) -> list[str | os.PathLike[str]]:
    """Return one file name per child from ``fname`` (a callable or a list), for ``action``."""
    if isinstance(fname, str | bytes | os.PathLike):
        msg = (
            f"BalancingLearner.{action} needs one file per child learner, so fname must be "
            "a callable (child learner -> file name), e.g. "
            f'`learner.{action}(lambda l: f"data/{{l.function.keywords}}.p")`, or a list '
            f"of {len(learners)} file names; got the single path {fname!r}."
        )
        raise TypeError(msg)
    if callable(fname):
        names = [fname(lrn) for lrn in learners]
    elif isinstance(fname, Iterable):
        names = list(fname)
        if len(names) != len(learners):
            msg = (
                f"BalancingLearner.{action} got {len(names)} file names for "
                f"{len(learners)} learners; give exactly one per learner."
            )
            raise ValueError(msg)
    else:
        msg = (
            f"fname must be a callable (child learner -> file name) or a list of "
            f"{len(learners)} file names, got {type(fname).__name__}."
        )
        raise TypeError(msg)
    resolved: dict[str, int] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str | os.PathLike):
            msg = (
                f"The file name for learner {i} must be a str or os.PathLike, "
                f"got {type(name).__name__} ({name!r})."
            )
            raise TypeError(msg)
        key = os.path.abspath(os.path.expanduser(os.fspath(name)))
        j = resolved.setdefault(key, i)
        if j != i:
            msg = (
                f"Learners {j} and {i} would both use the file {os.fspath(name)!r}; "
                "every child needs its own file."
            )
            raise ValueError(msg)
    return names


def read_children(
    learners: Sequence[BaseLearner], names: Sequence[str | os.PathLike[str]]
) -> list[tuple[int, Any]]:
    """Read and check every child's file; return ``(index, data)`` of those that exist."""
    loaded: list[tuple[int, Any]] = []
    for i, (lrn, name) in enumerate(zip(learners, names, strict=True)):
        kind = getattr(lrn, "_file_kind", None)
        kind = kind() if callable(kind) else None  # None: a foreign learner, accept any
        try:
            data = read_data(name, kind=kind)
        except FileNotFoundError:
            continue
        loaded.append((i, data))
    return loaded


@contextlib.contextmanager
def all_or_none() -> Iterator[Callable[[BaseLearner], None]]:
    """Yield ``changing(child)``, to call before changing a child.

    If the block raises, every child passed to ``changing`` is put back as it was then.
    """
    restores: list[Callable[[], None]] = []
    try:
        yield lambda child: restores.append(_restore_point(child))
    except BaseException:
        for restore in restores:
            restore()
        raise
