#!/usr/bin/env bash
# Idle memory of the release gateway: `gateway api` started on a fresh, migrated and seeded
# database, left idle for 5 s after its first 200 on /api/health, then VmRSS, RssAnon and
# RssFile read from /proc/<pid>/status, and of RssFile the pages of the gateway binary itself
# (its text and read-only data, from /proc/<pid>/smaps), `rounds` times. The process measured
# is the server: `api` prepares the database and collects the API document in a child process
# (`gateway prepare`) that has exited by then.
#
# COLD=1 evicts the binary's pages from the page cache before each start (posix_fadvise
# DONTNEED on the file): a replica starting on a host that has not run this binary yet. The
# kernel maps already-cached pages around every page fault (fault-around), so with the file
# hot in the page cache nearly the whole text is counted in RssFile; cold, only what the
# server touched and its read-ahead is.
#
# ROLE=serve measures `gateway serve` (the API and the job workers) instead of `gateway api`.
# The script also prints how many of the functions in apps/gateway/symbol-order.txt (the
# start-up functions the release build lays out together, ADR 0090) the binary defines: far
# fewer than the file holds means the file is stale (bash bench/symbol-order.sh rewrites it).
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
EXE=$(realpath "$BIN")
binary_rss() {
  awk -v exe="$EXE" '/^[0-9a-f]+-[0-9a-f]+ / { mine = ($6 == exe) } mine && $1 == "Rss:" { s += $2 }
    END { printf "%.1f", s / 1024 }' "/proc/$PID/smaps"
}
ORDER=apps/gateway/symbol-order.txt
if [ -f "$ORDER" ]; then
  # the file holds keys (apps/gateway/symbol-keys.sh), looked up in the binary's names
  found=$(bash apps/gateway/symbol-keys.sh "$BIN" | cut -f1 | awk 'NR == FNR { want[$0] = 1; next } ($0 in want) && !seen[$0]++ { n++ } END { print n + 0 }' "$ORDER" -)
  echo "$ORDER: $found of $(wc -l <"$ORDER") start-up functions found by key in $BIN"
fi
echo "role: ${ROLE:-api}"
echo "| round | VmRSS MiB | RssAnon MiB | RssFile MiB | of which the binary MiB |"
echo "|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  if [ "${COLD:-0}" = 1 ]; then
    python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$EXE"
  fi
  bench_start_api "${ROLE:-api}"
  sleep 5
  echo "| $round | $(field VmRSS) | $(field RssAnon) | $(field RssFile) | $(binary_rss) |"
  bench_stop_api
done
