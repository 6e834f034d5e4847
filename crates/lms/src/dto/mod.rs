//! Request and response bodies.

pub mod attempts;
pub mod courses;
pub mod enrollments;
pub mod questions;
pub mod quizzes;
