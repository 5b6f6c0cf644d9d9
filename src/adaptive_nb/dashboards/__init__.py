"""Panel dashboards for runs that take a while: many runners, a BalancingLearner, a long run.

Each function returns a panel ``Viewer`` that updates itself while runners run, in JupyterLab,
Notebook 7 and under ``panel serve`` alike::

    import adaptive_nb.dashboards as dashboards
    dashboards.extension()          # in a cell of its own, before the first dashboard
    dashboards.multi_runner_dashboard()   # (next cell) every runner started in this kernel

panel (a dependency of adaptive_nb) is imported on first use of a name here, never by
``import adaptive_nb``; in a notebook every script and stylesheet is inlined (nothing is fetched
from a CDN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adaptive_nb._optional import optional_dependencies

if TYPE_CHECKING:
    from adaptive_nb.dashboards._balancing_grid import BalancingGrid as BalancingGrid
    from adaptive_nb.dashboards._balancing_grid import balancing_grid as balancing_grid
    from adaptive_nb.dashboards._long_run_monitor import LongRunMonitor as LongRunMonitor
    from adaptive_nb.dashboards._long_run_monitor import long_run_monitor as long_run_monitor
    from adaptive_nb.dashboards._multi_runner import MultiRunnerDashboard as MultiRunnerDashboard
    from adaptive_nb.dashboards._multi_runner import (
        multi_runner_dashboard as multi_runner_dashboard,
    )

__all__ = [
    "BalancingGrid",
    "LongRunMonitor",
    "MultiRunnerDashboard",
    "balancing_grid",
    "extension",
    "long_run_monitor",
    "multi_runner_dashboard",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    # Plain import statements (no module names in strings), so import-linter sees every edge; a
    # broken install (panel or bokeh missing) gets a one-line hint, not a deep traceback.
    with optional_dependencies():
        if name in {"BalancingGrid", "balancing_grid"}:
            from adaptive_nb.dashboards import _balancing_grid

            return getattr(_balancing_grid, name)
        if name == "extension":
            from adaptive_nb.dashboards import _common

            return _common.extension
        if name in {"LongRunMonitor", "long_run_monitor"}:
            from adaptive_nb.dashboards import _long_run_monitor

            return getattr(_long_run_monitor, name)
        from adaptive_nb.dashboards import _multi_runner

        return getattr(_multi_runner, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
