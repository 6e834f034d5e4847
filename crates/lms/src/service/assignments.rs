//! Assignments of a course (ADMIN): create, list, change, delete; the rubric's and late
//! rules' checks; the late penalty of a hand-in time.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::{
    dto::assignments::{AssignmentUpdate, NewAssignment, RubricCriterion},
    entities::{ItemKind, assignments, course_items, course_modules},
    error::{LmsError, violates},
    service::courses,
};

/// The assignment `id` of a course of the platform.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<assignments::Model, LmsError> {
    assignments::Entity::find_by_id(id)
        .filter(assignments::Column::PlatformId.eq(platform_id))
        .filter(assignments::Column::CourseId.eq(course_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("assignment"))
}

/// The rubric's criteria are named once each and add up to `max_points`.
fn check_rubric(rubric: &[RubricCriterion], max_points: i32) -> Result<(), LmsError> {
    let mut names = HashSet::new();
    for c in rubric {
        if !names.insert(c.name.trim().to_lowercase()) {
            return Err(LmsError::Invalid(
                "rubric",
                format!("criterion {:?} is named twice", c.name),
            ));
        }
    }
    let total: i32 = rubric.iter().map(|c| c.points).sum();
    if !rubric.is_empty() && total != max_points {
        return Err(LmsError::Invalid(
            "rubric",
            format!("the criteria add up to {total} points, max_points is {max_points}"),
        ));
    }
    Ok(())
}

fn check_cutoff(
    due_at: DateTime<Utc>,
    reject_after: Option<DateTime<Utc>>,
) -> Result<(), LmsError> {
    if reject_after.is_some_and(|r| r < due_at) {
        return Err(LmsError::Invalid(
            "reject_after",
            "must be at or after due_at".into(),
        ));
    }
    Ok(())
}

async fn check_placement<C: ConnectionTrait>(
    conn: &C,
    course_id: Uuid,
    module_id: Option<Uuid>,
    item_id: Option<Uuid>,
) -> Result<(), LmsError> {
    if let Some(m) = module_id {
        course_modules::Entity::find_by_id(m)
            .filter(course_modules::Column::CourseId.eq(course_id))
            .one(conn)
            .await?
            .ok_or_else(|| {
                LmsError::Invalid("module_id", "no such module of this course".into())
            })?;
    }
    if let Some(i) = item_id {
        let item = course_items::Entity::find_by_id(i)
            .filter(course_items::Column::CourseId.eq(course_id))
            .one(conn)
            .await?
            .ok_or_else(|| LmsError::Invalid("item_id", "no such item of this course".into()))?;
        if item.kind != ItemKind::Assignment {
            return Err(LmsError::Invalid(
                "item_id",
                "must be an item of kind assignment".into(),
            ));
        }
    }
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Creates an assignment of a course of the platform.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    course_id: Uuid,
    req: NewAssignment,
) -> Result<assignments::Model, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    check_rubric(&req.rubric, req.max_points)?;
    check_cutoff(req.due_at, req.reject_after)?;
    check_placement(conn, course_id, req.module_id, req.item_id).await?;
    let now = Utc::now();
    let rubric: Vec<RubricCriterion> = req
        .rubric
        .into_iter()
        .map(|c| RubricCriterion {
            name: c.name.trim().to_owned(),
            ..c
        })
        .collect();
    Ok(assignments::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        course_id: Set(course_id),
        module_id: Set(req.module_id),
        item_id: Set(req.item_id),
        title: Set(req.title.trim().to_owned()),
        instructions: Set(req.instructions),
        due_at: Set(req.due_at),
        max_points: Set(req.max_points),
        rubric: Set(json(&rubric)),
        late_penalty_percent_per_day: Set(req.late_penalty_percent_per_day),
        late_penalty_cap_percent: Set(req.late_penalty_cap_percent.unwrap_or(100)),
        reject_after: Set(req.reject_after),
        allowed_content_types: Set(json(&req.allowed_content_types)),
        max_file_bytes: Set(req.max_file_bytes),
        max_files: Set(req.max_files.unwrap_or(5)),
        created_by: Set(Some(admin_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?)
}

/// A course's assignments by due time.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
) -> Result<Vec<assignments::Model>, LmsError> {
    courses::find(conn, platform_id, course_id).await?;
    Ok(assignments::Entity::find()
        .filter(assignments::Column::PlatformId.eq(platform_id))
        .filter(assignments::Column::CourseId.eq(course_id))
        .order_by_asc(assignments::Column::DueAt)
        .order_by_asc(assignments::Column::Id)
        .all(conn)
        .await?)
}

