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
source bench/lib.sh
need wrk

bench_binary
bench_env mentorship
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null

echo "== seeding 1,000 approved mentors and 100,000 open slots"
time psql "$DATABASE_URL" -q -f bench/sql/mentors_1000x100.sql
psql "$DATABASE_URL" -Atc "SELECT id FROM mentor_slots ORDER BY random()" >"$WORK/slots"

bench_start_api

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ADMIN=$(curl -sf -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench-admin@example.com","password":"Quartz-Lantern-42-Bench"}' | json '["access_token"]')
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
