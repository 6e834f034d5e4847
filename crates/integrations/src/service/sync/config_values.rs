//! The values of a sync config row as a create or a merged update sets them, their checks
//! (interval floor, the kind's own filters and nudge fields) and their audit view.

use serde_json::json;

use crate::{
    IntegrationsError,
    dto::sync::SyncFilters,
    entities::sync_configs::SyncConfigRow,
    sync::{ExternalSync, SyncKind},
};

/// The values a config row holds (after a create or a merged update), checked.
#[derive(Debug, Clone)]
pub struct Values {
    /// `name`.
    pub name: String,
    /// `base_url`.
    pub base_url: Option<String>,
    /// `interval_seconds`.
    pub interval_seconds: i32,
    /// `filters`.
    pub filters: SyncFilters,
    /// `enabled`.
    pub enabled: bool,
    /// `reminders_enabled`.
    pub reminders_enabled: bool,
    /// `reminder_template`.
    pub reminder_template: Option<String>,
    /// `reminder_language`.
    pub reminder_language: String,
    /// `reminder_stale_hours`.
    pub reminder_stale_hours: i32,
}

impl Values {
    /// Checks the values against the deployment's limits and the kind's fields.
    pub fn check(&self, sync: &ExternalSync, kind: SyncKind) -> Result<(), IntegrationsError> {
        let invalid = |f: &str, m: &str| Err(IntegrationsError::Invalid(f.into(), m.into()));
        let min = i64::from(sync.config.min_interval_secs);
        if i64::from(self.interval_seconds) < min {
            return invalid(
                "interval_seconds",
                &format!("must be at least {min} (SYNC_MIN_INTERVAL_SECS)"),
            );
        }
        if self.name.trim().is_empty() {
            return invalid("name", "must not be blank");
        }
        if let Some(Err(why)) = self
            .base_url
            .as_ref()
            .map(|u| sync.config.check_base_url(u))
        {
            return invalid("base_url", &why);
        }
        match kind {
            SyncKind::Mrlearn if !self.filters.exam_ids.is_empty() => {
                invalid("filters.exam_ids", "only EzExam configs filter by exam")
            }
            SyncKind::Mrtest if !self.filters.course_ids.is_empty() => {
                invalid("filters.course_ids", "only Graphy configs filter by course")
            }
            SyncKind::Mrtest if self.reminders_enabled || self.reminder_template.is_some() => {
                invalid("reminders_enabled", "only Graphy configs send nudges")
            }
            SyncKind::Mrlearn if self.reminders_enabled && self.reminder_template.is_none() => {
                invalid(
                    "reminder_template",
                    "is required when reminders are enabled",
                )
            }
            _ => Ok(()),
        }
    }

    /// The audit log's view (never the key).
    pub fn audit_view(&self) -> serde_json::Value {
        json!({"name": self.name, "base_url": self.base_url, "interval_seconds": self.interval_seconds,
               "filters": self.filters, "enabled": self.enabled, "reminders_enabled": self.reminders_enabled,
               "reminder_template": self.reminder_template, "reminder_stale_hours": self.reminder_stale_hours})
    }
}

/// The values a row holds now.
pub fn values_of(row: &SyncConfigRow) -> Values {
    Values {
        name: row.name.clone(),
        base_url: row.base_url.clone(),
        interval_seconds: row.interval_seconds,
        filters: serde_json::from_value(row.filters.clone()).unwrap_or_default(),
        enabled: row.enabled,
        reminders_enabled: row.reminders_enabled,
        reminder_template: row.reminder_template.clone(),
        reminder_language: row.reminder_language.clone(),
        reminder_stale_hours: row.reminder_stale_hours,
    }
}
