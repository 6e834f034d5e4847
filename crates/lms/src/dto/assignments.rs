//! Bodies of assignments, submissions and grades.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entities::{assignment_submissions::SubmissionStatus, assignments};

/// A criterion of an assignment's rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct RubricCriterion {
    /// Name, unique within the rubric (scores name it).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Most points for it.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub points: i32,
    /// What earns the points.
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: String,
}

/// A new assignment of a course (ADMIN).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewAssignment {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Instructions (plain text or Markdown).
    #[serde(default)]
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub instructions: String,
    /// Due time.
    pub due_at: DateTime<Utc>,
    /// Points of a perfect grade; with a rubric, its criteria must add up to it.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_points: i32,
    /// Criteria (empty: graded with a single number of points).
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub rubric: Vec<RubricCriterion>,
    /// A module of the course it belongs to.
    pub module_id: Option<Uuid>,
    /// A content item of the course (kind `assignment`) that stands for it.
    pub item_id: Option<Uuid>,
    /// Percent taken off per started day late (default 0: late work is accepted as is).
    #[serde(default)]
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub late_penalty_percent_per_day: i32,
    /// Most percent taken off for lateness (default 100).
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub late_penalty_cap_percent: Option<i32>,
    /// After this time nothing is accepted (409 `submission_closed`); at or after `due_at`.
    pub reject_after: Option<DateTime<Utc>>,
    /// Accepted media types of files (`application/pdf`, …; empty: any the store accepts).
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "media_types"))]
    #[schema(max_items = 20)]
    pub allowed_content_types: Vec<String>,
    /// Largest file accepted, in bytes.
    #[validate(range(min = 1, max = 1_073_741_824i64))]
    #[schema(minimum = 1, maximum = 1_073_741_824i64)]
    pub max_file_bytes: Option<i64>,
    /// Most files per submission (default 5; 0: text only).
    #[validate(range(min = 0, max = 20))]
    #[schema(minimum = 0, maximum = 20)]
    pub max_files: Option<i32>,
}

fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

fn media_types(values: &[String]) -> Result<(), validator::ValidationError> {
    let ok = values.iter().all(|v| {
        let mut parts = v.split('/');
        let good = |s: Option<&str>| {
            s.is_some_and(|s| {
                !s.is_empty()
                    && s.len() <= 100
                    && s.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b)
                    })
            })
        };
        good(parts.next()) && good(parts.next()) && parts.next().is_none()
    });
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("media_type")
            .with_message("must be lower-case media types like application/pdf".into()))
    }
}

/// Changes to an assignment (ADMIN); absent fields stay as they are. Submissions already
/// handed in keep the late flag and penalty they were given.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
pub struct AssignmentUpdate {
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Instructions.
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub instructions: Option<String>,
    /// Due time.
    pub due_at: Option<DateTime<Utc>>,
    /// Points of a perfect grade.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_points: Option<i32>,
    /// Criteria (replaces the rubric).
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub rubric: Option<Vec<RubricCriterion>>,
    /// Percent taken off per started day late.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub late_penalty_percent_per_day: Option<i32>,
    /// Most percent taken off for lateness.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub late_penalty_cap_percent: Option<i32>,
    /// The cutoff; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>, nullable)]
    pub reject_after: Option<Option<DateTime<Utc>>>,
    /// Accepted media types of files.
    #[validate(length(max = 20), custom(function = "media_types"))]
    #[schema(max_items = 20)]
    pub allowed_content_types: Option<Vec<String>>,
    /// Largest file accepted, in bytes.
    #[validate(range(min = 1, max = 1_073_741_824i64))]
    #[schema(minimum = 1, maximum = 1_073_741_824i64)]
    pub max_file_bytes: Option<i64>,
    /// Most files per submission.
    #[validate(range(min = 0, max = 20))]
    #[schema(minimum = 0, maximum = 20)]
    pub max_files: Option<i32>,
}

/// An assignment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentDto {
    /// Id.
    pub id: Uuid,
    /// Course.
    pub course_id: Uuid,
    /// Module.
    pub module_id: Option<Uuid>,
    /// Content item.
    pub item_id: Option<Uuid>,
    /// Title.
    pub title: String,
    /// Instructions.
    pub instructions: String,
    /// Due time.
    pub due_at: DateTime<Utc>,
    /// Points of a perfect grade.
    pub max_points: i32,
    /// Criteria.
    pub rubric: Vec<RubricCriterion>,
    /// Percent taken off per started day late.
    pub late_penalty_percent_per_day: i32,
    /// Most percent taken off for lateness.
    pub late_penalty_cap_percent: i32,
    /// Nothing accepted after this.
    pub reject_after: Option<DateTime<Utc>>,
    /// Accepted media types (empty: any).
    pub allowed_content_types: Vec<String>,
    /// Largest file accepted.
    pub max_file_bytes: Option<i64>,
    /// Most files per submission.
    pub max_files: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<assignments::Model> for AssignmentDto {
    fn from(a: assignments::Model) -> Self {
        Self {
            id: a.id,
            course_id: a.course_id,
            module_id: a.module_id,
            item_id: a.item_id,
            title: a.title,
            instructions: a.instructions,
            due_at: a.due_at,
            max_points: a.max_points,
            rubric: serde_json::from_value(a.rubric).unwrap_or_default(),
            late_penalty_percent_per_day: a.late_penalty_percent_per_day,
            late_penalty_cap_percent: a.late_penalty_cap_percent,
            reject_after: a.reject_after,
            allowed_content_types: serde_json::from_value(a.allowed_content_types)
                .unwrap_or_default(),
            max_file_bytes: a.max_file_bytes,
            max_files: a.max_files,
            created_at: a.created_at,
        }
    }
}

