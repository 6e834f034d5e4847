//! Who acts on a booking or meeting (shared by booking, completion and rescheduling).

use uuid::Uuid;

/// Who acts on a booking or meeting.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// User id.
    pub user_id: Uuid,
    /// Admins may act on any booking of their platform.
    pub is_admin: bool,
}
