"""ipyparallel: a ``ViewExecutor``, from a ``Client`` (load-balanced) or one of its views.

ipyparallel is never imported here: the factory recognises its objects by looking the classes up
in ``sys.modules`` (see ``_lookup``).
"""

from __future__ import annotations

from adaptive_nb.runner._executors._base import Adapter

__all__ = ["IpyparallelAdapter"]


class IpyparallelAdapter(Adapter):
    """An ipyparallel ``ViewExecutor`` (from a ``Client`` or one of its views)."""

    elastic = True

    def nworkers(self) -> int:
        return len(self.executor.view)
