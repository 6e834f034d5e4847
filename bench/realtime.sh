#!/usr/bin/env bash
# Real-time relay, side by side: the Rust Socket.IO server (crates/realtime, example
# bench_server) and the Node socket.io v4 server (bench/realtime/server.mjs), each running the
# same relay logic (join a room; relay a message to the others in it), under the same load:
# SOCKETS official socket.io-client connections (websocket) in SOCKETS/2 rooms, each sending
# RATE messages per second for SECONDS. Reports deliveries per second, p50/p99 latency, and the
# server's resident memory per 1,000 sockets. The load generator runs on the same machine.
#
# usage: bash bench/realtime.sh [sockets=2000] [rate=2] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
SOCKETS="${1:-2000}"
RATE="${2:-2}"
SECS="${3:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
ulimit -n 65536 2>/dev/null || true

npm ci --prefix bench/realtime --no-audit --no-fund >/dev/null
cargo build --release -q -p realtime --example bench_server
BIN="$CARGO_TARGET_DIR/release/examples/bench_server"

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  return 1
}

run() { # name, port, command...
  local name=$1 port=$2
  shift 2
  PORT="$port" "$@" >/dev/null &
  local pid=$!
  wait_port "$port"
  echo "== $name (pid $pid): $SOCKETS sockets, $((SOCKETS / 2)) rooms, $RATE msg/s each, ${SECS}s"
  node bench/realtime/load.mjs "http://127.0.0.1:$port" "$pid" "$SOCKETS" "$RATE" "$SECS"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

run "Rust (crates/realtime)" 3100 "$BIN"
run "Node (socket.io $(node -p 'require("./bench/realtime/node_modules/socket.io/package.json").version'))" 3200 node bench/realtime/server.mjs
