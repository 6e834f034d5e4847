# Shared by the bench scripts (source it after `cd` to the repository root):
#   bench_binary          sets BIN: $BENCH_BIN when given, a debug build with BENCH_PROFILE=dev,
#                         else a release build (`cargo build --release -p gateway`)
#   free_port             prints a free TCP port on 127.0.0.1
#   bench_env NAME        a fresh database mas_bench_NAME, a port, Redis and BullMQ prefixes of
#                         this run, a work dir; exports what the gateway reads, with rate limits
#                         high enough not to be what is measured (override after the call)
#   bench_start_api [ROLE [WRAPPER...]]
#                         starts "$BIN" ROLE (default api), under WRAPPER when given (valgrind
#                         ...), waits for /api/health (BENCH_START_TRIES tenths of a second,
#                         default 300); cleanup on exit stops it, deletes this run's Redis
#                         keys, drops the database and the work dir, after calling
#                         bench_cleanup_hook when the script defines one
#   bench_stop_api        stops the gateway bench_start_api started (and forgets it)
#   need CMD...           exits with a hint when a command is missing
#   redis_commands        prints the Redis server's commands so far (INFO commandstats,
#                         commands run inside Lua scripts included)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"

need() {
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$c is missing (apt-get install -y $c)" >&2; exit 1; }
  done
}

bench_binary() {
  if [ -n "${BENCH_BIN:-}" ]; then
    BIN="$BENCH_BIN"
  elif [ "${BENCH_PROFILE:-release}" = dev ]; then
    cargo build -q -p gateway
    BIN="$CARGO_TARGET_DIR/debug/gateway"
  else
    # the linker wrapper that lays out the start-up functions (ADR 0097)
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$PWD/apps/gateway/cc-ordered.sh" \
      cargo build --release -q -p gateway
    BIN="$CARGO_TARGET_DIR/release/gateway"
  fi
}

redis_commands() {
  redis-cli -u "$REDIS_URL" INFO commandstats | awk -F'[:=,]' '/^cmdstat_/ {s += $3} END {print s + 0}'
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_env() {
  local name="$1"
  SERVER="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
  DB="mas_bench_$name"
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  PORT=$(free_port)
  PREFIX="bench-$name-$$:"
  BULL_PREFIX="bench-$name-bull-$$"
  WORK=$(mktemp -d)
  BASE="http://127.0.0.1:$PORT"
  PID=
  export DATABASE_URL="$SERVER/$DB${BENCH_DATABASE_PARAMS:-}" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" \
    HOST=127.0.0.1 PORT RUST_LOG=warn REDIS_KEY_PREFIX="$PREFIX" BULLMQ_PREFIX="$BULL_PREFIX" \
    RATE_LIMIT_SIGNUP_IP=100000/60 RATE_LIMIT_LOGIN_IP=100000000/60 \
    RATE_LIMIT_LOGIN_ACCOUNT=100000000/60 ACCESS_TOKEN_TTL_SECS=3600 \
    ADMIN_EMAIL=bench-admin@example.com ADMIN_PASSWORD=Quartz-Lantern-42-Bench
  trap bench_cleanup EXIT
}

bench_stop_api() {
  if [ -n "${PID:-}" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}

bench_cleanup() {
  if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook || true; fi
  bench_stop_api
  for p in "$PREFIX" "$BULL_PREFIX"; do
    redis-cli -u "$REDIS_URL" --scan --pattern "$p*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null
  done
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  rm -rf "$WORK"
}

bench_start_api() { # [role=api [wrapper...]]
  "${@:2}" "$BIN" "${1:-api}" &
  PID=$!
  for _ in $(seq 1 "${BENCH_START_TRIES:-300}"); do curl -sf "$BASE/api/health" >/dev/null && return 0; sleep 0.1; done
  echo "the gateway did not answer /api/health" >&2
  exit 1
}