/// A course's assignments by due time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentList {
    /// Assignments.
    pub items: Vec<AssignmentDto>,
    /// Always null (a course has few assignments).
    pub next_cursor: Option<String>,
}

/// A file of a submission: an uploaded storage key of this platform.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct SubmittedFile {
    /// Storage key (from `POST /api/upload` or a presigned upload).
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub key: String,
    /// Display name (default: the key's last segment).
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub name: Option<String>,
}

/// A submission (Enrolled): text, files or both. Handing in again before the grade
/// replaces the previous version.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewSubmission {
    /// Text answer.
    #[validate(length(min = 1, max = 100000))]
    #[schema(min_length = 1, max_length = 100000)]
    pub text: Option<String>,
    /// Uploaded files (at most the assignment's `max_files`).
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub files: Vec<SubmittedFile>,
}

/// A file as stored with a submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StoredFile {
    /// Storage key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// Media type.
    pub content_type: String,
    /// Short-lived signed download URL (responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Points given for one rubric criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct CriterionScore {
    /// The criterion's name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub criterion: String,
    /// Points, at most the criterion's.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub points: i32,
}

/// A grade (ADMIN or the lead of the student's batch).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct GradeRequest {
    /// Points per criterion: every criterion of the rubric once (assignments with a rubric).
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub scores: Option<Vec<CriterionScore>>,
    /// Points (assignments without a rubric), at most `max_points`.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub points: Option<i32>,
    /// Feedback for the student.
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub feedback: String,
}

/// The grade of a submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GradeDto {
    /// Points per criterion.
    pub scores: Vec<CriterionScore>,
    /// Points before the late penalty.
    pub raw_score: i32,
    /// Points after the late penalty.
    pub final_score: f64,
    /// Points of a perfect grade.
    pub max_points: i32,
    /// Feedback.
    pub feedback: String,
    /// Who graded it.
    pub graded_by: Option<Uuid>,
    /// When.
    pub graded_at: DateTime<Utc>,
}

/// A submission (the current version unless said otherwise).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmissionDto {
    /// Id.
    pub id: Uuid,
    /// Assignment.
    pub assignment_id: Uuid,
    /// Student.
    pub user_id: Uuid,
    /// 1 for the first, +1 per resubmission.
    pub version: i32,
    /// `submitted`, `graded` or `superseded`.
    pub status: SubmissionStatus,
    /// Text answer.
    pub text: Option<String>,
    /// Files with signed URLs.
    pub files: Vec<StoredFile>,
    /// Handed in.
    pub submitted_at: DateTime<Utc>,
    /// Handed in after the due time.
    pub late: bool,
    /// Started days late.
    pub days_late: i32,
    /// Percent the grade loses for lateness.
    pub penalty_percent: i32,
    /// The grade, once graded.
    pub grade: Option<GradeDto>,
}

/// An assignment as the student sees it, with their current submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StudentAssignment {
    /// The assignment.
    #[serde(flatten)]
    pub assignment: AssignmentDto,
    /// The student's current submission (with the grade and feedback once graded).
    pub submission: Option<SubmissionDto>,
}

/// The course's assignments for the student, by due time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StudentAssignmentList {
    /// Assignments.
    pub items: Vec<StudentAssignment>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// A submission as a grader sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GraderSubmission {
    /// The submission.
    #[serde(flatten)]
    pub submission: SubmissionDto,
    /// The student's name.
    pub student_name: String,
    /// The student's email.
    pub student_email: String,
    /// The student's batch.
    pub batch_id: Option<Uuid>,
}

/// Current submissions of an assignment a grader may grade.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GraderSubmissionList {
    /// Submissions, oldest first.
    pub items: Vec<GraderSubmission>,
    /// Always null.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::media_types;

    #[test]
    fn media_type_lists() {
        assert!(media_types(&["application/pdf".into(), "image/png".into()]).is_ok());
        for bad in ["pdf", "Application/PDF", "a/b/c", "/x", "text/"] {
            assert!(media_types(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
