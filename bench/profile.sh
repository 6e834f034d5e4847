#!/usr/bin/env bash
# Where a request's time goes (issue 16): the release gateway on the compare data (1,000
# approved mentors, 100,000 open slots), wrk on one path while `perf record -a` samples every
# process on the machine (software clock: this VM has no hardware counters), then the split
# by process (gateway / postgres / redis / wrk) and the gateway's hottest symbols, plus Redis
# commands per request (INFO commandstats before and after).
#
# usage: bash bench/profile.sh [path=/api/auth/me] [seconds=10] [connections=64]
#        BENCH_BIN=path/to/gateway to profile a given binary
set -euo pipefail
cd "$(dirname "$0")/.."
P="${1:-/api/auth/me}"
SECS="${2:-10}"
CONN="${3:-64}"
source bench/lib.sh
need wrk perf

bench_binary
bench_env profile
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
psql "$DATABASE_URL" -q -f bench/sql/mentors_1000x100.sql
bench_start_api
TOKEN=$(curl -sf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"profile@bench.example","password":"Quartz-Lantern-42","full_name":"Profile"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -sf -o /dev/null -H "authorization: Bearer $TOKEN" "$BASE$P"

before=$(redis_commands)
wrk -t2 -c"$CONN" -d"$((SECS + 4))s" --latency -H "authorization: Bearer $TOKEN" "$BASE$P" >"$WORK/wrk" &
WRK=$!
sleep 2
perf record -q -F 499 -a -g -o "$WORK/perf.data" -- sleep "$SECS" 2>/dev/null
echo "== Redis commands seen in 0.2 s of load (MONITOR)"
timeout 0.2 redis-cli -u "$REDIS_URL" MONITOR 2>/dev/null | awk 'NR > 1 {print $4, $5}' | tr -d '"' |
  sed -E 's/[0-9a-f-]{36}/<id>/g' | sort | uniq -c | sort -rn | head -8 || true
wait "$WRK"
after=$(redis_commands)
cat "$WORK/wrk"
reqs=$(awk '/requests in/ {print $1}' "$WORK/wrk")
python3 -c "print(f'Redis commands per request: {($after - $before) / $reqs:.2f} ({$after - $before} for $reqs requests)')"
echo
echo "== CPU samples by process"
perf report -i "$WORK/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
echo
echo "== the gateway's hottest symbols (self time)"
perf report -i "$WORK/perf.data" --no-children --pid "$PID" --sort dso,symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | sed -E 's/ +/ /g' | cut -c1-150 | head -40
echo
echo "== the gateway's time by what it was inside (children, top frames of ours)"
perf report -i "$WORK/perf.data" --children --pid "$PID" --sort symbol --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | sed -E 's/ +/ /g' | cut -c1-150 | grep -vE 'tokio::|std::|core::|actix_rt|__libc|start_thread|clone3|main$' | head -40
cp "$WORK/perf.data" "/tmp/perf-$(echo "$P" | tr -c 'a-z0-9' '_').data" 2>/dev/null || true
