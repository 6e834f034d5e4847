//! Courses bought through Razorpay: the order (`initiated`, at most one open per user and
//! course), the LMS's side of the shared payments ([`CourseEnrollments`], a
//! [`PaymentProduct`]: a capture enrols in the same transaction, a refund revokes), and the
//! daily reconciliation against Razorpay (captures a payment whose webhook and checkout
//! never arrived, expires orders never paid).

use chrono::{Duration, Utc};
use integrations::payments::{
    CapturedItem, PayableOrder, PaymentFuture, PaymentProduct, Payments, RefundInfo, capture,
};
use kernel::{AppError, Tenant, tenant::entity as platforms};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, TransactionTrait, sea_query::LockType,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    entities::{
        CourseStatus, EnrollmentSource, EnrollmentStatus,
        course_orders::{self, OrderStatus},
        courses, enrollments,
    },
    error::{LmsError, violates},
    service::{batches, enrollment},
};

/// The item kind of course orders in the payment events.
pub const KIND: &str = "course_enrollment";

/// An order for the caller and whether it was made now (else the open one came back).
#[derive(Debug, Clone)]
pub struct Placed {
    /// The order.
    pub order: course_orders::Model,
    /// False when an open order of the same course was handed back.
    pub created: bool,
}

async fn open_order<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<course_orders::Model>, LmsError> {
    Ok(course_orders::Entity::find()
        .filter(course_orders::Column::PlatformId.eq(platform_id))
        .filter(course_orders::Column::UserId.eq(user_id))
        .filter(course_orders::Column::CourseId.eq(course_id))
        .filter(course_orders::Column::Status.eq(OrderStatus::Initiated))
        .one(conn)
        .await?)
}

