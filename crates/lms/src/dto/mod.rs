//! Request and response bodies.

pub mod assignments;
pub mod courses;
pub mod enrollments;
pub mod live_classes;
pub mod profile;
