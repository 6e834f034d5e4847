//! Enrolment: one per user and course on a platform, created by an admin's grant, a captured
//! payment or an import — idempotently (`ON CONFLICT DO NOTHING` on the unique key, then the
//! existing row), with the batch seat taken in the same transaction. Also the check behind
//! [`kernel::auth::Enrolled`].

use chrono::Utc;
use futures::future::BoxFuture;
use kernel::{AppContext, AppError, auth::AuthUser, auth::EnrollmentCheck};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    entities::{EnrollmentSource, EnrollmentStatus, enrollments},
    error::LmsError,
    service::{batches, courses},
};

/// What to enrol.
#[derive(Debug, Clone)]
pub struct NewEnrollment {
    /// Student (a user of the platform).
    pub user_id: Uuid,
    /// Course of the platform.
    pub course_id: Uuid,
    /// A batch of the course to seat the student in.
    pub batch_id: Option<Uuid>,
    /// How it comes about.
    pub source: EnrollmentSource,
    /// The paid order behind it.
    pub order_id: Option<Uuid>,
    /// The admin granting it.
    pub granted_by: Option<Uuid>,
}

/// The enrolment and whether this call created it.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// The row.
    pub enrollment: enrollments::Model,
    /// False when the user was already enrolled (the same row is returned).
    pub created: bool,
    /// True when the row was there and active before this call (not created, not
    /// reactivated): a payment for it bought nothing.
    pub was_active: bool,
}

async fn user_of_platform<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<bool, LmsError> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS ok FROM users WHERE id = $1 AND platform_id = $2",
            [user_id.into(), platform_id.into()],
        ))
        .await?
        .is_some())
}

/// The enrolment of a user in a course, if any.
pub async fn of_user<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<enrollments::Model>, LmsError> {
    Ok(enrollments::Entity::find()
        .filter(enrollments::Column::PlatformId.eq(platform_id))
        .filter(enrollments::Column::UserId.eq(user_id))
        .filter(enrollments::Column::CourseId.eq(course_id))
        .one(conn)
        .await?)
}

/// Enrols inside the caller's transaction: a new row (and its batch seat), or the existing
/// one — reactivated when revoked, and seated when it has no batch yet and one is asked for.
/// A full batch is 409 `batch_full` and, the transaction being the caller's, nothing of the
/// enrolment is kept.
pub async fn enroll_in<C: ConnectionTrait>(
    txn: &C,
    platform_id: Uuid,
    req: NewEnrollment,
) -> Result<Enrollment, LmsError> {
    if !user_of_platform(txn, platform_id, req.user_id).await? {
        return Err(LmsError::Invalid(
            "user_id",
            "no such user on this platform".into(),
        ));
    }
    courses::find(txn, platform_id, req.course_id).await?;
    let now = Utc::now();
    let id = kernel::ids::new_id();
    let inserted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO enrollments (id, platform_id, user_id, course_id, batch_id, source, status,
                                      granted_by, order_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, NULL, $5, 'active', $6, $7, $8, $8)
             ON CONFLICT ON CONSTRAINT enrollments_user_course_unique DO NOTHING",
            [
                id.into(),
                platform_id.into(),
                req.user_id.into(),
                req.course_id.into(),
                req.source.to_string().into(),
                req.granted_by.into(),
                req.order_id.into(),
                now.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1;
    let row = enrollments::Entity::find()
        .filter(enrollments::Column::PlatformId.eq(platform_id))
        .filter(enrollments::Column::UserId.eq(req.user_id))
        .filter(enrollments::Column::CourseId.eq(req.course_id))
        .lock(sea_orm::sea_query::LockType::Update)
        .one(txn)
        .await?
        .ok_or(LmsError::NotFound("enrollment"))?;
    let was_active = !inserted && row.status == EnrollmentStatus::Active;
    let mut active: Option<enrollments::ActiveModel> = None;
    if !inserted && row.status == EnrollmentStatus::Revoked {
        let mut a: enrollments::ActiveModel = row.clone().into();
        a.status = Set(EnrollmentStatus::Active);
        a.source = Set(req.source);
        a.order_id = Set(req.order_id.or(row.order_id));
        active = Some(a);
    }
    if let Some(batch) = req.batch_id
        && row.batch_id.is_none()
    {
        batches::take_seat(txn, platform_id, req.course_id, batch).await?;
        let mut a = active.unwrap_or_else(|| row.clone().into());
        a.batch_id = Set(Some(batch));
        active = Some(a);
    }
    let enrollment = match active {
        Some(mut a) => {
            a.updated_at = Set(now);
            a.update(txn).await?
        }
        None => row,
    };
    if inserted {
        tracing::info!(enrollment = %enrollment.id, course = %enrollment.course_id, source = %enrollment.source, "enrolled");
    }
    Ok(Enrollment {
        enrollment,
        created: inserted,
        was_active,
    })
}

/// An admin's grant, in its own transaction.
pub async fn grant(
    db: &DatabaseConnection,
    platform_id: Uuid,
    req: NewEnrollment,
) -> Result<Enrollment, LmsError> {
    let txn = db.begin().await?;
    let made = enroll_in(&txn, platform_id, req).await?;
    txn.commit().await?;
    Ok(made)
}

/// Seats an enrolment in a batch of its course (moving it: the old seat is given back), in
/// one transaction.
pub async fn assign_batch(
    db: &DatabaseConnection,
    platform_id: Uuid,
    enrollment_id: Uuid,
    batch_id: Uuid,
) -> Result<enrollments::Model, LmsError> {
    let txn = db.begin().await?;
    let row = enrollments::Entity::find_by_id(enrollment_id)
        .filter(enrollments::Column::PlatformId.eq(platform_id))
        .lock(sea_orm::sea_query::LockType::Update)
        .one(&txn)
        .await?
        .ok_or(LmsError::NotFound("enrollment"))?;
    if row.status == EnrollmentStatus::Revoked {
        return Err(LmsError::EnrollmentRevoked);
    }
    if row.batch_id == Some(batch_id) {
        txn.commit().await?;
        return Ok(row);
    }
    batches::take_seat(&txn, platform_id, row.course_id, batch_id).await?;
    if let Some(old) = row.batch_id {
        batches::release_seat(&txn, old).await?;
    }
    let mut a: enrollments::ActiveModel = row.into();
    a.batch_id = Set(Some(batch_id));
    a.updated_at = Set(Utc::now());
    let row = a.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// Whether the user has an active enrolment in the course.
pub async fn is_enrolled<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<bool, LmsError> {
    Ok(of_user(conn, platform_id, user_id, course_id)
        .await?
        .is_some_and(|e| e.status == EnrollmentStatus::Active))
}

/// The LMS's answer to [`kernel::auth::Enrolled`]: an active enrolment on the user's
/// platform. Registered by the gateway as `web::Data<dyn EnrollmentCheck>`.
pub struct LmsEnrollmentCheck {
    ctx: AppContext,
}

impl LmsEnrollmentCheck {
    /// The check over the context's database.
    pub fn new(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }
}

impl EnrollmentCheck for LmsEnrollmentCheck {
    fn is_enrolled<'a>(
        &'a self,
        user: &'a AuthUser,
        course_id: Uuid,
    ) -> BoxFuture<'a, Result<bool, AppError>> {
        Box::pin(
            async move { Ok(is_enrolled(&self.ctx.db, user.tenant.id, user.id, course_id).await?) },
        )
    }
}
