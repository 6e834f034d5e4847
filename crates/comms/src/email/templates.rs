//! Email templates: plain Rust functions, each producing a subject, a text part and an HTML
//! part in the platform's branding. Every value from `data` is HTML-escaped, and links must
//! be `http(s)` URLs. Field names are accepted in snake_case and in the camelCase the Node
//! producers use (`reset_url` / `resetUrl`).

use chrono::{DateTime, FixedOffset};
use kernel::text::{escape_html as escape, percent_encode};
use serde_json::Value;

use super::brand::{Brand, brand};

/// India Standard Time, the zone the suite's users read times in.
const IST_SECONDS: i32 = 5 * 3600 + 30 * 60;

/// The templates the `send-email` job knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// One-time sign-in / verification code: `code` (or `otp`), optional `name`, `expires_in_minutes`.
    Otp,
    /// Password reset link: `reset_url` (or `token`, made into a link), optional `name`, `expires_in_minutes`.
    PasswordReset,
    /// Session booked: `start_time`, optional `title`, `with_name`, `join_url`, `name`.
    MeetingBooked,
    /// Session about to start: `start_time`, optional `title`, `with_name`, `join_url`, `minutes_before`, `name`.
    MeetingReminder,
    /// Session cancelled: `start_time`, optional `title`, `with_name`, `reason`, `name`.
    MeetingCancelled,
    /// Any message: `subject`, `body` (or `message`), optional `name`, `cta_url`, `cta_label`.
    Generic,
}

impl Template {
    /// Every template, for listings and tests.
    pub const ALL: [Template; 6] = [
        Template::Otp,
        Template::PasswordReset,
        Template::MeetingBooked,
        Template::MeetingReminder,
        Template::MeetingCancelled,
        Template::Generic,
    ];

    /// The template of a job's `type` (case and `-`/`_` insensitive).
    pub fn parse(kind: &str) -> Option<Self> {
        let normalized = kind.trim().to_ascii_lowercase().replace('-', "_");
        Some(match normalized.as_str() {
            "otp" => Self::Otp,
            "password_reset" | "reset_password" => Self::PasswordReset,
            "meeting_booked" => Self::MeetingBooked,
            "meeting_reminder" => Self::MeetingReminder,
            "meeting_cancelled" | "meeting_canceled" => Self::MeetingCancelled,
            "generic" => Self::Generic,
            _ => return None,
        })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Otp => "otp",
            Self::PasswordReset => "password_reset",
            Self::MeetingBooked => "meeting_booked",
            Self::MeetingReminder => "meeting_reminder",
            Self::MeetingCancelled => "meeting_cancelled",
            Self::Generic => "generic",
        }
    }
}

/// Why a job's template cannot be rendered (retrying cannot help).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `type` names no template.
    #[error("unknown email template {0:?}")]
    Unknown(String),
    /// A required `data` field is absent or empty.
    #[error("missing required field data.{0}")]
    Missing(&'static str),
    /// A `data` field has an unusable value.
    #[error("data.{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: &'static str,
    },
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
    /// The brand it was rendered in (its name is the From display name).
    pub brand: Brand,
}

