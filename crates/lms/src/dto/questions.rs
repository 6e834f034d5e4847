//! Bodies of the question bank.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{
    entities::{Difficulty, QuestionKind, question_versions, questions},
    service::code_runner::TestCase,
};

/// A new question (ADMIN). `answer` by kind: `mcq` the right option's index (from 0),
/// `multi` the right indexes, `numeric` the number (with `tolerance`), `code` a reference
/// solution (never shown to learners; code is graded by `test_cases`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewQuestion {
    /// How it is answered (fixed once created).
    pub kind: QuestionKind,
    /// The question's text (Markdown).
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub prompt: String,
    /// Option texts (mcq and multi: 2-20; none for numeric and code).
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub options: Vec<String>,
    /// The right answer (shape by kind, see above).
    pub answer: Value,
    /// Marks for a right answer.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub marks: i32,
    /// Tags to filter the bank by (each 1-50 characters).
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    /// Difficulty (default `medium`).
    pub difficulty: Option<Difficulty>,
    /// numeric: accepted absolute difference (default 0).
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1e12)]
    pub tolerance: Option<f64>,
    /// multi: credit for a partly right set; code: credit per passing case (default false).
    #[serde(default)]
    pub partial_credit: bool,
    /// code: the Judge0 language id.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub language_id: Option<i32>,
    /// code: 1-50 test cases.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub test_cases: Vec<TestCase>,
}

/// Changes to a question (ADMIN). Any change of content (prompt, options, answer, marks,
/// tolerance, partial credit, language, test cases) writes a new version; attempts already
/// started keep the version they pinned. Tags and difficulty change in place.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct QuestionUpdate {
    /// The question's text.
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub prompt: Option<String>,
    /// Option texts.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub options: Option<Vec<String>>,
    /// The right answer.
    pub answer: Option<Value>,
    /// Marks.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub marks: Option<i32>,
    /// Tags.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// Difficulty.
    pub difficulty: Option<Difficulty>,
    /// numeric: tolerance.
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1e12)]
    pub tolerance: Option<f64>,
    /// Partial credit.
    pub partial_credit: Option<bool>,
    /// code: language id.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub language_id: Option<i32>,
    /// code: test cases.
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub test_cases: Option<Vec<TestCase>>,
}

/// A question of the bank with its current version (ADMIN: answers included).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionDto {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: QuestionKind,
    /// Difficulty.
    pub difficulty: Difficulty,
    /// Tags.
    pub tags: Vec<String>,
    /// The current version.
    pub version: i32,
    /// Text.
    pub prompt: String,
    /// Option texts.
    pub options: Vec<String>,
    /// The right answer.
    pub answer: Value,
    /// Marks.
    pub marks: i32,
    /// Partial credit.
    pub partial_credit: bool,
    /// numeric: tolerance.
    pub tolerance: Option<f64>,
    /// code: language id.
    pub language_id: Option<i32>,
    /// code: test cases.
    pub test_cases: Vec<TestCase>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl QuestionDto {
    /// The question with one of its versions.
    pub fn new(q: questions::Model, v: question_versions::Model) -> Self {
        Self {
            id: q.id,
            kind: q.kind,
            difficulty: q.difficulty,
            tags: serde_json::from_value(q.tags).unwrap_or_default(),
            version: v.version,
            prompt: v.prompt,
            options: serde_json::from_value(v.options).unwrap_or_default(),
            answer: v.answer,
            marks: v.marks,
            partial_credit: v.partial_credit,
            tolerance: v.tolerance,
            language_id: v.language_id,
            test_cases: serde_json::from_value(v.test_cases).unwrap_or_default(),
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// Filters of the bank's list (with `limit` and `cursor`).
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct QuestionFilter {
    /// Questions carrying this tag.
    pub tag: Option<String>,
    /// Questions of this kind.
    pub kind: Option<QuestionKind>,
    /// Questions of this difficulty.
    pub difficulty: Option<Difficulty>,
}
