//! Requests and answers of the notification routes, and the `notification` event's payload.

use chrono::{DateTime, Utc};
use kernel::pagination::PageParams;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::entities::notifications;

/// One notification (also the payload of the Socket.IO event `notification`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationDto {
    /// Id.
    pub id: Uuid,
    /// Machine name (`meeting.booked`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// In-app URL path to open, if any.
    pub link: Option<String>,
    /// Extra data of the kind.
    #[schema(value_type = Object)]
    pub data: Value,
    /// When it was read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

impl From<notifications::Model> for NotificationDto {
    fn from(m: notifications::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            data: m.data,
            read_at: m.read_at,
            created_at: m.created_at,
        }
    }
}

/// `GET /api/notifications` query.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only unread notifications.
    pub unread: Option<bool>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[validate(length(max = 2048))]
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

impl NotificationFilter {
    /// The page part of the query.
    pub fn page(&self) -> PageParams {
        PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }
}

/// `GET /api/notifications/unread-count`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct UnreadCount {
    /// Unread notifications of the caller.
    pub count: u64,
}

/// `POST /api/notifications/read-all`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct ReadAll {
    /// How many notifications were marked read.
    pub updated: u64,
}
