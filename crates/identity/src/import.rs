//! The `students` import kind (`POST /api/bulk-upload/kinds/students`): each row creates a USER
//! account of the platform without a password (students sign in with an emailed code or set
//! a password through the reset link). The natural key is the platform and the lowercased
//! email (`users_platform_email`): a row whose email exists is left as it is, so a retried
//! batch creates nothing twice.

use chrono::Utc;
use futures::future::BoxFuture;
use imports::{Column, ColumnType, ImportKind, Row};
use kernel::{Tenant, auth::Role};
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait, Set, sea_query::OnConflict};

use crate::entities::users::{self, UserStatus};

/// The students kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Students;

const COLUMNS: &[Column] = &[
    Column::text("email", 254).of(ColumnType::Email).required(),
    Column::text("full_name", 200).required(),
    Column::text("phone", 32).of(ColumnType::Phone),
];

impl ImportKind for Students {
    fn name(&self) -> &'static str {
        "students"
    }

    fn description(&self) -> &'static str {
        "Student (USER) accounts without a password, unique by email on the platform; existing emails are left unchanged"
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn import_batch<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant: &'a Tenant,
        rows: &'a [Row],
    ) -> BoxFuture<'a, Result<u64, DbErr>> {
        Box::pin(async move {
            let now = Utc::now();
            let models: Vec<users::ActiveModel> = rows
                .iter()
                .filter_map(|row| {
                    Some(users::ActiveModel {
                        id: Set(kernel::ids::new_id()),
                        platform_id: Set(tenant.id),
                        email: Set(row.get("email")?.to_owned()),
                        full_name: Set(row.get("full_name")?.to_owned()),
                        phone: Set(row.get("phone").map(str::to_owned)),
                        password_hash: Set(None),
                        role: Set(Role::User),
                        capabilities: Set(serde_json::json!([])),
                        status: Set(UserStatus::Active),
                        email_verified_at: Set(None),
                        tokens_valid_after: Set(None),
                        last_login_at: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    })
                })
                .collect();
            if models.is_empty() {
                return Ok(0);
            }
            users::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::columns([users::Column::PlatformId, users::Column::Email])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(txn)
                .await
        })
    }
}
