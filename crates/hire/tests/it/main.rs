//! The one integration-test binary of `hire` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod apply;
mod attacks;
mod candidates;
mod common;
mod erasure;
mod impact;
mod journey;
mod ozone;
mod pipeline;
mod placement;
mod posts;
mod quizzes;
mod reviews;
mod screening;
mod talent;
mod templates;
mod voice;