/// Places an order for a published, priced course the caller is not enrolled in: the open
/// order of the same course when it still has the course's terms (no duplicate payment rows),
/// else a new Razorpay order at what the course costs now, GST included
/// ([`courses::Model::charged_paise`]). An open order whose amount, currency, GST statement or
/// batch no longer matches is superseded (`expired`, so the buyer never pays a price the
/// course no longer has; a payment of it that still arrives is captured like any other).
pub async fn place(
    payments: &Payments,
    tenant: &Tenant,
    user_id: Uuid,
    course_id: Uuid,
    batch_id: Option<Uuid>,
) -> Result<Placed, LmsError> {
    let db = &payments.ctx.db;
    let rzp = payments.razorpay()?;
    let course = courses::Entity::find_by_id(course_id)
        .filter(courses::Column::PlatformId.eq(tenant.id))
        .one(db)
        .await?
        .ok_or(LmsError::NotFound("course"))?;
    if course.status != CourseStatus::Published {
        return Err(LmsError::CourseNotPublished);
    }
    if course.price_paise == 0 {
        return Err(LmsError::Invalid(
            "course_id",
            "this course is free: an admin grants it".into(),
        ));
    }
    if enrollment::is_enrolled(db, tenant.id, user_id, course_id).await? {
        return Err(LmsError::AlreadyEnrolled);
    }
    if let Some(batch) = batch_id {
        batches::find(db, tenant.id, course_id, batch).await?;
    }
    let amount = course.charged_paise();
    if let Some(order) = open_order(db, tenant.id, user_id, course_id).await? {
        if order.amount_paise == amount
            && order.currency == course.currency
            && order.gst_inclusive == course.gst_inclusive
            && order.batch_id == batch_id
        {
            return Ok(Placed {
                order,
                created: false,
            });
        }
        // a capture (or a failure) that won the race leaves it alone; enrolled by it, the
        // buyer needs no new order
        if !supersede(db, order.id).await?
            && enrollment::is_enrolled(db, tenant.id, user_id, course_id).await?
        {
            return Err(LmsError::AlreadyEnrolled);
        }
    }
    let id = kernel::ids::new_id();
    // the provider call stays outside any transaction; an order we fail to record is an
    // unpaid Razorpay order, which costs nothing
    let made = rzp
        .create_order(
            amount,
            &course.currency,
            &id.to_string(),
            json!({"platform": tenant.slug, "user_id": user_id, "course_id": course.id, "kind": KIND}),
        )
        .await
        .map_err(AppError::from)?;
    let now = Utc::now();
    let inserted = course_orders::ActiveModel {
        id: Set(id),
        platform_id: Set(tenant.id),
        user_id: Set(user_id),
        course_id: Set(course.id),
        batch_id: Set(batch_id),
        amount_paise: Set(amount),
        currency: Set(course.currency.clone()),
        gst_inclusive: Set(course.gst_inclusive),
        razorpay_order_id: Set(made.id),
        razorpay_payment_id: Set(None),
        status: Set(OrderStatus::Initiated),
        failure_reason: Set(None),
        enrollment_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        captured_at: Set(None),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(order) => Ok(Placed {
            order,
            created: true,
        }),
        // a concurrent "buy" of the same course recorded its order first: hand that one back
        Err(e) if violates(&e, "course_orders_one_open") => Ok(Placed {
            order: open_order(db, tenant.id, user_id, course_id)
                .await?
                .ok_or(LmsError::Db(e))?,
            created: false,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The `failure_reason` of an order superseded by one at the course's new terms.
pub const SUPERSEDED: &str = "superseded: the course is sold on other terms now";

/// The `failure_reason` of an order paid while its buyer was already enrolled in the course
/// (an earlier order, or a superseded one, was paid too; or an admin granted the course): the
/// payment buys nothing, so [`RefundDuplicateOrder`] refunds it in full.
pub const PAID_TWICE: &str = "paid twice: already enrolled in the course; the payment is refunded";

/// Refunds the payment of an order captured while its buyer was already enrolled
/// ([`PAID_TWICE`]), in full (`databaseQueue`, queued with the capture). The refund comes back
/// as Razorpay's `refund.processed` like any other: the order becomes `refunded`, finance
/// issues the credit note, and the enrolment (which another payment or a grant gave) stays.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RefundDuplicateOrder {
    /// The order paid twice (our id).
    pub order_id: Uuid,
}

impl jobs::JobSpec for RefundDuplicateOrder {
    const QUEUE: &'static str = "databaseQueue";
    const NAME: &'static str = "lms-refund-duplicate-order";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Expires an open order superseded by one at the course's present terms; false when it was
/// no longer open.
async fn supersede<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<bool, LmsError> {
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE course_orders
                SET status = 'expired', updated_at = now(), failure_reason = $2
              WHERE id = $1 AND status = 'initiated'",
            [order_id.into(), SUPERSEDED.into()],
        ))
        .await?
        .rows_affected();
    Ok(done == 1)
}

/// The caller's orders, newest first.
pub async fn mine<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<course_orders::Model>, LmsError> {
    Ok(course_orders::Entity::find()
        .filter(course_orders::Column::PlatformId.eq(platform_id))
        .filter(course_orders::Column::UserId.eq(user_id))
        .order_by_desc(course_orders::Column::CreatedAt)
        .limit(100)
        .all(conn)
        .await?)
}

/// The order with this Razorpay id, locked.
pub async fn lock(
    txn: &DatabaseTransaction,
    razorpay_order_id: &str,
) -> Result<Option<course_orders::Model>, sea_orm::DbErr> {
    course_orders::Entity::find()
        .filter(course_orders::Column::RazorpayOrderId.eq(razorpay_order_id))
        .lock(LockType::Update)
        .one(txn)
        .await
}

fn payable(o: &course_orders::Model) -> PayableOrder {
    PayableOrder {
        id: o.id,
        platform_id: o.platform_id,
        user_id: o.user_id,
        amount_paise: o.amount_paise,
        currency: o.currency.clone(),
        paid: matches!(o.status, OrderStatus::Captured | OrderStatus::Refunded),
    }
}

async fn by_id(txn: &DatabaseTransaction, id: Uuid) -> Result<course_orders::Model, AppError> {
    course_orders::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("course order"))
}

/// Enrols the buyer of a locked, unpaid order and marks it captured (a full batch does not
/// undo a payment: the student is enrolled without a seat and an admin seats them). A buyer
/// whose enrolment was active already (another order of the course was paid, or an admin
/// granted it; two captures racing meet in the enrolment's unique key) paid twice: nothing of
/// the enrolment changes, the order is captured pointing at it, marked [`PAID_TWICE`] (so
/// that its refund does not revoke what another payment or a grant gave), and its refund is
/// queued in the same transaction.
async fn capture_order(
    txn: &DatabaseTransaction,
    tenant: &Tenant,
    order: course_orders::Model,
    payment_id: &str,
) -> Result<CapturedItem, LmsError> {
    let mut req = enrollment::NewEnrollment {
        user_id: order.user_id,
        course_id: order.course_id,
        batch_id: order.batch_id,
        source: EnrollmentSource::Payment,
        order_id: Some(order.id),
        granted_by: None,
    };
    txn.execute_unprepared("SAVEPOINT course_capture").await?;
    let enrolled = match enrollment::enroll_in(txn, order.platform_id, req.clone()).await {
        Ok(e) => e,
        Err(LmsError::BatchFull) => {
            txn.execute_unprepared("ROLLBACK TO SAVEPOINT course_capture")
                .await?;
            tracing::warn!(order = %order.id, "paid order's batch is full: enrolled without a seat");
            req.batch_id = None;
            enrollment::enroll_in(txn, order.platform_id, req).await?
        }
        Err(e) => return Err(e),
    };
    let paid_twice = enrolled.was_active;
    if paid_twice {
        // a seat the existing enrolment may just have taken goes back with the savepoint
        txn.execute_unprepared("ROLLBACK TO SAVEPOINT course_capture")
            .await?;
        jobs::outbox::enqueue_in(txn, tenant, &RefundDuplicateOrder { order_id: order.id }).await?;
    }
    let course = courses::Entity::find_by_id(order.course_id)
        .one(txn)
        .await?
        .ok_or(LmsError::NotFound("course"))?;
    let now = Utc::now();
    let mut a: course_orders::ActiveModel = order.clone().into();
    a.status = Set(OrderStatus::Captured);
    a.razorpay_payment_id = Set(Some(payment_id.to_owned()));
    a.enrollment_id = Set(Some(enrolled.enrollment.id));
    a.failure_reason = Set(paid_twice.then(|| PAID_TWICE.to_owned()));
    a.captured_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(txn).await?;
    if paid_twice {
        tracing::warn!(order = %order.id, "course order paid by a buyer already enrolled: refund queued");
    } else {
        tracing::info!(order = %order.id, enrollment = %enrolled.enrollment.id, "course order captured");
    }
    Ok(CapturedItem {
        item_id: course.id,
        description: format!("Course: {}", course.title),
        gst_inclusive: order.gst_inclusive,
        tokens: None,
    })
}

/// What Razorpay's refunds of an order returned so far (each refund id once).
async fn refunded_paise<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<i64, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(sum(amount_paise), 0)::bigint AS refunded
               FROM course_order_refunds WHERE order_id = $1",
            [order_id.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "refunded"))
        .transpose()?
        .unwrap_or(0))
}

