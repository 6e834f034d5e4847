//! The route table: every mounted route (from `/api/openapi.json`) with the permission it
//! requires, or public on purpose. One test checks the table against the document (a new
//! route without an entry fails, and so does an entry whose route is gone); another calls
//! every route as anonymous, as a plain USER and as the required role, expecting
//! 401 / 403 / neither.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use kernel::auth::{Capability, Role};
use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};
use testkit::{TestApp, TestOptions, TestResponse, spawn_app_with};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Public by design (probes, sign-in endpoints, the OAuth callback).
    Public,
    /// Public by design, the credential is a secret or signature in the request itself
    /// (signed URLs, webhook secrets): anonymous gets this 401/403 code, and a bearer
    /// token changes nothing.
    Secret(&'static str),
    /// Any signed-in user of the platform.
    User,
    /// ADMIN or SUPERADMIN.
    Admin,
    /// SUPERADMIN only.
    SuperAdmin,
    /// SALES or admin.
    Sales,
    /// EXPERT (approved mentor) or admin.
    Expert,
    /// The finance capability or admin.
    Finance,
    /// The HR capability or admin (`Require<Hr>`).
    Hr,
    /// The batch-lead capability or admin (`Require<BatchLead>`; the route then checks
    /// the caller leads the batch concerned).
    BatchLead,
    /// The super-mentor capability or admin (`Require<SuperMentor>`).
    SuperMentor,
    /// The community-manager capability or admin (`Require<CommunityManager>`).
    Cm,
    /// A vendor's `X-API-Key`.
    Vendor,
    /// A student enrolled in the course of the path (`kernel::auth::Enrolled`): a plain
    /// USER gets 403 `not_enrolled`; admins pass.
    Enrolled,
    /// A server-rendered ops page (HTML 401 sign-in page / 403 page): SUPERADMIN or the
    /// ops capability, never a plain ADMIN.
    AdminPage,
}

use Access::*;

