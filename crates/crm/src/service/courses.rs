//! The platform's course a lead's free-text `course` names (the LMS's `courses`, read by SQL:
//! the CRM does not depend on the LMS crate).

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::CrmError;

/// A course a lead's `course` names.
#[derive(Debug, FromQueryResult)]
pub struct NamedCourse {
    /// Its title.
    pub title: String,
    /// Its price in paise.
    pub price_paise: i64,
}

/// The platform's course that `course` names: its slug, or its title ignoring case (the slug
/// wins); with `priced`, only among courses with a price.
pub async fn named<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course: Option<&str>,
    priced: bool,
) -> Result<Option<NamedCourse>, CrmError> {
    let Some(course) = course.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    Ok(
        NamedCourse::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT title, price_paise FROM courses WHERE platform_id = $1 \
         AND (NOT $3 OR price_paise > 0) AND (slug = $2 OR lower(title) = lower($2)) \
         ORDER BY (slug = $2) DESC LIMIT 1",
            [platform_id.into(), course.into(), priced.into()],
        ))
        .one(conn)
        .await?,
    )
}
