#!/usr/bin/env bash
# Benchmarks: adaptive_nb side by side with the reference library (adaptive==1.5.2) in one run.
source "$(dirname "$0")/_env.sh"
cd "$ROOT"
ensure_system_packages valgrind  # valgrind: instruction counts in bench_learner1d.py
ensure_venv bench
for b in benchmarks/bench_*.py; do
    echo ">>> $b"
    "$PY" "$b" "$@"
done
