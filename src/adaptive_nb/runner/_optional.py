"""Which optional executor packages are installed, answered without importing them.

Importing ``distributed`` or ``ipyparallel`` costs seconds and starts machinery (dask config,
zmq); ``importlib.util.find_spec`` only looks the package up on ``sys.path``.
"""

from __future__ import annotations

from importlib.util import find_spec

__all__ = ["with_distributed", "with_ipyparallel", "with_mpi4py"]

with_distributed: bool = find_spec("distributed") is not None
with_ipyparallel: bool = find_spec("ipyparallel") is not None
with_mpi4py: bool = find_spec("mpi4py") is not None
