#!/usr/bin/env bash
# Property-based check that /api/openapi.json tells the truth: Schemathesis
# (https://schemathesis.readthedocs.io, from PyPI) generates valid and invalid requests for
# every documented operation and checks every answer against the document (all checks:
# no 5xx, only declared status codes, content types, headers and bodies, valid data accepted,
# invalid data rejected, authentication not ignored, 405 + Allow for undeclared methods, ...).
#
#   bash scripts/schemathesis.sh                       # 10 examples per operation, random seed
#   ST_MAX_EXAMPLES=10 ST_SEED=20261202 bash scripts/schemathesis.sh   # what .ci/run runs
#   ST_MAX_EXAMPLES=100 bash scripts/schemathesis.sh   # the deeper (nightly) run, ~3 minutes
#   bash scripts/schemathesis.sh --include-path-regex '^/api/auth'   # extra `st run` arguments
#
# What it does:
#   1. builds the gateway (`cargo build -p gateway`, honouring CARGO_TARGET_DIR);
#   2. starts `gateway serve` on a free port against a fresh database
#      (postgres://.../mas_schemathesis_<random>, created and migrated by the gateway itself),
#      its own Redis key prefixes, mail outbox and storage directory, with ADMIN_EMAIL /
#      ADMIN_PASSWORD so a SUPERADMIN is seeded. Providers that only check a secret (Google
#      sign-in, calendar and Drive, the WhatsApp and Exotel webhooks) get made-up credentials, with
#      every outbound URL pointing at a closed local port, so their routes validate input
#      instead of answering 503; providers that must call out to work (Razorpay, WhatsApp and
#      Exotel sending) stay unconfigured and answer their documented 503
#      `provider_not_configured`, and the LLM providers point at the closed port (503 without a
#      stored credential, 502 with one), and so does Judge0 (its proxy checks language, sizes
#      and rate, then answers 503 `judge0_unavailable`) (allowed for exactly those operations
#      in schemathesis.toml);
#   3. signs in through POST /api/auth/login and seeds a little data through the API (a token
#      grant, an approved mentor profile with an open slot, a token pack, a vendor key, a
#      platform of its own to change), so the authenticated paths get past their 401/403/404s;
#   4. installs Schemathesis into a venv under /work/.cache when it is missing (SCHEMATHESIS_VENV);
#   5. runs `st run --checks all` as that SUPERADMIN (bearer header and the vendor X-API-Key)
#      with a bounded --max-examples, and prints a summary;
#   6. stops the gateway, drops the database and deletes its Redis keys, whatever happened.
# Exits non-zero on any Schemathesis failure (or when the gateway does not come up); the last
# line is `schemathesis: N passed, M failed` (operations). See docs/openapi.md.
#
# Environment: ST_MAX_EXAMPLES (default 10), ST_WORKERS (default 2), ST_SEED (random),
# ST_REPORT_DIR (default $CARGO_TARGET_DIR/schemathesis: JUnit report and the gateway's log),
# SCHEMATHESIS_VENV, SCHEMATHESIS_PYTHON (default: the newest 3.13/3.12 found), SCHEMATHESIS_VERSION (pinned below), TEST_DATABASE_SERVER
# (default postgres://postgres@127.0.0.1:5432), TEST_REDIS_URL (default redis://127.0.0.1:6379).
# Per-check settings that flags cannot express live in scripts/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MAX_EXAMPLES="${ST_MAX_EXAMPLES:-10}"
WORKERS="${ST_WORKERS:-2}"
SEED="${ST_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
# checks the served document against the OpenAPI 3.1 schema itself (required fields, $refs)
SPEC_VALIDATOR_VERSION="${SPEC_VALIDATOR_VERSION:-0.9.0}"
# The interpreter: the newest CPython 3.13 / 3.12 the machine has (pyenv's included), else python3.
# CPython 3.11.7 raises "SystemError: AST constructor recursion depth mismatch" (gh-106905) when
# Hypothesis describes a strategy deep in a nested body schema (the job posts' screening
# questions), which Schemathesis reports as a runtime error of that operation.
pick_python() {
  local py
  for py in "${SCHEMATHESIS_PYTHON:-}" python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3 python3.12 \
            "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
    [ -n "$py" ] && "$py" -c 'import sys, venv' >/dev/null 2>&1 && { command -v "$py"; return; }
  done
  echo python3
}
PYTHON=$(pick_python)
PY_TAG=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || echo 3)
VENV="${SCHEMATHESIS_VENV:-/work/.cache/schemathesis-venv-py$PY_TAG}"
DB_SERVER="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

