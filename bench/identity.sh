#!/usr/bin/env bash
# Sign-in throughput (argon2id verification included) and GET /api/auth/me requests per
# second (JWT check + user-directory lookup + one row read) against the release binary.
#
# A fresh database (mas_bench_identity) and Redis prefix; `gateway api` (HTTP only) on a free
# port with the default argon2 cost (19 MiB, t=2, p=1) and the rate limits lifted (they would
# answer 429 long before the CPU is busy). wrk runs on the same machine, so the figures are
# for server and load generator sharing the cores.
#
# usage: bash bench/identity.sh [seconds=20] [login_connections=8] [me_connections=64]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-20}"
LOGIN_CONN="${2:-8}"
ME_CONN="${3:-64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release -q -p gateway
BIN="$CARGO_TARGET_DIR/release/gateway"

SERVER="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB=mas_bench_identity
psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PREFIX="bench-identity-$$:"
export DATABASE_URL="$SERVER/$DB" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" \
  HOST=127.0.0.1 PORT="$PORT" RUST_LOG=warn REDIS_KEY_PREFIX="$PREFIX" BULLMQ_PREFIX="bench-identity-bull-$$" \
  RATE_LIMIT_LOGIN_IP=100000000/60 RATE_LIMIT_LOGIN_ACCOUNT=100000000/60 RATE_LIMIT_SIGNUP_IP=1000/60
"$BIN" migrate >/dev/null
"$BIN" api &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done

BASE="http://127.0.0.1:$PORT"
curl -sSf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"Quartz-Lantern-42","full_name":"Bench"}' >/dev/null
TOKEN=$(curl -sf -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"Quartz-Lantern-42"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

LUA=$(mktemp --suffix=.lua)
cat >"$LUA" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench@example.com","password":"Quartz-Lantern-42"}'
LUA

echo "== POST /api/auth/login  ($SECS s, $LOGIN_CONN connections; argon2id m=19456 KiB t=2 p=1)"
wrk -t2 -c"$LOGIN_CONN" -d"${SECS}s" --latency -s "$LUA" "$BASE/api/auth/login"
echo
echo "== GET /api/auth/me  ($SECS s, $ME_CONN connections)"
wrk -t2 -c"$ME_CONN" -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/me"
rm -f "$LUA"
