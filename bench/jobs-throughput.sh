#!/usr/bin/env bash
# Jobs per second for a no-op job through enqueue + process: the Rust worker (bullmq-official,
# release build of jobs_probe) and Node's BullMQ worker, side by side on the same Redis, with
# the same batch size, job options and concurrency. Each run uses a fresh BullMQ prefix.
# Prints one JSON line per run and the process's CPU time and peak memory (GNU time).
# usage: bash bench/jobs-throughput.sh [jobs=20000] [concurrency=50] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-20000}"
CONCURRENCY="${2:-50}"
ROUNDS="${3:-3}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/.cache/mas-target}"

cargo build --release -q -p jobs --bin jobs_probe
PROBE="$CARGO_TARGET_DIR/release/jobs_probe"
NODE_DIR=crates/jobs/tests/node
[ -d "$NODE_DIR/node_modules/bullmq" ] || npm ci --prefix "$NODE_DIR" --no-audit --no-fund >/dev/null

# the probe connects to PostgreSQL like the gateway does; the bench itself never queries it
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export REDIS_URL RUST_LOG=warn

cleanup() { redis-cli -u "$REDIS_URL" --scan --pattern "$1:*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null; }

echo "jobs=$COUNT concurrency=$CONCURRENCY rounds=$ROUNDS redis=$(redis-cli -u "$REDIS_URL" info server | grep redis_version | tr -d '\r')"
for round in $(seq 1 "$ROUNDS"); do
  prefix="bench-rust-$round-$$"
  BULLMQ_PREFIX="$prefix" /usr/bin/time -f '  rust process: cpu %U s user + %S s sys, max RSS %M KB' \
    "$PROBE" bench --count "$COUNT" --concurrency "$CONCURRENCY"
  cleanup "$prefix"
  prefix="bench-node-$round-$$"
  (cd "$NODE_DIR" && /usr/bin/time -f '  node process: cpu %U s user + %S s sys, max RSS %M KB' \
    node bench.mjs "$REDIS_URL" "$prefix" "$COUNT" "$CONCURRENCY")
  cleanup "$prefix"
done
