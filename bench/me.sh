#!/usr/bin/env bash
# GET /api/auth/me of one binary, for A/B runs of two builds one after the other (compare.sh
# is the full side-by-side with Express and pgbench): `gateway api` on a fresh, migrated and
# seeded database, one signed-up user, then `wrk -t2 -c64` for `seconds`, `rounds` times.
#
# usage: BENCH_BIN=<binary> bash bench/me.sh [seconds=10] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
ROUNDS="${2:-2}"
source bench/lib.sh
need wrk
bench_binary
bench_env me
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
bench_start_api
TOKEN=$(curl -sf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"me1@bench.example","password":"Quartz-Lantern-42","full_name":"Me One"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for round in $(seq 1 "$ROUNDS"); do
  out=$(wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/me")
  echo "round $round: $(echo "$out" | awk '/Requests\/sec/ {print $2 " req/s"}'), p99 $(echo "$out" | awk '$1 == "99%" {print $2}')"
done
