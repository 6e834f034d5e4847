#!/usr/bin/env bash
# The whole test suite: every crate's unit and integration tests, against the PostgreSQL and
# Redis named by TEST_DATABASE_SERVER / TEST_REDIS_URL (default: the local ones).
# Installs what the real-peer tests need when it is missing: the npm packages of the Node
# peers (BullMQ, playwright-core, socket.io-client) and Debian's chromium for the dashboard browser test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node peers (npm registry; nothing else is downloaded; playwright-core fetches no browser)
for dir in crates/jobs/tests/node crates/realtime/tests/node; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
done

# Debian's chromium for the headless dashboard test
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install Debian's chromium package (apt-get install chromium)" >&2
    exit 1
  fi
fi

exec cargo test --workspace "$@"
