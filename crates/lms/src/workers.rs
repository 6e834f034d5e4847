//! The crate's jobs and schedules: the quiz sweeper (`cleanupQueue`, every minute), which
//! finalises attempts whose deadline plus `QUIZ_SUBMIT_GRACE_SECONDS` has passed, grading
//! their saved answers, and the assignment reminders (`assignmentReminderQueue`, daily at
//! 19:00 IST; see [`reminders`]) in [`workers`]; the daily reconciliation of course
//! orders against Razorpay (`cleanupQueue`, 03:15 IST) and the refund of a course order paid
//! twice (`databaseQueue`) in [`payment_workers`], because they need the shared payments.

use std::future::Future;

use chrono::{Duration, Utc};
use integrations::payments::Payments;
use jobs::{JobContext, JobError, JobSpec, Registry, ScheduleSpec};

use crate::{
    Lms,
    events::{
        AssignmentSubmitted, LessonCompleted, LiveClassAttended, MentorshipSessionCompleted,
        QuizPassed,
    },
    service::{
        attempts,
        engagement::{
            self, facts,
            xp::{XpFact, XpKind},
        },
        orders,
        reminders::{self, AssignmentReminders},
    },
};

fn retry(e: crate::LmsError) -> JobError {
    JobError::Retry(anyhow::Error::new(e))
}

/// Reconciles course orders left `initiated` against Razorpay: captures what Razorpay says was
/// paid (enrolling once), expires what was never paid within a day (`cleanupQueue`, daily).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReconcileCourseOrders {}

