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
source bench/lib.sh

bench_binary
bench_env crm
export VENDOR_LEAD_RATE_LIMIT=100000000/60 DB_POOL_MAX="${DB_POOL_MAX:-20}"
"$BIN" migrate >/dev/null
bench_start_api

python3 bench/crm_ingest.py "http://127.0.0.1:$PORT" "$LEADS" "$CONN"
echo
echo "== outcome in PostgreSQL"
psql "$SERVER/$DB" -qAt -c "SELECT 'leads ' || count(*) FROM leads" \
  -c "SELECT 'unassigned ' || count(*) FROM leads WHERE owner_id IS NULL" \
  -c "SELECT 'assigned more than once ' || count(*) FROM (SELECT lead_id FROM lead_activities WHERE kind = 'assigned' GROUP BY lead_id HAVING count(*) > 1) x" \
  -c "SELECT 're-inquiries ' || count(*) FROM lead_activities WHERE kind = 're_inquiry'" \
  -c "SELECT 'agent shares ' || string_agg(n::text, ' ' ORDER BY n) FROM (SELECT count(*) AS n FROM leads GROUP BY owner_id) x"