/// Applies an update (the rubric and the cutoff are checked against the result).
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
    req: AssignmentUpdate,
) -> Result<assignments::Model, LmsError> {
    let a = find(conn, platform_id, course_id, id).await?;
    let max_points = req.max_points.unwrap_or(a.max_points);
    let rubric: Vec<RubricCriterion> = match &req.rubric {
        Some(r) => r.clone(),
        None => serde_json::from_value(a.rubric.clone()).unwrap_or_default(),
    };
    check_rubric(&rubric, max_points)?;
    let due_at = req.due_at.unwrap_or(a.due_at);
    let reject_after = req.reject_after.unwrap_or(a.reject_after);
    check_cutoff(due_at, reject_after)?;
    let mut active: assignments::ActiveModel = a.into();
    if let Some(v) = req.title {
        active.title = Set(v.trim().to_owned());
    }
    if let Some(v) = req.instructions {
        active.instructions = Set(v);
    }
    if let Some(v) = req.late_penalty_percent_per_day {
        active.late_penalty_percent_per_day = Set(v);
    }
    if let Some(v) = req.late_penalty_cap_percent {
        active.late_penalty_cap_percent = Set(v);
    }
    if let Some(v) = req.allowed_content_types {
        active.allowed_content_types = Set(json(&v));
    }
    if let Some(v) = req.max_file_bytes {
        active.max_file_bytes = Set(Some(v));
    }
    if let Some(v) = req.max_files {
        active.max_files = Set(v);
    }
    active.max_points = Set(max_points);
    active.rubric = Set(json(&rubric));
    active.due_at = Set(due_at);
    active.reject_after = Set(reject_after);
    active.updated_at = Set(Utc::now());
    Ok(active.update(conn).await?)
}

/// Deletes an assignment without submissions (409 `assignment_has_submissions` otherwise).
pub async fn delete<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    course_id: Uuid,
    id: Uuid,
) -> Result<(), LmsError> {
    let a = find(conn, platform_id, course_id, id).await?;
    a.delete(conn).await.map_err(|e| {
        if violates(&e, "assignment_submissions_assignment_id_fkey") {
            LmsError::AssignmentHasSubmissions
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Lateness of a hand-in at `at`: (late, started days late, penalty percent).
pub fn lateness(a: &assignments::Model, at: DateTime<Utc>) -> (bool, i32, i32) {
    if at <= a.due_at {
        return (false, 0, 0);
    }
    let seconds = (at - a.due_at).num_seconds();
    let days = i32::try_from((seconds + 86_399) / 86_400).unwrap_or(i32::MAX);
    let penalty = days
        .saturating_mul(a.late_penalty_percent_per_day)
        .min(a.late_penalty_cap_percent)
        .clamp(0, 100);
    (true, days, penalty)
}

/// The score after a late penalty, to two decimals.
pub fn after_penalty(raw: i32, penalty_percent: i32) -> f64 {
    // hundredths of a point, exact in integers; one division at the end
    let hundredths = raw.saturating_mul(100 - penalty_percent.clamp(0, 100));
    f64::from(hundredths) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn assignment(per_day: i32, cap: i32) -> assignments::Model {
        let now = Utc::now();
        assignments::Model {
            id: Uuid::nil(),
            platform_id: Uuid::nil(),
            course_id: Uuid::nil(),
            module_id: None,
            item_id: None,
            title: "t".into(),
            instructions: String::new(),
            due_at: now,
            max_points: 10,
            rubric: serde_json::json!([]),
            late_penalty_percent_per_day: per_day,
            late_penalty_cap_percent: cap,
            reject_after: None,
            allowed_content_types: serde_json::json!([]),
            max_file_bytes: None,
            max_files: 5,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn started_days_count_and_the_cap_holds() {
        let a = assignment(10, 25);
        assert_eq!(lateness(&a, a.due_at), (false, 0, 0));
        assert_eq!(lateness(&a, a.due_at + Duration::minutes(1)), (true, 1, 10));
        assert_eq!(lateness(&a, a.due_at + Duration::hours(25)), (true, 2, 20));
        assert_eq!(lateness(&a, a.due_at + Duration::days(9)), (true, 9, 25));
        let free = assignment(0, 100);
        assert_eq!(
            lateness(&free, free.due_at + Duration::days(3)),
            (true, 3, 0)
        );
    }

    #[test]
    fn penalties_round_to_hundredths() {
        assert!((after_penalty(7, 10) - 6.3).abs() < 1e-9);
        assert!((after_penalty(10, 0) - 10.0).abs() < 1e-9);
        assert!((after_penalty(3, 33) - 2.01).abs() < 1e-9);
    }
}
