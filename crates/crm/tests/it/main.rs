//! The one integration-test binary of `crm` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod agreements;
mod assignment;
mod capture;
mod common;
mod concurrency;
mod desk;
mod discounts;
mod engine;
mod import;
mod ingest;
mod kpis;
mod marketing;
mod stages;
mod workflows;
