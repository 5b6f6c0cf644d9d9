"""The ``stacklevel`` that makes a warning point at the user's line, not at ours."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["user_stacklevel"]

# Every frame whose file lies in this folder is adaptive_nb's own code.
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def user_stacklevel() -> int:
    """Return the ``stacklevel`` for ``warnings.warn`` called by the caller of this function.

    A public entry point may reach a warning through several layers (a subclass ``__init__``,
    the base runner, the goal builder), so a fixed number would point into adaptive_nb for some
    callers. Counting the frames up to the first one outside the package is right for all.

    Returns
    -------
    int
        1 refers to the function that calls ``warnings.warn``; the result is the first frame
        outside adaptive_nb, or the outermost frame if there is none.
    """
    frame = sys._getframe(1)  # the function that will call warnings.warn
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level
