#!/usr/bin/env bash
# Idle memory of the release gateway: `gateway api` started on a fresh, migrated and seeded
# database, left idle for 5 s after its first 200 on /api/health, then VmRSS, RssAnon and
# RssFile read from /proc/<pid>/status. Once with glibc's default arenas and once with
# MALLOC_ARENA_MAX=2 (what deploy/ sets), each `rounds` times.
#
# usage: bash bench/idle-rss.sh [rounds=3]      (BENCH_BIN=<binary> skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
source bench/lib.sh
bench_binary
bench_env idle_rss
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
field() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
echo "| malloc | round | VmRSS MiB | RssAnon MiB | RssFile MiB |"
echo "|---|---|---|---|---|"
for arenas in default 2; do
  for round in $(seq 1 "$ROUNDS"); do
    if [ "$arenas" = default ]; then
      bench_start_api
    else
      MALLOC_ARENA_MAX="$arenas" bench_start_api
    fi
    sleep 5
    echo "| $arenas | $round | $(field VmRSS) | $(field RssAnon) | $(field RssFile) |"
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
  done
done
