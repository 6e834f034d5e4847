//! `POST /api/job-posts/{id}/apply`: a candidate applies without an account. The multipart
//! form's resume part is streamed to storage as it arrives (see
//! [`crate::service::resumes`]); the small fields are read with tight limits.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use futures::{StreamExt, TryStreamExt};
use kernel::{AppError, Tenant, error::AppResult, ratelimit};
use uuid::Uuid;

use crate::{
    Hire, HireError,
    dto::applications::{ApplicationReceived, ApplyForm},
    entities::PostStatus,
    service::{
        applications, posts,
        resumes::{self, StoredResume},
    },
};

/// Room for the multipart framing and the small fields around the resume.
const FORM_OVERHEAD: usize = 96 * 1024;
/// Largest name, email or phone part.
const SMALL_FIELD_LIMIT: usize = 1024;
/// Largest `answers` part.
const ANSWERS_LIMIT: usize = 64 * 1024;
/// Most parts a form may have.
const MAX_PARTS: usize = 12;

/// Applies to an open job post (no account needed; rate-limited per client address). The
/// resume (`resume`, PDF or DOCX by content, at most `HIRE_RESUME_MAX_BYTES`) is stored by
/// its content hash. The same email applying twice to a post is 409 `duplicate_application`.
#[utoipa::path(tag = "hire",
    request_body(content = ApplyForm, content_type = "multipart/form-data",
        encoding(("resume" = (content_type = "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document")))),
    responses(
        (status = 201, body = ApplicationReceived),
        (status = 404, description = "no open post with this id", body = kernel::error::Problem),
        (status = 409, description = "`duplicate_application`, or `job_post_closed`", body = kernel::error::Problem),
        (status = 413, description = "the resume is too large (names `resume`)", body = kernel::error::Problem),
        (status = 415, description = "the resume is not a PDF or DOCX (names `resume`), or the body is not multipart", body = kernel::error::Problem),
        (status = 422, description = "a missing or invalid field (named)", body = kernel::error::Problem),
        (status = 429, body = kernel::error::Problem),
    )
)]
#[post("/{id}/apply")]
pub async fn apply(
    tenant: Tenant,
    hire: web::Data<Hire>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    form: Multipart,
) -> AppResult<HttpResponse> {
    let ctx = hire.ctx();
    let ip = ratelimit::client_ip(&req, &ctx.config.trusted_proxies);
    ratelimit::hit(
        ctx,
        &format!("hire-apply:ip:{ip}"),
        hire.config().apply_per_ip,
    )
    .await?;
    let post = posts::find(&ctx.db, tenant.id, *id).await?;
    match post.status {
        PostStatus::Open => {}
        PostStatus::Draft => return Err(HireError::NotFound("job post").into()),
        PostStatus::Closed => return Err(HireError::JobPostClosed.into()),
    }
    let max = hire.config().resume_max_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max.saturating_add(FORM_OVERHEAD)) {
        return Err(resumes::too_large(max).into());
    }

    let mut parts = Parts::default();
    let read = read_form(&hire, &tenant, form, &mut parts).await;
    let checked = read.and_then(|()| {
        let profile = applications::talent_profile(
            parts.skills.take(),
            parts.experience.take(),
            parts.location.take(),
        )?;
        applications::applicant(
            &post,
            parts.full_name.take(),
            parts.email.take(),
            parts.phone.take(),
            parts.answers.take(),
            parts.group.take(),
            (parts.consent_ai.take(), parts.pool_months.take(), profile),
        )
    });
    let outcome = match (checked, parts.resume.take()) {
        (Ok(who), Some(resume)) => {
            let received =
                applications::apply(&ctx.db, hire.storage(), &tenant, &post, who, resume).await?;
            hire.jobs().notify_committed();
            return Ok(HttpResponse::Created().json(received));
        }
        (Ok(_), None) => Err(HireError::Invalid("resume", "is required".into())),
        (Err(e), resume) => {
            if let Some(r) = resume
                && let Err(err) = hire.storage().delete(&r.key).await
            {
                tracing::warn!(key = %r.key.loggable(), error = %err, "removing a refused resume failed");
            }
            Err(e)
        }
    };
    outcome.map_err(Into::into)
}

#[derive(Default)]
struct Parts {
    full_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    answers: Option<String>,
    group: Option<String>,
    consent_ai: Option<String>,
    pool_months: Option<String>,
    skills: Option<String>,
    experience: Option<String>,
    location: Option<String>,
    resume: Option<StoredResume>,
}

async fn read_form(
    hire: &Hire,
    tenant: &Tenant,
    mut form: Multipart,
    parts: &mut Parts,
) -> Result<(), HireError> {
    let mut count = 0;
    while let Some(mut field) = form.try_next().await.map_err(form_error)? {
        count += 1;
        if count > MAX_PARTS {
            return Err(HireError::Invalid(
                "request",
                format!("a form may have at most {MAX_PARTS} parts"),
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "resume" => {
                if parts.resume.is_some() {
                    return Err(HireError::Invalid("resume", "must be given once".into()));
                }
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("resume")
                    .to_owned();
                let stream = field.map(|chunk| chunk.map_err(form_error));
                parts.resume = Some(
                    resumes::store(
                        hire.storage(),
                        &tenant.slug,
                        &filename,
                        stream,
                        hire.config().resume_max_bytes,
                    )
                    .await?,
                );
            }
            "full_name" => {
                parts.full_name = Some(text(&mut field, "full_name", SMALL_FIELD_LIMIT).await?)
            }
            "email" => parts.email = Some(text(&mut field, "email", SMALL_FIELD_LIMIT).await?),
            "phone" => parts.phone = Some(text(&mut field, "phone", SMALL_FIELD_LIMIT).await?),
            "answers" => parts.answers = Some(text(&mut field, "answers", ANSWERS_LIMIT).await?),
            "consent_ai_screening" => {
                parts.consent_ai =
                    Some(text(&mut field, "consent_ai_screening", SMALL_FIELD_LIMIT).await?);
            }
            "talent_pool_months" => {
                parts.pool_months =
                    Some(text(&mut field, "talent_pool_months", SMALL_FIELD_LIMIT).await?);
            }
            "skills" => parts.skills = Some(text(&mut field, "skills", SMALL_FIELD_LIMIT).await?),
            "experience_years" => {
                parts.experience =
                    Some(text(&mut field, "experience_years", SMALL_FIELD_LIMIT).await?);
            }
            "location" => {
                parts.location = Some(text(&mut field, "location", SMALL_FIELD_LIMIT).await?);
            }
            "self_identified_group" => {
                parts.group =
                    Some(text(&mut field, "self_identified_group", SMALL_FIELD_LIMIT).await?);
            }
            _ => {
                text(&mut field, "request", SMALL_FIELD_LIMIT).await?;
            }
        }
    }
    Ok(())
}

/// A small text part (422 naming it when longer than `limit` or not UTF-8).
async fn text(field: &mut Field, name: &'static str, limit: usize) -> Result<String, HireError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(form_error)? {
        if buf.len() + chunk.len() > limit {
            return Err(HireError::Invalid(
                name,
                format!("must be at most {limit} bytes"),
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| HireError::Invalid(name, "must be UTF-8 text".into()))
}

fn form_error(err: MultipartError) -> HireError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => HireError::App(AppError::unsupported_media_type(
            "expected Content-Type: multipart/form-data",
        )),
        other => HireError::Invalid(
            "request",
            format!("the multipart body could not be read: {other}"),
        ),
    }
}
