//! Mr. Mentor: mentor profiles (apply, approve, public listing), availability slots (no
//! overlaps, by a database exclusion constraint), bookings paid with token holds from
//! `tokens` (the one domain-to-domain edge, `mentorship -> tokens`), cancellations with the
//! cancellation policy, meetings and their completion, which posts the hold to the mentor.

pub mod dto;
pub mod entities;
pub mod error;
pub mod routes;
pub mod service;

pub use error::MentorshipError;
pub use routes::configure;

/// Expires open slots whose start has passed (`cleanupQueue`, every 15 minutes).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExpireSlots {}

impl jobs::JobSpec for ExpireSlots {
    const QUEUE: &'static str = "cleanupQueue";
    const NAME: &'static str = "expire-slots";
}

/// Registers the crate's jobs and schedules.
pub fn workers(registry: &mut jobs::Registry, db: sea_orm::DatabaseConnection) {
    registry
        .handle(move |_ctx: jobs::JobContext, _job: ExpireSlots| {
            let db = db.clone();
            async move {
                let expired = service::meetings::expire_slots(&db)
                    .await
                    .map_err(|e| jobs::JobError::Retry(anyhow::Error::new(e)))?;
                tracing::info!(expired, "expired open slots");
                Ok(())
            }
        })
        .schedule(jobs::ScheduleSpec::cron(
            "mentorship:expire-slots",
            <ExpireSlots as jobs::JobSpec>::QUEUE,
            <ExpireSlots as jobs::JobSpec>::NAME,
            "0 */15 * * * *",
            jobs::schedule::IST,
        ));
}
