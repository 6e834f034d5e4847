//! `question_versions`: every edit of a question is a new row; attempts pin one.

use sea_orm::entity::prelude::*;

/// One version of a question's content.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "question_versions")]
pub struct Model {
    /// The question.
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    /// Version number, from 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    /// Platform.
    pub platform_id: Uuid,
    /// The question's text.
    pub prompt: String,
    /// Option texts (mcq, multi), a JSON array of strings.
    pub options: Json,
    /// The right answer (an index, indexes, a number, or reference code).
    pub answer: Json,
    /// Marks for a right answer.
    pub marks: i32,
    /// multi: credit for a partly right set; code: credit per passing case.
    pub partial_credit: bool,
    /// numeric: accepted absolute difference.
    pub tolerance: Option<f64>,
    /// code: the Judge0 language id.
    pub language_id: Option<i32>,
    /// code: test cases `[{stdin, expected_output, hidden}]`.
    pub test_cases: Json,
    /// The admin who wrote this version.
    pub created_by: Option<Uuid>,
    /// Created.
    pub created_at: DateTimeUtc,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