/// Renders `kind` for `platform` from the job's `data`. `base_url` (PUBLIC_BASE_URL) turns a
/// bare reset token into a link.
pub fn render(
    kind: &str,
    platform: &str,
    data: &Value,
    base_url: &str,
) -> Result<Rendered, TemplateError> {
    let template = Template::parse(kind).ok_or_else(|| TemplateError::Unknown(kind.to_owned()))?;
    let d = Data(data);
    let b = brand(platform);
    let greeting = match d.get(&["name", "first_name", "firstName", "userName"]) {
        Some(name) => format!("Hi {name},"),
        None => "Hi,".to_owned(),
    };
    let mail = match template {
        Template::Otp => {
            let code = d.required("code", &["code", "otp"])?;
            let minutes = d
                .get(&["expires_in_minutes", "expiresInMinutes", "expiry"])
                .unwrap_or_else(|| "10".into());
            Mail {
                subject: format!("{code} is your {} verification code", b.name),
                lines: vec![
                    format!("Your {} verification code is:", b.name),
                    code_line(&code),
                    format!("It expires in {minutes} minutes. Do not share it with anyone."),
                    "If you did not ask for this code, you can ignore this email.".into(),
                ],
                cta: None,
            }
        }
        Template::PasswordReset => {
            let url = match d.url(
                "reset_url",
                &["reset_url", "resetUrl", "resetLink", "link", "url"],
            )? {
                Some(url) => url,
                None => {
                    let token = d.required("reset_url", &["token", "resetToken"])?;
                    format!("{base_url}/reset-password?token={}", percent_encode(&token))
                }
            };
            let mut lines = vec![format!(
                "We received a request to reset the password of your {} account.",
                b.name
            )];
            if let Some(minutes) = d.get(&["expires_in_minutes", "expiresInMinutes", "expiry"]) {
                lines.push(format!("The link expires in {minutes} minutes."));
            }
            lines.push(
                "If you did not ask for a reset, ignore this email: your password stays as it is."
                    .into(),
            );
            Mail {
                subject: format!("Reset your {} password", b.name),
                lines,
                cta: Some(("Reset password".into(), url)),
            }
        }
        Template::MeetingBooked | Template::MeetingReminder | Template::MeetingCancelled => {
            meeting(template, &d)?
        }
        Template::Generic => {
            let subject = d.required("subject", &["subject"])?;
            let body = d.required("body", &["body", "message", "text"])?;
            let label = d
                .get(&["cta_label", "ctaLabel"])
                .unwrap_or_else(|| "Open".into());
            let cta = d
                .url("cta_url", &["cta_url", "ctaUrl", "link", "url"])?
                .map(|url| (label, url));
            Mail {
                subject,
                lines: body.split("\n\n").map(str::to_owned).collect(),
                cta,
            }
        }
    };
    Ok(mail.finish(&greeting, b))
}

fn meeting(template: Template, d: &Data<'_>) -> Result<Mail, TemplateError> {
    let when = format_time(&d.required(
        "start_time",
        &[
            "start_time",
            "startTime",
            "start",
            "scheduled_at",
            "scheduledAt",
            "date",
        ],
    )?);
    let title = d
        .get(&["title", "meeting_title", "meetingTitle", "topic"])
        .unwrap_or_else(|| "your mentorship session".into());
    let with = d
        .get(&[
            "with_name",
            "withName",
            "mentor_name",
            "mentorName",
            "expert_name",
            "expertName",
        ])
        .map(|n| format!(" with {n}"))
        .unwrap_or_default();
    let join = d.url(
        "join_url",
        &[
            "join_url",
            "joinUrl",
            "meeting_link",
            "meetingLink",
            "link",
            "url",
        ],
    )?;
    let cta = join.map(|url| ("Join the session".to_owned(), url));
    Ok(match template {
        Template::MeetingBooked => Mail {
            subject: format!("Booked: {title} on {when}"),
            lines: vec![
                format!("Your session \"{title}\"{with} is booked for {when}."),
                "Join a few minutes early to check your camera and microphone.".into(),
            ],
            cta,
        },
        Template::MeetingReminder => {
            let soon = match d.get(&["minutes_before", "minutesBefore"]) {
                Some(m) => format!("in {m} minutes"),
                None => "soon".into(),
            };
            Mail {
                subject: format!("Reminder: {title} starts {soon}"),
                lines: vec![format!(
                    "Your session \"{title}\"{with} starts {soon}, at {when}."
                )],
                cta,
            }
        }
        _ => {
            let mut lines = vec![format!(
                "Your session \"{title}\"{with} on {when} has been cancelled."
            )];
            if let Some(reason) = d.get(&["reason", "cancellation_reason", "cancellationReason"]) {
                lines.push(format!("Reason: {reason}"));
            }
            lines.push("Any tokens held for it are released back to your wallet.".into());
            Mail {
                subject: format!("Cancelled: {title} on {when}"),
                lines,
                cta: None,
            }
        }
    })
}

/// A template's content before layout. A line starting with [`CODE_MARK`] is shown large.
struct Mail {
    subject: String,
    lines: Vec<String>,
    cta: Option<(String, String)>,
}

const CODE_MARK: char = '\u{1}';

fn code_line(code: &str) -> String {
    format!("{CODE_MARK}{code}")
}

