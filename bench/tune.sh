#!/usr/bin/env bash
# Issue 6 "How good": Serval's samplers (serval-bench TuneBenchmark) and Optuna's TPE (default
# settings, bench/tune/optuna_compare.py) on Branin, Hartmann-6, Rosenbrock-4 and a mixed space,
# same budgets and seeds; prints the median (and quartiles) of the best value found per function.
#
# Usage: bench/tune.sh [--seeds 10] [--trials 50] [--no-build]
#        (--no-build reuses serval-bench as last built and installed)
# Installs python3-optuna with apt-get when the system Python lacks it (needs root).
# Results go to bench/results/tune-<UTC time>/ (serval.json, serval.json.md, optuna.json, table.md).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seeds=10
trials=50
build=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --no-build) build=no; shift ;;
    *) echo "bench/tune.sh: unknown option '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done

# Debian's python3-optuna installs for the system interpreter, not for pyenv or a virtualenv.
python=/usr/bin/python3
if ! "$python" -c 'import optuna' 2>/dev/null; then
  apt-get update && apt-get install -y python3-optuna
fi

results="$root/bench/results/tune-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
source "$root/bench/lib/bench-java.sh"
bench_prepare "$root" "$build" "$results"

echo "== Serval samplers: $seeds seeds x $trials trials" >&2
bench_java TuneBenchmark --seeds "$seeds" --trials "$trials" \
  --output "$results/serval.json"

echo "== Optuna $("$python" -c 'import optuna; print(optuna.__version__)') TPE" >&2
"$python" "$root/bench/tune/optuna_compare.py" --seeds "$seeds" --trials "$trials" \
  --output "$results/optuna.json" --serval "$results/serval.json" | tee "$results/table.md"
echo "results in $results" >&2
