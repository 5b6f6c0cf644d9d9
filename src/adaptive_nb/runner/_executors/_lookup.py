"""Recognise objects of the cluster libraries' types without importing those libraries.

An object of a dask.distributed, ipyparallel, mpi4py or loky type can only exist if its library
is already in ``sys.modules``, so the classes are looked up there: ``import adaptive_nb`` stays
light (and, unlike the reference, does not initialise MPI just because mpi4py is installed).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["class_from", "is_instance_of"]


def class_from(module: str, qualname: str) -> type | None:
    """Return the class ``module.qualname`` if its module is loaded, else None."""
    mod = sys.modules.get(module)
    if mod is None:
        return None
    obj: Any = mod
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if isinstance(obj, type) else None


def is_instance_of(obj: object, module: str, qualname: str) -> bool:
    """Return whether ``obj`` is an instance of ``module.qualname`` (False if not loaded)."""
    cls = class_from(module, qualname)
    return cls is not None and isinstance(obj, cls)
