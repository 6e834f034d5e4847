//! PAP / MOU agreements through Leegality (ADR 0067). An agreement is rendered from its
//! template into a PDF ([`crate::pdf`]) stored under `{platform}/agreements/{id}.pdf`, sent
//! to Leegality for the lead's signature (`sent`), and settled by Leegality's signed webhook
//! or, when no webhook came for `CRM_AGREEMENT_STUCK_HOURS`, by asking Leegality for the
//! document's status ([`recover`]). On `signed` the signed PDF is downloaded and stored under
//! `{platform}/agreements/{id}-signed.pdf` in the transaction that marks the row, so a
//! failed download leaves the agreement `sent` for the next delivery or recovery. A webhook
//! event is applied once (`leegality_webhook_events`); a repeat is acknowledged and ignored.
//! The signer's link is a bearer credential: answered only to the agreement's author while it
//! is `sent`.

use chrono::{DateTime, Offset, Utc};
use integrations::leegality::{DocumentStatus, Invitee, Leegality};
use kernel::{
    AppError,
    audit::{self, Audit},
    auth::AuthUser,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use storage::{ObjectKey, Storage};
use uuid::Uuid;

use crate::{
    CrmError,
    dto::agreements::{AgreementDto, AgreementFilter, AgreementKind, NewAgreement, RecoveryReport},
    entities::{ActivityKind, leads},
    pdf,
    service::{
        courses, discounts,
        leads::{add_activity, visible},
    },
    settings,
};

const COLUMNS: &str = "id, platform_id, lead_id, kind, status, terms, pdf_key, signed_pdf_key, \
     document_id, signing_url, created_by, sent_at, signed_at, recovered_at, created_at";

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    platform_id: Uuid,
    lead_id: Uuid,
    kind: String,
    status: String,
    terms: Value,
    pdf_key: String,
    signed_pdf_key: Option<String>,
    document_id: Option<String>,
    signing_url: Option<String>,
    created_by: Uuid,
    sent_at: Option<DateTime<Utc>>,
    signed_at: Option<DateTime<Utc>>,
    recovered_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl Row {
    /// The agreement as `viewer` sees it: the signer's link only while the agreement is
    /// `sent` and only to its author (`created_by`, who generated it). Anyone holding
    /// the link can sign as the learner, so the rest of the desk (the owner's sales head, a
    /// CM, an admin, a later owner) gets `null`, and so does everyone once it is settled.
    fn into_dto(self, viewer: &AuthUser) -> AgreementDto {
        let signing_url = self
            .signing_url
            .filter(|_| self.status == "sent" && self.created_by == viewer.id);
        AgreementDto {
            id: self.id,
            lead_id: self.lead_id,
            kind: if self.kind == "pap" {
                AgreementKind::Pap
            } else {
                AgreementKind::Mou
            },
            status: self.status,
            terms: self.terms,
            document_id: self.document_id,
            signing_url,
            signed_pdf_stored: self.signed_pdf_key.is_some(),
            created_by: self.created_by,
            sent_at: self.sent_at,
            signed_at: self.signed_at,
            recovered_at: self.recovered_at,
            created_at: self.created_at,
        }
    }
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    condition: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Option<Row>, CrmError> {
    Ok(Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {COLUMNS} FROM lead_agreements WHERE {condition}"),
        values,
    ))
    .one(conn)
    .await?)
}

/// The agreement if the caller sees its lead, else 404.
async fn visible_agreement<C: ConnectionTrait>(
    conn: &C,
    user: &AuthUser,
    id: Uuid,
    lock: bool,
) -> Result<Row, CrmError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let row = find(
        conn,
        &format!("id = $1 AND platform_id = $2{lock}"),
        vec![id.into(), user.tenant.id.into()],
    )
    .await?
    .ok_or(CrmError::NotFound("agreement"))?;
    visible(conn, user, row.lead_id, false).await?;
    Ok(row)
}

fn key(raw: &str) -> Result<ObjectKey, CrmError> {
    Ok(ObjectKey::parse(raw).map_err(AppError::from)?)
}

