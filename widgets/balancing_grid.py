"""``panel serve`` app: adaptive_nb.dashboards.balancing_grid on a demo BalancingLearner.

Run it with ``python widgets/serve.py balancing_grid`` (binds 127.0.0.1, no CDN). In a notebook,
use the package instead: ``from adaptive_nb.dashboards import balancing_grid``.
"""

import panel as pn

from adaptive_nb.dashboards import BalancingGrid
from adaptive_nb.dashboards.demo import balancing_runner

runner, labels = pn.state.as_cached("adaptive_nb-balancing-demo", balancing_runner)
BalancingGrid(runner, labels=labels).servable(title="adaptive_nb BalancingLearner")
