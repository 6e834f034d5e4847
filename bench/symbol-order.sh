#!/usr/bin/env bash
# Writes apps/gateway/symbol-order.txt: the gateway's own functions that `gateway api`, then
# `gateway serve`, run from exec to 5 s after their first 200 on /api/health (start-up: the
# runtime, the pools, every HTTP worker mounting every route; `serve` adds the job workers). The release build hands the file to the linker
# (apps/gateway/build.rs, `--symbol-ordering-file`), which lays these functions out first and
# together, so the pages an idle server has touched are few and contiguous instead of a few
# hundred bytes on every page of a 40 MB text segment (ADR 0090).
#
# The functions come from valgrind's callgrind (every function executed, not a sample), run
# on the server process only (its `prepare` child runs natively), intersected with the
# binary's own symbol table, and written as keys: demangled names without the crates'
# disambiguators and LTO's suffixes (apps/gateway/symbol-keys.sh), which change with every
# change to a crate's dependencies while the functions stay. The linker wrapper
# (apps/gateway/cc-ordered.sh) finds each key's name in the build it links (ADR 0097). Functions
# that a later change renames or removes are skipped; new start-up code is laid out where it
# would be without the file. Re-run after changes to start-up or route mounting, then rebuild;
# `bash bench/idle-rss.sh` prints how many of the file's keys the binary still has.
#
# usage: bash bench/symbol-order.sh      (BENCH_BIN=<release binary> skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need valgrind nm c++filt curl
bench_binary
bench_env symbol_order
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
OUT=apps/gateway/symbol-order.txt

# callgrind names each function once per run, as `fn=(id) name` or `cfn=(id) name`
# (compressed strings): `api`'s functions first, then what `serve` adds, each group sorted by
# name (callgrind's order varies with thread timing; sorted, a regenerated file diffs small)
: >"$WORK/executed"
for role in api serve; do
  BENCH_START_TRIES=1200 bench_start_api "$role" valgrind -q --tool=callgrind --demangle=no \
    --dump-instr=no --dump-line=no --callgrind-out-file="$WORK/callgrind.$role" \
    --log-file="$WORK/valgrind.$role.log"
  sleep 5
  kill -TERM "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
  sed -n 's/^c\{0,1\}fn=([0-9]*) //p' "$WORK/callgrind.$role" | LC_ALL=C sort -u >>"$WORK/executed"
done
awk '!seen[$0]++' "$WORK/executed" >"$WORK/unique" && mv "$WORK/unique" "$WORK/executed"

# keep the ones the binary itself defines in .text
nm --defined-only "$BIN" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$WORK/defined"
awk 'NR == FNR { defined[$0] = 1; next } ($0 in defined)' "$WORK/defined" "$WORK/executed" >"$WORK/names"
# written as keys (demangled, without the hashes a rebuild changes), which the linker wrapper
# apps/gateway/cc-ordered.sh looks up in each build (ADR 0097)
bash apps/gateway/symbol-keys.sh <"$WORK/names" | cut -f1 | awk '!seen[$0]++' >"$OUT"
echo "$(wc -l <"$WORK/names") of $(wc -l <"$WORK/executed") executed functions, $(wc -l <"$OUT") keys, written to $OUT"