/// Every route and its permission. Keep sorted by path, then method.
pub(crate) const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/admin/queues", AdminPage),
    ("GET", "/admin/queues/{queue}", AdminPage),
    ("POST", "/admin/queues/{queue}/actions", AdminPage),
    ("POST", "/admin/session", Public),
    ("POST", "/admin/session/logout", Public),
    ("GET", "/api/admin/agent-config/{agent}", Admin),
    ("PUT", "/api/admin/agent-config/{agent}", Admin),
    ("GET", "/api/admin/ai-calls", Admin),
    ("GET", "/api/admin/ai-usage", Admin),
    ("GET", "/api/admin/audit-log", Admin),
    ("POST", "/api/admin/candidate-merges/{id}/undo", Hr),
    ("GET", "/api/admin/candidates/duplicates", Hr),
    ("DELETE", "/api/admin/candidates/{id}", Hr),
    ("GET", "/api/admin/candidates/{id}/export", Hr),
    ("POST", "/api/admin/candidates/{id}/merge", Hr),
    ("POST", "/api/admin/course-enrollments", Admin),
    ("PUT", "/api/admin/course-enrollments/{id}/batch", Admin),
    ("GET", "/api/admin/courses", Admin),
    ("POST", "/api/admin/courses", Admin),
    ("GET", "/api/admin/courses/{id}", Admin),
    ("PATCH", "/api/admin/courses/{id}", Admin),
    ("GET", "/api/admin/courses/{id}/assignments", Admin),
    ("POST", "/api/admin/courses/{id}/assignments", Admin),
    (
        "DELETE",
        "/api/admin/courses/{id}/assignments/{assignment_id}",
        Admin,
    ),
    (
        "PATCH",
        "/api/admin/courses/{id}/assignments/{assignment_id}",
        Admin,
    ),
    ("GET", "/api/admin/courses/{id}/batches", Admin),
    ("POST", "/api/admin/courses/{id}/batches", Admin),
    ("GET", "/api/admin/courses/{id}/live-classes", Admin),
    ("POST", "/api/admin/courses/{id}/live-classes", Admin),
    (
        "DELETE",
        "/api/admin/courses/{id}/live-classes/{class_id}",
        Admin,
    ),
    (
        "PATCH",
        "/api/admin/courses/{id}/live-classes/{class_id}",
        Admin,
    ),
    (
        "GET",
        "/api/admin/courses/{id}/live-classes/{class_id}/attendance",
        Admin,
    ),
    ("POST", "/api/admin/courses/{id}/modules", Admin),
    (
        "POST",
        "/api/admin/courses/{id}/modules/{module_id}/items",
        Admin,
    ),
    ("GET", "/api/admin/credentials", Admin),
    ("PUT", "/api/admin/credentials/{name}", Admin),
    ("GET", "/api/admin/job-applications", Hr),
    ("POST", "/api/admin/job-applications/bulk-stage", Hr),
    ("GET", "/api/admin/job-applications/{id}", Hr),
    (
        "POST",
        "/api/admin/job-applications/{id}/human-review/resolve",
        Hr,
    ),
    ("POST", "/api/admin/job-applications/{id}/notes", Hr),
    ("PUT", "/api/admin/job-applications/{id}/rating", Hr),
    ("GET", "/api/admin/job-applications/{id}/quizzes", Hr),
    ("POST", "/api/admin/job-applications/{id}/quizzes", Hr),
    ("GET", "/api/admin/job-applications/{id}/resume", Hr),
    ("GET", "/api/admin/job-applications/{id}/scorecards", Hr),
    (
        "PUT",
        "/api/admin/job-applications/{id}/scorecards/{stage}",
        Hr,
    ),
    ("POST", "/api/admin/job-applications/{id}/stage", Hr),
    (
        "GET",
        "/api/admin/job-applications/{id}/voice-interviews",
        Hr,
    ),
    (
        "POST",
        "/api/admin/job-applications/{id}/voice-interviews",
        Hr,
    ),
    ("GET", "/api/admin/job-posts", Hr),
    ("POST", "/api/admin/job-posts", Hr),
    ("GET", "/api/admin/job-posts/{id}", Hr),
    ("PATCH", "/api/admin/job-posts/{id}", Hr),
    ("GET", "/api/admin/job-posts/{id}/adverse-impact", Hr),
    ("GET", "/api/admin/job-templates", Hr),
    ("POST", "/api/admin/job-templates", Hr),
    ("PATCH", "/api/admin/job-templates/{id}", Hr),
    ("POST", "/api/admin/job-templates/{id}/archive", Hr),
    ("GET", "/api/admin/stage-templates", Hr),
    ("PUT", "/api/admin/stage-templates/{family}", Hr),
    ("POST", "/api/admin/crm/agreements/recover", Admin),
    ("GET", "/api/admin/crm/agents", Admin),
    ("GET", "/api/admin/crm/targets", Admin),
    ("POST", "/api/admin/crm/targets", Admin),
    ("GET", "/api/admin/crm/assignment-rules", Admin),
    ("POST", "/api/admin/crm/assignment-rules", Admin),
    ("DELETE", "/api/admin/crm/assignment-rules/{id}", Admin),
    ("PUT", "/api/admin/crm/agents/{user_id}", Admin),
    ("POST", "/api/admin/crm/teams", Admin),
    ("POST", "/api/admin/crm/teams/{id}/members", Admin),
    ("GET", "/api/admin/crm/vendor-quality", Admin),
    ("GET", "/api/admin/crm/whatsapp-templates", Admin),
    ("PUT", "/api/admin/crm/whatsapp-templates", Admin),
    ("GET", "/api/admin/finance/supplier", Admin),
    ("PUT", "/api/admin/finance/supplier", Admin),
    ("GET", "/api/admin/learners/{user_id}/accommodations", Admin),
    ("PUT", "/api/admin/learners/{user_id}/accommodations", Admin),
    ("GET", "/api/admin/meetings", Admin),
    ("GET", "/api/admin/meetings/{id}/log", Admin),
    ("POST", "/api/admin/mentors/{id}/approve", Admin),
    ("GET", "/api/admin/payouts", Finance),
    ("POST", "/api/admin/payouts/{id}/approve", Finance),
    ("POST", "/api/admin/payouts/{id}/mark-paid", Finance),
    ("POST", "/api/admin/payouts/{id}/reject", Finance),
    ("GET", "/api/admin/platforms", Admin),
    ("POST", "/api/admin/platforms", SuperAdmin),
    ("PATCH", "/api/admin/platforms/{slug}", SuperAdmin),
    ("GET", "/api/admin/queues", SuperAdmin),
    ("GET", "/api/admin/queues/{queue}", SuperAdmin),
    ("POST", "/api/admin/queues/{queue}/clean", SuperAdmin),
    ("GET", "/api/admin/queues/{queue}/dead-letters", SuperAdmin),
    (
        "POST",
        "/api/admin/queues/{queue}/dead-letters/replay",
        SuperAdmin,
    ),
    (
        "POST",
        "/api/admin/queues/{queue}/dead-letters/{job_id}/replay",
        SuperAdmin,
    ),
    ("GET", "/api/admin/queues/{queue}/jobs", SuperAdmin),
    ("GET", "/api/admin/queues/{queue}/jobs/{job_id}", SuperAdmin),
    (
        "DELETE",
        "/api/admin/queues/{queue}/jobs/{job_id}",
        SuperAdmin,
    ),
    (
        "POST",
        "/api/admin/queues/{queue}/jobs/{job_id}/retry",
        SuperAdmin,
    ),
    ("POST", "/api/admin/queues/{queue}/pause", SuperAdmin),
    ("POST", "/api/admin/queues/{queue}/resume", SuperAdmin),
    ("POST", "/api/admin/queues/{queue}/retry", SuperAdmin),
    ("GET", "/api/admin/students/{user_id}/documents", Admin),
    ("GET", "/api/admin/quiz-invites/{id}", Admin),
    ("GET", "/api/admin/quizzes", Admin),
    ("POST", "/api/admin/quizzes", Admin),
    ("GET", "/api/admin/quizzes/{id}", Admin),
    ("GET", "/api/admin/quizzes/{id}/attempts", Admin),
    ("POST", "/api/admin/quizzes/{id}/invites", Admin),
    ("GET", "/api/admin/resume-analysis/{application_id}", Hr),
    (
        "PUT",
        "/api/admin/resume-analysis/{application_id}/override",
        Hr,
    ),
    ("GET", "/api/admin/screening-config", Hr),
    ("PUT", "/api/admin/screening-config", Hr),
    ("GET", "/api/admin/token-packs", Admin),
    ("POST", "/api/admin/token-packs", Admin),
    ("PATCH", "/api/admin/token-packs/{id}", Admin),
    ("POST", "/api/admin/tokens/corrections", Admin),
    ("POST", "/api/admin/tokens/grant", Admin),
    ("GET", "/api/admin/tokens/reconcile", Admin),
    ("GET", "/api/admin/users", Admin),
    ("GET", "/api/admin/users/{id}", Admin),
    ("PATCH", "/api/admin/users/{id}", Admin),
    ("POST", "/api/admin/users/{id}/reactivate", Admin),
    ("POST", "/api/admin/users/{id}/suspend", Admin),
    ("GET", "/api/admin/vendors", Admin),
    ("POST", "/api/admin/vendors", Admin),
    ("POST", "/api/admin/vendors/{id}/revoke", Admin),
    ("POST", "/api/admin/workflows", Admin),
    ("PUT", "/api/admin/workflows/{id}", Admin),
    ("POST", "/api/admin/workflows/{id}/publish", Admin),
    ("GET", "/api/admin/workflows/{id}/runs", Admin),
    ("POST", "/api/admin/workflows/{id}/runs/{rid}/cancel", Admin),
    ("POST", "/api/admin/workflows/{id}/runs/{rid}/retry", Admin),
    ("POST", "/api/ai/complete", Admin),
    // or the user themself (a plain USER asking for another user's profile is refused)
    ("GET", "/api/ai/student-profile/{user_id}", Admin),
    ("GET", "/api/auth/google", Public),
    ("POST", "/api/auth/login", Public),
    ("POST", "/api/auth/logout", Public),
    ("GET", "/api/auth/me", User),
    ("PATCH", "/api/auth/me", User),
    ("POST", "/api/auth/otp/request", Public),
    ("POST", "/api/auth/otp/verify", Public),
    ("POST", "/api/auth/password/change", User),
    ("POST", "/api/auth/password/forgot", Public),
    ("POST", "/api/auth/password/reset", Public),
    ("POST", "/api/auth/refresh", Public),
    ("POST", "/api/auth/signup", Public),
    ("GET", "/api/bookings/me", User),
    ("POST", "/api/bookings/{id}/cancel", User),
    ("POST", "/api/bookings/{id}/reschedule", User),
    ("GET", "/api/course-enrollment/orders", User),
    ("POST", "/api/course-enrollment/orders", User),
    ("POST", "/api/course-enrollment/orders/verify", User),
    (
        "GET",
        "/api/candidate-quiz/{token}",
        Secret("invalid_token"),
    ),
    (
        "PUT",
        "/api/candidate-quiz/{token}/answers/{question_id}",
        Secret("invalid_token"),
    ),
    (
        "POST",
        "/api/candidate-quiz/{token}/start",
        Secret("invalid_token"),
    ),
    (
        "POST",
        "/api/candidate-quiz/{token}/submit",
        Secret("invalid_token"),
    ),
    ("GET", "/api/courses", Public),
    ("GET", "/api/courses/{slug}", Public),
    ("POST", "/api/credential-proxy/{provider}", Admin),
    ("GET", "/api/bulk-upload", Admin),
    ("GET", "/api/bulk-upload/kinds", Admin),
    ("POST", "/api/bulk-upload/kinds/{kind}", Admin),
    ("GET", "/api/bulk-upload/kinds/{kind}/template", Admin),
    ("GET", "/api/bulk-upload/{id}", Admin),
    ("GET", "/api/bulk-upload/{id}/errors", Admin),
    ("POST", "/api/bulk-upload/{id}/start", Admin),
    ("POST", "/api/exotel/call", Sales),
    ("GET", "/api/exotel/calls", Sales),
    ("POST", "/api/exotel/sms", Sales),
    ("GET", "/api/ezexam/exams", Admin),
    ("GET", "/api/ezexam/exams/{exam_id}/results", Admin),
    ("GET", "/api/ezexam/sync-configs", Admin),
    ("POST", "/api/ezexam/sync-configs", Admin),
    ("DELETE", "/api/ezexam/sync-configs/{id}", Admin),
    ("GET", "/api/ezexam/sync-configs/{id}", Admin),
    ("PATCH", "/api/ezexam/sync-configs/{id}", Admin),
    ("POST", "/api/ezexam/sync-configs/{id}/run", Admin),
    ("GET", "/api/ezexam/sync-configs/{id}/runs", Admin),
    ("GET", "/api/finance/billing-profile", User),
    ("PUT", "/api/finance/billing-profile", User),
    ("POST", "/api/finance/costs", Finance),
    ("GET", "/api/finance/credit-notes/{id}/pdf", Finance),
    ("POST", "/api/finance/einvoices/{id}/cancel", Finance),
    ("GET", "/api/finance/invoices", Finance),
    ("GET", "/api/finance/invoices/{id}", Finance),
    ("GET", "/api/finance/invoices/{id}/credit-notes", Finance),
    ("GET", "/api/finance/invoices/{id}/einvoice", Finance),
    ("GET", "/api/finance/invoices/{id}/pdf", Finance),
    ("GET", "/api/finance/my-credit-notes/{id}/pdf", User),
    ("GET", "/api/finance/my-invoices", User),
    ("GET", "/api/finance/my-invoices/{id}", User),
    ("GET", "/api/finance/my-invoices/{id}/credit-notes", User),
    ("GET", "/api/finance/my-invoices/{id}/pdf", User),
    ("POST", "/api/finance/refunds", Finance),
    ("GET", "/api/finance/reports/gst", Finance),
    ("GET", "/api/finance/reports/ledger", Finance),
    ("GET", "/api/finance/reports/payouts", Finance),
    ("GET", "/api/finance/reports/pipeline-cost", Finance),
    ("GET", "/api/finance/reports/reconciliation", Finance),
    ("GET", "/api/finance/reports/sales", Finance),
    ("GET", "/api/google-calendar/callback", Public),
    ("GET", "/api/google-calendar/connect", Expert),
    ("DELETE", "/api/google-calendar/connection", Expert),
    ("GET", "/api/google-calendar/status", Expert),
    ("DELETE", "/api/google-drive-connector", User),
    ("GET", "/api/google-drive-connector/callback", User),
    ("POST", "/api/google-drive-connector/connect", User),
    ("GET", "/api/google-drive-connector/files", User),
    (
        "POST",
        "/api/google-drive-connector/files/{id}/import",
        User,
    ),
    ("GET", "/api/google-drive-connector/status", User),
    (
        "GET",
        "/api/grading/assignments/{id}/submissions",
        BatchLead,
    ),
    ("POST", "/api/grading/submissions/{id}/grade", BatchLead),
    ("GET", "/api/graphy/courses", Admin),
    ("GET", "/api/graphy/learners", Admin),
    ("GET", "/api/graphy/sync-configs", Admin),
    ("POST", "/api/graphy/sync-configs", Admin),
    ("DELETE", "/api/graphy/sync-configs/{id}", Admin),
    ("GET", "/api/graphy/sync-configs/{id}", Admin),
    ("PATCH", "/api/graphy/sync-configs/{id}", Admin),
    ("POST", "/api/graphy/sync-configs/{id}/run", Admin),
    ("GET", "/api/graphy/sync-configs/{id}/runs", Admin),
    ("GET", "/api/health", Public),
    ("GET", "/api/health/ready", Public),
    ("POST", "/api/human-review/{token}", Secret("invalid_token")),
    ("GET", "/api/job-posts", Public),
    ("GET", "/api/job-posts/{id}", Public),
    ("POST", "/api/job-posts/{id}/apply", Public),
    ("GET", "/api/judge0/languages", User),
    ("POST", "/api/judge0/submissions", User),
    ("POST", "/api/leads/capture", Public),
    (
        "GET",
        "/api/meetings/complete-by-link",
        Secret("invalid_token"),
    ),
    (
        "POST",
        "/api/meetings/complete-by-link",
        Secret("invalid_token"),
    ),
    ("GET", "/api/meetings/{id}", User),
    ("POST", "/api/meetings/{id}/complete", User),
    ("POST", "/api/meetings/{id}/feedback", User),
    ("GET", "/api/meetings/{id}/join", User),
    ("GET", "/api/meetings/{id}/recordings", User),
    ("POST", "/api/meetings/{id}/recordings", User),
    ("POST", "/api/meetings/{id}/recordings/{rid}/complete", User),
    ("GET", "/api/mentor-earnings/me", Expert),
    ("GET", "/api/mentor-earnings/me/periods", Expert),
    ("GET", "/api/mentor-earnings/payouts", Expert),
    ("POST", "/api/mentor-earnings/payouts", Expert),
    ("GET", "/api/mentors", Public),
    ("GET", "/api/mentors/me", User),
    ("POST", "/api/mentors/me", User),
    ("GET", "/api/mentors/me/availability-rules", Expert),
    ("POST", "/api/mentors/me/availability-rules", Expert),
    ("DELETE", "/api/mentors/me/availability-rules/{id}", Expert),
    ("GET", "/api/mentors/me/bookings", Expert),
    ("POST", "/api/mentors/me/slots", Expert),
    ("DELETE", "/api/mentors/me/slots/{id}", Expert),
    ("PATCH", "/api/mentors/me/slots/{id}", Expert),
    ("GET", "/api/mentors/{id}", Public),
    ("GET", "/api/mentors/{id}/slots", Public),
    ("GET", "/api/miss-ozone/calls", Admin),
    ("POST", "/api/miss-ozone/calls", Admin),
    ("GET", "/api/miss-ozone/calls/{id}", Admin),
    ("POST", "/api/miss-ozone/calls/{id}/cancel", Admin),
    ("GET", "/api/miss-ozone/configs", Admin),
    ("POST", "/api/miss-ozone/configs", Admin),
    ("PATCH", "/api/miss-ozone/configs/{id}", Admin),
    ("GET", "/api/miss-ozone/my-calls", User),
    ("GET", "/api/notifications", User),
    ("POST", "/api/notifications/read-all", User),
    ("GET", "/api/notifications/unread-count", User),
    ("POST", "/api/notifications/{id}/read", User),
    ("GET", "/api/placement-score/me", User),
    // HR (or admin) or a batch lead; the route then checks the lead leads the student
    ("GET", "/api/placement-score/{user_id}", Hr),
    ("GET", "/api/platform", Public),
    ("GET", "/api/question-bank", Admin),
    ("POST", "/api/question-bank", Admin),
    ("GET", "/api/question-bank/{id}", Admin),
    ("PATCH", "/api/question-bank/{id}", Admin),
    ("GET", "/api/quiz-attempts/{id}", User),
    ("PUT", "/api/quiz-attempts/{id}/answers/{question_id}", User),
    ("POST", "/api/quiz-attempts/{id}/submit", User),
    ("GET", "/api/quizzes/{id}", User),
    ("POST", "/api/quizzes/{id}/attempts", User),
    ("GET", "/api/salary-benchmark", Hr),
    ("POST", "/api/salary-benchmark/refresh", Hr),
    ("GET", "/api/salary-benchmark/sources", Hr),
    ("PUT", "/api/salary-benchmark/sources", Hr),
    ("GET", "/api/sales/agreements", Sales),
    ("POST", "/api/sales/agreements", Sales),
    ("GET", "/api/sales/agreements/{id}", Sales),
    ("GET", "/api/sales/agreements/{id}/pdf", Sales),
    ("POST", "/api/sales/agreements/{id}/send", Sales),
    ("GET", "/api/sales/dashboard", Sales),
    ("GET", "/api/sales/discounts", Sales),
    ("POST", "/api/sales/discounts", Sales),
    ("POST", "/api/sales/discounts/{id}/approve", Sales),
    ("POST", "/api/sales/discounts/{id}/reject", Sales),
    ("GET", "/api/sales/leads", Sales),
    ("GET", "/api/sales/leads/{id}", Sales),
    ("POST", "/api/sales/leads/{id}/assign", Sales),
    ("POST", "/api/sales/leads/{id}/call", Sales),
    ("POST", "/api/sales/leads/{id}/merge", Sales),
    ("POST", "/api/sales/leads/{id}/notes", Sales),
    ("PUT", "/api/sales/leads/{id}/preferences", Sales),
    ("POST", "/api/sales/leads/{id}/stage", Sales),
    ("POST", "/api/sales/leads/{id}/tasks", Sales),
    ("POST", "/api/sales/leads/{id}/unmerge", Sales),
    ("POST", "/api/slots/{id}/book", User),
    ("GET", "/api/storage/{key}", Secret("invalid_url_signature")),
    ("PUT", "/api/storage/{key}", Secret("invalid_url_signature")),
    ("GET", "/api/system-config", Admin),
    ("GET", "/api/system-config/{key}", Admin),
    ("PUT", "/api/system-config/{key}", Admin),
    ("GET", "/api/talent-pool", Hr),
    ("POST", "/api/terminal-session", User),
    ("GET", "/api/test-data", Admin),
    ("GET", "/api/student/courses/{course_id}", Enrolled),
    ("GET", "/api/student/dashboard", User),
    ("GET", "/api/student/engagement", User),
    ("GET", "/api/student/daily-card", User),
    ("GET", "/api/batchlead/students", BatchLead),
    ("GET", "/api/batchlead/students/{user_id}/risk", BatchLead),
    ("POST", "/api/batchlead/interventions", BatchLead),
    ("PATCH", "/api/batchlead/interventions/{id}", BatchLead),
    ("POST", "/api/batchlead/course-plans", BatchLead),
    ("GET", "/api/batchlead/course-plans/{id}", BatchLead),
    ("PUT", "/api/batchlead/course-plans/{id}", BatchLead),
    ("GET", "/api/supermentor/students", SuperMentor),
    (
        "GET",
        "/api/supermentor/students/{user_id}/risk",
        SuperMentor,
    ),
    ("POST", "/api/supermentor/interventions", SuperMentor),
    ("PATCH", "/api/supermentor/interventions/{id}", SuperMentor),
    ("GET", "/api/cm/cohorts", Cm),
    ("GET", "/api/cm/cohorts/{id}/students", Cm),
    // crm marketing, campaigns and the CM console (ADRs 0077, 0078)
    ("POST", "/api/ai-for-everyone", Public),
    ("GET", "/api/admin/banners", Admin),
    ("POST", "/api/admin/banners", Admin),
    ("DELETE", "/api/admin/banners/{id}", Admin),
    ("PUT", "/api/admin/banners/{id}", Admin),
    ("GET", "/api/admin/campaigns", Admin),
    ("POST", "/api/admin/campaigns", Admin),
    ("GET", "/api/admin/campaigns/{id}/leads", Admin),
    ("POST", "/api/admin/campaigns/{id}/leads", Admin),
    ("GET", "/api/admin/event-config", Admin),
    ("POST", "/api/admin/event-config", Admin),
    ("PUT", "/api/admin/event-config/{id}", Admin),
    ("GET", "/api/admin/event-config/{id}/registrations", Admin),
    ("GET", "/api/cm/leads", Cm),
    ("POST", "/api/course-interest", Public),
    ("GET", "/api/event-config", Public),
    ("POST", "/api/event-config/{slug}/registrations", Public),
    ("POST", "/api/league-registration", Public),
    ("GET", "/api/popup-banners", Public),
    ("GET", "/api/sticky-banners", Public),
    ("GET", "/api/student/leaderboards/{scope}/{id}", User),
    ("GET", "/api/admin/engagement/badges", Admin),
    ("POST", "/api/admin/engagement/badges", Admin),
    ("PATCH", "/api/admin/engagement/badges/{id}", Admin),
    (
        "GET",
        "/api/student/courses/{course_id}/assignments",
        Enrolled,
    ),
    (
        "GET",
        "/api/student/courses/{course_id}/assignments/{assignment_id}/submissions",
        Enrolled,
    ),
    (
        "POST",
        "/api/student/courses/{course_id}/assignments/{assignment_id}/submissions",
        Enrolled,
    ),
    (
        "POST",
        "/api/student/courses/{course_id}/items/{item_id}/complete",
        Enrolled,
    ),
    (
        "GET",
        "/api/student/courses/{course_id}/live-classes",
        Enrolled,
    ),
    (
        "POST",
        "/api/student/courses/{course_id}/live-classes/{class_id}/join",
        Enrolled,
    ),
    ("GET", "/api/student/documents", User),
    ("POST", "/api/student/documents", User),
    ("DELETE", "/api/student/documents/{id}", User),
    ("GET", "/api/student/profile", User),
    ("PATCH", "/api/student/profile", User),
    ("GET", "/api/tokens/balance", User),
    ("GET", "/api/tokens/packs", User),
    ("POST", "/api/tokens/purchase", User),
    ("POST", "/api/tokens/purchase/verify", User),
    ("GET", "/api/tokens/transactions", User),
    ("POST", "/api/upload", User),
    ("POST", "/api/upload/presign", User),
    ("GET", "/api/upload/url", User),
    ("POST", "/api/v1/vendor/leads", Vendor),
    ("GET", "/api/v1/vendor/me", Vendor),
    (
        "POST",
        "/api/webhooks/exotel/status",
        Secret("invalid_token"),
    ),
    (
        "POST",
        "/api/webhooks/leegality",
        Secret("invalid_webhook_signature"),
    ),
    (
        "POST",
        "/api/webhooks/razorpay",
        Secret("invalid_webhook_signature"),
    ),
    (
        "POST",
        "/api/webhooks/elevenlabs",
        Secret("invalid_webhook_signature"),
    ),
    (
        "GET",
        "/api/webhooks/whatsapp",
        Secret("invalid_verify_token"),
    ),
    (
        "POST",
        "/api/webhooks/whatsapp",
        Secret("invalid_webhook_signature"),
    ),
    ("POST", "/api/whatsapp/messages", Sales),
    ("GET", "/auth/google/callback", Public),
    ("GET", "/metrics", Public),
    ("GET", "/socket.io/", Public),
    ("POST", "/socket.io/", Public),
    ("GET", "/ws/terminal/{session_id}", Secret("invalid_token")),
];

