#!/usr/bin/env bash
# Side by side in one run (issue 16): the gateway (release) and the seed's stack
# (bench/baseline: Express + TypeORM + pg + jsonwebtoken, 2 cluster workers) doing the same
# work on the same data (1,000 approved mentors, 100,000 open slots), with `pgbench -S` as the
# database's own single-row limit, alternating ROUNDS times:
#   GET /api/auth/me            wrk -t2 -c64
#   GET /api/mentors?limit=20   wrk -t2 -c64
#   pgbench -S -c20 -j2         (scale 10, its own database)
# and the gateway's idle RSS after start-up. Run it on a quiet machine (no cargo build beside it):
# every figure shares the 2 cores with wrk, PostgreSQL and Redis.
#
# usage: bash bench/compare.sh [seconds=15] [rounds=3] [connections=64]
#        GATEWAY_BIN=path/to/gateway bash bench/compare.sh 2 1   (smoke run, no build)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-15}"
ROUNDS="${2:-3}"
CONN="${3:-64}"
source bench/lib.sh
need wrk pgbench node

# GATEWAY_BIN runs a given binary instead (a smoke run of this script with a debug build).
BENCH_BIN="${GATEWAY_BIN:-${BENCH_BIN:-}}" bench_binary
npm ci --prefix bench/baseline --no-audit --no-fund --silent

SERVER="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB=mas_bench_compare
PGB=mas_bench_pgbench
for d in $DB $PGB; do psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done
GW_PORT=$(free_port)
NODE_PORT=$(free_port)
PREFIX="bench-compare-$$:"
WORK=$(mktemp -d)
SECRET="bench-compare-secret-$(date +%s)-0123456789abcdef"
ISSUER=mas-bench
export DATABASE_URL="$SERVER/$DB" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" \
  HOST=127.0.0.1 PORT="$GW_PORT" RUST_LOG=warn REDIS_KEY_PREFIX="$PREFIX" BULLMQ_PREFIX="bench-compare-bull-$$" \
  JWT_SECRET="$SECRET" JWT_ISSUER="$ISSUER" ACCESS_TOKEN_TTL_SECS=3600 \
  RATE_LIMIT_SIGNUP_IP=100000/60 RATE_LIMIT_LOGIN_IP=100000/60 RATE_LIMIT_LOGIN_ACCOUNT=100000/60
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
psql "$DATABASE_URL" -q -f bench/sql/mentors_1000x100.sql
createdb -h 127.0.0.1 -U postgres "$PGB"
pgbench -h 127.0.0.1 -U postgres -i -s 10 -q "$PGB" >/dev/null 2>&1

"$BIN" api &
GW=$!
PORT="$NODE_PORT" node bench/baseline/server.js &
NODE=$!
cleanup() {
  kill "$GW" "$NODE" 2>/dev/null || true
  wait "$GW" "$NODE" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  redis-cli -u "$REDIS_URL" --scan --pattern "bench-compare-bull-$$*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  for d in $DB $PGB; do psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done
  rm -rf "$WORK"
}
trap cleanup EXIT
GWB="http://127.0.0.1:$GW_PORT"
NB="http://127.0.0.1:$NODE_PORT"
for _ in $(seq 1 100); do curl -sf "$GWB/api/health" >/dev/null && break; sleep 0.1; done
sleep 1
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$GW/status")

TOKEN=$(curl -sf -X POST "$GWB/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"compare@bench.example","password":"Quartz-Lantern-42","full_name":"Compare"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for _ in $(seq 1 100); do curl -sf "$NB/api/mentors?limit=1" >/dev/null && break; sleep 0.1; done
# Both answer the same thing before anything is timed.
for path in /api/auth/me "/api/mentors?limit=20"; do
  a=$(curl -sf -H "authorization: Bearer $TOKEN" "$GWB$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("email") or [m["id"] for m in d["items"]])')
  b=$(curl -sf -H "authorization: Bearer $TOKEN" "$NB$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("email") or [m["id"] for m in d["items"]])')
  [ "$a" = "$b" ] || { echo "gateway and baseline differ on $path" >&2; exit 1; }
done

run_wrk() { # label url
  local out
  out=$(wrk -t2 -c"$CONN" -d"${SECS}s" --latency -H "authorization: Bearer $TOKEN" "$2")
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  printf '| %s | %s | %s | %s | %s |\n' "$round" "$1" "$rps" "$p99" "${non2xx:-0}" | tee -a "$WORK/table"
}
echo "idle RSS of the gateway after start-up: $((RSS / 1024)) MiB ($RSS KiB)"
echo
echo "| round | what | req/s (tps) | p99 | non-2xx |"
echo "|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "gateway /api/auth/me" "$GWB/api/auth/me"
  run_wrk "express /api/auth/me" "$NB/api/auth/me"
  run_wrk "gateway /api/mentors?limit=20" "$GWB/api/mentors?limit=20"
  run_wrk "express /api/mentors?limit=20" "$NB/api/mentors?limit=20"
  tps=$(pgbench -h 127.0.0.1 -U postgres -S -c 20 -j 2 -T "$SECS" "$PGB" 2>/dev/null |
    awk '/^tps/ {print $3}')
  printf '| %s | pgbench -S -c20 | %s | - | - |\n' "$round" "$tps" | tee -a "$WORK/table"
done
echo
python3 - "$WORK/table" <<'PY'
import sys, statistics
rows = [l.strip().strip('|').split('|') for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault((int(r[0]), r[1].strip()), float(r[2]))
rounds = sorted({k[0] for k in by})
for r in rounds:
    me, me_x = by[(r, 'gateway /api/auth/me')], by[(r, 'express /api/auth/me')]
    ml, ml_x = by[(r, 'gateway /api/mentors?limit=20')], by[(r, 'express /api/mentors?limit=20')]
    pg = by[(r, 'pgbench -S -c20')]
    print(f"round {r}: /me {me/me_x:.1f}x express, {100*me/pg:.0f}% of pgbench -S; "
          f"/api/mentors {ml/ml_x:.1f}x express")
PY
