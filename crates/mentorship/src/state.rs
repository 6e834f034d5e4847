//! The crate's state: the context, the queues, its configuration section and the Google
//! Calendar client. Built once per process by the gateway and registered as
//! `web::Data<Mentorship>`. Cheap to clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;

use crate::{MentorshipConfig, service::calendar::Calendar, service::meetings::JoinPolicy};

/// Mr. Mentor's state.
#[derive(Clone)]
pub struct Mentorship {
    ctx: AppContext,
    jobs: Jobs,
    config: Arc<MentorshipConfig>,
    calendar: Calendar,
}

impl Mentorship {
    /// Builds the state: the Google Calendar client (none without Google credentials) and
    /// the seal of stored refresh tokens come from `config`.
    pub fn new(ctx: &AppContext, jobs: &Jobs, config: MentorshipConfig) -> anyhow::Result<Self> {
        let calendar = Calendar::new(ctx, &config)?;
        crate::service::catalogue::spawn_listener(ctx, config.mentor_list_cache);
        Ok(Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            config: Arc::new(config),
            calendar,
        })
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &MentorshipConfig {
        &self.config
    }

    /// The Google Calendar state (also registered on its own as `web::Data<Calendar>`).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// How join windows are drawn (`ALLOW_EARLY_MEETING_JOIN`, `MEETING_JOIN_BUFFER_MINUTES`).
    pub fn join_policy(&self) -> JoinPolicy {
        self.config.join_policy()
    }
}
