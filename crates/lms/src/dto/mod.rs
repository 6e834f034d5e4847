//! Request and response bodies.

pub mod attempts;
pub mod courses;
pub mod dashboard;
pub mod enrollments;
pub mod orders;
pub mod questions;
pub mod quizzes;
