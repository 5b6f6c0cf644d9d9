"""``panel serve`` app: adaptive_nb.dashboards.long_run_monitor on a demo run that saves every 2 s.

Run it with ``python widgets/serve.py long_run_monitor`` (binds 127.0.0.1, no CDN). In a
notebook, use the package instead: ``from adaptive_nb.dashboards import long_run_monitor``.
"""

import panel as pn

from adaptive_nb.dashboards import LongRunMonitor
from adaptive_nb.dashboards.demo import monitored_runner

runner = pn.state.as_cached("adaptive_nb-monitor-demo", monitored_runner)
LongRunMonitor(runner).servable(title="adaptive_nb long-run monitor")
