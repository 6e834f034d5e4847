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
source bench/lib.sh
need wrk
bench_binary
bench_env identity
export RATE_LIMIT_SIGNUP_IP=1000/60
"$BIN" migrate >/dev/null
bench_start_api

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
