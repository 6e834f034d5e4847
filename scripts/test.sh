#!/usr/bin/env bash
# The whole test suite: every crate's unit and integration tests, against the PostgreSQL and
# Redis named by TEST_DATABASE_SERVER / TEST_REDIS_URL (default: the local ones).
set -euo pipefail
cd "$(dirname "$0")/.."

# Node peers of the interop tests (npm registry; nothing else is downloaded)
for dir in crates/jobs/tests/node; do
  if [ ! -d "$dir/node_modules" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
done

exec cargo test --workspace "$@"
