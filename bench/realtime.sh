#!/usr/bin/env bash
# Real-time relay, side by side: the Rust Socket.IO server (crates/realtime, example
# bench_server) and the Node socket.io v4 server (bench/realtime/server.mjs), each running the
# same relay logic (join a room; relay a message to the others in it), under the same load,
# at rising offered rates, to find each server's highest delivered rate and its latency.
#
# Load: SOCKETS WebSocket connections in SOCKETS/2 rooms of two, each sending RATE messages
# per second for SECONDS, for each RATE of RATES (2,000 sockets x 10 = 20,000 msg/s offered).
# Deliveries per second, p50/p99 latency from the sender's timestamp (same process clock),
# connect time, the servers' resident memory per 1,000 sockets, and the CPU the generator and
# the servers used while sending (percent of one core).
#
# Generator (LOAD): `rust` (default): crates/realtime/examples/load.rs, Engine.IO v4 /
# Socket.IO v5 spoken directly over tokio-tungstenite on a multi-threaded runtime (LOAD_THREADS,
# default 2), frames built from a pre-serialised prefix; `node`: bench/realtime/load.mjs, one
# Node process with the official socket.io-client (it saturates near 20,000 msg/s, so it only
# suits low rates). The generator shares the machine's cores with the servers.
#
# Topologies (TOPOLOGY): `single`: one server process, in-memory adapter; `redis`: two server
# processes sharing Redis (REDIS_URL, default redis://127.0.0.1:6379; Rust: the crate's Redis
# adapter, Node: @socket.io/redis-adapter), socket j on server j % 2, so every room spans both.
# Each run starts fresh server processes.
#
# usage: bash bench/realtime.sh [sockets=2000] [rates="10 20 40"] [seconds=10]
#        env: LOAD=rust|node  TOPOLOGY="single redis"  SERVERS="rust node"  SKIP_BUILD=1
# On a shared machine run it under the cargo lock so nothing compiles beside it:
#   flock /work/.cache/cargo.lock bash bench/realtime.sh 2000 "10 20 40" 10
set -euo pipefail
cd "$(dirname "$0")/.."
SOCKETS="${1:-2000}"
RATES="${2:-10 20 40}"
SECS="${3:-10}"
LOAD="${LOAD:-rust}"
TOPOLOGY="${TOPOLOGY:-single redis}"
SERVERS="${SERVERS:-rust node}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
ulimit -n 65536 2>/dev/null || true

npm ci --prefix bench/realtime --no-audit --no-fund >/dev/null
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -q -p realtime --example bench_server --example load
fi
BIN="$CARGO_TARGET_DIR/release/examples/bench_server"
LOADBIN="$CARGO_TARGET_DIR/release/examples/load"
NODE_VERSION=$(node -p 'require("./bench/realtime/node_modules/socket.io/package.json").version')

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  return 1
}

start() { # server kind, port, redis url or "" -> sets PID
  local kind=$1 port=$2 redis=$3
  if [ "$kind" = rust ]; then
    PORT="$port" REDIS_URL="$redis" BENCH_PREFIX="bench:realtime:$$:" "$BIN" >/dev/null &
  else
    PORT="$port" REDIS_URL="$redis" BENCH_PREFIX="bench-node-$$" node bench/realtime/server.mjs >/dev/null &
  fi
  PID=$!
}

port=3100
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

for topology in $TOPOLOGY; do
  for kind in $SERVERS; do
    for rate in $RATES; do
      # Fresh ports per run: a server that is still draining never answers the next run.
      port=$((port + 2))
      if [ "$topology" = single ]; then
        start "$kind" "$port" ""
        pids="$PID"
        urls="http://127.0.0.1:$port"
        wait_port "$port"
      else
        start "$kind" "$port" "$REDIS_URL"
        a=$PID
        start "$kind" "$((port + 1))" "$REDIS_URL"
        pids="$a,$PID"
        urls="http://127.0.0.1:$port,http://127.0.0.1:$((port + 1))"
        wait_port "$port"
        wait_port "$((port + 1))"
      fi
      sleep 0.5
      label="$kind"
      [ "$kind" = node ] && label="node (socket.io $NODE_VERSION)"
      echo "== $label, $topology, load $LOAD: $SOCKETS sockets, $((SOCKETS / 2)) rooms, $rate msg/s each ($((SOCKETS * rate)) offered), ${SECS}s" >&2
      if [ "$LOAD" = node ]; then
        [ "$topology" = single ] || { echo "LOAD=node supports TOPOLOGY=single only" >&2; exit 2; }
        line=$(node bench/realtime/load.mjs "$urls" "$pids" "$SOCKETS" "$rate" "$SECS")
      else
        line=$("$LOADBIN" "$urls" "$pids" "$SOCKETS" "$rate" "$SECS")
      fi
      echo "$line" >&2
      jq -c --arg server "$label" --arg topology "$topology" '. + {server: $server, topology: $topology}' <<<"$line" >>"$RESULTS"
      for pid in ${pids//,/ }; do kill "$pid" 2>/dev/null || true; done
      for pid in ${pids//,/ }; do wait "$pid" 2>/dev/null || true; done
    done
  done
done

echo "| server | topology | offered msg/s | sent msg/s | delivered msg/s | p50 ms | p99 ms | connect | RSS idle -> connected | per 1,000 sockets | CPU server / generator |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
jq -r '"| \(.server) | \(.topology) | \(.offered_per_sec) | \(.sent_per_sec // "-") | \(.delivered_per_sec) | \(.p50_ms) | \(.p99_ms) | \(.connect_ms) ms | \(.rss_idle_mib) -> \(.rss_connected_mib) MiB | \(.rss_per_1000_sockets_mib) MiB | \(.server_cpu_pct // "-")% / \(.generator_cpu_pct // "-")% |"' "$RESULTS"
