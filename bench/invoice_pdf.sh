#!/usr/bin/env bash
# Finance: time to render N invoice PDFs (default 1,000) in one process, release build, no
# database or storage (the rendering alone; storing is one object-store put per invoice, once).
#
# usage: bash bench/invoice_pdf.sh [N=1000] [einvoice]   (einvoice: with IRN and QR code, ADR 0079)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo run --release -q -p finance --example render_invoices -- "${1:-1000}" ${2:+"$2"}