/// The LMS's course enrolments as a product of the shared payments.
#[derive(Debug, Clone, Copy, Default)]
pub struct CourseEnrollments;

impl PaymentProduct for CourseEnrollments {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn lock_order<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        razorpay_order_id: &'a str,
    ) -> PaymentFuture<'a, Option<PayableOrder>> {
        Box::pin(async move { Ok(lock(txn, razorpay_order_id).await?.as_ref().map(payable)) })
    }

    fn capture<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        order: &'a PayableOrder,
        payment_id: &'a str,
    ) -> PaymentFuture<'a, CapturedItem> {
        Box::pin(async move {
            let row = by_id(txn, order.id).await?;
            Ok(capture_order(txn, tenant, row, payment_id).await?)
        })
    }

    fn fail<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        order: &'a PayableOrder,
        reason: &'a str,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async move {
            let row = by_id(txn, order.id).await?;
            if row.status == OrderStatus::Initiated {
                let mut a: course_orders::ActiveModel = row.into();
                a.status = Set(OrderStatus::Failed);
                a.failure_reason = Set(Some(reason.chars().take(500).collect()));
                a.updated_at = Set(Utc::now());
                a.update(txn).await?;
            }
            Ok(())
        })
    }

    fn refund<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        _tenant: &'a Tenant,
        order: &'a PayableOrder,
        refund: &'a RefundInfo,
    ) -> PaymentFuture<'a, ()> {
        Box::pin(async move {
            let row = by_id(txn, order.id).await?;
            if row.status != OrderStatus::Captured || refund.amount_paise <= 0 {
                return Ok(());
            }
            // once per (order, refund id): the same refund delivered again under another
            // event id counts once (the webhook holds the order's row lock)
            let fresh = txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO course_order_refunds (order_id, refund_id, platform_id, amount_paise)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (order_id, refund_id) DO NOTHING",
                    [
                        row.id.into(),
                        refund.refund_id.clone().into(),
                        row.platform_id.into(),
                        refund.amount_paise.into(),
                    ],
                ))
                .await?
                .rows_affected()
                == 1;
            if !fresh {
                return Ok(());
            }
            let refunded = refunded_paise(txn, row.id).await?;
            // partial refunds keep the access until together they return what was paid
            if refunded < row.amount_paise {
                return Ok(());
            }
            // a payment made twice gave nothing: its refund takes nothing back
            let paid_twice = row.failure_reason.as_deref() == Some(PAID_TWICE);
            if let Some(enrollment_id) = row.enrollment_id.filter(|_| !paid_twice)
                && let Some(e) = enrollments::Entity::find_by_id(enrollment_id)
                    .lock(LockType::Update)
                    .one(txn)
                    .await?
                && e.status == EnrollmentStatus::Active
            {
                if let Some(batch) = e.batch_id {
                    batches::release_seat(txn, batch).await?;
                }
                let mut a: enrollments::ActiveModel = e.into();
                a.status = Set(EnrollmentStatus::Revoked);
                a.batch_id = Set(None);
                a.updated_at = Set(Utc::now());
                a.update(txn).await?;
            }
            let mut a: course_orders::ActiveModel = row.into();
            a.status = Set(OrderStatus::Refunded);
            a.updated_at = Set(Utc::now());
            a.update(txn).await?;
            Ok(())
        })
    }
}

