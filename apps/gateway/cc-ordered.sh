#!/usr/bin/env bash
# The linker of the gateway's release builds (CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER,
# set by bench/lib.sh and deploy/Dockerfile): `cc` with rustc's arguments, unchanged, unless
# they name an ordering file, which only the gateway's build script (build.rs) does. That
# file, symbol-order.txt, holds keys (symbol-keys.sh: demangled names without the hashes a
# rebuild changes), which the linker cannot read. So the gateway is linked once, its
# functions' names in this build are looked up by their keys, in the file's order, and it is
# linked again with those names (ADR 0090, ADR 0097).
set -euo pipefail
keys=
args=()
for a in "$@"; do
  case "$a" in
    -Wl,--symbol-ordering-file=*) keys=${a#-Wl,--symbol-ordering-file=} ;;
    *) args+=("$a") ;;
  esac
done
if [ -z "$keys" ]; then
  exec cc "$@"
fi
out=
prev=
for a in "${args[@]}"; do
  if [ "$prev" = -o ]; then out=$a; fi
  prev=$a
done
# first pass: the names this build gave the functions
cc "${args[@]}"
order="$out.symbol-order"
bash "$(dirname "$0")/symbol-keys.sh" "$out" |
  awk -F'\t' 'NR == FNR { if (!($0 in rank)) rank[$0] = NR; next }
              ($1 in rank) { print rank[$1] "\t" $2 }' "$keys" - |
  sort -s -n -k1,1 | cut -f2 >"$order"
# an empty lookup (binutils without Rust demangling, say) links as without the file
exec cc "${args[@]}" "-Wl,--symbol-ordering-file=$order"
