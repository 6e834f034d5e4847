//! Token packs: the packs on sale, and the admins' catalogue (created and changed with an
//! audit entry in the same transaction).

use chrono::Utc;
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::{
    dto::{NewPack, PackChanges},
    entities::token_packs,
};

/// The packs on sale on a platform, cheapest first.
pub async fn on_sale<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Vec<token_packs::Model>, DbErr> {
    token_packs::Entity::find()
        .filter(token_packs::Column::PlatformId.eq(platform_id))
        .filter(token_packs::Column::Active.eq(true))
        .order_by_asc(token_packs::Column::PricePaise)
        .all(conn)
        .await
}

/// One pack on sale on a platform.
pub async fn on_sale_by_id<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    pack_id: Uuid,
) -> Result<Option<token_packs::Model>, DbErr> {
    token_packs::Entity::find_by_id(pack_id)
        .filter(token_packs::Column::PlatformId.eq(platform_id))
        .filter(token_packs::Column::Active.eq(true))
        .one(conn)
        .await
}

/// Every pack of a platform, on sale or not, cheapest first.
pub async fn all<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
) -> Result<Vec<token_packs::Model>, DbErr> {
    token_packs::Entity::find()
        .filter(token_packs::Column::PlatformId.eq(platform_id))
        .order_by_asc(token_packs::Column::PricePaise)
        .all(conn)
        .await
}

/// Creates a pack on `platform_id`; the name is unique per platform (409 `pack_exists`).
pub async fn create(
    db: &DatabaseConnection,
    platform_id: Uuid,
    admin: &AuthUser,
    b: NewPack,
) -> Result<token_packs::Model, AppError> {
    let now = Utc::now();
    let txn = db.begin().await?;
    let pack = token_packs::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        name: Set(b.name),
        tokens: Set(b.tokens),
        price_paise: Set(b.amount_paise),
        currency: Set("INR".into()),
        gst_inclusive: Set(b.gst_inclusive),
        active: Set(b.active),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::on_unique(
            e,
            &crate::error::codes::PACK_EXISTS,
            "name",
            "a pack with this name exists",
        )
    })?;
    audit::record(
        &txn,
        Audit::by(admin, "token_pack.created", "token_pack", pack.id).after(pack_json(&pack)),
    )
    .await?;
    txn.commit().await?;
    Ok(pack)
}

/// Changes a pack of `platform_id` (404 when it has none with this id).
pub async fn update(
    db: &DatabaseConnection,
    platform_id: Uuid,
    admin: &AuthUser,
    pack_id: Uuid,
    b: PackChanges,
) -> Result<token_packs::Model, AppError> {
    let txn = db.begin().await?;
    let pack = token_packs::Entity::find_by_id(pack_id)
        .filter(token_packs::Column::PlatformId.eq(platform_id))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such token pack"))?;
    let before = pack_json(&pack);
    let mut active: token_packs::ActiveModel = pack.into();
    if let Some(v) = b.name {
        active.name = Set(v);
    }
    if let Some(v) = b.tokens {
        active.tokens = Set(v);
    }
    if let Some(v) = b.amount_paise {
        active.price_paise = Set(v);
    }
    if let Some(v) = b.gst_inclusive {
        active.gst_inclusive = Set(v);
    }
    if let Some(v) = b.active {
        active.active = Set(v);
    }
    active.updated_at = Set(Utc::now());
    let pack = active.update(&txn).await.map_err(|e| {
        AppError::on_unique(
            e,
            &crate::error::codes::PACK_EXISTS,
            "name",
            "a pack with this name exists",
        )
    })?;
    audit::record(
        &txn,
        Audit::by(admin, "token_pack.updated", "token_pack", pack.id)
            .change(before, pack_json(&pack)),
    )
    .await?;
    txn.commit().await?;
    Ok(pack)
}

fn pack_json(p: &token_packs::Model) -> serde_json::Value {
    serde_json::json!({"name": p.name, "tokens": p.tokens, "price_paise": p.price_paise,
           "gst_inclusive": p.gst_inclusive, "active": p.active})
}
