//! The queues of the suite, with the seed's names, and their defaults.

/// How a queue's jobs are processed and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSpec {
    /// BullMQ queue name (the seed's, so Node producers and Bull Board see the same queue).
    pub name: &'static str,
    /// Jobs processed at once per worker process.
    pub concurrency: usize,
    /// Attempts before a job is dead-lettered.
    pub attempts: u32,
    /// First retry delay; doubles each attempt (exponential backoff).
    pub backoff_ms: u64,
    /// What the queue is for.
    pub purpose: &'static str,
}

const fn q(
    name: &'static str,
    concurrency: usize,
    attempts: u32,
    backoff_ms: u64,
    purpose: &'static str,
) -> QueueSpec {
    QueueSpec {
        name,
        concurrency,
        attempts,
        backoff_ms,
        purpose,
    }
}

/// Every queue of the seed's "Background jobs & async" table, plus the bulk-import and
/// domain-events queues.
pub const QUEUES: &[QueueSpec] = &[
    q(
        "emailQueue",
        5,
        5,
        2_000,
        "OTP, password reset, meeting and transactional email",
    ),
    q(
        "notificationQueue",
        5,
        3,
        1_000,
        "In-app and push notifications",
    ),
    q("whatsappQueue", 5, 5, 2_000, "WhatsApp messages"),
    q(
        "databaseQueue",
        2,
        3,
        1_000,
        "Heavy database operations and outbox maintenance",
    ),
    q(
        "cleanupQueue",
        1,
        3,
        5_000,
        "Expired slot cleanup and retention",
    ),
    q("kpiQueue", 1, 3, 5_000, "Dashboard KPI calculations"),
    q(
        "aaryaSyncQueue",
        1,
        3,
        10_000,
        "Poll ElevenLabs for Aarya call status",
    ),
    q(
        "workflowQueue",
        4,
        5,
        2_000,
        "Sales automation enrolment and step advance",
    ),
    q("resumeAnalysisQueue", 2, 3, 10_000, "AI resume processing"),
    q(
        "salaryBenchmarkQueue",
        1,
        3,
        60_000,
        "Salary benchmark refresh",
    ),
    q("warningQueue", 1, 3, 10_000, "Student warning automation"),
    q("leadAssignmentQueue", 1, 3, 5_000, "Lead auto-assignment"),
    q("dailyCardsQueue", 1, 3, 10_000, "Daily engagement cards"),
    q(
        "assignmentReminderQueue",
        1,
        3,
        10_000,
        "Assignment-due reminders",
    ),
    q("coursePlanQueue", 2, 3, 10_000, "Course plan generation"),
    q("missOzoneQueue", 2, 3, 5_000, "AI voice mentor calling"),
    q("mrlearnSyncQueue", 1, 3, 30_000, "Graphy (Mr. Learn) sync"),
    q(
        "mrlearnReminderQueue",
        1,
        3,
        30_000,
        "WhatsApp progress nudges",
    ),
    q(
        "mrlearnNewStudentSyncQueue",
        1,
        3,
        30_000,
        "New-student fast sync",
    ),
    q("mrtestSyncQueue", 1, 3, 30_000, "EzExam (Mr. Test) sync"),
    q(
        "badgeEvaluationQueue",
        1,
        3,
        10_000,
        "Gamification badge safety-net",
    ),
    q(
        "studentRiskComputationQueue",
        1,
        3,
        10_000,
        "Students-at-risk scoring",
    ),
    q(
        "bulkImportQueue",
        1,
        3,
        2_000,
        "Bulk Excel/CSV imports, resumed after their last committed batch",
    ),
    q(
        EVENTS_QUEUE,
        4,
        8,
        1_000,
        "Domain events delivered to subscribers in other crates",
    ),
];

/// The queue domain events travel on.
pub const EVENTS_QUEUE: &str = "domainEventsQueue";

/// Suffix of a queue's dead-letter queue (`emailQueue.dlq`).
pub const DEAD_LETTER_SUFFIX: &str = ".dlq";

/// The spec of a queue by name.
pub fn spec(name: &str) -> Option<&'static QueueSpec> {
    QUEUES.iter().find(|q| q.name == name)
}

/// The dead-letter queue of a queue.
pub fn dead_letter_name(queue: &str) -> String {
    format!("{queue}{DEAD_LETTER_SUFFIX}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_queues_are_all_declared_once() {
        assert_eq!(QUEUES.len(), 24);
        let mut names: Vec<_> = QUEUES.iter().map(|q| q.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), QUEUES.len());
        for q in QUEUES {
            assert!(
                !q.name.contains(':') && q.concurrency > 0 && q.attempts > 0,
                "{q:?}"
            );
        }
        assert_eq!(spec("mrtestSyncQueue").map(|q| q.attempts), Some(3));
        assert_eq!(dead_letter_name("emailQueue"), "emailQueue.dlq");
    }
}
