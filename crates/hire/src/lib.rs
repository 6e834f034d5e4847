//! Mr. Hire (issue 14, [docs/hire.md](../../docs/hire.md)): job templates and stage templates
//! per job family (seeded, and editable per platform with versions: ADR 0082), job posts (draft/open/closed, location, remote, salary range in
//! paise, skills, screening questions), the public listing and the apply flow (a multipart
//! form streamed to storage, the resume checked by its magic bytes and stored once per
//! SHA-256 of its content, verified after upload), candidates deduplicated across jobs by
//! canonical email and phone, and the HR pipeline: stage moves (single and bulk, with
//! reasons) recorded as an immutable event log, time in stage read from that log, notes and
//! one rating per reviewer.
//!
//! Paths mounted (all behind the `hire` module): `/api/admin/job-posts/*`,
//! `/api/admin/job-templates/*`, `/api/admin/stage-templates/*`, `/api/job-posts/*` (public),
//! `/api/admin/job-applications/*`, `/api/admin/candidates/*`, `/api/miss-ozone/*` (including
//! a student's own `/my-calls`), and the rest listed in docs/hire.md.
//!
//! Owns (migration band 75): `job_templates`, `stage_templates`, `job_posts`, `candidates`,
//! `resume_files`, `job_applications`, `application_events`, `application_notes`,
//! `application_ratings`.
//!
//! [`Hire`] is the crate's state (registered as `web::Data<Hire>`) and keeps its environment
//! section, [`HireConfig`].

pub mod backend;
pub mod config;
pub mod dto;
pub mod elevenlabs;
pub mod entities;
pub mod error;
pub mod profile;
pub mod resume_text;
pub mod routes;
pub mod service;
mod state;
pub mod workers;

pub use config::HireConfig;
pub use error::HireError;
pub use routes::{MODULE, configure};
pub use state::Hire;
pub use workers::workers;
