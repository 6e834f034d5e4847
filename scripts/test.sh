#!/usr/bin/env bash
# The whole test suite: every crate's unit and integration tests, against the PostgreSQL and
# Redis named by TEST_DATABASE_SERVER / TEST_REDIS_URL (default: the local ones).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --workspace "$@"
