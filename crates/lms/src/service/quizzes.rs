//! Quizzes (ADMIN): create from questions of the bank, read, list.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{
    dto::quizzes::{NewQuiz, QuizDto},
    entities::{ReviewPolicy, questions, quiz_questions, quizzes},
    error::LmsError,
    service::courses,
};

/// The quiz `id` of the platform.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<quizzes::Model, LmsError> {
    quizzes::Entity::find_by_id(id)
        .filter(quizzes::Column::PlatformId.eq(platform_id))
        .one(conn)
        .await?
        .ok_or(LmsError::NotFound("quiz"))
}

/// The quiz's question ids in order.
pub async fn question_ids<C: ConnectionTrait>(
    conn: &C,
    quiz_id: Uuid,
) -> Result<Vec<Uuid>, LmsError> {
    Ok(quiz_questions::Entity::find()
        .filter(quiz_questions::Column::QuizId.eq(quiz_id))
        .order_by_asc(quiz_questions::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|q| q.question_id)
        .collect())
}

/// Creates a quiz with its questions (in the caller's transaction).
pub async fn create_in<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    admin_id: Uuid,
    req: NewQuiz,
) -> Result<QuizDto, LmsError> {
    if let Some(course) = req.course_id {
        courses::find(conn, platform_id, course)
            .await
            .map_err(|_| {
                LmsError::Invalid("course_id", "no such course on this platform".into())
            })?;
    }
    let distinct: HashSet<Uuid> = req.question_ids.iter().copied().collect();
    if distinct.len() != req.question_ids.len() {
        return Err(LmsError::Invalid(
            "question_ids",
            "a question appears twice".into(),
        ));
    }
    let found = questions::Entity::find()
        .filter(questions::Column::PlatformId.eq(platform_id))
        .filter(questions::Column::Id.is_in(req.question_ids.clone()))
        .count(conn)
        .await?;
    if found != req.question_ids.len() as u64 {
        return Err(LmsError::Invalid(
            "question_ids",
            "every id must be a question of this platform's bank".into(),
        ));
    }
    let review_policy = req.review_policy.unwrap_or(ReviewPolicy::ScoreOnly);
    if review_policy == ReviewPolicy::AnswersAfterClose && req.closes_at.is_none() {
        return Err(LmsError::Invalid(
            "review_policy",
            "answers_after_close needs closes_at".into(),
        ));
    }
    let now = Utc::now();
    let quiz = quizzes::ActiveModel {
        id: Set(kernel::ids::new_id()),
        platform_id: Set(platform_id),
        course_id: Set(req.course_id),
        title: Set(req.title.trim().to_owned()),
        duration_seconds: Set(req.duration_seconds),
        max_attempts: Set(req.max_attempts),
        pass_percent: Set(req.pass_percent),
        shuffle_questions: Set(req.shuffle_questions),
        shuffle_options: Set(req.shuffle_options),
        closes_at: Set(req.closes_at),
        close_clamps_deadline: Set(req.close_clamps_deadline.unwrap_or(true)),
        review_policy: Set(review_policy),
        created_by: Set(Some(admin_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    let rows: Vec<quiz_questions::ActiveModel> = req
        .question_ids
        .iter()
        .enumerate()
        .map(|(i, q)| quiz_questions::ActiveModel {
            quiz_id: Set(quiz.id),
            question_id: Set(*q),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        })
        .collect();
    quiz_questions::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(QuizDto::new(quiz, req.question_ids))
}

/// The quiz with its questions.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    id: Uuid,
) -> Result<QuizDto, LmsError> {
    let quiz = find(conn, platform_id, id).await?;
    let ids = question_ids(conn, quiz.id).await?;
    Ok(QuizDto::new(quiz, ids))
}

/// A page of the platform's quizzes, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<QuizDto>, LmsError> {
    let mut q = quizzes::Entity::find().filter(quizzes::Column::PlatformId.eq(platform_id));
    if let Some((at, id)) = after {
        q = q.filter(
            sea_orm::Condition::any()
                .add(quizzes::Column::CreatedAt.lt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(quizzes::Column::CreatedAt.eq(at))
                        .add(quizzes::Column::Id.lt(id)),
                ),
        );
    }
    let rows = q
        .order_by_desc(quizzes::Column::CreatedAt)
        .order_by_desc(quizzes::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    // the questions of the page in one statement
    let links = quiz_questions::Entity::find()
        .filter(quiz_questions::Column::QuizId.is_in(rows.iter().map(|q| q.id)))
        .order_by_asc(quiz_questions::Column::Position)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|quiz| {
            let ids = links
                .iter()
                .filter(|l| l.quiz_id == quiz.id)
                .map(|l| l.question_id)
                .collect();
            QuizDto::new(quiz, ids)
        })
        .collect())
}

/// [`create_in`] in its own transaction.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    platform_id: Uuid,
    admin_id: Uuid,
    req: NewQuiz,
) -> Result<QuizDto, LmsError> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let out = create_in(&txn, platform_id, admin_id, req).await?;
    txn.commit().await?;
    Ok(out)
}
