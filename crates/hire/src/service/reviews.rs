//! What a stage brings besides the move (ADR 0073): the email the family's stage template
//! names for it (queued with the application id and template only, the address read when it
//! is sent, nothing sent once the candidate is erased), the candidate's request for a human
//! review (made with the secret their apply confirmation carried; audited; shown in the
//! pipeline until HR resolves it) and the interview scorecards (the stage template's
//! criteria, one scorecard per interviewer per stage).

use std::collections::BTreeMap;

use chrono::Utc;
use kernel::{AppError, audit, error::codes as kernel_codes, tenant::Tenant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    HireError,
    dto::reviews::{
        ResolveReview, ReviewRequestView, ScorecardInput, ScorecardView, StageEmailView,
    },
    entities::{
        application_emails, candidates, interview_scorecards, job_applications, job_posts,
        review_requests, stage_templates,
    },
};

/// Sends the email a stage names (`emailQueue`): the application id, the template and the
/// row that records it; the address is read at send time, never carried in the job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SendStageEmail {
    /// The `application_emails` row.
    pub email_id: uuid::Uuid,
    /// The application.
    pub application_id: uuid::Uuid,
    /// The template the stage names.
    pub template: String,
}

impl jobs::JobSpec for SendStageEmail {
    const QUEUE: &'static str = "emailQueue";
    const NAME: &'static str = "send-stage-email";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// An application of the platform (404 otherwise; the pipeline reads this module, so it keeps
/// its own lookup).
async fn application<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<job_applications::Model, HireError> {
    job_applications::Entity::find_by_id(id)
        .filter(job_applications::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(HireError::NotFound("application"))
}

/// The recommendations a scorecard may give.
pub const RECOMMENDATIONS: &[&str] = &["strong_no", "no", "yes", "strong_yes"];

/// 256 random bits as 64 hex characters (the candidate's review secret).
pub fn new_token() -> Result<String, HireError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| {
        HireError::App(AppError::Unexpected(anyhow::anyhow!(
            "the OS random source failed: {e}"
        )))
    })?;
    Ok(hex::encode(buf))
}

/// The stage template a post was made under (ADR 0082: a later version of the family's
/// template does not change the post's stage emails or scorecards); posts older than the
/// pinning follow the family's current one.
pub async fn post_template<C: ConnectionTrait>(
    conn: &C,
    post: &job_posts::Model,
) -> Result<Option<stage_templates::Model>, HireError> {
    if let Some(id) = post.stage_template_id
        && let Some(t) = stage_templates::Entity::find_by_id(id).one(conn).await?
    {
        return Ok(Some(t));
    }
    family_template(conn, post.platform_id, &post.family).await
}

/// The current stage template of a family (the platform's own over the seeded one).
pub async fn family_template<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    family: &str,
) -> Result<Option<stage_templates::Model>, HireError> {
    let rows = stage_templates::Entity::find()
        .filter(stage_templates::Column::Family.eq(family))
        .filter(stage_templates::Column::SupersededAt.is_null())
        .filter(
            Condition::any()
                .add(stage_templates::Column::PlatformId.eq(platform_id))
                .add(stage_templates::Column::PlatformId.is_null()),
        )
        .all(conn)
        .await?;
    let own = rows.iter().position(|r| r.platform_id.is_some());
    Ok(match own {
        Some(i) => rows.into_iter().nth(i),
        None => rows.into_iter().next(),
    })
}

/// Queues the stage's email, if the post family's template names one: a row of
/// `application_emails` and a `send-stage-email` job (ids and template) in the move's
/// transaction.
pub async fn queue_stage_email<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    post: &job_posts::Model,
    app: &job_applications::Model,
    event_id: Uuid,
    stage: &str,
) -> Result<(), HireError> {
    let Some(template) = post_template(conn, post).await? else {
        return Ok(());
    };
    let Some(name) = template.stage_emails[stage].as_str() else {
        return Ok(());
    };
    let row = application_emails::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(app.platform_id),
        application_id: Set(app.id),
        event_id: Set(event_id),
        template: Set(name.to_owned()),
        status: Set("queued".into()),
        skipped_reason: Set(None),
        created_at: Set(Utc::now()),
        sent_at: Set(None),
    }
    .insert(conn)
    .await?;
    jobs::outbox::enqueue_in(
        conn,
        tenant,
        &SendStageEmail {
            email_id: row.id,
            application_id: app.id,
            template: name.to_owned(),
        },
    )
    .await?;
    Ok(())
}

