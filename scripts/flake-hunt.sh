#!/usr/bin/env bash
# Flake hunt (issue 22): run the integration and end-to-end tests N times on PostgreSQL, each run in
# a new random order (pytest-random-order; BUCKET=package by default: packages shuffled and every
# test within its package, so the intake tests that share one worker and database meet in any
# order). The seed is logged: `--random-order-bucket=package --random-order-seed=SEED` repeats a
# run's order. Stops at the first failing run.
#   scripts/flake-hunt.sh [RUNS] [pytest args…]      e.g. scripts/flake-hunt.sh 10
# Writes one line per run to .data/flake-hunt.log: run, seed, result, seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"; shift || true
export DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
mkdir -p .data
for i in $(seq 1 "$runs"); do
  seed=$RANDOM$RANDOM
  start=$(date +%s)
  if .venv/bin/python -m pytest -q -p no:cacheprovider --random-order-bucket="${BUCKET:-package}" --random-order-seed="$seed" \
       tests/integration tests/e2e "$@" > ".data/flake-hunt-$i.out" 2>&1; then result=passed; else result=FAILED; fi
  line="run $i seed $seed $result $(( $(date +%s) - start )) s: $(tail -1 ".data/flake-hunt-$i.out")"
  echo "$line" | tee -a .data/flake-hunt.log
  [ "$result" = passed ] || exit 1
done
