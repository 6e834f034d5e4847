#!/usr/bin/env bash
# Mr. Mentor under load: GET /api/mentors (a page of 20 approved mentors, each with its next
# open slot) and POST /api/slots/{id}/book (token hold + booking + meeting in one
# transaction), against the release binary on a fresh database seeded with 1,000 approved
# mentors and 100,000 open slots (SQL, seconds). 64 students signed up through the API, each
# granted tokens by the seeded admin; the booking load books distinct slots round-robin across
# the students. wrk runs on the same machine as the server, PostgreSQL and Redis.
#
# usage: bash bench/mentorship.sh [seconds=20] [list_connections=32] [book_connections=16]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-20}"
LIST_CONN="${2:-32}"
BOOK_CONN="${3:-16}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release -q -p gateway
BIN="$CARGO_TARGET_DIR/release/gateway"
SERVER="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB=mas_bench_mentorship
psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PREFIX="bench-mentorship-$$:"
WORK=$(mktemp -d)
export DATABASE_URL="$SERVER/$DB" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" \
  HOST=127.0.0.1 PORT="$PORT" RUST_LOG=warn REDIS_KEY_PREFIX="$PREFIX" BULLMQ_PREFIX="bench-mentorship-bull-$$" \
  ADMIN_EMAIL=bench-admin@example.com ADMIN_PASSWORD='Bench-Admin-Password-1' \
  RATE_LIMIT_SIGNUP_IP=100000/60 RATE_LIMIT_LOGIN_IP=100000/60 RATE_LIMIT_LOGIN_ACCOUNT=100000/60 \
  ACCESS_TOKEN_TTL_SECS=3600
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null

echo "== seeding 1,000 approved mentors and 100,000 open slots"
time psql "$DATABASE_URL" -q -f bench/sql/mentors_1000x100.sql
psql "$DATABASE_URL" -Atc "SELECT id FROM mentor_slots ORDER BY random()" >"$WORK/slots"

"$BIN" api &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  redis-cli -u "$REDIS_URL" --scan --pattern "bench-mentorship-bull-$$*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$BASE/api/health" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ADMIN=$(curl -sf -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench-admin@example.com","password":"Bench-Admin-Password-1"}' | json '["access_token"]')
echo "== 64 students, 50,000 tokens each"
for i in $(seq 1 64); do
  body=$(curl -sf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"student$i@bench.example\",\"password\":\"Quartz-Lantern-42\",\"full_name\":\"Student $i\"}")
  echo "$body" | json '["access_token"]' >>"$WORK/tokens"
  id=$(echo "$body" | json '["user"]["id"]')
  curl -sf -X POST "$BASE/api/admin/tokens/grant" -H "authorization: Bearer $ADMIN" \
    -H 'content-type: application/json' \
    -d "{\"user_id\":\"$id\",\"amount\":50000,\"reason\":\"bench\"}" >/dev/null
done

echo
echo "== GET /api/mentors?limit=20  ($SECS s, $LIST_CONN connections)"
curl -sf "$BASE/api/mentors?limit=20" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]), "mentors; next open slot of the first:", json.dumps(d["items"][0]["next_open_slot"]))'
wrk -t2 -c"$LIST_CONN" -d"${SECS}s" --latency "$BASE/api/mentors?limit=20"

cat >"$WORK/book.lua" <<LUA
local slots, tokens = {}, {}
for line in io.lines("$WORK/slots") do slots[#slots + 1] = line end
for line in io.lines("$WORK/tokens") do tokens[#tokens + 1] = line end
local n = 0
local counter = 0
function setup(thread) thread:set("tid", n); n = n + 1 end
function init(args) counter = tid end
function request()
  counter = counter + 2
  local slot = slots[(counter % #slots) + 1]
  local token = tokens[(counter % #tokens) + 1]
  return wrk.format("POST", "/api/slots/" .. slot .. "/book",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, "{}")
end
LUA
echo
echo "== POST /api/slots/{id}/book  ($SECS s, $BOOK_CONN connections, distinct slots)"
wrk -t2 -c"$BOOK_CONN" -d"${SECS}s" --latency -s "$WORK/book.lua" "$BASE"
psql "$DATABASE_URL" -Atc "SELECT 'bookings: ' || count(*) || ', slots booked: ' || (SELECT count(*) FROM mentor_slots WHERE status = 'booked') || ', holds: ' || (SELECT count(*) FROM ledger_holds) FROM bookings"
curl -sf "$BASE/api/admin/tokens/reconcile" -H "authorization: Bearer $ADMIN" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("reconcile:", {k: d[k] for k in ("ok", "accounts_checked", "ledger_sum")})'