impl Mail {
    fn finish(self, greeting: &str, brand: Brand) -> Rendered {
        let mut text = format!("{greeting}\n\n");
        let mut body = format!("<p>{}</p>\n", escape(greeting));
        for line in &self.lines {
            if let Some(code) = line.strip_prefix(CODE_MARK) {
                text.push_str(&format!("    {code}\n\n"));
                body.push_str(&format!(
                    "<p style=\"font-size:28px;font-weight:bold;letter-spacing:6px;margin:24px 0\">{}</p>\n",
                    escape(code)
                ));
            } else {
                text.push_str(line);
                text.push_str("\n\n");
                body.push_str(&format!("<p>{}</p>\n", escape(line).replace('\n', "<br>")));
            }
        }
        if let Some((label, url)) = &self.cta {
            text.push_str(&format!("{label}: {url}\n\n"));
            body.push_str(&format!(
                "<p><a href=\"{}\" style=\"display:inline-block;padding:12px 20px;background:{};color:#ffffff;text-decoration:none;border-radius:6px\">{}</a></p>\n<p style=\"font-size:12px;color:#64748b\">Or open {}</p>\n",
                escape(url),
                brand.color,
                escape(label),
                escape(url)
            ));
        }
        text.push_str(&format!("— The {} team\n{}\n", brand.name, brand.site));
        let html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{subject}</title></head>\n<body style=\"margin:0;background:#f8fafc;font-family:Arial,Helvetica,sans-serif;color:#0f172a\">\n<div style=\"max-width:560px;margin:0 auto;padding:24px\">\n<div style=\"border-top:4px solid {color};background:#ffffff;padding:24px;border-radius:8px\">\n<h1 style=\"font-size:20px;color:{color};margin:0 0 16px\">{name}</h1>\n{body}</div>\n<p style=\"font-size:12px;color:#64748b;text-align:center\">— The {name} team · <a href=\"{site}\" style=\"color:#64748b\">{site}</a></p>\n</div>\n</body></html>\n",
            subject = escape(&self.subject),
            color = brand.color,
            name = escape(&brand.name),
            site = brand.site,
        );
        Rendered {
            subject: self.subject.replace(['\r', '\n'], " "),
            text,
            html,
            brand,
        }
    }
}

/// Read access to a job's `data` object.
struct Data<'a>(&'a Value);

impl Data<'_> {
    /// The first present, non-empty field of `names`, as text (numbers are accepted: a Node
    /// producer may send `otp: 482913`).
    fn get(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| match self.0.get(n)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    fn required(&self, field: &'static str, names: &[&str]) -> Result<String, TemplateError> {
        self.get(names).ok_or(TemplateError::Missing(field))
    }

    /// An optional link; present but not `http(s)` is an error (no `javascript:` links).
    fn url(&self, field: &'static str, names: &[&str]) -> Result<Option<String>, TemplateError> {
        match self.get(names) {
            None => Ok(None),
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => Ok(Some(u)),
            Some(_) => Err(TemplateError::Invalid {
                field,
                message: "must be an http(s) URL",
            }),
        }
    }
}

