#!/usr/bin/env bash
# Engagement under load: leaderboard reads (GET /api/student/leaderboards/batch/{id}, all time
# and this week; Redis sorted sets rebuilt from PostgreSQL when missing) with wrk, and the
# students-at-risk job for 10,000 enrolments: a `compute-student-risk` job added with Node's
# BullMQ and run by a `gateway worker` process, timed by BullMQ's processedOn -> finishedOn. Seeded with SQL: one course, 20 batches of 500 students, 20 XP facts per student,
# 10 live classes with half attended, 4 assignments with 70% handed in, a quiz attempt each.
# 64 students of batch 1 sign up through the API; wrk cycles through their tokens.
#
# usage: bash bench/engagement.sh [seconds=15] [connections=32]
#        BENCH_BIN=path/to/gateway to use an existing binary instead of a release build
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-15}"
CONN="${2:-32}"
source bench/lib.sh
need wrk node

bench_binary
bench_env engagement
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
bench_start_api

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
echo "== 64 students through the API"
for i in $(seq 1 64); do
  curl -sf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"student$i@bench.example\",\"password\":\"Quartz-Lantern-42\",\"full_name\":\"Student $i\"}" \
    | json '["access_token"]' >>"$WORK/tokens"
done

echo "== 10,000 students in 20 batches, 200,000 XP facts, classes, assignments, attempts"
time psql "$DATABASE_URL" -q <<'SQL'
INSERT INTO users (id, platform_id, email, full_name)
SELECT gen_random_uuid(), p.id, 'bulk' || i || '@bench.example', 'Bulk ' || i
  FROM platforms p, generate_series(1, 9936) i WHERE p.slug = 'mr-mentor';
WITH p AS (SELECT id FROM platforms WHERE slug = 'mr-mentor')
INSERT INTO courses (id, platform_id, slug, title, price_paise, status, published_at)
SELECT gen_random_uuid(), p.id, 'engaged', 'Engaged', 499900, 'published', now() FROM p;
INSERT INTO batches (id, platform_id, course_id, name, starts_on, capacity, seats_taken)
SELECT gen_random_uuid(), c.platform_id, c.id, 'Batch ' || lpad(b::text, 2, '0'), current_date - 60, 1000, 0
  FROM courses c, generate_series(1, 20) b;
WITH s AS (
  SELECT u.id, u.platform_id, row_number() OVER (ORDER BY u.email LIKE 'student%' DESC, u.created_at, u.id) AS n
    FROM users u WHERE u.email LIKE '%@bench.example'),
b AS (SELECT id, course_id, row_number() OVER (ORDER BY name) AS k FROM batches)
INSERT INTO enrollments (id, platform_id, user_id, course_id, batch_id, source, created_at)
SELECT gen_random_uuid(), s.platform_id, s.id, b.course_id, b.id, 'grant', now() - interval '60 days'
  FROM s JOIN b ON b.k = (s.n - 1) / 500 + 1;
INSERT INTO xp_ledger (id, platform_id, user_id, source_kind, source_id, course_id, batch_id, points, occurred_at)
SELECT gen_random_uuid(), e.platform_id, e.user_id, 'lesson_completed', gen_random_uuid(), e.course_id, e.batch_id,
       10 + (random() * 40)::int, now() - random() * interval '40 days'
  FROM enrollments e, generate_series(1, 20);
INSERT INTO live_classes (id, platform_id, course_id, title, starts_at, ends_at, join_url)
SELECT gen_random_uuid(), c.platform_id, c.id, 'Class ' || k, now() - make_interval(days => 2 * k),
       now() - make_interval(days => 2 * k) + interval '1 hour', 'https://meet.example/x'
  FROM courses c, generate_series(1, 10) k;
INSERT INTO live_class_attendance (live_class_id, user_id, platform_id, joined_at)
SELECT lc.id, e.user_id, e.platform_id, lc.starts_at
  FROM enrollments e JOIN live_classes lc ON lc.course_id = e.course_id WHERE random() < 0.5;
INSERT INTO assignments (id, platform_id, course_id, title, due_at, max_points)
SELECT gen_random_uuid(), c.platform_id, c.id, 'Essay ' || k, now() - make_interval(days => 5 * k), 10
  FROM courses c, generate_series(1, 4) k;
INSERT INTO assignment_submissions (id, platform_id, assignment_id, user_id, version, text_answer, submitted_at, late, days_late)
SELECT gen_random_uuid(), e.platform_id, a.id, e.user_id, 1, 'work', a.due_at + (random() - 0.7) * interval '2 days', false, 0
  FROM enrollments e JOIN assignments a ON a.course_id = e.course_id WHERE random() < 0.7;
