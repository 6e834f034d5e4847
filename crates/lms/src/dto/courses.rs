//! Bodies of courses, modules, content items and batches.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::entities::{
    CourseLevel, CourseStatus, ItemKind, batches, course_items, course_modules, courses,
};

/// Slug pattern: lower-case words joined by single dashes.
pub const SLUG_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";

/// A new course (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewCourse {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// URL name, unique per platform: lower-case words joined by dashes.
    #[validate(length(min = 1, max = 80), custom(function = "valid_slug"))]
    #[schema(min_length = 1, max_length = 80, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: String,
    /// Description (plain text or Markdown).
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: String,
    /// Price in paise (0 for a free course).
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000i64)]
    pub price_paise: i64,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// Publish at once (default: a draft).
    #[serde(default)]
    pub published: bool,
    /// Level (default `beginner`).
    pub level: Option<CourseLevel>,
}

/// Changes to a course (ADMIN); absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct CourseUpdate {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Price in paise (new orders only; paid orders keep theirs).
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000i64)]
    pub price_paise: Option<i64>,
    /// Whether the price includes GST.
    pub gst_inclusive: Option<bool>,
    /// Level.
    pub level: Option<CourseLevel>,
    /// `draft`, `published` or `archived`.
    pub status: Option<CourseStatus>,
    /// Storage key of an uploaded cover image (from `POST /api/upload` or a presigned
    /// upload) of this platform; it must exist.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub cover_image_key: Option<String>,
}

/// A course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseDto {
    /// Id.
    pub id: Uuid,
    /// URL name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Level.
    pub level: CourseLevel,
    /// Price in paise.
    pub price_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// What a buyer pays, in paise: `price_paise`, with 18% GST added when the price is
    /// stated exclusive of it (INR).
    pub payable_paise: i64,
    /// State.
    pub status: CourseStatus,
    /// Short-lived signed URL of the cover image.
    pub cover_image_url: Option<String>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<courses::Model> for CourseDto {
    fn from(c: courses::Model) -> Self {
        Self {
            payable_paise: c.charged_paise(),
            id: c.id,
            slug: c.slug,
            title: c.title,
            description: c.description,
            level: c.level,
            price_paise: c.price_paise,
            currency: c.currency,
            gst_inclusive: c.gst_inclusive,
            status: c.status,
            cover_image_url: None,
            published_at: c.published_at,
            created_at: c.created_at,
        }
    }
}

/// A new module (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewModule {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Order within the course (ties by creation).
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

/// A new content item of a module (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewItem {
    /// What it is.
    pub kind: ItemKind,
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Text content (lessons).
    #[serde(default)]
    #[validate(length(max = 100000))]
    #[schema(max_length = 100000)]
    pub body: String,
    /// Outside URL (http or https).
    #[validate(length(min = 1, max = 2048), url)]
    #[schema(min_length = 1, max_length = 2048, pattern = "^https?://")]
    pub url: Option<String>,
    /// Storage key of an uploaded file of this platform (documents, videos).
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub storage_key: Option<String>,
    /// The quiz, assignment or live class the item stands for.
    pub ref_id: Option<Uuid>,
    /// Expected minutes.
    #[validate(range(min = 0, max = 1440))]
    #[schema(minimum = 0, maximum = 1440)]
    pub duration_minutes: Option<i32>,
    /// Order within the module.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

/// A content item as the course page shows it (content only for enrolled students).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemDto {
    /// Id.
    pub id: Uuid,
    /// What it is.
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// Order within the module.
    pub position: i32,
    /// Expected minutes.
    pub duration_minutes: Option<i32>,
    /// Text content (enrolled students and admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Outside URL (enrolled students and admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Signed URL of the stored file (enrolled students and admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// The quiz, assignment or live class it stands for (a quiz's only for enrolled students
    /// and admins: the public outline leaves it out).
    pub ref_id: Option<Uuid>,
    /// Whether the caller completed it (the student's course page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
}

impl ItemDto {
    /// The outline of an item as enrolled students and admins see it: no content, but what
    /// it stands for (`ref_id`).
    pub fn outline(i: &course_items::Model) -> Self {
        Self {
            id: i.id,
            kind: i.kind,
            title: i.title.clone(),
            position: i.position,
            duration_minutes: i.duration_minutes,
            body: None,
            url: None,
            file_url: None,
            ref_id: i.ref_id,
            completed: None,
        }
    }

    /// The public outline of an item (anonymous visitors, the catalogue): no content, and no
    /// quiz id (a quiz is started by enrolled students, who see it on their course page).
    pub fn public_outline(i: &course_items::Model) -> Self {
        Self {
            ref_id: i.ref_id.filter(|_| i.kind != ItemKind::Quiz),
            ..Self::outline(i)
        }
    }
}

/// A module with its items in order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleDto {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Order within the course.
    pub position: i32,
    /// Items in order.
    pub items: Vec<ItemDto>,
}

impl ModuleDto {
    /// A module with no items yet.
    pub fn empty(m: &course_modules::Model) -> Self {
        Self {
            id: m.id,
            title: m.title.clone(),
            position: m.position,
            items: Vec::new(),
        }
    }
}

/// A course with its modules (and their items on the course page).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseDetail {
    /// The course.
    #[serde(flatten)]
    pub course: CourseDto,
    /// Modules in order.
    pub modules: Vec<ModuleDto>,
}

/// A page of courses with their modules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseList {
    /// Courses.
    pub items: Vec<CourseDetail>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// A new batch of a course (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewBatch {
    /// Name, unique per course.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: NaiveDate,
    /// Last day, on or after `starts_on`.
    pub ends_on: Option<NaiveDate>,
    /// The batch lead: a user of this platform with the batch-lead capability.
    pub batch_lead_id: Option<Uuid>,
    /// Seats (default: the platform's `BATCH_DEFAULT_CAPACITY`).
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: Option<i32>,
}

/// A batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchDto {
    /// Id.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Name.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// The batch lead.
    pub batch_lead_id: Option<Uuid>,
    /// Seats.
    pub capacity: i32,
    /// Seats taken.
    pub seats_taken: i32,
}

impl From<batches::Model> for BatchDto {
    fn from(b: batches::Model) -> Self {
        Self {
            id: b.id,
            course_id: b.course_id,
            name: b.name,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            batch_lead_id: b.batch_lead_id,
            capacity: b.capacity,
            seats_taken: b.seats_taken,
        }
    }
}

/// A course's batches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchList {
    /// Batches by start date.
    pub items: Vec<BatchDto>,
    /// Always null (a course has few batches).
    pub next_cursor: Option<String>,
}

/// Checks a slug against [`SLUG_PATTERN`].
pub fn valid_slug(value: &str) -> Result<(), ValidationError> {
    let ok = !value.is_empty()
        && value.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        let mut e = ValidationError::new("slug");
        e.message =
            Some("must be lower-case letters and digits in words joined by single dashes".into());
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::valid_slug;

    #[test]
    fn slugs() {
        for ok in ["a", "data-science-101", "x1-y2"] {
            assert!(valid_slug(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a_b"] {
            assert!(valid_slug(bad).is_err(), "{bad}");
        }
    }
}