log() { printf '\n== %s\n' "$*"; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# --- 1. build --------------------------------------------------------------------------------
log "building the gateway"
cargo build -q -p gateway
TARGET_DIR="${CARGO_TARGET_DIR:-$(cargo metadata -q --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}"
GATEWAY="$TARGET_DIR/debug/gateway"
REPORT_DIR="${ST_REPORT_DIR:-$TARGET_DIR/schemathesis}"
mkdir -p "$REPORT_DIR"
export ST_CACHE_DIR="$REPORT_DIR/cache"

# --- 4. schemathesis (before the server, so a slow install does not eat the token's lifetime)
if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  if ! "$PYTHON" -m venv "$VENV"; then
    # Debian ships venv separately
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$VENV" && "$PYTHON" -m venv "$VENV"
    else
      echo "python3 -m venv failed: install Debian's python3-venv" >&2
      exit 1
    fi
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$VENV/bin/st" --version
# in a venv of its own, so that its dependencies never move schemathesis' pinned ones
SPEC_VENV="$VENV-spec-validator"
if ! "$SPEC_VENV/bin/pip" show openapi-spec-validator 2>/dev/null | grep -q "^Version: $SPEC_VALIDATOR_VERSION$"; then
  rm -rf "$SPEC_VENV" && "$PYTHON" -m venv "$SPEC_VENV"
  "$SPEC_VENV/bin/pip" install -q --disable-pip-version-check "openapi-spec-validator==$SPEC_VALIDATOR_VERSION"
fi

# --- 2. start the gateway --------------------------------------------------------------------
SUFFIX=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
DB_NAME="mas_schemathesis_$SUFFIX"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/schemathesis.XXXXXX")
ADMIN_EMAIL="schemathesis-admin@example.com"
ADMIN_PASSWORD="St-$SUFFIX-admin-password"
GATEWAY_PID=""

cleanup() {
  local rc=$?
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
  fi
  psql -q "$DB_SERVER/postgres" -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 ||
    echo "could not drop database $DB_NAME" >&2
  for prefix in "st$SUFFIX:" "stbull$SUFFIX:"; do
    redis-cli -u "$REDIS_URL" --scan --pattern "$prefix*" 2>/dev/null |
      xargs -r -n 500 redis-cli -u "$REDIS_URL" DEL >/dev/null 2>&1 || true
  done
  cp "$WORK/gateway.log" "$REPORT_DIR/gateway.log" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the gateway on $BASE (database $DB_NAME)"
(
  cd "$WORK"
  exec env -i PATH="$PATH" HOME="${HOME:-/root}" \
    APP_ENV=development HOST=127.0.0.1 PORT="$PORT" HTTP_WORKERS=2 \
    DATABASE_URL="$DB_SERVER/$DB_NAME" DB_POOL_MAX=8 \
    REDIS_URL="$REDIS_URL" REDIS_KEY_PREFIX="st$SUFFIX:" BULLMQ_PREFIX="stbull$SUFFIX" \
    ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    ACCESS_TOKEN_TTL_SECS=7200 \
    GOOGLE_CLIENT_ID=schemathesis.apps.googleusercontent.com GOOGLE_CLIENT_SECRET="st-$SUFFIX" \
    GOOGLE_TOKEN_URL=http://127.0.0.1:9/token GOOGLE_USERINFO_URL=http://127.0.0.1:9/userinfo \
    GOOGLE_CALENDAR_API_BASE=http://127.0.0.1:9/calendar \
    GOOGLE_REVOKE_URL=http://127.0.0.1:9/revoke GOOGLE_DRIVE_API_BASE_URL=http://127.0.0.1:9/drive \
    OPENAI_API_BASE=http://127.0.0.1:9/openai ANTHROPIC_API_BASE=http://127.0.0.1:9/anthropic \
    GEMINI_API_BASE=http://127.0.0.1:9/gemini GROQ_API_BASE=http://127.0.0.1:9/groq \
    LLM_TIMEOUT_MS=500 LLM_RETRIES=0 \
    GRAPHY_BASE_URL=http://127.0.0.1:9/graphy EZEXAM_BASE_URL=http://127.0.0.1:9/ezexam SYNC_TIMEOUT_MS=500 \
    JUDGE0_URL=http://127.0.0.1:9/judge0 JUDGE0_TIMEOUT_SECONDS=1 JUDGE0_RATE_PER_MINUTE=10000 \
    EXOTEL_WEBHOOK_TOKEN="st-exotel-$SUFFIX" \
    WHATSAPP_VERIFY_TOKEN="st-whatsapp-$SUFFIX" WHATSAPP_APP_SECRET="st-whatsapp-secret-$SUFFIX" \
    ELEVENLABS_WEBHOOK_SECRET="st-elevenlabs-$SUFFIX" \
    MAIL_OUTBOX_DIR="$WORK/mail" STORAGE_DIR="$WORK/storage" PUBLIC_BASE_URL="$BASE" \
    RUST_LOG="warn,gateway=info" LOG_FORMAT=pretty \
    "$GATEWAY" serve
) >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!

for _ in $(seq 1 300); do
  if curl -fsS "$BASE/api/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
    echo "the gateway exited at boot:" >&2; tail -n 40 "$WORK/gateway.log" >&2; exit 1
  fi
  sleep 0.2
done
curl -fsS "$BASE/api/health/ready" >/dev/null || { echo "the gateway is not ready" >&2; exit 1; }

log "the document is valid OpenAPI 3.1 (openapi-spec-validator $SPEC_VALIDATOR_VERSION)"
curl -fsS "$BASE/api/openapi.json" -o "$WORK/openapi.json"
"$SPEC_VENV/bin/openapi-spec-validator" "$WORK/openapi.json"

# --- 3. sign in and seed ---------------------------------------------------------------------
api() { # method path [json]: prints the body, fails on a non-2xx answer
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -X "$method" -H "Authorization: Bearer ${TOKEN:-}" -w '\n%{http_code}')
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  local out code
  out=$(curl "${args[@]}" "$BASE$path")
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "${code:0:1}" != 2 ]; then
    echo "seeding: $method $path answered $code: $out" >&2
    return 1
  fi
  printf '%s' "$out"
}

