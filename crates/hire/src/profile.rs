//! Mr. Hire's section of the student profile for AI agents: `placement`.

use integrations::profile::{ProfileSection, SectionFuture, Subject};
use kernel::AppError;

use crate::service::placement;

/// The `placement` section (registered by the gateway).
#[derive(Debug, Clone, Copy, Default)]
pub struct PlacementProfile;

impl ProfileSection for PlacementProfile {
    fn name(&self) -> &'static str {
        "placement"
    }

    fn load<'a>(&'a self, subject: Subject<'a>) -> SectionFuture<'a> {
        Box::pin(async move {
            let found = placement::score(subject.db, subject.tenant.id, subject.user_id)
                .await
                .map_err(AppError::from)?;
            let value = serde_json::to_value(found).map_err(|e| AppError::Unexpected(e.into()))?;
            Ok::<_, AppError>(Some(value))
        })
    }
}