/// The clauses of an agreement of `kind` for these terms, or a 422 naming the missing field.
fn clauses(kind: AgreementKind, course: &str, req: &NewAgreement) -> Result<Vec<String>, CrmError> {
    let fee = kernel::money::rupees(req.fee_paise);
    Ok(match kind {
        AgreementKind::Pap => {
            let percent = req.placement_fee_percent.ok_or_else(|| {
                CrmError::Invalid(
                    "placement_fee_percent",
                    "a PAP agreement states the share of the first year's pay".into(),
                )
            })?;
            let min = kernel::money::rupees(req.min_ctc_paise.unwrap_or(0));
            vec![
                format!("The Learner enrols in {course}. No course fee is payable on enrolment."),
                format!(
                    "Once the Learner accepts a job offer with a yearly pay (CTC) of at least INR {min}, \
                     the Learner pays {percent}% of the first year's pay, at most INR {fee}, in monthly \
                     instalments over the first twelve months of the job."
                ),
                "Nothing is payable if the Learner is not placed within twelve months of completing \
                 the course, or is placed below that pay."
                    .to_owned(),
                "The Learner tells the Provider of any job offer within fifteen days of accepting it."
                    .to_owned(),
            ]
        }
        AgreementKind::Mou => vec![
            format!("The Learner enrols in {course} for a course fee of INR {fee}."),
            "The Provider delivers the course as described on its platform; the Learner attends \
             and completes its assessments."
                .to_owned(),
            "Either party may end this understanding by written notice; fees paid are refunded \
             under the Provider's refund policy."
                .to_owned(),
        ],
    })
}

/// Checks the fee of an agreement for `course`: a course the platform sells with a price is
/// agreed at that price less the discount approved for the lead on it, or more (422 naming
/// `fee_paise`), so an agreement is no way around the discount approvals (ADR 0095). A course
/// the platform does not price is the sender's word, as a discount on a stated price is.
async fn floor<C: ConnectionTrait>(
    conn: &C,
    platform_id: Uuid,
    lead: &leads::Model,
    course: &str,
    fee_paise: i64,
) -> Result<(), CrmError> {
    let Some(priced) = courses::named(conn, platform_id, Some(course), true).await? else {
        return Ok(());
    };
    // the lead's discounts were approved on the lead's course: they count for that course only
    let lead_course = courses::named(conn, platform_id, lead.course.as_deref(), true).await?;
    let discount = if lead_course.is_some_and(|c| c.title == priced.title) {
        discounts::approved_paise(conn, lead.id).await?
    } else {
        0
    };
    let least = (priced.price_paise - discount).max(0);
    if fee_paise < least {
        return Err(CrmError::Invalid(
            "fee_paise",
            format!(
                "is below {}'s price less the lead's approved discount (INR {}): propose a discount first",
                priced.title,
                kernel::money::rupees(least)
            ),
        ));
    }
    Ok(())
}

/// Generates an agreement for a lead the caller sees: the PDF from the kind's template,
/// stored; the agreement `generated`, on the timeline and audited.
pub async fn generate(
    db: &DatabaseConnection,
    storage: &Storage,
    user: &AuthUser,
    req: NewAgreement,
) -> Result<AgreementDto, CrmError> {
    let lead = visible(db, user, req.lead_id, false).await?;
    let course = req
        .course
        .clone()
        .or(lead.course.clone())
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            CrmError::Invalid("course", "the lead has no course: name the course".into())
        })?;
    floor(db, user.tenant.id, &lead, &course, req.fee_paise).await?;
    let clauses = clauses(req.kind, &course, &req)?;
    let id = kernel::ids::new_id();
    let reference = id.to_string();
    let ist = chrono::FixedOffset::east_opt(19_800).unwrap_or_else(|| Utc.fix());
    let date = Utc::now()
        .with_timezone(&ist)
        .format("%d-%m-%Y")
        .to_string();
    let bytes = pdf::render(&pdf::AgreementText {
        title: match req.kind {
            AgreementKind::Pap => "PAY AFTER PLACEMENT AGREEMENT",
            AgreementKind::Mou => "MEMORANDUM OF UNDERSTANDING",
        },
        provider: &user.tenant.name,
        learner: &lead.full_name,
        reference: &reference,
        date: &date,
        clauses,
    });
    let pdf_key = key(&format!("{}/agreements/{id}.pdf", user.tenant.slug))?;
    storage
        .put(&pdf_key, bytes.into(), "application/pdf")
        .await
        .map_err(AppError::from)?;
    let terms = json!({
        "course": course, "fee_paise": req.fee_paise,
        "placement_fee_percent": req.placement_fee_percent, "min_ctc_paise": req.min_ctc_paise,
    });
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO lead_agreements (id, platform_id, lead_id, kind, status, terms, pdf_key, \
         created_by) VALUES ($1, $2, $3, $4, 'generated', $5, $6, $7)",
        [
            id.into(),
            user.tenant.id.into(),
            lead.id.into(),
            req.kind.as_str().into(),
            terms.clone().into(),
            pdf_key.as_str().into(),
            user.id.into(),
        ],
    ))
    .await?;
    add_activity(
        &txn,
        user.tenant.id,
        lead.id,
        ActivityKind::Agreement,
        Some(user.id),
        json!({"agreement_id": id, "action": "generated", "kind": req.kind.as_str()}),
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "lead_agreement.generated", "lead_agreement", id)
            .after(json!({"lead_id": lead.id, "kind": req.kind.as_str(), "terms": terms})),
    )
    .await?;
    let row = find(&txn, "id = $1", vec![id.into()])
        .await?
        .ok_or(CrmError::NotFound("agreement"))?;
    txn.commit().await?;
    Ok(row.into_dto(user))
}