/// What [`refund_duplicate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuplicateRefund {
    /// Razorpay accepted the refund (its id); `refund.processed` will follow.
    Requested(String),
    /// Nothing to refund: the order is gone, not paid twice, or already refunded.
    NotNeeded,
}

/// Refunds what is left of an order marked [`PAID_TWICE`] (all of it, unless Razorpay
/// reported part refunded already), with the order's id as Razorpay's receipt. A retry
/// after a refund that went through asks again and Razorpay refuses (400: more than the
/// payment has left), which is [`DuplicateRefund::NotNeeded`] for the job: the webhook of
/// the first one settles the order.
pub async fn refund_duplicate(
    payments: &Payments,
    order_id: Uuid,
) -> Result<DuplicateRefund, AppError> {
    let db = &payments.ctx.db;
    let Some(order) = course_orders::Entity::find_by_id(order_id).one(db).await? else {
        return Ok(DuplicateRefund::NotNeeded);
    };
    if order.status != OrderStatus::Captured || order.failure_reason.as_deref() != Some(PAID_TWICE)
    {
        return Ok(DuplicateRefund::NotNeeded);
    }
    let Some(payment_id) = order.razorpay_payment_id.as_deref() else {
        return Ok(DuplicateRefund::NotNeeded);
    };
    let left = order.amount_paise - refunded_paise(db, order.id).await?;
    if left <= 0 {
        return Ok(DuplicateRefund::NotNeeded);
    }
    let rzp = payments.razorpay()?;
    let notes = json!({"reason": "paid_twice", "order_id": order.id});
    match rzp
        .refund_payment(payment_id, left, &order.id.to_string(), notes)
        .await
    {
        Ok(refund) => {
            tracing::info!(order = %order.id, refund = %refund.id, amount = left, "duplicate course payment refunded");
            Ok(DuplicateRefund::Requested(refund.id))
        }
        Err(integrations::provider::ProviderError::Status {
            status: 400,
            message,
            ..
        }) => {
            tracing::warn!(order = %order.id, %message, "Razorpay refused the duplicate payment's refund (refunded already?)");
            Ok(DuplicateRefund::NotNeeded)
        }
        Err(e) => Err(AppError::from(e)),
    }
}

