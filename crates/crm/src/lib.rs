//! The sales CRM (issue 12, [docs/crm.md](../../docs/crm.md)).
//!
//! Leads arrive from vendors (`POST /api/v1/vendor/leads` with `X-API-Key`, the platform from
//! the key, a rate limit per vendor) and from public capture forms (`POST /api/leads/capture`,
//! a rate limit per IP, a honeypot). A lead is one per platform and E.164 phone and one per
//! platform and canonical email: two unique indexes decide under concurrency
//! (`INSERT .. ON CONFLICT DO NOTHING`, never read-then-write). A repeat is answered with the
//! first lead's id, written on its timeline as a re-inquiry with its source and counted in
//! the vendor's lead-quality ledger (`vendor_lead_quality`), never dropped. `lead.created`
//! goes through the outbox in the ingesting transaction (ADR 0048).
//!
//! New leads are assigned in the same transaction by a weighted, capacity-aware round-robin
//! over the platform's active agents (`sales_agents`), serialised by a row lock on the
//! platform's `lead_assignment_cursors` row, so the spread stays within one lead under any
//! concurrency; re-inquiries keep their owner; a reassignment is audited and on the timeline;
//! `leadAssignmentQueue` (every 15 minutes, behind `LEAD_AUTO_ASSIGNMENT_ENABLED`) assigns
//! what found no free agent (ADR 0049).
//!
//! The sales desk (`/api/sales/leads/*`): SALES sees the leads they own, a SALES_HEAD their
//! team's, CM and ADMIN the platform's; any other lead is 404 (ADR 0050). Stages keep their
//! history with the time in each stage; notes and follow-up tasks are on the timeline.
//! Admins manage teams and agents under `/api/admin/crm/*`.
//!
//! Workflows (`/api/admin/workflows/*`, ADR 0051): drafts published as immutable versions,
//! runs pinned to the version live when their event came, steps as `workflowQueue` jobs with
//! deterministic ids and an effect ledger (`workflow_effects`), a depth guard against loops.
//!
//! Owns (migration band 80): `leads`, `lead_activities`, `lead_stage_history`, `lead_tasks`,
//! `sales_teams`, `sales_team_members`, `sales_agents`, `lead_assignment_cursors`,
//! `vendor_lead_quality`; `workflows`, `workflow_versions`, `workflow_runs`,
//! `workflow_run_steps`, `workflow_effects`; `lead_discounts` (ADR 0076); `lead_agreements`,
//! `leegality_webhook_events` (ADR 0067); marketing (ADR 0077): `marketing_events`,
//! `marketing_registrations`, `marketing_banners`; campaigns (ADR 0078): `crm_campaigns`.

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod events;
pub mod import;
pub mod normalize;
pub mod pdf;
pub mod routes;
pub mod seed;
pub mod service;
pub mod settings;
mod state;
pub mod workers;

pub use config::CrmConfig;
pub use error::CrmError;
pub use routes::{MODULE, configure};
pub use state::Crm;
pub use workers::workers;