impl JobSpec for ReconcileCourseOrders {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "reconcile-course-orders";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Finalises overdue quiz attempts with their saved answers (`cleanupQueue`, every minute).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SweepQuizAttempts {}

impl JobSpec for SweepQuizAttempts {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "sweep-quiz-attempts";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The engagement safety net: awards facts no event awarded, re-evaluates badges, drops the
/// cached leaderboards (`badgeEvaluationQueue`, daily 02:30 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct EvaluateBadges {}

impl JobSpec for EvaluateBadges {
    const QUEUE: &'static str = "badgeEvaluationQueue";
    const NAME: &'static str = "evaluate-badges";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Scores every active enrolment's risk for the IST day (`studentRiskComputationQueue`, daily
/// 01:00 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ComputeStudentRisk {}

impl JobSpec for ComputeStudentRisk {
    const QUEUE: &'static str = "studentRiskComputationQueue";
    const NAME: &'static str = "compute-student-risk";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Stores and pushes every active student's card of the day (`dailyCardsQueue`, 00:00 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DailyCards {}

impl JobSpec for DailyCards {
    const QUEUE: &'static str = "dailyCardsQueue";
    const NAME: &'static str = "daily-cards";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Records the day's warnings and queues their notices (`warningQueue`, 23:59 IST).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StudentWarnings {}

impl JobSpec for StudentWarnings {
    const QUEUE: &'static str = "warningQueue";
    const NAME: &'static str = "student-warnings";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// Registers the crate's jobs and schedules.
pub fn workers(registry: &mut Registry, lms: &Lms) {
    engagement_workers(registry, lms);
    let state = lms.clone();
    registry
        .handle(move |_ctx: JobContext, _job: SweepQuizAttempts| {
            let state = state.clone();
            async move {
                let done = attempts::sweep_overdue(
                    &state.ctx().db,
                    state.config().quiz_submit_grace_seconds,
                    state.code_runner(),
                )
                .await
                .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(finalised = done, "overdue quiz attempts swept");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:sweep-quiz-attempts",
            SweepQuizAttempts::QUEUE,
            SweepQuizAttempts::NAME,
            "0 * * * * *",
            jobs::schedule::IST,
        ));
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: AssignmentReminders| {
            let state = state.clone();
            async move {
                let sent = reminders::send_due(state.ctx(), Utc::now())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, sent, "assignment reminders");
                if sent > 0 {
                    state.jobs().notify_committed();
                }
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:assignment-reminders",
            AssignmentReminders::QUEUE,
            AssignmentReminders::NAME,
            "0 0 19 * * *",
            jobs::schedule::IST,
        ));
}

/// Registers the jobs that need the shared payments: the course-order reconciliation and the
/// refund of a course paid twice ([`orders::RefundDuplicateOrder`]).
pub fn payment_workers(registry: &mut Registry, payments: &Payments) {
    let refunds = payments.clone();
    let payments = payments.clone();
    registry
        .handle(move |_ctx: JobContext, _job: ReconcileCourseOrders| {
            let payments = payments.clone();
            async move {
                if payments.razorpay.is_none() {
                    return Ok(());
                }
                let done = orders::reconcile(&payments, Duration::minutes(30), Duration::hours(24))
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(?done, "course orders reconciled");
                Ok(())
            }
        })
        .handle(move |_ctx: JobContext, job: orders::RefundDuplicateOrder| {
            let payments = refunds.clone();
            async move {
                let done = orders::refund_duplicate(&payments, job.order_id)
                    .await
                    .map_err(|e| JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(order = %job.order_id, ?done, "course order paid twice");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:reconcile-course-orders",
            ReconcileCourseOrders::QUEUE,
            ReconcileCourseOrders::NAME,
            "0 15 3 * * *",
            jobs::schedule::IST,
        ));
}

async fn platform_id(state: &Lms, ctx: &JobContext) -> Result<uuid::Uuid, JobError> {
    Ok(ctx.tenant(state.ctx()).await?.id)
}

fn event_id(ctx: &JobContext) -> Option<uuid::Uuid> {
    ctx.job_id.parse().ok()
}

async fn award(
    state: &Lms,
    ctx: &JobContext,
    platform: uuid::Uuid,
    fact: Option<XpFact>,
) -> Result<(), JobError> {
    let Some(fact) = fact else { return Ok(()) };
    let done = engagement::on_fact(state.ctx(), platform, &fact, event_id(ctx))
        .await
        .map_err(retry)?;
    tracing::info!(job_id = %ctx.job_id, kind = fact.kind.as_str(), created = done.created, badges = done.new_badges, "xp");
    Ok(())
}

/// Subscribes `subscriber` to the event `E`, turning each event into at most one XP fact
/// (`fact_of` answers `None` when the event earns nothing) awarded once per event id.
fn xp_from<E, F, Fut>(registry: &mut Registry, lms: &Lms, subscriber: &str, fact_of: F)
where
    E: jobs::EventSpec,
    F: Fn(Lms, uuid::Uuid, E) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<XpFact>, crate::LmsError>> + Send + 'static,
{
    let state = lms.clone();
    registry.subscribe(subscriber, move |ctx: JobContext, e: E| {
        let state = state.clone();
        let fact_of = fact_of.clone();
        async move {
            let platform = platform_id(&state, &ctx).await?;
            let fact = fact_of(state.clone(), platform, e).await.map_err(retry)?;
            award(&state, &ctx, platform, fact).await
        }
    });
}

/// The engagement subscribers (XP from domain events, once per fact) and the daily safety net.
fn engagement_workers(registry: &mut Registry, lms: &Lms) {
    xp_from(
        registry,
        lms,
        "lms:xp-lesson",
        |_, _, e: LessonCompleted| async move {
            Ok(Some(XpFact {
                user_id: e.user_id,
                kind: XpKind::LessonCompleted,
                source_id: e.item_id,
                course_id: Some(e.course_id),
                occurred_at: e.completed_at,
            }))
        },
    );
    xp_from(
        registry,
        lms,
        "lms:xp-quiz",
        |state, platform, e: QuizPassed| async move {
            match e.user_id {
                Some(user) => facts::quiz_passed(&state.ctx().db, platform, user, e.quiz_id).await,
                None => Ok(None),
            }
        },
    );
    xp_from(
        registry,
        lms,
        "lms:xp-assignment",
        |state, platform, e: AssignmentSubmitted| async move {
            if !e.on_time {
                return Ok(None);
            }
            facts::assignment_on_time(&state.ctx().db, platform, e.user_id, e.assignment_id).await
        },
    );
    xp_from(
        registry,
        lms,
        "lms:xp-class",
        |_, _, e: LiveClassAttended| async move {
            Ok(Some(XpFact {
                user_id: e.user_id,
                kind: XpKind::ClassAttended,
                source_id: e.live_class_id,
                course_id: Some(e.course_id),
                occurred_at: e.joined_at,
            }))
        },
    );
    xp_from(
        registry,
        lms,
        "lms:xp-mentorship",
        |_, _, e: MentorshipSessionCompleted| async move {
            Ok(Some(XpFact {
                user_id: e.student_user_id,
                kind: XpKind::MentorshipSession,
                source_id: e.meeting_id,
                course_id: None,
                occurred_at: e.completed_at,
            }))
        },
    );
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: EvaluateBadges| {
            let state = state.clone();
            async move {
                let fixed = engagement::safety_net::run(state.ctx())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, awards = fixed.awards, badges = fixed.badges, "engagement safety net");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:evaluate-badges",
            EvaluateBadges::QUEUE,
            EvaluateBadges::NAME,
            "0 30 2 * * *",
            jobs::schedule::IST,
        ));
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: ComputeStudentRisk| {
            let state = state.clone();
            async move {
                let scored = engagement::risk::compute_all(&state.ctx().db, Utc::now())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, scored, "student risk");
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:student-risk",
            ComputeStudentRisk::QUEUE,
            ComputeStudentRisk::NAME,
            "0 0 1 * * *",
            jobs::schedule::IST,
        ));
    cards_and_warnings(registry, lms);
}

/// The midnight cards, the 23:59 warnings and the warning notices.
fn cards_and_warnings(registry: &mut Registry, lms: &Lms) {
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: DailyCards| {
            let state = state.clone();
            async move {
                let sent = engagement::cards::run(state.ctx(), Utc::now())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, sent, "daily cards");
                if sent > 0 {
                    state.jobs().notify_committed();
                }
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:daily-cards",
            DailyCards::QUEUE,
            DailyCards::NAME,
            "0 0 0 * * *",
            jobs::schedule::IST,
        ));
    let state = lms.clone();
    registry
        .handle(move |ctx: JobContext, _job: StudentWarnings| {
            let state = state.clone();
            async move {
                let done = engagement::warnings::run(state.ctx(), Utc::now())
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, warnings = done.warnings, notices = done.notices, escalations = done.escalations, "student warnings");
                if done.notices > 0 || done.escalations > 0 {
                    state.jobs().notify_committed();
                }
                Ok(())
            }
        })
        .schedule(ScheduleSpec::cron(
            "lms:student-warnings",
            StudentWarnings::QUEUE,
            StudentWarnings::NAME,
            "0 59 23 * * *",
            jobs::schedule::IST,
        ));
    let state = lms.clone();
    registry.handle(
        move |ctx: JobContext, job: engagement::warnings::WarningNotice| {
            let state = state.clone();
            async move {
                let tenant = ctx.tenant(state.ctx()).await?;
                engagement::warnings::send_notice(state.ctx(), &tenant, &job)
                    .await
                    .map_err(retry)?;
                state.jobs().notify_committed();
                Ok(())
            }
        },
    );
}

/// Registers the jobs that need the LLM gateway (AI course plans on `coursePlanQueue`).
pub fn ai_workers(registry: &mut Registry, integrations: &integrations::Integrations) {
    let integrations = integrations.clone();
    registry.handle(
        move |ctx: JobContext, job: engagement::course_plans::GenerateCoursePlan| {
            let integrations = integrations.clone();
            async move {
                let tenant = ctx.tenant(&integrations.ctx).await?;
                engagement::course_plans::generate(&integrations, &tenant, job.plan_id)
                    .await
                    .map_err(retry)?;
                tracing::info!(job_id = %ctx.job_id, plan_id = %job.plan_id, "course plan");
                Ok(())
            }
        },
    );
}
