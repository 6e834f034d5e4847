#!/usr/bin/env bash
# Mr. Mentor under load: GET /api/mentors (a page of 20 approved mentors, each with its next
# open slot) and POST /api/slots/{id}/book (token hold + booking + meeting in one
# transaction), against the release binary on a fresh database seeded with 1,000 approved
# mentors and 100,000 open slots (SQL, seconds). 64 students signed up through the API, each
# granted tokens by the seeded admin; the booking load books distinct slots round-robin across
# the students. wrk runs on the same machine as the server, PostgreSQL and Redis.
#
# usage: bash bench/mentorship.sh [seconds=20] [list_connections=32] [book_connections=16]
#        PROFILE=1: during the booking load, `perf record -a` (software clock) and the split of
#        CPU by process, the gateway's hottest symbols, and, when PostgreSQL preloads
#        pg_stat_statements, the statements and their time per booking. Always printed:
#        Redis commands per booking (INFO commandstats, the outbox relay's BullMQ adds included)
#        and the machine's busy CPU time per booking during the load (/proc/stat: every
#        process, wrk included), with the share the host stole: a cost that moves less than
#        req/s with what else shares the host.
#        REPLAY=1: afterwards, the ceiling without the gateway: one booking's three statements,
#        read from the server log (PGLOG, default Debian's), replayed by pgbench over as many
#        connections on distinct open slots (bench/booking_replay.py writes the script): with
#        the gateway's relay moving their jobs, with the gateway stopped, and the replay's own
#        per-booking lookup alone; then the same checks as after the HTTP load.
#        REPLAY_VARIANTS=N (with REPLAY=1): the replay on copies of the database with each
#        schema or commit experiment of bench/sql/booking_variants/ applied, and unchanged,
#        alternated N times: where PostgreSQL's time per booking goes.
#        REPLAY_BATCH="B ..." (with REPLAY=1): the replay, the gateway stopped, with B bookings
#        committed per transaction, each client booking for its own students (64 / B clients):
#        what committing bookings in groups would raise the ceiling to.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-20}"
LIST_CONN="${2:-32}"
BOOK_CONN="${3:-16}"
source bench/lib.sh
need wrk
# the copy REPLAY_VARIANTS works on, if a run stops inside it
bench_cleanup_hook() { psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS ${DB}_variant WITH (FORCE)" >/dev/null; }

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
# the seeding's WAL flushed first, so no checkpoint it triggered lands in the measurement
psql "$DATABASE_URL" -qc "CHECKPOINT" 2>/dev/null || true
redis_before=$(redis_commands)
bookings_before=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings")
# the machine's busy and stolen CPU time (/proc/stat, every process) across the booking load
cpu_stat() { awk '/^cpu /{print $2+$3+$4+$7+$8, $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# cpu_report LABEL BEFORE AFTER N: busy CPU time per unit of work between two cpu_stat
# readings, and the share the host stole meanwhile
cpu_report() {
  python3 - "$2" "$3" "$(getconf CLK_TCK)" "$4" "$1" <<'PY'
import sys
b, a, hz, n, label = sys.argv[1].split(), sys.argv[2].split(), int(sys.argv[3]), max(int(sys.argv[4] or 0), 1), sys.argv[5]
busy, steal, total = (int(y) - int(x) for x, y in zip(b, a))
print(f"{label}: {1000 * busy / hz / n:.2f} ms; stolen by the host: {100 * steal / max(total, 1):.1f} %")
PY
}
# perf_summary DATA WHAT: CPU samples by process, then the gateway's hottest symbols
perf_summary() {
  echo "-- CPU samples by process"
  perf report -i "$1" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -10 || true
  echo "-- the gateway's hottest symbols$2"
  perf report -i "$1" --no-children --pid "$PID" --sort dso,symbol --stdio 2>/dev/null |
    grep -E '^ +[0-9]' | head -25 | cut -c1-120 || true
}
# pgss_report N UNIT LIMIT: pg_stat_statements of this database per UNIT (N of them): each
# statement's calls and mean time, then statements and execution time in all
pgss_report() {
  psql "$DATABASE_URL" -Atc "SELECT round(calls::numeric / $1, 3) || ' x ' || round((total_exec_time / calls)::numeric, 3) || ' ms  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_exec_time DESC LIMIT $3"
  psql "$DATABASE_URL" -Atc "SELECT 'statements per $2: ' || round(sum(calls)::numeric / $1, 1) || ', PostgreSQL execution ms per $2: ' || round((sum(total_exec_time) / $1)::numeric, 3)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
}
# booking_counts [MORE]: bookings, booked slots, holds and meetings (one of each per
# booking), then MORE (an SQL string expression starting with `|| `), if given
booking_counts() {
  psql "$DATABASE_URL" -Atc "SELECT 'bookings: ' || count(*) || ', slots booked: ' || (SELECT count(*) FROM mentor_slots WHERE status = 'booked') || ', holds: ' || (SELECT count(*) FROM ledger_holds) || ', meetings: ' || (SELECT count(*) FROM meetings) ${1:-} FROM bookings"
}
# every booking has its slot, hold and meeting, and the ledger reconciles
check_afterwards() {
  booking_counts
  curl -sf "$BASE/api/admin/tokens/reconcile" -H "authorization: Bearer $ADMIN" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("reconcile:", {k: d[k] for k in ("ok", "accounts_checked", "ledger_sum")})'
}
cpu_before=$(cpu_stat)
if [ -n "${PROFILE:-}" ]; then
  # where the booking's time goes: every process sampled (software clock) for SECS - 4 s
  need perf
  # statements per booking when pg_stat_statements is preloaded (shared_preload_libraries)
  PGSS=$(psql "$DATABASE_URL" -Atc "SELECT 'on' FROM pg_settings WHERE name = 'shared_preload_libraries' AND setting LIKE '%pg_stat_statements%'")
  if [ -n "$PGSS" ]; then
    psql "$DATABASE_URL" -qAt -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
  fi
  wrk -t2 -c"$BOOK_CONN" -d"${SECS}s" --latency -s "$WORK/book.lua" "$BASE" >"$WORK/wrk" &
  WRK=$!
  sleep 2
  perf record -q -F 499 -a -g -o "$WORK/perf.data" -- sleep "$((SECS - 4))" 2>/dev/null
  wait "$WRK"
  cat "$WORK/wrk"
  perf_summary "$WORK/perf.data" ""
  cp "$WORK/perf.data" /tmp/perf-booking.data
  if [ -n "$PGSS" ]; then
    n=$(($(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings") - bookings_before))
    echo "-- PostgreSQL per booking (pg_stat_statements, all sessions of this database): calls and ms"
    pgss_report "$n" booking 25
  fi
else
  wrk -t2 -c"$BOOK_CONN" -d"${SECS}s" --latency -s "$WORK/book.lua" "$BASE"
fi
cpu_after=$(cpu_stat)
sleep 2
booked=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings")
cpu_report "CPU per booking (every process, the load's own share of the machine)" \
  "$cpu_before" "$cpu_after" "$((booked - bookings_before))"
echo "Redis commands per booking (jobs included): $(python3 -c "print(round(($(redis_commands) - $redis_before) / max($booked, 1), 1))")"
check_afterwards

if [ -n "${REPLAY:-}" ]; then
  # The ceiling without the gateway: the same three statements a booking runs, replayed by
  # pgbench over as many connections on the same database (the gateway idle beside it, its
  # outbox relay moving the replay's rows to BullMQ), each transaction on a distinct open slot.
  need pgbench
  PGLOG="${PGLOG:-/var/log/postgresql/postgresql-$(ls /etc/postgresql | head -n1)-main.log}"
  [ -r "$PGLOG" ] || { echo "REPLAY=1 reads the statements from the server log: set PGLOG" >&2; exit 1; }
  echo
  echo "== the booking's statements without the gateway: pgbench  ($SECS s, $BOOK_CONN connections)"
  # one booking by a gateway whose sessions log every statement with its parameters
  psql "$DATABASE_URL" -qc "ALTER DATABASE $DB SET log_min_duration_statement = 0"
  bench_stop_api
  offset=$(stat -c %s "$PGLOG")
  bench_start_api
  slot=$(psql "$DATABASE_URL" -Atc "SELECT id FROM mentor_slots WHERE status = 'open' LIMIT 1")
  curl -sf -X POST "$BASE/api/slots/$slot/book" -H "authorization: Bearer $(head -n1 "$WORK/tokens")" \
    -H 'content-type: application/json' -d '{}' >/dev/null
  psql "$DATABASE_URL" -qc "ALTER DATABASE $DB RESET log_min_duration_statement"
  bench_stop_api
  bench_start_api
  python3 bench/booking_replay.py "$PGLOG" "$offset" "$WORK/booking.pgbench" "$WORK/replay.sql"
  psql "$DATABASE_URL" -q -f "$WORK/replay.sql"
  psql "$DATABASE_URL" -q <<'SQL'
-- a time-ordered id, as the gateway's (UUID v7)
CREATE FUNCTION bench_uuid7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
    substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
CREATE SEQUENCE bench_replay_seq;
SQL
  # the open slots in random order, each with a student (round-robin) and what a booking
  # reads; run again on each copy of the database that REPLAY_VARIANTS makes
  lookup_table() {
    psql "$DATABASE_URL" -q <<'SQL'
DROP TABLE IF EXISTS bench_replay;
ALTER SEQUENCE bench_replay_seq RESTART;
CREATE TABLE bench_replay AS
WITH st AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM users
             WHERE email LIKE 'student%@bench.example'),
     sl AS (SELECT row_number() OVER (ORDER BY random()) AS i, s.*, m.price_tokens, m.user_id
              FROM mentor_slots s JOIN mentor_profiles m ON m.id = s.mentor_id
             WHERE s.status = 'open' AND s.starts_at > now() + interval '1 hour')
SELECT sl.i, sl.id AS slot_id, st.id AS student_id, sl.price_tokens AS amount,
       sl.mentor_id, sl.user_id AS mentor_user_id, sl.starts_at, sl.ends_at,
       sl.ends_at + interval '48 hours' AS expires_at
  FROM sl JOIN st ON st.k = sl.i % (SELECT count(*) FROM st);
CREATE UNIQUE INDEX ON bench_replay (i);
ANALYZE bench_replay;
CHECKPOINT;
SQL
  }
  lookup_table
  # replay SCRIPT LABEL [profile]: pgbench over BOOK_CONN connections for SECS (REPLAY_SECS
  # when set), then what it cost; with PROFILE=1 and a third argument, perf samples every
  # process meanwhile
  replay() {
    local before cpu_b cpu_a after
    before=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings")
    if [ -n "${PGSS:-}" ] && [ -n "${3:-}" ]; then
      psql "$DATABASE_URL" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
    fi
    cpu_b=$(cpu_stat)
    pgbench -n -M prepared -c "${REPLAY_CONN:-$BOOK_CONN}" -j 2 -T "${REPLAY_SECS:-$SECS}" -f "$1" "$DATABASE_URL" \
      >"$WORK/pgbench" 2>&1 &
    local bench=$!
    if [ -n "${PROFILE:-}" ] && [ -n "${3:-}" ]; then
      sleep 2
      perf record -q -F 499 -a -g -o "$WORK/perf-replay.data" -- sleep "$((SECS - 4))" 2>/dev/null
    fi
    wait "$bench" || true
    cpu_a=$(cpu_stat)
    if [ -n "${PROFILE:-}" ] && [ -n "${3:-}" ]; then
      perf_summary "$WORK/perf-replay.data" " (its relay)"
      cp "$WORK/perf-replay.data" /tmp/perf-replay.data
    fi
    if [ -n "${PGSS:-}" ] && [ -n "${3:-}" ]; then
      sleep 2
      n=$(($(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings") - before))
      echo "-- PostgreSQL per replayed booking (pg_stat_statements, every session, the relay's included): calls and ms"
      pgss_report "$n" "replayed booking" 12
    fi
    grep -E "^(number of (transactions|failed)|latency|tps)|rror|abort" "$WORK/pgbench" | head -20
    after=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM bookings")
    cpu_report "$2: CPU per transaction (every process, pgbench included)" "$cpu_b" "$cpu_a" \
      "$(grep -Po '(?<=actually processed: )\d+' "$WORK/pgbench" || true)"
    echo "bookings written: $((after - before))"
    if [ -n "${4:-}" ]; then
      cpu_report "$2: CPU per booking" "$cpu_b" "$cpu_a" "$((after - before))"
      echo "bookings per second: $(( (after - before) / ${REPLAY_SECS:-$SECS} ))"
    fi
  }
  replay "$WORK/booking.pgbench" "replayed bookings, the gateway idle beside them (its relay moving their jobs)" profile
  sleep 2
  psql "$DATABASE_URL" -Atc "SELECT 'outbox rows not relayed 2 s later: ' || count(*) FROM outbox WHERE relayed_at IS NULL"
  echo
  echo "== the same, the gateway stopped (no relay: pgbench and PostgreSQL alone)"
  bench_stop_api
  replay "$WORK/booking.pgbench" "replayed bookings, nothing else running"
  echo
  echo "== the replay's own first statement alone (the lookup of each booking's values)"
  sed -n '1,/^\\gset$/p' "$WORK/booking.pgbench" >"$WORK/lookup.pgbench"
  # 2 s: the lookups would outrun the open slots left in a longer run
  REPLAY_SECS=2 replay "$WORK/lookup.pgbench" "lookups alone"
  for b in ${REPLAY_BATCH:-}; do
    # B bookings per transaction; 64 students, so 64 / B clients never share a student
    echo
    echo "== $b bookings per transaction, the gateway stopped ($((64 / b)) connections)"
    python3 bench/booking_replay.py "$PGLOG" "$offset" "$WORK/batch$b.pgbench" /dev/null "$b" 64
    lookup_table
    REPLAY_CONN=$((64 / b)) replay "$WORK/batch$b.pgbench" "$b bookings per transaction" "" per-booking
    echo
    echo "== 1 booking per transaction, the same $((64 / b)) connections"
    lookup_table
    REPLAY_CONN=$((64 / b)) replay "$WORK/booking.pgbench" "1 booking per transaction" "" per-booking
  done
  if [ -n "${REPLAY_VARIANTS:-}" ]; then
    # What the schema and the commit cost: the same replay (the gateway stopped) on fresh
    # copies of this database, unchanged and with each of bench/sql/booking_variants/*.sql
    # applied, alternated for REPLAY_VARIANTS rounds. Experiments that say where PostgreSQL's
    # time goes, not changes to make: each drops a guarantee or a constraint.
    main_url="$DATABASE_URL"
    copy="${DB}_variant"
    # the loads' dead rows vacuumed first, so no autovacuum of them runs beside a variant
    psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
    variants=(unchanged bench/sql/booking_variants/*.sql)
    for round in $(seq 1 "$REPLAY_VARIANTS"); do
      # every other round in reverse, so that no variant always runs first
      order=("${variants[@]}")
      if [ $((round % 2)) -eq 0 ]; then
        mapfile -t order < <(printf '%s\n' "${variants[@]}" | tac)
      fi
      for variant in "${order[@]}"; do
        echo
        echo "== variant $(basename "$variant" .sql), round $round (a copy of the database)"
        psql "$SERVER/postgres" -q -c "DROP DATABASE IF EXISTS $copy WITH (FORCE)" \
          -c "CREATE DATABASE $copy TEMPLATE $DB"
        DATABASE_URL="$SERVER/$copy"
        [ "$variant" = unchanged ] || psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -f "$variant"
        psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
        # the lookup of the copy's open slots, then a checkpoint
        lookup_table
        replay "$WORK/booking.pgbench" "variant $(basename "$variant" .sql)"
        # no gateway runs on the copy: the ledger's sum instead of its reconcile
        booking_counts "|| ', ledger sum: ' || (SELECT sum(balance) FROM ledger_accounts) || ', slot updates heap-only: ' || (SELECT n_tup_hot_upd || ' of ' || n_tup_upd FROM pg_stat_user_tables WHERE relname = 'mentor_slots')"
        DATABASE_URL="$main_url"
        psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $copy WITH (FORCE)"
      done
    done
  fi
  bench_start_api
  sleep 2
  check_afterwards
fi