/// Sends a `generated` agreement to Leegality for the lead's signature (the row is locked
/// meanwhile, so two clicks send once); 409 `agreement_wrong_status` otherwise.
pub async fn send(
    db: &DatabaseConnection,
    storage: &Storage,
    leegality: Option<&Leegality>,
    user: &AuthUser,
    id: Uuid,
) -> Result<AgreementDto, CrmError> {
    let client = leegality.ok_or_else(|| {
        AppError::from(integrations::provider::ProviderError::NotConfigured(
            integrations::leegality::PROVIDER,
        ))
    })?;
    let txn = db.begin().await?;
    let row = visible_agreement(&txn, user, id, true).await?;
    if row.status != "generated" {
        return Err(CrmError::AgreementStatus(row.status));
    }
    let lead = visible(&txn, user, row.lead_id, false).await?;
    let bytes = storage
        .get(&key(&row.pdf_key)?)
        .await
        .map_err(AppError::from)?
        .bytes;
    let invitee = Invitee {
        name: lead.full_name.clone(),
        email: lead.email.clone(),
        phone: lead.phone_e164.clone(),
    };
    let sent = client
        .send(
            &format!("{}-{id}.pdf", row.kind),
            &bytes,
            &invitee,
            &id.to_string(),
        )
        .await
        .map_err(|e| e.into_app_error())?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE lead_agreements SET status = 'sent', document_id = $2, signing_url = $3, \
         sent_at = now(), updated_at = now() WHERE id = $1",
        [
            id.into(),
            sent.document_id.clone().into(),
            sent.signing_url.clone().into(),
        ],
    ))
    .await?;
    add_activity(
        &txn,
        user.tenant.id,
        row.lead_id,
        ActivityKind::Agreement,
        Some(user.id),
        json!({"agreement_id": id, "action": "sent", "document_id": sent.document_id}),
    )
    .await?;
    audit::record(
        &txn,
        Audit::by(user, "lead_agreement.sent", "lead_agreement", id).change(
            json!({"status": "generated"}),
            json!({"status": "sent", "document_id": sent.document_id}),
        ),
    )
    .await?;
    let row = find(&txn, "id = $1", vec![id.into()])
        .await?
        .ok_or(CrmError::NotFound("agreement"))?;
    txn.commit().await?;
    Ok(row.into_dto(user))
}

/// One agreement the caller sees.
pub async fn get(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> Result<AgreementDto, CrmError> {
    Ok(visible_agreement(db, user, id, false).await?.into_dto(user))
}

/// The agreements of a lead the caller sees, newest first.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    filter: &AgreementFilter,
) -> Result<Vec<AgreementDto>, CrmError> {
    let Some(lead_id) = filter.lead_id else {
        return Err(CrmError::Invalid("lead_id", "name the lead".into()));
    };
    visible(db, user, lead_id, false).await?;
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {COLUMNS} FROM lead_agreements WHERE platform_id = $1 AND lead_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 100"
        ),
        [user.tenant.id.into(), lead_id.into()],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.into_dto(user)).collect())
}

