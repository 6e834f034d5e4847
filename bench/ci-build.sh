#!/usr/bin/env bash
# Cold and warm build of the whole test suite for one commit, in a scratch worktree with a
# target directory of its own (so nothing is shared with other builds):
#   bash bench/ci-build.sh [commit]      (default HEAD)
# Prints: test executables, cold `cargo test --workspace --no-run` seconds, and the warm
# rebuild after touching one leaf crate (mentorship) and the kernel.
# Run it on an otherwise idle machine; the numbers in docs/performance.md came from it.
set -euo pipefail
commit="${1:-HEAD}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ci-build.XXXXXX)"
target="$work/target"
git -C "$repo" worktree add -q --detach "$work/src" "$commit"
trap 'git -C "$repo" worktree remove --force "$work/src"; rm -rf "$work"' EXIT
cd "$work/src"
export CARGO_TARGET_DIR="$target" CARGO_TERM_COLOR=never
cargo fetch -q
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
cold=$(secs cargo test --workspace --no-run)
bins=$(cargo test --workspace --no-run --message-format=json 2>/dev/null |
  grep -c '"profile":{[^}]*"test":true' || true)
touch crates/mentorship/src/lib.rs
leaf=$(secs cargo test --workspace --no-run)
touch crates/kernel/src/lib.rs
root=$(secs cargo test --workspace --no-run)
echo "commit $(git rev-parse --short HEAD)"
echo "test executables: $bins"
echo "cold cargo test --workspace --no-run: ${cold}s"
echo "warm, mentorship touched: ${leaf}s"
echo "warm, kernel touched: ${root}s"