/// Subject and body of a stage email for `name` applying to `job`, or none for an unknown
/// template.
pub fn render(template: &str, name: &str, job: &str) -> Option<(String, String)> {
    Some(match template {
        "interview_invitation" => (
            format!("Interview for {job}"),
            format!(
                "Thank you for applying for {job}. We would like to interview you; our recruiter will write with a time that suits you."
            ),
        ),
        "offer_extended" => (
            format!("An offer for {job}"),
            format!(
                "We are happy to offer you the {job} role. Our recruiter will send the offer letter and next steps."
            ),
        ),
        "application_rejected" => (
            format!("Your application for {job}"),
            format!(
                "Thank you for your interest in {job}. We will not move forward with your application this time. You can ask for a human review of this decision with the review link of your application."
            ),
        ),
        "stage_update" => (
            format!("Your application for {job}"),
            format!("Your application for {job} has moved forward."),
        ),
        _ => {
            let _ = name;
            return None;
        }
    })
}

/// What a stage email job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageEmailOutcome {
    /// Sent to this address (for the caller's log: never logged by this crate).
    Sent,
    /// Not sent, with why (erased, unknown template, already sent).
    Skipped(&'static str),
}

async fn mark_skipped(
    db: &DatabaseConnection,
    email_id: Uuid,
    reason: &'static str,
) -> Result<StageEmailOutcome, HireError> {
    application_emails::Entity::update_many()
        .col_expr(application_emails::Column::Status, Expr::value("skipped"))
        .col_expr(
            application_emails::Column::SkippedReason,
            Expr::value(reason),
        )
        .filter(application_emails::Column::Id.eq(email_id))
        .filter(application_emails::Column::Status.eq("queued"))
        .exec(db)
        .await?;
    Ok(StageEmailOutcome::Skipped(reason))
}

