//! Who sees which leads (ADR 0050): SALES the leads they own, a SALES_HEAD the leads owned
//! by themselves and by their teams' agents, CM and ADMIN every lead of the platform. A lead
//! outside the caller's view is answered 404, exactly like a lead that does not exist.

use kernel::auth::{AuthUser, Capability, Policy, Role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::{
    CrmError,
    entities::{sales_team_members, sales_teams},
};

/// The sales desk: SALES, the `sales_head` or `cm` capability, or an admin. What each one
/// sees is narrowed by [`View`].
#[derive(Debug, Clone, Copy)]
pub struct SalesDesk;

impl Policy for SalesDesk {
    const NAME: &'static str = "a sales user, the sales-head or the community-manager capability";
    fn allows(u: &AuthUser) -> bool {
        u.role == Role::Sales
            || u.role.is_admin()
            || u.caps.contains(&Capability::SalesHead)
            || u.caps.contains(&Capability::Cm)
    }
}

/// The leads a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Every lead of the platform (ADMIN, CM).
    Platform,
    /// Leads owned by one of these users (a sales head: themselves and their agents).
    Owners(Vec<Uuid>),
}

impl View {
    /// Whether a lead with this owner is visible.
    pub fn sees(&self, owner: Option<Uuid>) -> bool {
        match self {
            View::Platform => true,
            View::Owners(ids) => owner.is_some_and(|o| ids.contains(&o)),
        }
    }
}

/// The view of `user`.
pub async fn view_of<C: ConnectionTrait>(conn: &C, user: &AuthUser) -> Result<View, CrmError> {
    if user.role.is_admin() || user.caps.contains(&Capability::Cm) {
        return Ok(View::Platform);
    }
    let mut owners = vec![user.id];
    if user.caps.contains(&Capability::SalesHead) {
        owners.extend(team_members_of_head(conn, user.tenant.id, user.id).await?);
    }
    Ok(View::Owners(owners))
}

/// The agents of every team `head_id` leads on the platform.
pub async fn team_members_of_head<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    head_id: Uuid,
) -> Result<Vec<Uuid>, CrmError> {
    let teams: Vec<Uuid> = sales_teams::Entity::find()
        .select_only()
        .column(sales_teams::Column::Id)
        .filter(sales_teams::Column::PlatformId.eq(platform_id))
        .filter(sales_teams::Column::HeadId.eq(head_id))
        .into_tuple()
        .all(conn)
        .await?;
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sales_team_members::Entity::find()
        .select_only()
        .column(sales_team_members::Column::UserId)
        .filter(sales_team_members::Column::PlatformId.eq(platform_id))
        .filter(sales_team_members::Column::TeamId.is_in(teams))
        .into_tuple()
        .all(conn)
        .await?)
}
