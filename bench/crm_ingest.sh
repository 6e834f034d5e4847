#!/usr/bin/env bash
# Vendor lead ingestion under load (issue 12): 4 vendors push N leads in parallel (default
# 10,000), 30 % of them repeats of people already sent (by another vendor, the phone spelled
# differently), against the release binary with 3 active agents. Prints req/s and latency
# percentiles of POST /api/v1/vendor/leads, then checks the outcome in PostgreSQL: exactly the
# distinct people are leads, each assigned once, the agents' shares within one of each other.
#
# A fresh database (mas_bench_crm) and Redis prefix; `gateway api` on a free port with the
# vendor rate limit lifted. The load generator (bench/crm_ingest.py, Python standard library,
# one thread per connection) runs on the same machine as the server and the databases.
#
# usage: bash bench/crm_ingest.sh [leads=10000] [connections_per_vendor=8]
#   BENCH_PROFILE=dev uses the debug binary (no release build: slower, for a quick check)
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS="${1:-10000}"
CONN="${2:-8}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"

if [ "${BENCH_PROFILE:-release}" = dev ]; then
  cargo build -q -p gateway
  BIN="$CARGO_TARGET_DIR/debug/gateway"
else
  cargo build --release -q -p gateway
  BIN="$CARGO_TARGET_DIR/release/gateway"
fi

SERVER="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB=mas_bench_crm
psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PREFIX="bench-crm-$$:"
export DATABASE_URL="$SERVER/$DB" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" \
  HOST=127.0.0.1 PORT="$PORT" RUST_LOG=warn REDIS_KEY_PREFIX="$PREFIX" BULLMQ_PREFIX="bench-crm-bull-$$" \
  VENDOR_LEAD_RATE_LIMIT=100000000/60 RATE_LIMIT_LOGIN_IP=100000/60 RATE_LIMIT_LOGIN_ACCOUNT=100000/60 \
  RATE_LIMIT_SIGNUP_IP=100000/60 DB_POOL_MAX="${DB_POOL_MAX:-20}" \
  ADMIN_EMAIL=bench-admin@example.com ADMIN_PASSWORD=Quartz-Lantern-42-Bench
"$BIN" migrate >/dev/null
"$BIN" api &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  redis-cli -u "$REDIS_URL" --scan --pattern "bench-crm-bull-$$*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done

python3 bench/crm_ingest.py "http://127.0.0.1:$PORT" "$LEADS" "$CONN"
echo
echo "== outcome in PostgreSQL"
psql "$SERVER/$DB" -qAt -c "SELECT 'leads ' || count(*) FROM leads" \
  -c "SELECT 'unassigned ' || count(*) FROM leads WHERE owner_id IS NULL" \
  -c "SELECT 'assigned more than once ' || count(*) FROM (SELECT lead_id FROM lead_activities WHERE kind = 'assigned' GROUP BY lead_id HAVING count(*) > 1) x" \
  -c "SELECT 're-inquiries ' || count(*) FROM lead_activities WHERE kind = 're_inquiry'" \
  -c "SELECT 'agent shares ' || string_agg(n::text, ' ' ORDER BY n) FROM (SELECT count(*) AS n FROM leads GROUP BY owner_id) x"
