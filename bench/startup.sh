#!/usr/bin/env bash
# Boot time (exec -> first 200) and idle resident memory of the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
# the linker wrapper that lays out the start-up functions (ADR 0097)
CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER="$PWD/apps/gateway/cc-ordered.sh" cargo build --release -p gateway
target_dir="${CARGO_TARGET_DIR:-target}"
python3 bench/startup.py "$target_dir/release/gateway" "${1:-10}"