/// An RFC 3339 time shown in IST (`Tue, 1 Dec 2026, 4:00 PM IST`); anything else verbatim.
pub fn format_time(raw: &str) -> String {
    match (
        DateTime::parse_from_rfc3339(raw),
        FixedOffset::east_opt(IST_SECONDS),
    ) {
        (Ok(t), Some(ist)) => t
            .with_timezone(&ist)
            .format("%a, %-d %b %Y, %-I:%M %p IST")
            .to_string(),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BASE: &str = "https://app.example.com";

    fn ok(kind: &str, platform: &str, data: Value) -> Rendered {
        render(kind, platform, &data, BASE).unwrap()
    }

    #[test]
    fn otp_shows_the_code_in_every_part() {
        let r = ok("otp", "mr-hire", json!({"code": "482913", "name": "Asha"}));
        assert_eq!(r.subject, "482913 is your Mr. Hire verification code");
        assert!(r.text.starts_with("Hi Asha,"), "{}", r.text);
        assert!(r.text.contains("482913") && r.text.contains("10 minutes"));
        assert!(r.html.contains(">482913</p>") && r.html.contains("Mr. Hire"));
        // a numeric otp from Node, and the type spelled another way
        let r = ok(
            "OTP",
            "mr-mentor",
            json!({"otp": 123456, "expiresInMinutes": 5}),
        );
        assert!(r.subject.starts_with("123456 is your Mr. Mentor"));
        assert!(r.text.contains("5 minutes"));
    }

    #[test]
    fn password_reset_links_the_url_or_builds_it_from_a_token() {
        let r = ok(
            "password_reset",
            "mr-mentor",
            json!({"resetUrl": "https://app.example.com/r/abc"}),
        );
        assert_eq!(r.subject, "Reset your Mr. Mentor password");
        assert!(r.html.contains("href=\"https://app.example.com/r/abc\""));
        assert!(
            r.text
                .contains("Reset password: https://app.example.com/r/abc")
        );
        let r = ok("password-reset", "mr-mentor", json!({"token": "a b/c"}));
        assert!(
            r.text
                .contains("https://app.example.com/reset-password?token=a%20b%2Fc"),
            "{}",
            r.text
        );
    }

    #[test]
    fn meetings_show_the_time_in_ist() {
        let data = json!({
            "start_time": "2026-12-01T10:30:00Z",
            "title": "Resume review",
            "mentorName": "Ravi",
            "joinUrl": "https://meet.example.com/x"
        });
        let r = ok("meeting_booked", "my-analytics-school", data.clone());
        assert_eq!(
            r.subject,
            "Booked: Resume review on Tue, 1 Dec 2026, 4:00 PM IST"
        );
        assert!(r.text.contains("with Ravi") && r.text.contains("https://meet.example.com/x"));
        let mut reminder = data.clone();
        reminder["minutes_before"] = json!(15);
        let r = ok("meeting_reminder", "mr-mentor", reminder);
        assert_eq!(r.subject, "Reminder: Resume review starts in 15 minutes");
        let mut cancelled = data;
        cancelled["reason"] = json!("mentor unavailable");
        let r = ok("meeting_cancelled", "mr-mentor", cancelled);
        assert!(r.subject.starts_with("Cancelled: Resume review"));
        assert!(r.text.contains("Reason: mentor unavailable"));
        assert!(
            !r.html.contains("meet.example.com"),
            "no join link when cancelled"
        );
    }

    #[test]
    fn generic_escapes_user_data() {
        let r = ok(
            "generic",
            "acme",
            json!({
                "subject": "Hello <b>there</b>",
                "body": "<script>alert(1)</script>\n\nsecond & last",
                "name": "\"Eve\" <eve@x>",
                "cta_url": "https://x.example/?a=1&b=\"2\"",
            }),
        );
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(r.html.contains("second &amp; last"));
        assert!(r.html.contains("Hi &quot;Eve&quot; &lt;eve@x&gt;,"));
        assert!(
            r.html
                .contains("<title>Hello &lt;b&gt;there&lt;/b&gt;</title>")
        );
        assert!(
            r.html
                .contains("href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(r.text.contains("<script>"), "the text part is verbatim");
        assert_eq!(r.brand.name, "Acme");
    }

    #[test]
    fn bad_jobs_name_what_is_wrong() {
        let err = |kind: &str, data: Value| render(kind, "mr-mentor", &data, BASE).unwrap_err();
        assert_eq!(
            err("newsletter", json!({})),
            TemplateError::Unknown("newsletter".into())
        );
        assert_eq!(
            err("otp", json!({"name": "x"})),
            TemplateError::Missing("code")
        );
        assert_eq!(err("otp", Value::Null), TemplateError::Missing("code"));
        assert_eq!(
            err("generic", json!({"subject": "s"})),
            TemplateError::Missing("body")
        );
        assert_eq!(
            err(
                "meeting_booked",
                json!({"start_time": "x", "join_url": "javascript:alert(1)"})
            ),
            TemplateError::Invalid {
                field: "join_url",
                message: "must be an http(s) URL"
            }
        );
        assert_eq!(
            err("password_reset", json!({})),
            TemplateError::Missing("reset_url")
        );
    }

    #[test]
    fn every_template_renders() {
        let data = json!({
            "code": "1", "reset_url": "https://x.example", "start_time": "tomorrow 5 PM",
            "subject": "s", "body": "b"
        });
        for t in Template::ALL {
            let r = ok(t.name(), "mr-mentor", data.clone());
            assert!(!r.subject.is_empty() && r.html.contains("</html>"), "{t:?}");
            assert_eq!(Template::parse(t.name()), Some(t));
        }
    }
}
