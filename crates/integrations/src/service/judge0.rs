//! The Judge0 proxy's use case: a signed-in user's program checked against the
//! deployment's allow-list and limits, counted against the per-user rate limit
//! (`JUDGE0_RATE_PER_MINUTE` per platform and user, a fixed one-minute window in Redis shared
//! by every replica), then run. Refused requests (422) are not counted; a run that fails at
//! Judge0 is.

use kernel::{AppError, auth::AuthUser, config::RateLimit, error::AppResult, ratelimit};

use crate::{
    Integrations,
    dto::judge0::{SubmissionRequest, SubmissionResult},
    judge0::{Judge0, Language, PROVIDER, RunLimits, Submission},
};

/// The configured client, or 503 `provider_not_configured`.
pub fn client(state: &Integrations) -> AppResult<&Judge0> {
    state
        .judge0
        .as_ref()
        .ok_or_else(|| AppError::provider_not_configured(PROVIDER))
}

/// The allowed languages (503 without `JUDGE0_URL`).
pub fn languages(state: &Integrations) -> AppResult<Vec<Language>> {
    Ok(client(state)?.languages())
}

/// The rate-limit key of a user on a platform.
fn rate_key(user: &AuthUser) -> String {
    format!("judge0:{}:{}", user.tenant.id, user.id)
}

/// Runs the caller's program.
#[tracing::instrument(skip_all, fields(user_id = %user.id, language_id = req.language_id))]
pub async fn submit(
    state: &Integrations,
    user: &AuthUser,
    req: &SubmissionRequest,
) -> AppResult<SubmissionResult> {
    let judge0 = client(state)?;
    let submission = Submission {
        language_id: req.language_id,
        source_code: &req.source_code,
        stdin: req.stdin.as_deref(),
        expected_output: req.expected_output.as_deref(),
        limits: RunLimits::default(),
    };
    judge0.check(&submission)?;
    let limit = RateLimit::per(judge0.config().rate_per_minute, 60);
    ratelimit::hit(&state.ctx, &rate_key(user), limit).await?;
    Ok(judge0.submit(&submission).await?.into())
}
