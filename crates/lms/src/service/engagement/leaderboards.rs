//! Leaderboards per batch and per course, this week (from Monday 00:00 IST) and all time.
//! PostgreSQL (`xp_ledger`) is the truth; each board is cached as a Redis sorted set
//! (`<prefix>lms:lb:<platform>:<scope>:<id>:<period>`) that a read rebuilds when missing, an
//! award increments only when it exists (so a partial set is never created), and that expires
//! after [`CACHE_TTL_SECS`], so any drift heals (ADR 0060). Without Redis the board is read
//! from PostgreSQL.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use kernel::AppContext;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{
    dto::engagement::{BoardEntry, BoardPeriod, BoardScope},
    error::LmsError,
};

/// Lifetime of a cached board.
pub const CACHE_TTL_SECS: i64 = 3600;

/// The member that keeps an empty board cached (scored -inf, never shown).
const SENTINEL: &str = "_";

/// Adds to a board only if it is cached.
const INCR_IF_CACHED: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2])
end
return 0";

/// Monday 00:00 IST of the week holding `t`.
pub fn week_start(t: DateTime<Utc>) -> DateTime<Utc> {
    let ist = chrono_tz::Asia::Kolkata;
    let day = t.with_timezone(&ist).date_naive();
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    ist.from_local_datetime(&monday.and_time(NaiveTime::MIN))
        .single()
        .map_or(t, |d| d.with_timezone(&Utc))
}

fn scope_name(scope: BoardScope) -> &'static str {
    match scope {
        BoardScope::Batch => "batch",
        BoardScope::Course => "course",
    }
}

/// The cache key of a board; a weekly board is named by its Monday.
pub fn key(
    ctx: &AppContext,
    platform_id: Uuid,
    scope: BoardScope,
    id: Uuid,
    period: BoardPeriod,
    now: DateTime<Utc>,
) -> String {
    let period = match period {
        BoardPeriod::AllTime => "all".to_owned(),
        BoardPeriod::Week => format!("w{}", week_start(now).format("%Y%m%d")),
    };
    ctx.redis_key(&format!(
        "lms:lb:{platform_id}:{}:{id}:{period}",
        scope_name(scope)
    ))
}

/// A board's top (user, XP) rows and the caller's (rank, XP).
type Top = (Vec<(Uuid, i64)>, Option<(i64, i64)>);

/// What one pipelined read of a cached board answers.
type CachedRead = (bool, Vec<(String, f64)>, Option<i64>, Option<f64>);

#[derive(Debug, FromQueryResult)]
struct Score {
    user_id: Uuid,
    xp: i64,
}

/// Every student's XP on a board, from PostgreSQL.
async fn scores<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    scope: BoardScope,
    id: Uuid,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Score>, LmsError> {
    let column = match scope {
        BoardScope::Batch => "batch_id",
        BoardScope::Course => "course_id",
    };
    Ok(Score::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT user_id, sum(points)::bigint AS xp FROM xp_ledger
              WHERE platform_id = $1 AND {column} = $2
                AND ($3::timestamptz IS NULL OR occurred_at >= $3)
              GROUP BY user_id ORDER BY xp DESC, user_id"
        ),
        [platform_id.into(), id.into(), since.into()],
    ))
    .all(conn)
    .await?)
}

fn since(period: BoardPeriod, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match period {
        BoardPeriod::AllTime => None,
        BoardPeriod::Week => Some(week_start(now)),
    }
}

/// Writes the board into Redis from PostgreSQL (under a scratch key renamed into place).
async fn rebuild(ctx: &AppContext, key: &str, rows: &[Score]) -> anyhow::Result<()> {
    let mut conn = ctx.redis.get().await?;
    let scratch = format!("{key}:build:{}", Uuid::now_v7().simple());
    let mut pipe = redis::pipe();
    pipe.atomic();
    pipe.cmd("ZADD")
        .arg(&scratch)
        .arg("-inf")
        .arg(SENTINEL)
        .ignore();
    for chunk in rows.chunks(500) {
        let mut cmd = redis::cmd("ZADD");
        cmd.arg(&scratch);
        for r in chunk {
            cmd.arg(r.xp).arg(r.user_id.to_string());
        }
        pipe.add_command(cmd).ignore();
    }
    pipe.cmd("RENAME").arg(&scratch).arg(key).ignore();
    pipe.cmd("EXPIRE").arg(key).arg(CACHE_TTL_SECS).ignore();
    pipe.query_async::<()>(&mut conn).await?;
    Ok(())
}

/// The top `limit` rows and `me`'s row of a cached board (None when not cached).
async fn read_cached(
    ctx: &AppContext,
    key: &str,
    limit: u32,
    me: Uuid,
) -> anyhow::Result<Option<Top>> {
    let mut conn = ctx.redis.get().await?;
    let (exists, top, rank, score): CachedRead = redis::pipe()
        .cmd("EXISTS")
        .arg(key)
        .cmd("ZREVRANGE")
        .arg(key)
        .arg(0)
        .arg(i64::from(limit) - 1)
        .arg("WITHSCORES")
        .cmd("ZREVRANK")
        .arg(key)
        .arg(me.to_string())
        .cmd("ZSCORE")
        .arg(key)
        .arg(me.to_string())
        .query_async(&mut conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let top = top
        .into_iter()
        .filter_map(|(m, s)| Some((m.parse::<Uuid>().ok()?, s as i64)))
        .collect();
    let mine = rank.zip(score).map(|(r, s)| (r + 1, s as i64));
    Ok(Some((top, mine)))
}

#[derive(Debug, FromQueryResult)]
struct Name {
    id: Uuid,
    full_name: Option<String>,
}

/// Which board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Board {
    /// Batch or course.
    pub scope: BoardScope,
    /// The batch or course id.
    pub id: Uuid,
    /// This week or all time.
    pub period: BoardPeriod,
}