UPDATE assignment_submissions s SET late = true, days_late = 1
  FROM assignments a WHERE a.id = s.assignment_id AND s.submitted_at > a.due_at;
INSERT INTO quizzes (id, platform_id, course_id, title, duration_seconds, max_attempts, pass_percent)
SELECT gen_random_uuid(), c.platform_id, c.id, 'Quiz', 600, 3, 60 FROM courses c;
INSERT INTO quiz_attempts (id, platform_id, quiz_id, user_id, attempt_no, status, started_at,
                           deadline, submitted_at, score, max_score, passed)
SELECT gen_random_uuid(), e.platform_id, q.id, e.user_id, 1, 'submitted', now() - interval '3 days',
       now() - interval '3 days' + interval '10 minutes', now() - interval '3 days' + interval '5 minutes',
       s, 10, s >= 6
  FROM enrollments e JOIN quizzes q ON q.course_id = e.course_id, LATERAL (SELECT (random() * 10)::int AS s) r;
ANALYZE;
SQL
psql "$DATABASE_URL" -Atc "SELECT 'enrolments: ' || count(*) FROM enrollments"
psql "$DATABASE_URL" -Atc "SELECT 'xp facts: ' || count(*) FROM xp_ledger"

BATCH=$(psql "$DATABASE_URL" -Atc "SELECT id FROM batches WHERE name = 'Batch 01'")
TOKEN=$(head -n1 "$WORK/tokens")
curl -sf "$BASE/api/student/leaderboards/batch/$BATCH" -H "authorization: Bearer $TOKEN" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("board:", len(d["entries"]), "rows, top", d["entries"][0]["xp"], "me", d["me"])'

for PERIOD in all_time week; do
cat >"$WORK/board.lua" <<LUA
local tokens = {}
for line in io.lines("$WORK/tokens") do tokens[#tokens + 1] = line end
local n, counter = 0, 0
function setup(thread) thread:set("tid", n); n = n + 1 end
function init(args) counter = tid end
function request()
  counter = counter + 2
  return wrk.format("GET", "/api/student/leaderboards/batch/$BATCH?period=$PERIOD",
    { ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1] })
end
LUA
echo
echo "== GET /api/student/leaderboards/batch/{id}?period=$PERIOD  ($SECS s, $CONN connections, 500 students in the batch)"
wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s "$WORK/board.lua" "$BASE"
done

echo
echo "== rebuilding one board from PostgreSQL (the read after a miss)"
redis-cli -u "$REDIS_URL" --scan --pattern "${PREFIX}lms:lb:*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null
curl -s -o /dev/null -w "miss (rebuild): %{time_total} s\n" "$BASE/api/student/leaderboards/batch/$BATCH" -H "authorization: Bearer $TOKEN"
curl -s -o /dev/null -w "hit: %{time_total} s\n" "$BASE/api/student/leaderboards/batch/$BATCH" -H "authorization: Bearer $TOKEN"

echo
echo "== the risk job (studentRiskComputationQueue) run by a worker process for 10,000 enrolments"
npm ci --prefix crates/jobs/tests/node --no-audit --no-fund --silent
"$BIN" worker >"$WORK/worker.log" 2>&1 &
WORKER=$!
bench_cleanup_hook() { kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null; }
QUEUE=studentRiskComputationQueue
JOB=$(node crates/jobs/tests/node/produce.mjs "$REDIS_URL" "$BULL_PREFIX" "$QUEUE" compute-student-risk '{}' | json '["id"]')
for _ in $(seq 1 600); do
  FIN=$(redis-cli -u "$REDIS_URL" HGET "$BULL_PREFIX:$QUEUE:$JOB" finishedOn)
  [ -n "$FIN" ] && break
  sleep 0.2
done
[ -n "$FIN" ] || { echo "the risk job did not finish in 120 s" >&2; exit 1; }
STARTED=$(redis-cli -u "$REDIS_URL" HGET "$BULL_PREFIX:$QUEUE:$JOB" processedOn)
FAILED=$(redis-cli -u "$REDIS_URL" HGET "$BULL_PREFIX:$QUEUE:$JOB" failedReason)
[ -z "$FAILED" ] || { echo "the risk job failed: $FAILED" >&2; exit 1; }
echo "job $JOB: processed in $((FIN - STARTED)) ms (BullMQ processedOn -> finishedOn)"
psql "$DATABASE_URL" -Atc "SELECT 'scores written today: ' || count(*) FROM student_risk_scores WHERE day = (now() AT TIME ZONE 'Asia/Kolkata')::date"
