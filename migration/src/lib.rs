//! Every schema change of the gateway, in order. Each migration has a working `down`;
//! CI runs up, down, up on a fresh database (`tests/up_down_up.rs`).
//!
//! File names: `mYYYYMMDD_HHMMSS_verb_noun.rs`. Migrations are plain SQL run through
//! `execute_unprepared`, so constraints (checks, exclusions) read as they are in PostgreSQL.

pub use sea_orm_migration::prelude::*;

/// A migration written as two SQL scripts: `up` and its `down`.
#[macro_export]
macro_rules! sql_migration {
    (up: $up:expr, down: $down:expr $(,)?) => {
        use sea_orm_migration::prelude::*;

        /// The migration of this file.
        #[derive(DeriveMigrationName)]
        pub struct Migration;

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared($up).await?;
                Ok(())
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared($down).await?;
                Ok(())
            }
        }
    };
}

mod m20261125_000001_create_platforms;
mod m20261125_000002_create_system_config;
mod m20261125_100001_create_outbox;
mod m20261125_200001_create_whatsapp_messages;
mod m20261125_200002_create_exotel_calls;
mod m20261125_300001_create_users;
mod m20261125_300002_create_refresh_tokens;
mod m20261125_300003_create_one_time_codes;
mod m20261125_300004_create_audit_log;
mod m20261125_300005_create_vendors;
mod m20261125_500001_create_token_ledger;
mod m20261125_500002_create_token_purchases;
mod m20261125_500003_create_payouts;
mod m20261125_600001_create_mentorship;
mod m20261125_600002_create_meeting_feedback;
mod m20261126_600003_add_meeting_plan_version;
mod m20261126_600004_create_meeting_action_links;
mod m20261126_600005_create_meeting_recordings;
mod m20261126_600006_create_availability_rules;
mod m20261201_600007_create_google_calendar;
mod m20261202_000003_create_platform_settings;
mod m20261202_200003_create_notifications;
mod m20261202_400001_create_ai_tables;
mod m20261202_400002_create_sync_tables;
mod m20261202_400003_create_google_drive;
mod m20261202_410001_create_imports;
mod m20261202_600008_add_meeting_indexes;
mod m20261203_700001_create_lms_courses;
mod m20261203_700002_create_lms_quizzes;
mod m20261203_700003_create_lms_coursework;
mod m20261203_700004_create_course_orders;
mod m20261203_700005_create_engagement;
mod m20261203_700006_create_student_risk;
mod m20261203_700007_create_daily_cards;
mod m20261203_700008_create_course_plans;
mod m20261203_750001_create_hire_pipeline;
mod m20261203_750002_create_resume_screening;
mod m20261203_750003_create_application_quizzes;
mod m20261203_750004_create_voice_interviews;
mod m20261203_750005_allow_resume_erasure;
mod m20261203_750006_create_application_demographics;
mod m20261203_750007_create_application_consents;
mod m20261203_750008_create_miss_ozone;
mod m20261203_750009_add_stage_emails_reviews_scorecards;
mod m20261203_750010_add_retention_and_candidate_merges;
mod m20261203_750011_create_talent_pool_and_salary_benchmarks;
mod m20261203_750012_fix_pipeline_indexes;
mod m20261203_800001_create_crm_leads;
mod m20261203_800002_create_crm_workflows;
mod m20261203_800003_extend_crm_workflows;
mod m20261203_800004_create_crm_merges_rules;
mod m20261203_800005_create_crm_targets_kpis;
mod m20261203_850001_create_finance_invoicing;
mod m20261203_850002_create_finance_refunds_ledger;
mod m20261203_850003_add_token_purchase_refunds;
mod m20261203_850004_create_finance_costs_payouts;
mod m20261203_850005_create_settlement_reconciliation;
mod m20261203_850006_create_einvoices;
mod m20261203_850007_create_token_order_refunds;
mod m20261204_750013_add_candidate_name_trigram_index;
mod m20261204_750014_version_job_and_stage_templates;
mod m20261204_750015_add_ozone_call_duration;
mod m20261204_800006_create_crm_discounts;
mod m20261204_800007_create_crm_agreements;
mod m20261204_800009_create_crm_marketing;
mod m20261204_800010_create_crm_campaigns;
mod m20261204_850008_add_invoice_email_queued_at;
mod m20261205_850009_add_credit_note_email_queued_at;
mod m20261206_700009_create_course_order_refunds;
mod m20261207_800010_add_lead_email;
mod m20261207_900011_add_application_full_name;

/// A hash of the migration sources: changes whenever any migration file changes.
pub const FINGERPRINT: &str = env!("MIGRATION_FINGERPRINT");

