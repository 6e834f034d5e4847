//! `otp_codes`: emailed sign-in codes (HMAC only), with a try counter.

use sea_orm::entity::prelude::*;

/// One emailed code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "otp_codes")]
pub struct Model {
    /// Id (also mixed into the code's HMAC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// The user it signs in.
    pub user_id: Uuid,
    /// HMAC-SHA256 of the code.
    pub code_hash: Vec<u8>,
    /// Wrong tries so far.
    pub attempts: i32,
    /// Expires at.
    pub expires_at: DateTimeUtc,
    /// Used (or superseded) at.
    pub consumed_at: Option<DateTimeUtc>,
    /// Sent at.
    pub created_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
