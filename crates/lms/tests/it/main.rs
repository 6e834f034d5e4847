//! The one integration-test binary of `lms` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignments;
mod batches;
mod candidate;
mod cards;
mod code_grading;
mod common;
mod course_plans;
mod courses;
mod dashboard;
mod documents;
mod engagement;
mod live_classes;
mod orders;
mod question_import;
mod quiz_fixtures;
mod quizzes;
mod reminders;
mod risk;
mod student_path;
