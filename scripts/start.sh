#!/usr/bin/env bash
# The main job: JupyterLab on the tutorial notebooks, bound to 127.0.0.1.
# Extra arguments go to `jupyter lab` (e.g. --port 8899 --no-browser).
source "$(dirname "$0")/_env.sh"
cd "$ROOT"
ensure_venv test
exec "$VENV/bin/jupyter" lab --ServerApp.ip=127.0.0.1 --notebook-dir="$ROOT/notebooks" "$@"
