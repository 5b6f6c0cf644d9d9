"""MPI: ``mpi4py.futures.MPIPoolExecutor``.

mpi4py is never imported here (importing it initialises MPI): the factory recognises the
executor by looking its class up in ``sys.modules`` (see ``_lookup``).
"""

from __future__ import annotations

from adaptive_nb.runner._executors._base import Adapter

__all__ = ["MPIAdapter"]


class MPIAdapter(Adapter):
    """``mpi4py.futures.MPIPoolExecutor``."""

    def nworkers(self) -> int:
        return int(self.executor.num_workers)  # public since mpi4py 4.0
