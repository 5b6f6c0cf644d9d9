"""One door for optional dependencies: a missing one names the install extra that brings it.

Every lazy import of a package that ``pip install adaptive_nb`` does not install (dask,
ipyparallel, mpi4py, plotly) sits inside :func:`optional_dependencies`, so a user who lacks it
reads one line saying which extra to install instead of a bare ``ModuleNotFoundError``. The
imports stay plain import statements (import-linter sees them). The extras are declared in
pyproject.toml ``[project.optional-dependencies]``; a test checks that both name the same extras.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["EXTRAS", "install_hint", "optional_dependencies"]

#: Top-level package -> the install extra that brings it. ``None``: a required dependency of
#: adaptive_nb itself (panel, bokeh, holoviews), so a broken install is the likely cause.
EXTRAS: dict[str, str | None] = {
    "dask": "dask",
    "distributed": "dask",
    "ipyparallel": "ipyparallel",
    "mpi4py": "mpi",
    "plotly": "plotly",
    "panel": None,
    "bokeh": None,
    "holoviews": None,
}


def install_hint(module: str) -> str:
    """Return the one-line message for a missing ``module`` (a dotted name is fine)."""
    top = module.partition(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        return (
            f"{top} is not installed, but adaptive_nb needs it here: "
            f"pip install --force-reinstall adaptive_nb (or pip install {top})"
        )
    return f"{top} is not installed: pip install 'adaptive_nb[{extra}]' (or 'adaptive_nb[all]')"


@contextlib.contextmanager
def optional_dependencies() -> Iterator[None]:
    """Turn a ``ModuleNotFoundError`` of a known optional package into a one-line install hint.

    Use it around lazy imports::

        with optional_dependencies():
            from distributed import as_completed

    Raises
    ------
    ModuleNotFoundError
        With the message of :func:`install_hint` when the missing module belongs to a package
        in :data:`EXTRAS`; any other missing module is re-raised unchanged.
    """
    try:
        yield
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing.partition(".")[0] not in EXTRAS:
            raise
        raise ModuleNotFoundError(install_hint(missing), name=missing) from None
