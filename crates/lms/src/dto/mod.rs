//! Request and response bodies.

pub mod assignments;
pub mod attempts;
pub mod course_plans;
pub mod courses;
pub mod dashboard;
pub mod engagement;
pub mod enrollments;
pub mod live_classes;
pub mod orders;
pub mod profile;
pub mod questions;
pub mod quizzes;
pub mod risk;