/// What the reconciliation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reconciled {
    /// Orders Razorpay says were captured, captured now.
    pub captured: u32,
    /// Orders never paid within `expire_after`, expired.
    pub expired: u32,
    /// Orders left as they were (still young, or Razorpay unreachable).
    pub unchanged: u32,
}

/// Reconciles the initiated orders older than `min_age` against Razorpay: a captured payment
/// there is captured here (enrolling once, through the shared capture); an order older than
/// `expire_after` without one expires. Orders superseded within `expire_after` (a checkout of
/// the old terms may still have been paid) are asked about too and captured when paid. One
/// order per transaction.
pub async fn reconcile(
    payments: &Payments,
    min_age: Duration,
    expire_after: Duration,
) -> Result<Reconciled, AppError> {
    let rzp = payments.razorpay()?;
    let db = &payments.ctx.db;
    let now = Utc::now();
    let open = course_orders::Entity::find()
        .filter(
            Condition::any()
                .add(course_orders::Column::Status.eq(OrderStatus::Initiated))
                .add(
                    Condition::all()
                        .add(course_orders::Column::Status.eq(OrderStatus::Expired))
                        .add(course_orders::Column::FailureReason.eq(SUPERSEDED))
                        .add(course_orders::Column::UpdatedAt.gt(now - expire_after)),
                ),
        )
        .filter(course_orders::Column::CreatedAt.lt(now - min_age))
        .order_by_asc(course_orders::Column::CreatedAt)
        .limit(500)
        .all(db)
        .await?;
    let mut out = Reconciled::default();
    for order in open {
        let paid = match rzp.fetch_order_payments(&order.razorpay_order_id).await {
            Ok(list) => list.into_iter().find(|p| {
                p.status == "captured"
                    && p.amount == order.amount_paise
                    && p.currency == order.currency
            }),
            Err(e) => {
                tracing::warn!(order = %order.id, error = %e, "Razorpay order payments unreadable");
                out.unchanged += 1;
                continue;
            }
        };
        let txn = db.begin().await?;
        let Some(locked) = lock(&txn, &order.razorpay_order_id).await? else {
            continue;
        };
        let superseded = locked.status == OrderStatus::Expired
            && locked.failure_reason.as_deref() == Some(SUPERSEDED);
        if locked.status != OrderStatus::Initiated && !superseded {
            out.unchanged += 1;
            continue;
        }
        if let Some(payment) = paid {
            let platform = platforms::Entity::find_by_id(locked.platform_id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::not_found("platform of the order"))?;
            let tenant = payments
                .ctx
                .tenants
                .resolve(db, Some(&platform.slug))
                .await?;
            capture::capture_locked(
                &txn,
                &tenant,
                &CourseEnrollments,
                payable(&locked),
                &payment.id,
            )
            .await?;
            out.captured += 1;
        } else if !superseded && locked.created_at < now - expire_after {
            let mut a: course_orders::ActiveModel = locked.into();
            a.status = Set(OrderStatus::Expired);
            a.updated_at = Set(now);
            a.update(&txn).await?;
            out.expired += 1;
        } else {
            out.unchanged += 1;
        }
        txn.commit().await?;
    }
    if out.captured > 0 {
        payments.jobs.notify_committed();
    }
    Ok(out)
}

/// The caller's order by our id.
pub async fn by_order_id<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<course_orders::Model, LmsError> {
    course_orders::Entity::find_by_id(id)
        .filter(course_orders::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("course order"))
}
