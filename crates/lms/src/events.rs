//! Domain events the LMS publishes through the outbox (`jobs::outbox::publish_in`, in the
//! transaction that makes them true).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `quiz.passed`: an attempt was graded and reached the quiz's pass percentage (published
/// once per attempt, by the transaction that grades it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuizPassed {
    /// The attempt.
    pub attempt_id: Uuid,
    /// The quiz.
    pub quiz_id: Uuid,
    /// The quiz's course, if any.
    pub course_id: Option<Uuid>,
    /// The learner (none for a candidate).
    pub user_id: Option<Uuid>,
    /// The candidate's invite (none for a learner).
    pub invite_id: Option<Uuid>,
    /// Marks scored.
    pub score: f64,
    /// Marks possible.
    pub max_score: f64,
}

impl jobs::EventSpec for QuizPassed {
    const NAME: &'static str = "quiz.passed";
    const SECRET_FIELDS: &'static [&'static str] = &[];
}
