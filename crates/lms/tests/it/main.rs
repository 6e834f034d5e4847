//! The one integration-test binary of `lms` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod batches;
mod candidate;
mod code_grading;
mod common;
mod courses;
mod dashboard;
mod orders;
mod question_import;
mod quiz_fixtures;
mod quizzes;
