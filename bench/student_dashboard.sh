#!/usr/bin/env bash
# The student dashboard under load: GET /api/student/dashboard for students with 10
# enrolments each (5 items, 2 done; a live class, 2 assignments and 2 quizzes per course) and
# 200 quiz attempts each, against the release binary on a fresh database (seeded with SQL in
# seconds). 64 students signed up through the API; wrk cycles through their tokens. Also
# prints the plan of the dashboard's heaviest statement (pending quizzes). wrk runs on the
# same machine as the server, PostgreSQL and Redis.
#
# usage: bash bench/student_dashboard.sh [seconds=15] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-15}"
CONN="${2:-32}"
source bench/lib.sh
need wrk
bench_binary
bench_env dashboard
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
bench_start_api

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
echo "== 64 students"
for i in $(seq 1 64); do
  curl -sf -X POST "$BASE/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"student$i@bench.example\",\"password\":\"Quartz-Lantern-42\",\"full_name\":\"Student $i\"}" \
    | json '["access_token"]' >>"$WORK/tokens"
done

echo "== 10 courses; every student enrolled in all, with 200 quiz attempts"
time psql "$DATABASE_URL" -q <<'SQL'
WITH p AS (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
c AS (
  INSERT INTO courses (id, platform_id, slug, title, price_paise, status, published_at)
  SELECT gen_random_uuid(), p.id, 'course-' || i, 'Course ' || i, 499900, 'published', now()
    FROM p, generate_series(1, 10) i
  RETURNING id, platform_id),
m AS (
  INSERT INTO course_modules (id, platform_id, course_id, title, position)
  SELECT gen_random_uuid(), c.platform_id, c.id, 'Module', 0 FROM c RETURNING id, platform_id, course_id),
it AS (
  INSERT INTO course_items (id, platform_id, course_id, module_id, kind, title, position)
  SELECT gen_random_uuid(), m.platform_id, m.course_id, m.id, 'lesson', 'Item ' || k, k
    FROM m, generate_series(1, 5) k RETURNING 1),
lc AS (
  INSERT INTO live_classes (id, platform_id, course_id, title, starts_at, ends_at, join_url)
  SELECT gen_random_uuid(), c.platform_id, c.id, 'Class', now() + interval '1 day',
         now() + interval '1 day 1 hour', 'https://meet.example/x' FROM c RETURNING 1),
a AS (
  INSERT INTO assignments (id, platform_id, course_id, title, due_at, max_points)
  SELECT gen_random_uuid(), c.platform_id, c.id, 'Essay ' || k, now() + make_interval(days => k), 10
    FROM c, generate_series(1, 2) k RETURNING 1)
INSERT INTO quizzes (id, platform_id, course_id, title, duration_seconds, max_attempts, pass_percent)
SELECT gen_random_uuid(), c.platform_id, c.id, 'Quiz ' || k, 600, 100, 60
  FROM c, generate_series(1, 2) k;

INSERT INTO enrollments (id, platform_id, user_id, course_id, source)
SELECT gen_random_uuid(), u.platform_id, u.id, c.id, 'grant'
  FROM users u CROSS JOIN courses c WHERE u.email LIKE 'student%@bench.example';
INSERT INTO item_progress (enrollment_id, item_id, platform_id, user_id, course_id)
SELECT e.id, i.id, e.platform_id, e.user_id, e.course_id
  FROM enrollments e JOIN course_items i ON i.course_id = e.course_id WHERE i.position <= 2;
INSERT INTO quiz_attempts (id, platform_id, quiz_id, user_id, attempt_no, status, started_at,
                           deadline, submitted_at, score, max_score, passed)
SELECT gen_random_uuid(), e.platform_id, q.id, e.user_id, n, 'submitted',
       now() - interval '1 day', now() - interval '1 day' + interval '10 minutes',
       now() - interval '1 day' + interval '5 minutes', n % 5, 10, false
  FROM enrollments e JOIN quizzes q ON q.course_id = e.course_id, generate_series(1, 10) n;
ANALYZE;
SQL
psql "$DATABASE_URL" -Atc "SELECT 'attempts per student: ' || count(*) / 64 FROM quiz_attempts"

TOKEN=$(head -n1 "$WORK/tokens")
curl -sf "$BASE/api/student/dashboard" -H "authorization: Bearer $TOKEN" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("dashboard:", len(d["enrollments"]), "enrolments,", len(d["pending_quizzes"]), "pending quizzes,", sum(q["attempts_used"] for q in d["pending_quizzes"]), "attempts,", len(d["pending_assignments"]), "assignments,", len(d["upcoming_classes"]), "classes, progress", d["progress"])'

cat >"$WORK/dash.lua" <<LUA
local tokens = {}
for line in io.lines("$WORK/tokens") do tokens[#tokens + 1] = line end
local n, counter = 0, 0
function setup(thread) thread:set("tid", n); n = n + 1 end
function init(args) counter = tid end
function request()
  counter = counter + 2
  return wrk.format("GET", "/api/student/dashboard",
    { ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1] })
end
LUA
echo
echo "== GET /api/student/dashboard  ($SECS s, $CONN connections, 64 students)"
wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s "$WORK/dash.lua" "$BASE"

echo
echo "== plan of the pending-quizzes statement for one student"
USER_ID=$(psql "$DATABASE_URL" -Atc "SELECT id FROM users WHERE email = 'student1@bench.example'")
PLATFORM_ID=$(psql "$DATABASE_URL" -Atc "SELECT id FROM platforms WHERE slug = 'mr-mentor'")
psql "$DATABASE_URL" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT q.id, count(a.id) FILTER (WHERE a.status <> 'in_progress')
  FROM enrollments e JOIN quizzes q ON q.course_id = e.course_id JOIN courses c ON c.id = e.course_id
  LEFT JOIN quiz_attempts a ON a.quiz_id = q.id AND a.user_id = '$USER_ID'
 WHERE e.platform_id = '$PLATFORM_ID' AND e.user_id = '$USER_ID' AND e.status = 'active'
 GROUP BY q.id" | grep -E "Execution Time|Index|Seq Scan" || true
