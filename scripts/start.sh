#!/usr/bin/env bash
# The main job: JupyterLab on the tutorial notebooks, bound to 127.0.0.1.
# Extra arguments go to `jupyter lab` (e.g. --port 8899 --no-browser).
source "$(dirname "$0")/_env.sh"
cd "$ROOT"
ensure_venv test
# Jupyter refuses to run as root unless told; containers and these machines often are root.
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec "$VENV/bin/jupyter" lab --ServerApp.ip=127.0.0.1 --notebook-dir="$ROOT/notebooks" "${root_flag[@]}" "$@"
