#!/usr/bin/env bash
# Boot time (exec -> first 200) and idle resident memory of the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p gateway
target_dir="${CARGO_TARGET_DIR:-target}"
python3 bench/startup.py "$target_dir/release/gateway" "${1:-10}"