/// The agreement's PDF: the signed one once stored, else the generated one.
pub async fn pdf_of(
    db: &DatabaseConnection,
    storage: &Storage,
    user: &AuthUser,
    id: Uuid,
) -> Result<(String, Vec<u8>), CrmError> {
    let row = visible_agreement(db, user, id, false).await?;
    let (raw, name) = match &row.signed_pdf_key {
        Some(k) => (k.as_str(), format!("{}-{id}-signed.pdf", row.kind)),
        None => (row.pdf_key.as_str(), format!("{}-{id}.pdf", row.kind)),
    };
    let obj = storage.get(&key(raw)?).await.map_err(AppError::from)?;
    Ok((name, obj.bytes.to_vec()))
}

/// What a webhook delivery or a recovery did to an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// Signed: the signed PDF is stored.
    Signed,
    /// Declined or expired.
    Closed,
    /// Still waiting for a signature.
    Pending,
    /// The agreement was settled already: nothing changed.
    AlreadySettled,
    /// The same event came before: nothing changed.
    Duplicate,
    /// No agreement has this document id: acknowledged, nothing changed.
    UnknownDocument,
}

/// Applies Leegality's `status` to a locked `sent` agreement inside `txn`.
async fn apply_in<C: ConnectionTrait>(
    txn: &C,
    storage: &Storage,
    client: &Leegality,
    row: &Row,
    status: DocumentStatus,
    via: &str,
) -> Result<Applied, CrmError> {
    if row.status != "sent" {
        return Ok(Applied::AlreadySettled);
    }
    let Some(document_id) = row.document_id.as_deref() else {
        return Ok(Applied::AlreadySettled);
    };
    let recovered = via == "recovery";
    let (new_status, signed_key) = match status {
        DocumentStatus::Pending => return Ok(Applied::Pending),
        DocumentStatus::Declined => ("declined", None),
        DocumentStatus::Expired => ("expired", None),
        DocumentStatus::Signed => {
            let bytes = client
                .signed_pdf(document_id)
                .await
                .map_err(|e| e.into_app_error())?;
            let signed = row.pdf_key.trim_end_matches(".pdf").to_owned() + "-signed.pdf";
            storage
                .put(&key(&signed)?, bytes.into(), "application/pdf")
                .await
                .map_err(AppError::from)?;
            ("signed", Some(signed))
        }
    };
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE lead_agreements SET status = $2, signed_pdf_key = COALESCE($3, signed_pdf_key), \
         signed_at = CASE WHEN $2 = 'signed' THEN now() ELSE signed_at END, \
         recovered_at = CASE WHEN $4 THEN now() ELSE recovered_at END, updated_at = now() \
         WHERE id = $1",
        [
            row.id.into(),
            new_status.into(),
            signed_key.into(),
            recovered.into(),
        ],
    ))
    .await?;
    add_activity(
        txn,
        row.platform_id,
        row.lead_id,
        ActivityKind::Agreement,
        None,
        json!({"agreement_id": row.id, "action": new_status, "via": via}),
    )
    .await?;
    audit::record(
        txn,
        Audit::new(
            row.platform_id,
            None,
            "lead_agreement.settled",
            "lead_agreement",
            row.id,
        )
        .change(
            json!({"status": "sent"}),
            json!({"status": new_status, "via": via}),
        ),
    )
    .await?;
    Ok(if new_status == "signed" {
        Applied::Signed
    } else {
        Applied::Closed
    })
}

