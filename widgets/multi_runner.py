"""``panel serve`` app: adaptive_nb.dashboards.multi_runner_dashboard on three demo runners.

Run it with ``python widgets/serve.py multi_runner`` (binds 127.0.0.1, no CDN). In a notebook,
use the package instead: ``from adaptive_nb.dashboards import multi_runner_dashboard``.
"""

import panel as pn

from adaptive_nb.dashboards import MultiRunnerDashboard
from adaptive_nb.dashboards.demo import three_runners

runners = pn.state.as_cached("adaptive_nb-multi-runner-demo", three_runners)
MultiRunnerDashboard(runners).servable(title="adaptive_nb runners")
