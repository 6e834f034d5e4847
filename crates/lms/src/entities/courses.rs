//! `courses`.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// A course.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// URL name, unique per platform.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description (plain text or Markdown).
    pub description: String,
    /// Level.
    pub level: CourseLevel,
    /// Price in paise.
    pub price_paise: i64,
    /// ISO currency.
    pub currency: String,
    /// Whether the price includes GST.
    pub gst_inclusive: bool,
    /// Draft, published or archived.
    pub status: CourseStatus,
    /// Storage key of the cover image.
    pub cover_image_key: Option<String>,
    /// When it was (last) published.
    pub published_at: Option<DateTimeUtc>,
    /// The admin who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// What a buyer pays for the course: the price, with its GST added when it is stated
    /// exclusive of it ([`kernel::money::charged_paise`]); the price itself should the sum not
    /// fit (a course costs at most Rs 100 crore, so it always does).
    pub fn charged_paise(&self) -> i64 {
        kernel::money::charged_paise(self.price_paise, &self.currency, self.gst_inclusive)
            .unwrap_or(self.price_paise)
    }
}

text_enum! {
    /// A course's state (the table's CHECK).
    CourseStatus {
        /// Being written; not in the catalogue.
        Draft = "draft",
        /// In the catalogue, can be bought.
        Published = "published",
        /// Withdrawn; enrolled students keep access.
        Archived = "archived",
    }
}

text_enum! {
    /// A course's level.
    CourseLevel {
        /// No prerequisites.
        Beginner = "beginner",
        /// Some experience.
        Intermediate = "intermediate",
        /// Experienced learners.
        Advanced = "advanced",
    }
}