fn documented(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

async fn spawn() -> TestApp {
    spawn_app_with(
        TestOptions::default()
            .env("EXOTEL_WEBHOOK_TOKEN", "exotel-shared-secret")
            .env("ELEVENLABS_WEBHOOK_SECRET", "route-table-elevenlabs-secret")
            .env("WHATSAPP_VERIFY_TOKEN", "whatsapp-verify-token")
            .env("WHATSAPP_APP_SECRET", "whatsapp-app-secret")
            // configured but unreachable: the purchase routes pass auth, then fail upstream
            .env("RAZORPAY_KEY_ID", "rzp_test_route_table")
            .env("RAZORPAY_KEY_SECRET", "route-table-secret")
            .env("RAZORPAY_WEBHOOK_SECRET", "route-table-webhook-secret")
            .env("RAZORPAY_API_BASE", "http://127.0.0.1:9")
            .env("LEEGALITY_AUTH_TOKEN", "route-table-leegality-token")
            .env("LEEGALITY_WEBHOOK_SECRET", "route-table-leegality-secret")
            .env("LEEGALITY_BASE_URL", "http://127.0.0.1:9"),
    )
    .await
}

#[tokio::test]
async fn every_mounted_route_has_an_entry_and_every_entry_a_route() {
    let app = spawn().await;
    let doc = app.get("/api/openapi.json").await.json();
    let mounted = documented(&doc);
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "duplicate entries in ROUTES");
    let missing: Vec<_> = mounted.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&mounted).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in ROUTES (say who may call them): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "entries for routes that are gone: {stale:?}"
    );
}

