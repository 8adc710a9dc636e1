#!/bin/sh
# make bench: the benchmark (see scripts/bench.py); BENCH_RUNS=N for more runs.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 scripts/bench.py "$@"
