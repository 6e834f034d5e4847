//! The one integration-test binary of `finance` (one binary per crate: each links the whole
//! dependency tree). A module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod common;
mod costs;
mod einvoice;
mod einvoice_nic;
mod issue;
mod numbering;
mod pdf;
mod refunds;
mod report;
mod reversal;
mod settings;
mod settlements;