/// The path with its parameters filled with values the handlers accept as well-formed.
pub(crate) fn concrete(path: &str) -> String {
    path.replace("{queue}", "emailQueue")
        .replace("{job_id}", "1")
        .replace("{rid}", "0196a5e0-0000-7000-8000-000000000002")
        .replace("{id}", "0196a5e0-0000-7000-8000-000000000001")
        .replace("{slug}", "mr-mentor")
        .replace(
            "/api/system-config/{key}",
            "/api/system-config/TOKEN_GOVERNANCE_ENABLED",
        )
        .replace("{key}", "mr-mentor/2026/01/x.txt")
        .replace("{session_id}", "0196a5e0-0000-7000-8000-000000000002")
        .replace("{agent}", "course_plan")
        .replace("{name}", "openai")
        .replace("{provider}", "openai")
        .replace("{user_id}", "0196a5e0-0000-7000-8000-000000000003")
        .replace("{exam_id}", "exam-1")
        .replace("{kind}", "students")
        .replace("{stage}", "interview")
        .replace("{scope}", "batch")
        .replace("{course_id}", "0196a5e0-0000-7000-8000-000000000004")
        .replace("{module_id}", "0196a5e0-0000-7000-8000-000000000005")
        .replace("{item_id}", "0196a5e0-0000-7000-8000-000000000006")
        .replace("{assignment_id}", "0196a5e0-0000-7000-8000-000000000007")
        .replace("{class_id}", "0196a5e0-0000-7000-8000-000000000008")
        .replace("{question_id}", "0196a5e0-0000-7000-8000-000000000007")
        .replace(
            "{token}",
            "0000000000000000000000000000000000000000000000000000000000000000",
        )
}

