//! The student's profile: the LMS's own fields in `student_profiles` (upserted), the name and
//! email read from `users`.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use uuid::Uuid;

use crate::{
    dto::profile::{ProfileDto, ProfileUpdate},
    entities::student_profiles,
    error::LmsError,
};

/// `value` trimmed; an empty string clears the field.
fn cleared(value: String) -> Option<String> {
    let t = value.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// An https URL on `host` (or `www.` + host), or 422 naming `field`.
fn profile_url(
    field: &'static str,
    value: Option<String>,
    host: &str,
) -> Result<Option<String>, LmsError> {
    let Some(url) = value.and_then(cleared) else {
        return Ok(None);
    };
    let rest = url.strip_prefix("https://").unwrap_or_default();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let ok = authority.eq_ignore_ascii_case(host)
        || authority.eq_ignore_ascii_case(&format!("www.{host}"));
    if ok && rest.len() > authority.len() + 1 && !url.chars().any(char::is_whitespace) {
        Ok(Some(url))
    } else {
        Err(LmsError::Invalid(
            field,
            format!("must be an https://{host}/… profile URL"),
        ))
    }
}

/// The profile of a user of the platform (empty LMS fields until first saved).
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<ProfileDto, LmsError> {
    let user = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT full_name, email FROM users WHERE id = $1 AND platform_id = $2",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .ok_or(LmsError::NotFound("user"))?;
    let p = student_profiles::Entity::find_by_id(user_id)
        .one(conn)
        .await?;
    Ok(ProfileDto {
        user_id,
        full_name: user.try_get("", "full_name")?,
        email: user.try_get("", "email")?,
        headline: p.as_ref().and_then(|p| p.headline.clone()),
        goals: p.as_ref().and_then(|p| p.goals.clone()),
        education: p.as_ref().and_then(|p| p.education.clone()),
        timezone: p.as_ref().and_then(|p| p.timezone.clone()),
        linkedin_url: p.as_ref().and_then(|p| p.linkedin_url.clone()),
        github_url: p.as_ref().and_then(|p| p.github_url.clone()),
        updated_at: p.map(|p| p.updated_at),
    })
}

/// Applies an update (one upsert; absent fields keep their value) and answers the profile.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    req: ProfileUpdate,
) -> Result<ProfileDto, LmsError> {
    let timezone = match req.timezone.map(cleared) {
        Some(Some(tz)) => {
            if tz.parse::<chrono_tz::Tz>().is_err() {
                return Err(LmsError::Invalid(
                    "timezone",
                    "must be an IANA time zone such as Asia/Kolkata".into(),
                ));
            }
            Some(Some(tz))
        }
        other => other,
    };
    let linkedin = match req.linkedin_url {
        Some(v) => Some(profile_url("linkedin_url", Some(v), "linkedin.com")?),
        None => None,
    };
    let github = match req.github_url {
        Some(v) => Some(profile_url("github_url", Some(v), "github.com")?),
        None => None,
    };
    let set = |v: &Option<Option<String>>| v.is_some();
    let value = |v: Option<Option<String>>| v.flatten();
    let headline = req.headline.map(cleared);
    let goals = req.goals.map(cleared);
    let education = req.education.map(cleared);
    // each column: the new value when given, else the stored one
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO student_profiles AS p (user_id, platform_id, headline, goals, education,
                                            timezone, linkedin_url, github_url, updated_at)
         SELECT u.id, u.platform_id, $3, $5, $7, $9, $11, $13, $15
           FROM users u WHERE u.id = $1 AND u.platform_id = $2
         ON CONFLICT (user_id) DO UPDATE SET
             headline     = CASE WHEN $4  THEN excluded.headline     ELSE p.headline END,
             goals        = CASE WHEN $6  THEN excluded.goals        ELSE p.goals END,
             education    = CASE WHEN $8  THEN excluded.education    ELSE p.education END,
             timezone     = CASE WHEN $10 THEN excluded.timezone     ELSE p.timezone END,
             linkedin_url = CASE WHEN $12 THEN excluded.linkedin_url ELSE p.linkedin_url END,
             github_url   = CASE WHEN $14 THEN excluded.github_url   ELSE p.github_url END,
             updated_at   = excluded.updated_at",
        [
            user_id.into(),
            platform_id.into(),
            value(headline.clone()).into(),
            set(&headline).into(),
            value(goals.clone()).into(),
            set(&goals).into(),
            value(education.clone()).into(),
            set(&education).into(),
            value(timezone.clone()).into(),
            set(&timezone).into(),
            value(linkedin.clone()).into(),
            set(&linkedin).into(),
            value(github.clone()).into(),
            set(&github).into(),
            Utc::now().into(),
        ],
    ))
    .await?;
    get(conn, platform_id, user_id).await
}

#[cfg(test)]
mod tests {
    use super::profile_url;

    #[test]
    fn profile_urls_must_be_https_on_their_host() {
        for ok in [
            "https://github.com/octocat",
            "https://www.linkedin.com/in/someone",
        ] {
            let host = if ok.contains("github") {
                "github.com"
            } else {
                "linkedin.com"
            };
            assert!(profile_url("f", Some(ok.into()), host).is_ok(), "{ok}");
        }
        for bad in [
            "http://github.com/x",
            "https://github.com",
            "https://evilgithub.com/x",
            "https://github.com.evil.io/x",
            "javascript:alert(1)",
        ] {
            assert!(
                profile_url("f", Some(bad.into()), "github.com").is_err(),
                "{bad}"
            );
        }
        assert!(matches!(
            profile_url("f", Some("  ".into()), "github.com"),
            Ok(None)
        ));
    }
}
