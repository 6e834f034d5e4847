//! The sync's job payloads. Each carries a config id only (the tenant travels in the
//! envelope's `platform`); handlers load the config at run time (`super::workers`).

use jobs::JobSpec;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A Graphy sync run of one config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrlearnSync {
    /// The config.
    pub config_id: Uuid,
}

impl MrlearnSync {
    /// The queue (also [`SyncKind::queue`]).
    pub const QUEUE_NAME: &'static str = "mrlearnSyncQueue";
}

impl JobSpec for MrlearnSync {
    const QUEUE: &'static str = Self::QUEUE_NAME;
    const NAME: &'static str = "mrlearn-sync";
    /// Only an id: the key is opened from the config row at run time.
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// An EzExam sync run of one config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrtestSync {
    /// The config.
    pub config_id: Uuid,
}

impl MrtestSync {
    /// The queue (also [`SyncKind::queue`]).
    pub const QUEUE_NAME: &'static str = "mrtestSyncQueue";
}

impl JobSpec for MrtestSync {
    const QUEUE: &'static str = Self::QUEUE_NAME;
    const NAME: &'static str = "mrtest-sync";
    /// Only an id.
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// WhatsApp progress nudges of one Graphy config (queued after each successful run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrlearnReminder {
    /// The config.
    pub config_id: Uuid,
}

impl JobSpec for MrlearnReminder {
    const QUEUE: &'static str = "mrlearnReminderQueue";
    const NAME: &'static str = "mrlearn-reminder";
    /// Only an id: phone numbers and texts are read at run time.
    const SECRET_FIELDS: &'static [&'static str] = &[];
}

/// The new-student fast sync of every enabled Graphy config (SystemConfig toggle).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrlearnNewStudentSync {}

impl JobSpec for MrlearnNewStudentSync {
    const QUEUE: &'static str = "mrlearnNewStudentSyncQueue";
    const NAME: &'static str = "mrlearn-new-student-sync";
    /// Empty.
    const SECRET_FIELDS: &'static [&'static str] = &[];
}
