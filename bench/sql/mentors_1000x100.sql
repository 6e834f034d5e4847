-- 1,000 approved EXPERT mentors on mr-mentor with 100 open 45-minute slots each (100,000),
-- starting tomorrow on the hour; used by bench/mentorship.sh and bench/compare.sh.
WITH p AS (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
u AS (
  INSERT INTO users (id, platform_id, email, full_name, role)
  SELECT gen_random_uuid(), p.id, 'mentor' || g || '@bench.example', 'Mentor ' || g, 'EXPERT'
    FROM p, generate_series(1, 1000) g
  RETURNING id, platform_id, full_name)
INSERT INTO mentor_profiles (id, platform_id, user_id, full_name, headline, bio, expertise,
                             languages, price_tokens, status, approved_at)
SELECT gen_random_uuid(), platform_id, id, full_name, 'Analytics mentor', 'Ten years of SQL.',
       '["python", "sql"]', '["en"]', 10, 'approved', now()
  FROM u;
INSERT INTO mentor_slots (id, platform_id, mentor_id, starts_at, ends_at, status)
SELECT gen_random_uuid(), m.platform_id, m.id,
       date_trunc('hour', now()) + interval '1 day' + s * interval '1 hour',
       date_trunc('hour', now()) + interval '1 day' + s * interval '1 hour' + interval '45 minutes',
       'open'
  FROM mentor_profiles m, generate_series(1, 100) s;
ANALYZE;