/// A Leegality webhook delivery: 401 `invalid_webhook_signature` unless
/// `X-Leegality-Signature` is the HMAC of the raw body; then the event (`documentId` and
/// `status` or `event`) applied once.
pub async fn webhook(
    db: &DatabaseConnection,
    storage: &Storage,
    leegality: Option<&Leegality>,
    body: &[u8],
    signature: &str,
) -> Result<Applied, CrmError> {
    let client = leegality.ok_or_else(|| {
        AppError::from(integrations::provider::ProviderError::NotConfigured(
            integrations::leegality::PROVIDER,
        ))
    })?;
    if !client.verify_webhook(body, signature) {
        return Err(AppError::new(
            &kernel::error::codes::INVALID_WEBHOOK_SIGNATURE,
            "X-Leegality-Signature does not match the body",
        )
        .into());
    }
    let event: Value = kernel::extract::parse_json(body)?;
    let document_id = event["documentId"]
        .as_str()
        .filter(|d| !d.is_empty() && d.len() <= 200)
        .ok_or_else(|| CrmError::Invalid("documentId", "a document id is required".into()))?;
    let word = event["status"]
        .as_str()
        .or_else(|| event["event"].as_str())
        .unwrap_or_default();
    let status = DocumentStatus::parse(word);
    let event_key: String = format!("{document_id}:{}", word.trim().to_ascii_lowercase())
        .chars()
        .take(300)
        .collect();
    let txn = db.begin().await?;
    let Some(row) = find(
        &txn,
        "document_id = $1 FOR UPDATE",
        vec![document_id.into()],
    )
    .await?
    else {
        return Ok(Applied::UnknownDocument);
    };
    let fresh = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO leegality_webhook_events (event_key, agreement_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
            [event_key.into(), row.id.into()],
        ))
        .await?
        .rows_affected()
        == 1;
    if !fresh {
        return Ok(Applied::Duplicate);
    }
    let applied = apply_in(&txn, storage, client, &row, status, "webhook").await?;
    txn.commit().await?;
    Ok(applied)
}

/// Settles agreements `sent` longer than `CRM_AGREEMENT_STUCK_HOURS` without a webhook by
/// asking Leegality for each document's status (of one platform, or of every platform for
/// the periodic job); at most 100 per platform per call.
pub async fn recover(
    db: &DatabaseConnection,
    storage: &Storage,
    client: &Leegality,
    platform_id: Uuid,
) -> Result<RecoveryReport, CrmError> {
    let hours = settings::AGREEMENT_STUCK_HOURS
        .int_value(db, platform_id)
        .await?;
    let stuck: Vec<(Uuid, String)> = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, document_id FROM lead_agreements WHERE platform_id = $1 \
             AND status = 'sent' AND sent_at < now() - make_interval(hours => $2::int) \
             ORDER BY sent_at LIMIT 100",
            [platform_id.into(), hours.into()],
        ))
        .await?
        .iter()
        .map(|r| -> Result<(Uuid, String), sea_orm::DbErr> {
            Ok((r.try_get("", "id")?, r.try_get("", "document_id")?))
        })
        .collect::<Result<_, _>>()?;
    let mut report = RecoveryReport::default();
    for (id, document_id) in stuck {
        report.checked += 1;
        let status = match client.status(&document_id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(agreement_id = %id, error = %e, "Leegality status unavailable");
                report.failed += 1;
                continue;
            }
        };
        let txn = db.begin().await?;
        let Some(row) = find(&txn, "id = $1 FOR UPDATE", vec![id.into()]).await? else {
            continue;
        };
        match apply_in(&txn, storage, client, &row, status, "recovery").await {
            Ok(applied) => {
                txn.commit().await?;
                match applied {
                    Applied::Signed => report.signed += 1,
                    Applied::Closed => report.closed += 1,
                    _ => report.pending += 1,
                }
            }
            Err(e) => {
                tracing::warn!(agreement_id = %id, error = %e, "recovering an agreement failed");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// [`recover`] for an admin of the platform (audited with its report).
pub async fn recover_as_admin(
    db: &DatabaseConnection,
    storage: &Storage,
    leegality: Option<&Leegality>,
    admin: &AuthUser,
) -> Result<RecoveryReport, CrmError> {
    let client = leegality.ok_or_else(|| {
        AppError::from(integrations::provider::ProviderError::NotConfigured(
            integrations::leegality::PROVIDER,
        ))
    })?;
    let report = recover(db, storage, client, admin.tenant.id).await?;
    audit::record(
        db,
        Audit::by(
            admin,
            "lead_agreements.recovered",
            "platform",
            admin.tenant.id,
        )
        .after(serde_json::to_value(&report).unwrap_or_default()),
    )
    .await?;
    Ok(report)
}

/// [`recover`] for every platform with sent agreements (the hourly job); answers how many
/// were settled.
pub async fn recover_all(
    db: &DatabaseConnection,
    storage: &Storage,
    client: &Leegality,
) -> Result<u32, CrmError> {
    let platforms: Vec<Uuid> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT platform_id FROM lead_agreements WHERE status = 'sent'",
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<Uuid>("", "platform_id"))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let mut settled = 0;
    for platform in platforms {
        let r = recover(db, storage, client, platform).await?;
        settled += r.signed + r.closed;
    }
    Ok(settled)
}
