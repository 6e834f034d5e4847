#!/usr/bin/env bash
# The Mr. Hire pipeline list under load (issue 14): GET /api/admin/job-applications with
# 100,000 applications on one platform (one post; every application with its candidate, a
# shared resume row and one or two stage events), seeded by ONE SQL statement built on
# generate_series. wrk asks for the first page (limit 20, newest first) and for a stage
# filter; the script also prints the plan of the list statement.
#
# A fresh database (mas_bench_hire) and Redis prefix; `gateway api` on a free port. wrk runs
# on the same machine as the server, PostgreSQL and Redis.
#
# usage: bash bench/hire_pipeline.sh [seconds=15] [connections=16]
#   BENCH_PROFILE=dev uses the debug binary (no release build: slower, for a quick check)
#   BENCH_BIN=path/to/gateway uses that binary and builds nothing
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-15}"
CONN="${2:-16}"
source bench/lib.sh
need wrk
bench_binary
bench_env hire
export DB_POOL_MAX="${DB_POOL_MAX:-20}"
"$BIN" migrate >/dev/null
bench_start_api

echo "== 100,000 applications (one statement)"
time psql "$DATABASE_URL" -q <<'SQL'
WITH p AS (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
post AS (
  INSERT INTO job_posts (id, platform_id, family, title, description, location, remote, skills,
                         stages, status, published_at)
  SELECT gen_random_uuid(), p.id, 'engineering', 'Data Analyst', 'SQL and dashboards', 'Pune', true,
         '["sql"]', '["applied","screening","quiz","interview","offer","hired"]', 'open', now()
    FROM p RETURNING id, platform_id),
rf AS (
  INSERT INTO resume_files (id, platform_id, sha256, storage_key, content_type, size_bytes, verified_at)
  SELECT gen_random_uuid(), p.id, repeat('a', 64), 'mr-mentor/2026/12/bench-resume.pdf',
         'application/pdf', 1000, now() FROM p RETURNING id),
c AS (
  INSERT INTO candidates (id, platform_id, email_canonical, phone_canonical, full_name)
  SELECT gen_random_uuid(), p.id, 'cand' || i || '@bench.example', '9' || lpad(i::text, 9, '0'),
         'Candidate ' || i
    FROM p, generate_series(1, 100000) i RETURNING id, email_canonical),
a AS (
  INSERT INTO job_applications (id, platform_id, post_id, candidate_id, email_canonical,
                                resume_file_id, resume_filename, stage, stage_changed_at, ai_score,
                                created_at)
  SELECT gen_random_uuid(), post.platform_id, post.id, c.id, c.email_canonical, rf.id, 'resume.pdf',
         s.stage, s.at + interval '1 day', (random() * 100)::int, s.at
    FROM post, rf, c,
         -- correlated with c (c.id in it), so it is evaluated for every row
         LATERAL (SELECT (ARRAY['applied','screening','interview','offer'])[1 + floor(random() * 4)::int] AS stage,
                         now() - random() * interval '90 days' + (c.id IS NULL)::int * interval '1 day' AS at) s
  RETURNING id, platform_id, stage, created_at)
INSERT INTO application_events (id, platform_id, application_id, from_stage, to_stage, created_at)
SELECT gen_random_uuid(), a.platform_id, a.id, NULL, 'applied', a.created_at FROM a
UNION ALL
SELECT gen_random_uuid(), a.platform_id, a.id, 'applied', a.stage, a.created_at + interval '1 day'
  FROM a WHERE a.stage <> 'applied';
ANALYZE;
SQL
psql "$DATABASE_URL" -Atc "SELECT 'applications ' || count(*) FROM job_applications" \
  -c "SELECT 'stages ' || string_agg(stage || ' ' || n, ', ' ORDER BY stage) FROM (SELECT stage, count(*) AS n FROM job_applications GROUP BY stage) x" \
  -c "SELECT 'stage events ' || count(*) FROM application_events"

TOKEN=$(curl -sf -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench-admin@example.com","password":"Quartz-Lantern-42-Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
H1="Authorization: Bearer $TOKEN"
H2="X-Platform: mr-mentor"
curl -sf "$BASE/api/admin/job-applications?limit=20" -H "$H1" -H "$H2" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("first page:", len(d["items"]), "rows,", len(json.dumps(d)), "bytes, next_cursor", bool(d["next_cursor"]))'

for path in "/api/admin/job-applications?limit=20" "/api/admin/job-applications?limit=20&stage=interview"; do
  echo
  echo "== GET $path  ($SECS s, $CONN connections)"
  wrk -t2 -c"$CONN" -d"${SECS}s" --latency -H "$H1" -H "$H2" "$BASE$path"
done

echo
echo "== plan of the list statement (first page)"
PLATFORM_ID=$(psql "$DATABASE_URL" -Atc "SELECT id FROM platforms WHERE slug = 'mr-mentor'")
psql "$DATABASE_URL" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT a.id, p.title, c.full_name, a.stage, a.ai_score,
       (SELECT r.created_at FROM review_requests r WHERE r.application_id = a.id AND r.resolved_at IS NULL)
  FROM job_applications a JOIN candidates c ON c.id = a.candidate_id JOIN job_posts p ON p.id = a.post_id
 WHERE a.platform_id = '$PLATFORM_ID' ORDER BY a.created_at DESC, a.id DESC LIMIT 21" |
  grep -E "Execution Time|Index|Seq Scan|Limit" || true
