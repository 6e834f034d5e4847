//! Request and response bodies (validated, documented with their limits).

pub mod applications;
pub mod impact;
pub mod posts;
pub mod quizzes;
pub mod screening;
pub mod voice;
