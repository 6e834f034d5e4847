#!/usr/bin/env bash
# Reads symbol names, one per line (or, given a binary, takes the functions it defines), and
# prints each as `key<TAB>name`. The key is the
# demangled name without what changes from one build to the next while the code does not:
# the crates' disambiguators (v0 mangling's `[0123456789abcdef]`, which follow every change
# to a crate's dependencies), legacy mangling's `::h<hash>`, and the `.llvm.<n>` suffix that
# LTO gives a local function it promotes. With v0 mangling (.cargo/config.toml) the key keeps
# every generic argument, so each instantiation has its own. Used by cc-ordered.sh (the linker) and
# bench/symbol-order.sh (which writes symbol-order.txt as keys); ADR 0097.
set -euo pipefail
names=$(mktemp)
trap 'rm -f "$names"' EXIT
if [ $# -gt 0 ]; then
  nm --defined-only "$1" | awk '$2 ~ /^[tTwW]$/ { print $3 }' >"$names"
else
  cat >"$names"
fi
sed -E 's/\.llvm\.[0-9]+$//' "$names" | c++filt |
  sed -E 's/\[[0-9a-f]{5,16}\]//g; s/::h[0-9a-f]{16}$//' | paste - "$names"
