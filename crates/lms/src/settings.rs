//! The LMS's per-platform settings (system configuration keys with their defaults).

use kernel::system_config::{Key, Scope};

/// Seats of a batch created without a capacity.
pub const BATCH_DEFAULT_CAPACITY: Key = Key::int(
    "BATCH_DEFAULT_CAPACITY",
    Scope::Platform,
    (1, 100_000),
    60,
    "Seats of a new batch when the admin gives no capacity",
);

/// XP for completing a lesson (a content item), once per item.
pub const XP_LESSON_COMPLETED: Key = Key::int(
    "XP_LESSON_COMPLETED",
    Scope::Platform,
    (0, 10_000),
    10,
    "Experience points for completing a lesson (once per content item)",
);

/// XP for passing a quiz, once per quiz.
pub const XP_QUIZ_PASSED: Key = Key::int(
    "XP_QUIZ_PASSED",
    Scope::Platform,
    (0, 10_000),
    50,
    "Experience points for passing a quiz (once per quiz)",
);

/// XP for handing an assignment in on time, once per assignment.
pub const XP_ASSIGNMENT_ON_TIME: Key = Key::int(
    "XP_ASSIGNMENT_ON_TIME",
    Scope::Platform,
    (0, 10_000),
    30,
    "Experience points for handing an assignment in by its due time (once per assignment)",
);

/// XP for attending a live class, once per class.
pub const XP_CLASS_ATTENDED: Key = Key::int(
    "XP_CLASS_ATTENDED",
    Scope::Platform,
    (0, 10_000),
    20,
    "Experience points for attending a live class (once per class)",
);

/// XP for a mentorship session held, once per session.
pub const XP_MENTORSHIP_SESSION: Key = Key::int(
    "XP_MENTORSHIP_SESSION",
    Scope::Platform,
    (0, 10_000),
    40,
    "Experience points for a mentorship session held (once per session)",
);

/// Weight of missed live classes in the risk score.
pub const RISK_WEIGHT_ATTENDANCE: Key = Key::int(
    "RISK_WEIGHT_ATTENDANCE",
    Scope::Platform,
    (0, 100),
    30,
    "Weight of missed live classes in a student's risk score",
);

/// Weight of low quiz results in the risk score.
pub const RISK_WEIGHT_QUIZZES: Key = Key::int(
    "RISK_WEIGHT_QUIZZES",
    Scope::Platform,
    (0, 100),
    20,
    "Weight of low quiz results in a student's risk score",
);

/// Weight of late and missing assignments in the risk score.
pub const RISK_WEIGHT_LATENESS: Key = Key::int(
    "RISK_WEIGHT_LATENESS",
    Scope::Platform,
    (0, 100),
    20,
    "Weight of late and missing assignments in a student's risk score",
);

/// Weight of inactivity in the risk score.
pub const RISK_WEIGHT_INACTIVITY: Key = Key::int(
    "RISK_WEIGHT_INACTIVITY",
    Scope::Platform,
    (0, 100),
    20,
    "Weight of days without activity in a student's risk score",
);

/// Weight of warnings received in the risk score.
pub const RISK_WEIGHT_WARNINGS: Key = Key::int(
    "RISK_WEIGHT_WARNINGS",
    Scope::Platform,
    (0, 100),
    10,
    "Weight of warnings received in a student's risk score",
);

/// Days of history the risk score looks at.
pub const RISK_LOOKBACK_DAYS: Key = Key::int(
    "RISK_LOOKBACK_DAYS",
    Scope::Platform,
    (1, 365),
    28,
    "Days of classes, quizzes, assignments and warnings a risk score looks at",
);

/// Days without activity that count as fully inactive.
pub const RISK_INACTIVE_DAYS_MAX: Key = Key::int(
    "RISK_INACTIVE_DAYS_MAX",
    Scope::Platform,
    (1, 365),
    14,
    "Days without activity at which the inactivity part of the risk score is 100",
);

/// Score from which a student counts as at risk.
pub const RISK_AT_RISK_SCORE: Key = Key::int(
    "RISK_AT_RISK_SCORE",
    Scope::Platform,
    (1, 100),
    60,
    "Risk score from which a student counts as at risk in the consoles",
);

/// Warn a student at 23:59 IST who did not hand in work due that day.
pub const WARN_MISSED_ASSIGNMENT: Key = Key::bool(
    "WARN_MISSED_ASSIGNMENT",
    Scope::Platform,
    true,
    "Warn students at 23:59 IST about assignments due that day and not handed in",
);

/// Warn a student at 23:59 IST who missed a live class that day.
pub const WARN_MISSED_CLASS: Key = Key::bool(
    "WARN_MISSED_CLASS",
    Scope::Platform,
    true,
    "Warn students at 23:59 IST about live classes of that day they did not attend",
);

/// Warn a student without activity for this many days (0: never).
pub const WARN_INACTIVE_DAYS: Key = Key::int(
    "WARN_INACTIVE_DAYS",
    Scope::Platform,
    (0, 60),
    3,
    "Warn students without any activity for this many days (0 turns the rule off)",
);

/// Warnings within [`WARN_ESCALATE_WINDOW_DAYS`] after which the batch lead is told.
pub const WARN_ESCALATE_AFTER: Key = Key::int(
    "WARN_ESCALATE_AFTER",
    Scope::Platform,
    (1, 50),
    3,
    "Warnings within the escalation window after which the student's batch lead is told",
);

/// The escalation window in days.
pub const WARN_ESCALATE_WINDOW_DAYS: Key = Key::int(
    "WARN_ESCALATE_WINDOW_DAYS",
    Scope::Platform,
    (1, 60),
    7,
    "Days over which warnings are counted for the escalation to the batch lead",
);

/// Also send warnings by WhatsApp (to students with a phone number).
pub const WARN_WHATSAPP: Key = Key::bool(
    "WARN_WHATSAPP",
    Scope::Platform,
    false,
    "Also send the daily warning notice by WhatsApp to students with a phone number",
);

/// Every key of this crate (seeded and validated by the gateway).
pub const KEYS: &[Key] = &[
    BATCH_DEFAULT_CAPACITY,
    XP_LESSON_COMPLETED,
    XP_QUIZ_PASSED,
    XP_ASSIGNMENT_ON_TIME,
    XP_CLASS_ATTENDED,
    XP_MENTORSHIP_SESSION,
    RISK_WEIGHT_ATTENDANCE,
    RISK_WEIGHT_QUIZZES,
    RISK_WEIGHT_LATENESS,
    RISK_WEIGHT_INACTIVITY,
    RISK_WEIGHT_WARNINGS,
    RISK_LOOKBACK_DAYS,
    RISK_INACTIVE_DAYS_MAX,
    RISK_AT_RISK_SCORE,
    WARN_MISSED_ASSIGNMENT,
    WARN_MISSED_CLASS,
    WARN_INACTIVE_DAYS,
    WARN_ESCALATE_AFTER,
    WARN_ESCALATE_WINDOW_DAYS,
    WARN_WHATSAPP,
];