/// The migrator of the whole workspace.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_platforms::Migration),
            Box::new(m20261125_000002_create_system_config::Migration),
            Box::new(m20261125_100001_create_outbox::Migration),
            Box::new(m20261125_200001_create_whatsapp_messages::Migration),
            Box::new(m20261125_200002_create_exotel_calls::Migration),
            Box::new(m20261125_300001_create_users::Migration),
            Box::new(m20261125_300002_create_refresh_tokens::Migration),
            Box::new(m20261125_300003_create_one_time_codes::Migration),
            Box::new(m20261125_300004_create_audit_log::Migration),
            Box::new(m20261125_300005_create_vendors::Migration),
            Box::new(m20261125_500001_create_token_ledger::Migration),
            Box::new(m20261125_500002_create_token_purchases::Migration),
            Box::new(m20261125_500003_create_payouts::Migration),
            Box::new(m20261125_600001_create_mentorship::Migration),
            Box::new(m20261125_600002_create_meeting_feedback::Migration),
            Box::new(m20261126_600003_add_meeting_plan_version::Migration),
            Box::new(m20261126_600004_create_meeting_action_links::Migration),
            Box::new(m20261126_600005_create_meeting_recordings::Migration),
            Box::new(m20261126_600006_create_availability_rules::Migration),
            Box::new(m20261201_600007_create_google_calendar::Migration),
            Box::new(m20261202_000003_create_platform_settings::Migration),
            Box::new(m20261202_200003_create_notifications::Migration),
            Box::new(m20261202_400001_create_ai_tables::Migration),
            Box::new(m20261202_400002_create_sync_tables::Migration),
            Box::new(m20261202_400003_create_google_drive::Migration),
            Box::new(m20261202_410001_create_imports::Migration),
            Box::new(m20261202_600008_add_meeting_indexes::Migration),
            Box::new(m20261203_700001_create_lms_courses::Migration),
            Box::new(m20261203_700002_create_lms_quizzes::Migration),
            Box::new(m20261203_700003_create_lms_coursework::Migration),
            Box::new(m20261203_700004_create_course_orders::Migration),
            Box::new(m20261203_700005_create_engagement::Migration),
            Box::new(m20261203_700006_create_student_risk::Migration),
            Box::new(m20261203_700007_create_daily_cards::Migration),
            Box::new(m20261203_700008_create_course_plans::Migration),
            Box::new(m20261203_750001_create_hire_pipeline::Migration),
            Box::new(m20261203_750002_create_resume_screening::Migration),
            Box::new(m20261203_750003_create_application_quizzes::Migration),
            Box::new(m20261203_750004_create_voice_interviews::Migration),
            Box::new(m20261203_750005_allow_resume_erasure::Migration),
            Box::new(m20261203_750006_create_application_demographics::Migration),
            Box::new(m20261203_750007_create_application_consents::Migration),
            Box::new(m20261203_750008_create_miss_ozone::Migration),
            Box::new(m20261203_750009_add_stage_emails_reviews_scorecards::Migration),
            Box::new(m20261203_750010_add_retention_and_candidate_merges::Migration),
            Box::new(m20261203_750011_create_talent_pool_and_salary_benchmarks::Migration),
            Box::new(m20261203_750012_fix_pipeline_indexes::Migration),
            Box::new(m20261203_800001_create_crm_leads::Migration),
            Box::new(m20261203_800002_create_crm_workflows::Migration),
            Box::new(m20261203_800003_extend_crm_workflows::Migration),
            Box::new(m20261203_800004_create_crm_merges_rules::Migration),
            Box::new(m20261203_800005_create_crm_targets_kpis::Migration),
            Box::new(m20261203_850001_create_finance_invoicing::Migration),
            Box::new(m20261203_850002_create_finance_refunds_ledger::Migration),
            Box::new(m20261203_850003_add_token_purchase_refunds::Migration),
            Box::new(m20261203_850004_create_finance_costs_payouts::Migration),
            Box::new(m20261203_850005_create_settlement_reconciliation::Migration),
            Box::new(m20261203_850006_create_einvoices::Migration),
            Box::new(m20261203_850007_create_token_order_refunds::Migration),
            Box::new(m20261204_750013_add_candidate_name_trigram_index::Migration),
            Box::new(m20261204_750014_version_job_and_stage_templates::Migration),
            Box::new(m20261204_750015_add_ozone_call_duration::Migration),
            Box::new(m20261204_800006_create_crm_discounts::Migration),
            Box::new(m20261204_800007_create_crm_agreements::Migration),
            Box::new(m20261204_800009_create_crm_marketing::Migration),
            Box::new(m20261204_800010_create_crm_campaigns::Migration),
            Box::new(m20261204_850008_add_invoice_email_queued_at::Migration),
            Box::new(m20261205_850009_add_credit_note_email_queued_at::Migration),
            Box::new(m20261206_700009_create_course_order_refunds::Migration),
            Box::new(m20261207_800010_add_lead_email::Migration),
            Box::new(m20261207_900011_add_application_full_name::Migration),
        ]
    }
}
