#!/usr/bin/env bash
# Bulk import: time and peak memory of the release gateway importing CSV files of 5,000 and
# 50,000 student rows (1% bad), each size in a fresh `gateway serve` process so that VmHWM
# (peak resident set, /proc/<pid>/status) belongs to that import alone. It is read after the
# upload (login, argon2 and the upload's preview included: peak_before) and after the import
# and its error report (peak_after); max_rss_run is the largest VmRSS sampled every 50 ms while
# the job runs, rss_uploaded the VmRSS after the upload, before the start. Flat memory means these hardly move with the number of rows.
#
# A fresh database (mas_bench_imports) and Redis prefixes (bench/lib.sh); the SUPERADMIN
# seeded from ADMIN_EMAIL/ADMIN_PASSWORD uploads. Time is from `POST .../start` to `completed`.
#
# usage: bash bench/import_50k.sh [sizes="5000 50000"]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${1:-5000 50000}"
source bench/lib.sh
bench_binary
bench_env imports
export STORAGE_DIR="$WORK/storage" MAIL_OUTBOX_DIR="$WORK/mail"
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null   # the admin's argon2 hash once, not in the first measured process

gen() { # rows file
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("email,full_name,phone\n")
    for i in range(1, n + 1):
        email = f"bad-email-{i}" if i % 100 == 0 else f"s{n}-{i}@bench.test"
        f.write(f"{email},Student {i},98765{i % 100000:05d}\n")
PY
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

printf "%-8s %-9s %-10s %-11s %-12s %-16s %-15s %-15s %-14s\n" rows file_kb import_s rows_per_s idle_rss_mb rss_uploaded_mb max_rss_run_mb peak_before_mb peak_after_mb
for N in $SIZES; do
  gen "$N" "$WORK/$N.csv"
  # a fresh process per size, so that its peak memory belongs to this import alone
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  bench_start_api serve
  TOKEN=$(curl -sf -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | field '["access_token"]')
  sleep 1
  IDLE=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  ID=$(curl -sf -X POST "$BASE/api/bulk-upload/kinds/students" -H "Authorization: Bearer $TOKEN" \
    -F "file=@$WORK/$N.csv;type=text/csv" | field '["import"]["id"]')
  BEFORE=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
  UPLOADED=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  T0=$(date +%s.%N)
  curl -sf -X POST "$BASE/api/bulk-upload/$ID/start" -H "Authorization: Bearer $TOKEN" >/dev/null
  MAXRSS=0
  while :; do
    RSS=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status"); [ "$RSS" -gt "$MAXRSS" ] && MAXRSS=$RSS
    STATUS=$(curl -sf "$BASE/api/bulk-upload/$ID" -H "Authorization: Bearer $TOKEN" | field '["status"]')
    [ "$STATUS" = completed ] || [ "$STATUS" = failed ] && break
    sleep 0.05
  done
  T1=$(date +%s.%N)
  RESULT=$(curl -sf "$BASE/api/bulk-upload/$ID" -H "Authorization: Bearer $TOKEN")
  OK=$(echo "$RESULT" | field '["rows_ok"]'); BAD=$(echo "$RESULT" | field '["rows_failed"]')
  [ "$STATUS" = completed ] && [ "$OK" -eq $((N - N / 100)) ] && [ "$BAD" -eq $((N / 100)) ] \
    || { echo "import of $N rows: $RESULT" >&2; exit 1; }
  curl -sf "$BASE/api/bulk-upload/$ID/errors" -H "Authorization: Bearer $TOKEN" -o "$WORK/report-$N.xlsx"
  PEAK=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
  KB=$(( $(stat -c %s "$WORK/$N.csv") / 1024 ))
  python3 -c "n=$N; t=$T1-$T0; print(f'{n:<8} {$KB:<9} {t:<10.2f} {n/t:<11.0f} {$IDLE/1024:<12.1f} {$UPLOADED/1024:<16.1f} {$MAXRSS/1024:<15.1f} {$BEFORE/1024:<15.1f} {$PEAK/1024:<14.1f}')"
  bench_stop_api
done
