#!/usr/bin/env bash
# Kill -9 a worker holding 1,000 queued jobs mid-processing, restart it, and print the counts:
# effects (exactly one per job), runs (some jobs ran twice: the killed worker's active ones),
# BullMQ completed/failed, and how long recovery took. The same test runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p jobs --test crash -- --nocapture 2>&1 | grep -E "jobs=|test result"