/// Sends a queued stage email: the candidate's address and name are read now (none after
/// erasure: skipped), rendered through comms' `generic` template in the platform's branding.
pub async fn send_stage_email(
    db: &DatabaseConnection,
    mailer: &comms::Mailer,
    platform: &str,
    job: &SendStageEmail,
) -> Result<StageEmailOutcome, jobs::JobError> {
    let retry = |e: HireError| jobs::JobError::Retry(anyhow::Error::new(e));
    let Some(row) = application_emails::Entity::find_by_id(job.email_id)
        .one(db)
        .await
        .map_err(|e| retry(e.into()))?
    else {
        return Ok(StageEmailOutcome::Skipped("no such email"));
    };
    if row.status != "queued" {
        return Ok(StageEmailOutcome::Skipped("already handled"));
    }
    let app = job_applications::Entity::find_by_id(job.application_id)
        .filter(job_applications::Column::PlatformId.eq(row.platform_id))
        .one(db)
        .await
        .map_err(|e| retry(e.into()))?;
    let Some(app) = app else {
        return mark_skipped(db, row.id, "application gone")
            .await
            .map_err(retry);
    };
    let candidate = candidates::Entity::find_by_id(app.candidate_id)
        .one(db)
        .await
        .map_err(|e| retry(e.into()))?;
    if app.erased_at.is_some() || candidate.is_none_or(|c| c.erased_at.is_some()) {
        return mark_skipped(db, row.id, "candidate erased")
            .await
            .map_err(retry);
    }
    let post = job_posts::Entity::find_by_id(app.post_id)
        .one(db)
        .await
        .map_err(|e| retry(e.into()))?
        .ok_or_else(|| retry(HireError::NotFound("job post")))?;
    // the name and the address this application gave: a candidate found by the phone alone
    // may be someone else, who must neither get mail about an application they never made
    // nor have their name sent to whoever made it (ADR 0095)
    let Some((subject, body)) = render(&job.template, &app.full_name, &post.title) else {
        return mark_skipped(db, row.id, "unknown template")
            .await
            .map_err(retry);
    };
    let mail = comms::EmailJob::new(
        comms::email::Template::Generic,
        app.email_canonical.clone(),
        json!({"subject": subject, "body": body, "name": app.full_name}),
    );
    comms::email::deliver(mailer, platform, &mail).await?;
    application_emails::Entity::update_many()
        .col_expr(application_emails::Column::Status, Expr::value("sent"))
        .col_expr(application_emails::Column::SentAt, Expr::value(Utc::now()))
        .filter(application_emails::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(|e| retry(e.into()))?;
    Ok(StageEmailOutcome::Sent)
}

/// An application's stage emails, oldest first.
pub async fn emails<C: ConnectionTrait>(
    conn: &C,
    application_id: Uuid,
) -> Result<Vec<StageEmailView>, HireError> {
    Ok(application_emails::Entity::find()
        .filter(application_emails::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_emails::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|e| StageEmailView {
            id: e.id,
            template: e.template,
            status: e.status,
            skipped_reason: e.skipped_reason,
            created_at: e.created_at,
            sent_at: e.sent_at,
        })
        .collect())
}

fn review_view(r: review_requests::Model) -> ReviewRequestView {
    ReviewRequestView {
        id: r.id,
        application_id: r.application_id,
        reason: r.reason,
        created_at: r.created_at,
        resolved_at: r.resolved_at,
        resolved_by: r.resolved_by,
        resolution: r.resolution,
    }
}

/// The application a review secret belongs to (401 `invalid_token` otherwise; erased
/// applications have no secret any more).
pub async fn application_of_token<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    token: &str,
) -> Result<job_applications::Model, HireError> {
    let invalid = || {
        HireError::App(AppError::new(
            &kernel_codes::INVALID_TOKEN,
            "this review link is not valid",
        ))
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    job_applications::Entity::find()
        .filter(job_applications::Column::PlatformId.eq(platform_id))
        .filter(
            job_applications::Column::ReviewTokenSha256.eq(kernel::crypto::sha256_hex(
                token.to_ascii_lowercase().as_bytes(),
            )),
        )
        .filter(job_applications::Column::ErasedAt.is_null())
        .one(conn)
        .await?
        .ok_or_else(invalid)
}

/// A candidate asks for a human review (audited, no actor: the candidate has no account).
/// While one is open, asking again answers the open request.
pub async fn request(
    db: &DatabaseConnection,
    tenant: &Tenant,
    token: &str,
    reason: String,
) -> Result<(ReviewRequestView, bool), HireError> {
    let txn = db.begin().await?;
    let app = application_of_token(&txn, tenant.id, token).await?;
    if let Some(open) = review_requests::Entity::find()
        .filter(review_requests::Column::ApplicationId.eq(app.id))
        .filter(review_requests::Column::ResolvedAt.is_null())
        .one(&txn)
        .await?
    {
        return Ok((review_view(open), false));
    }
    let row = review_requests::ActiveModel {
        id: Set(Uuid::now_v7()),
        platform_id: Set(tenant.id),
        application_id: Set(app.id),
        reason: Set(reason),
        created_at: Set(Utc::now()),
        resolved_at: Set(None),
        resolved_by: Set(None),
        resolution: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            None,
            "human_review.requested",
            "job_application",
            app.id,
        )
        .after(json!({"review_request_id": row.id, "stage": app.stage})),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(application = %app.id, "human review requested");
    Ok((review_view(row), true))
}

/// HR resolves the open request of an application (audited); 404 without one.
pub async fn resolve(
    db: &DatabaseConnection,
    tenant: &Tenant,
    actor: Uuid,
    application_id: Uuid,
    req: ResolveReview,
) -> Result<ReviewRequestView, HireError> {
    let txn = db.begin().await?;
    application(&txn, tenant.id, application_id).await?;
    let open = review_requests::Entity::find()
        .filter(review_requests::Column::ApplicationId.eq(application_id))
        .filter(review_requests::Column::ResolvedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(HireError::NotFound("open human review request"))?;
    let mut row: review_requests::ActiveModel = open.clone().into();
    row.resolved_at = Set(Some(Utc::now()));
    row.resolved_by = Set(Some(actor));
    row.resolution = Set(Some(req.resolution.clone()));
    let row = row.update(&txn).await?;
    audit::record(
        &txn,
        audit::Audit::new(
            tenant.id,
            Some(actor),
            "human_review.resolved",
            "job_application",
            application_id,
        )
        .change(
            json!({"review_request_id": open.id, "resolved": false}),
            // the text stays on the request row (erasable), not in the append-only log
            json!({"review_request_id": open.id, "resolved": true, "resolution_chars": req.resolution.chars().count()}),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(review_view(row))
}

/// An application's review requests, oldest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    application_id: Uuid,
) -> Result<Vec<ReviewRequestView>, HireError> {
    Ok(review_requests::Entity::find()
        .filter(review_requests::Column::ApplicationId.eq(application_id))
        .order_by_asc(review_requests::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(review_view)
        .collect())
}

fn scorecard_view(s: interview_scorecards::Model) -> ScorecardView {
    let values: Vec<f64> = s
        .scores
        .as_object()
        .map(|o| o.values().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let mean = if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    ScorecardView {
        id: s.id,
        stage: s.stage,
        interviewer_id: s.interviewer_id,
        scores: s.scores,
        mean,
        recommendation: s.recommendation,
        notes: s.notes,
        updated_at: s.updated_at,
    }
}

/// An application's scorecards by stage, then interviewer.
pub async fn scorecards<C: ConnectionTrait>(
    conn: &C,
    application_id: Uuid,
) -> Result<Vec<ScorecardView>, HireError> {
    Ok(interview_scorecards::Entity::find()
        .filter(interview_scorecards::Column::ApplicationId.eq(application_id))
        .order_by_asc(interview_scorecards::Column::Stage)
        .order_by_asc(interview_scorecards::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(scorecard_view)
        .collect())
}

/// The interviewer's scorecard of a stage (created or replaced): every criterion of the stage
/// template, each 1-5; 422 on `stage` when the stage has no scorecard, on `scores` otherwise.
pub async fn put_scorecard(
    db: &DatabaseConnection,
    tenant: &Tenant,
    interviewer: Uuid,
    application_id: Uuid,
    stage: &str,
    req: ScorecardInput,
) -> Result<ScorecardView, HireError> {
    if !RECOMMENDATIONS.contains(&req.recommendation.as_str()) {
        return Err(HireError::Invalid(
            "recommendation",
            format!("one of {}", RECOMMENDATIONS.join(", ")),
        ));
    }
    let app = application(db, tenant.id, application_id).await?;
    let post = job_posts::Entity::find_by_id(app.post_id)
        .one(db)
        .await?
        .ok_or(HireError::NotFound("job post"))?;
    let template = post_template(db, &post).await?;
    let criteria: Vec<String> = template
        .as_ref()
        .and_then(|t| t.scorecards[stage].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["key"].as_str().map(str::to_owned))
        .collect();
    if criteria.is_empty() {
        return Err(HireError::Invalid(
            "stage",
            "this stage has no scorecard in the job family's template".into(),
        ));
    }
    let given: Vec<&String> = req.scores.keys().collect();
    let mut expected: Vec<&String> = criteria.iter().collect();
    expected.sort();
    if given != expected {
        return Err(HireError::Invalid(
            "scores",
            format!("score exactly these criteria: {}", criteria.join(", ")),
        ));
    }
    if req.scores.values().any(|v| !(1..=5).contains(v)) {
        return Err(HireError::Invalid("scores", "each score is 1-5".into()));
    }
    let scores: BTreeMap<String, i32> = req.scores;
    let now = Utc::now();
    let existing = interview_scorecards::Entity::find()
        .filter(interview_scorecards::Column::ApplicationId.eq(application_id))
        .filter(interview_scorecards::Column::Stage.eq(stage))
        .filter(interview_scorecards::Column::InterviewerId.eq(interviewer))
        .one(db)
        .await?;
    let row = match existing {
        Some(row) => {
            let mut active: interview_scorecards::ActiveModel = row.into();
            active.scores = Set(json!(scores));
            active.recommendation = Set(req.recommendation);
            active.notes = Set(req.notes);
            active.updated_at = Set(now);
            active.update(db).await?
        }
        None => {
            interview_scorecards::ActiveModel {
                id: Set(Uuid::now_v7()),
                platform_id: Set(tenant.id),
                application_id: Set(application_id),
                stage: Set(stage.to_owned()),
                interviewer_id: Set(interviewer),
                scores: Set(json!(scores)),
                recommendation: Set(req.recommendation),
                notes: Set(req.notes),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?
        }
    };
    Ok(scorecard_view(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_and_unknown_ones_do_not() {
        let (subject, body) = render("offer_extended", "Asha", "Data Analyst").unwrap();
        assert_eq!(subject, "An offer for Data Analyst");
        assert!(body.contains("Data Analyst"));
        assert!(render("made_up", "Asha", "X").is_none());
        assert_eq!(new_token().unwrap().len(), 64);
    }
}