log "signing in as the seeded SUPERADMIN and seeding data"
TOKEN=$(api POST /api/auth/login "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | field access_token)
ME=$(api GET /api/auth/me | field id)
api POST /api/admin/tokens/grant "{\"user_id\":\"$ME\",\"amount\":100000,\"reason\":\"schemathesis seed\"}" >/dev/null
PROFILE=$(api POST /api/mentors/me '{"headline":"Schemathesis mentor","bio":"Seeded for the API fuzz run.","expertise":["rust"],"price_tokens":10}' | field id)
api POST "/api/admin/mentors/$PROFILE/approve" >/dev/null
START=$(date -u -d '+3 days' +%Y-%m-%dT10:00:00Z)
END=$(date -u -d '+3 days' +%Y-%m-%dT11:00:00Z)
api POST /api/mentors/me/slots "{\"start_at\":\"$START\",\"end_at\":\"$END\"}" >/dev/null
api POST /api/admin/token-packs '{"name":"Schemathesis pack","tokens":100,"amount_paise":10000}' >/dev/null
API_KEY=$(api POST /api/admin/vendors '{"name":"schemathesis"}' | field api_key)
# the platform the run may change (schemathesis.toml pins `{slug}` to it): changing the seeded
# ones would take modules away from every later request
export ST_PLATFORM="st-$SUFFIX"
api POST /api/admin/platforms "{\"slug\":\"$ST_PLATFORM\",\"name\":\"Schemathesis\",\"modules\":[]}" >/dev/null

# --- 5. run ----------------------------------------------------------------------------------
# Excluded: /socket.io/ (Engine.IO long-polling: its bodies are Engine.IO packet framing
# and its answers depend on a handshake sequence, not on a request schema; it has its own
# conformance suite with the official socket.io-client, docs/realtime-conformance.md) and
# /ws/terminal/{session_id} (a WebSocket upgrade; plain HTTP requests only ever get the
# upgrade refusal). Both are documented so clients find them, but they are not REST operations.
# --generation-allow-x00 false: PostgreSQL text cannot hold NUL characters, so any text value
# carrying one is refused with 422 (said in the document's description); a schema-valid
# string with a NUL would otherwise count as valid data rejected on every operation.
log "schemathesis: --checks all, --max-examples $MAX_EXAMPLES, --seed $SEED, workers $WORKERS"
set +e
"$VENV/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/api/openapi.json" \
  --checks all \
  --header "Authorization: Bearer $TOKEN" \
  --header "X-API-Key: $API_KEY" \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --workers "$WORKERS" \
  --exclude-path-regex '^/(socket\.io/|ws/terminal/)' \
  --request-timeout 30 \
  --generation-database none \
  --generation-allow-x00 false \
  --no-color \
  --report junit --report-junit-path "$REPORT_DIR/junit.xml" \
  "$@" 2>&1 | tee "$REPORT_DIR/output.txt"
rc=${PIPESTATUS[0]}
set -e

log "summary"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "command:  st run $BASE/api/openapi.json --checks all --max-examples $MAX_EXAMPLES --seed $SEED --workers $WORKERS $*"
# Schemathesis' own summary: operations, phases, failures by kind, test-case counts
sed -n '/=* SUMMARY =*/,$p' "$REPORT_DIR/output.txt" | grep -v '^=* SUMMARY' | sed 's/^/  /'
echo "reports:  $REPORT_DIR (junit.xml, output.txt, gateway.log)"
# one closing line per operation tested (a failure or an error counts as failed)
python3 - "$REPORT_DIR/junit.xml" "$rc" <<'PY' || echo "schemathesis: 0 passed, 1 failed"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
tests = int(root.get("tests", 0))
failed = int(root.get("failures", 0)) + int(root.get("errors", 0))
if int(sys.argv[2]) != 0 and failed == 0:
    failed = 1
print(f"schemathesis: {max(tests - failed, 0)} passed, {failed} failed")
PY
exit "$rc"