/// A board's top `limit` and the caller's row: from Redis, rebuilt from PostgreSQL when
/// missing, or straight from PostgreSQL when Redis fails.
pub async fn read(
    ctx: &AppContext,
    platform_id: Uuid,
    board: Board,
    limit: u32,
    me: Uuid,
    now: DateTime<Utc>,
) -> Result<(Vec<BoardEntry>, Option<BoardEntry>), LmsError> {
    let Board { scope, id, period } = board;
    let key = key(ctx, platform_id, scope, id, period, now);
    let cached = match read_cached(ctx, &key, limit, me).await {
        Ok(Some(c)) => Some(c),
        Ok(None) => {
            let rows = scores(&ctx.db, platform_id, scope, id, since(period, now)).await?;
            if let Err(e) = rebuild(ctx, &key, &rows).await {
                tracing::warn!(error = %format!("{e:#}"), "leaderboard rebuild failed");
            }
            Some(from_rows(&rows, limit, me))
        }
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "leaderboard cache unavailable; reading PostgreSQL");
            None
        }
    };
    let (top, mine) = match cached {
        Some(c) => c,
        None => {
            let rows = scores(&ctx.db, platform_id, scope, id, since(period, now)).await?;
            from_rows(&rows, limit, me)
        }
    };
    let mut ids: Vec<Uuid> = top.iter().map(|(u, _)| *u).collect();
    ids.push(me);
    let names = Name::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, full_name FROM users WHERE platform_id = $1 AND id = ANY($2)",
        [platform_id.into(), ids.into()],
    ))
    .all(&ctx.db)
    .await?;
    let name = |u: Uuid| {
        names
            .iter()
            .find(|n| n.id == u)
            .and_then(|n| n.full_name.clone())
    };
    let entries = top
        .iter()
        .enumerate()
        .map(|(i, (u, xp))| BoardEntry {
            rank: i as i64 + 1,
            user_id: *u,
            full_name: name(*u),
            xp: *xp,
        })
        .collect();
    let me = mine.map(|(rank, xp)| BoardEntry {
        rank,
        user_id: me,
        full_name: name(me),
        xp,
    });
    Ok((entries, me))
}

/// The top of PostgreSQL's rows, ordered the way Redis orders them (score, then member,
/// descending).
fn from_rows(rows: &[Score], limit: u32, me: Uuid) -> Top {
    let mut sorted: Vec<(Uuid, i64)> = rows.iter().map(|r| (r.user_id, r.xp)).collect();
    sorted.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| b.0.to_string().cmp(&a.0.to_string()))
    });
    let mine = sorted
        .iter()
        .position(|(u, _)| *u == me)
        .map(|i| (i as i64 + 1, sorted[i].1));
    sorted.truncate(limit as usize);
    (sorted, mine)
}

/// Adds an award to the cached boards it counts on (batch and course, all time and the week
/// of `occurred_at`); boards not cached are left to their next read.
pub async fn record(
    ctx: &AppContext,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Option<Uuid>,
    batch_id: Option<Uuid>,
    points: i64,
    occurred_at: DateTime<Utc>,
) {
    let mut keys = Vec::new();
    for (scope, id) in [
        (BoardScope::Batch, batch_id),
        (BoardScope::Course, course_id),
    ] {
        if let Some(id) = id {
            for period in [BoardPeriod::AllTime, BoardPeriod::Week] {
                keys.push(key(ctx, platform_id, scope, id, period, occurred_at));
            }
        }
    }
    if keys.is_empty() || points == 0 {
        return;
    }
    let result: anyhow::Result<()> = async {
        let mut conn = ctx.redis.get().await?;
        let script = redis::Script::new(INCR_IF_CACHED);
        for k in &keys {
            script
                .key(k)
                .arg(points)
                .arg(user_id.to_string())
                .invoke_async::<i64>(&mut conn)
                .await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %format!("{e:#}"), "leaderboard increment failed; dropping the boards");
        forget(ctx, &keys).await;
    }
}

/// Drops cached boards (the next read rebuilds them).
pub async fn forget(ctx: &AppContext, keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    if let Ok(mut conn) = ctx.redis.get().await {
        let _ = redis::cmd("DEL")
            .arg(keys)
            .query_async::<i64>(&mut conn)
            .await;
    }
}

/// Drops every cached board of the platform (after the safety net fixed the ledger).
pub async fn forget_platform(ctx: &AppContext, platform_id: Uuid) {
    let pattern = ctx.redis_key(&format!("lms:lb:{platform_id}:*"));
    let Ok(mut conn) = ctx.redis.get().await else {
        return;
    };
    let mut cursor: u64 = 0;
    loop {
        let Ok((next, keys)): Result<(u64, Vec<String>), _> = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(500)
            .query_async(&mut conn)
            .await
        else {
            return;
        };
        if !keys.is_empty() {
            let _ = redis::cmd("DEL")
                .arg(&keys)
                .query_async::<i64>(&mut conn)
                .await;
        }
        if next == 0 {
            return;
        }
        cursor = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_monday_ist() {
        // Sunday 2026-03-08 20:00 UTC is Monday 01:30 IST: the week of Monday the 9th.
        let t: DateTime<Utc> = "2026-03-08T20:00:00Z".parse().unwrap();
        assert_eq!(
            week_start(t),
            "2026-03-08T18:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let t: DateTime<Utc> = "2026-03-08T18:00:00Z".parse().unwrap();
        assert_eq!(
            week_start(t),
            "2026-03-01T18:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