struct Caller<'a> {
    bearer: Option<&'a str>,
    api_key: Option<&'a str>,
}

async fn call(app: &TestApp, method: &str, path: &str, who: &Caller<'_>) -> TestResponse {
    let m = Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = app.req(m.clone(), &concrete(path));
    if let Some(token) = who.bearer {
        req = req.bearer(token);
    }
    if let Some(key) = who.api_key {
        req = req.header("X-API-Key", key);
    }
    if path == "/admin/queues/{queue}/actions" {
        // an HTML form with the CSRF token of the caller's session
        let csrf = hex::encode(Sha256::digest(
            format!("mas-csrf:{}", who.bearer.unwrap_or_default()).as_bytes(),
        ));
        req = req.body(
            format!("action=pause&csrf={csrf}"),
            "application/x-www-form-urlencoded",
        );
    } else if m != Method::GET && m != Method::DELETE {
        req = req.json(&json!({}));
    }
    req.send().await
}

fn code(res: &TestResponse) -> String {
    serde_json::from_str::<serde_json::Value>(&res.text)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn denied(res: &TestResponse) -> bool {
    res.status == 401 || res.status == 403
}

#[tokio::test]
async fn every_route_answers_anonymous_user_and_required_role_as_listed() {
    let app = spawn().await;
    let user = app.user_token();
    let admin = app.admin_token();
    let superadmin = app.superadmin_token();
    let sales = app.token(Role::Sales, &[], "mr-mentor");
    let expert = app.token(Role::Expert, &[], "mr-mentor");
    let finance = app.token(Role::User, &[Capability::Finance], "mr-mentor");
    let batch_lead = app.token(Role::User, &[Capability::BatchLead], "mr-mentor");
    let hr = app.token(Role::User, &[Capability::Hr], "mr-mentor");
    let super_mentor = app.token(Role::User, &[Capability::SuperMentor], "mr-mentor");
    let cm = app.token(Role::User, &[Capability::Cm], "mr-mentor");
    let vendor = app
        .req(Method::POST, "/api/admin/vendors")
        .bearer(&admin)
        .json(&json!({"name": "route-table"}))
        .send()
        .await
        .json()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();

    let anonymous = Caller {
        bearer: None,
        api_key: None,
    };
    let as_user = Caller {
        bearer: Some(&user),
        api_key: None,
    };
    let mut failures = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    for &(method, path, access) in ROUTES {
        let route = format!("{method} {path} ({access:?})");
        let anon = call(&app, method, path, &anonymous).await;
        let plain = call(&app, method, path, &as_user).await;
        let required = match access {
            Public => {
                check(
                    !denied(&anon),
                    format!("{route}: anonymous got {}: {}", anon.status, anon.text),
                );
                continue;
            }
            Secret(expected) => {
                for (who, res) in [("anonymous", &anon), ("USER", &plain)] {
                    check(
                        denied(res) && code(res) == expected,
                        format!("{route}: {who} got {} {:?}", res.status, code(res)),
                    );
                }
                continue;
            }
            User => None,
            Admin => Some(admin.as_str()),
            SuperAdmin | AdminPage => Some(superadmin.as_str()),
            Sales => Some(sales.as_str()),
            Expert => Some(expert.as_str()),
            Finance => Some(finance.as_str()),
            BatchLead => Some(batch_lead.as_str()),
            SuperMentor => Some(super_mentor.as_str()),
            Cm => Some(cm.as_str()),
            Hr => Some(hr.as_str()),
            Vendor => Some(""),
            Enrolled => Some(admin.as_str()),
        };
        check(
            anon.status == 401,
            format!("{route}: anonymous got {}: {}", anon.status, anon.text),
        );
        match access {
            User => check(
                !denied(&plain),
                format!("{route}: USER got {}: {}", plain.status, plain.text),
            ),
            Enrolled => check(
                plain.status == 403 && code(&plain) == "not_enrolled",
                format!("{route}: USER got {}: {}", plain.status, plain.text),
            ),
            // a bearer token is no API key
            Vendor => check(
                plain.status == 401,
                format!("{route}: USER got {}: {}", plain.status, plain.text),
            ),
            _ => check(
                plain.status == 403,
                format!("{route}: USER got {}: {}", plain.status, plain.text),
            ),
        }
        let Some(token) = required else { continue };
        let who = if access == Vendor {
            Caller {
                bearer: None,
                api_key: Some(&vendor),
            }
        } else {
            Caller {
                bearer: Some(token),
                api_key: None,
            }
        };
        let res = call(&app, method, path, &who).await;
        check(
            !denied(&res),
            format!(
                "{route}: the required role got {}: {}",
                res.status, res.text
            ),
        );
        if access == SuperAdmin || access == AdminPage {
            let as_admin = Caller {
                bearer: Some(&admin),
                api_key: None,
            };
            let res = call(&app, method, path, &as_admin).await;
            check(
                res.status == 403,
                format!("{route}: ADMIN got {}: {}", res.status, res.text),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} route(s) answer differently from the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
