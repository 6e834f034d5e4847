//! The one integration-test binary of `hire` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod apply;
mod attacks;
mod common;
mod erasure;
mod impact;
mod journey;
mod pipeline;
mod posts;
mod quizzes;
mod screening;
mod voice;
