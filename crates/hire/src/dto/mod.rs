//! Request and response bodies (validated, documented with their limits).

pub mod applications;
pub mod candidates;
pub mod impact;
pub mod ozone;
pub mod posts;
pub mod quizzes;
pub mod reviews;
pub mod screening;
pub mod talent;
pub mod templates;
pub mod voice;
