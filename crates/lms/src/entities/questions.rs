//! `questions`: a question of the bank; its content lives in `question_versions`.

use sea_orm::entity::prelude::*;

use super::text_enum;

/// A question of the bank (filter columns and the current version).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Platform.
    pub platform_id: Uuid,
    /// What kind of answer it takes (fixed at creation).
    pub kind: QuestionKind,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// Tags (a JSON array of strings).
    pub tags: Json,
    /// The version an attempt started now would pin.
    pub current_version: i32,
    /// The natural key of an imported question (unique per platform).
    pub import_key: Option<String>,
    /// The admin who created it.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Changed (last version).
    pub updated_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

text_enum! {
    /// A question's kind: how it is answered and graded.
    QuestionKind {
        /// One option (`answer`: the option's index).
        Mcq = "mcq",
        /// A set of options (`answer`: the indexes).
        Multi = "multi",
        /// A number, within the question's tolerance.
        Numeric = "numeric",
        /// Source code, graded by running the test cases.
        Code = "code",
    }
}

text_enum! {
    /// A question's difficulty.
    Difficulty {
        /// Easy.
        Easy = "easy",
        /// Medium.
        Medium = "medium",
        /// Hard.
        Hard = "hard",
    }
}
