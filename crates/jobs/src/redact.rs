//! Secrets in job data: each job type (and event) declares the fields of its payload that
//! hold secrets (one-time codes, reset and completion links, message bodies); the dashboard
//! and the dead-letter views show them as [`REDACTED`], and the workers never log job data.
//!
//! A job whose type this process has no declaration for (a Node producer's unknown job, a
//! type from a newer release) is shown with every value redacted: only its field names and
//! its platform are visible. Default-deny, so a new job type cannot leak by being forgotten.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use serde_json::Value;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The secret fields of one job type.
pub type Fields = &'static [&'static str];

/// Declarations of secret fields per (queue, job name). Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Secrets(Arc<RwLock<HashMap<(String, String), Fields>>>);

impl Secrets {
    /// Declares the secret fields of job `name` on `queue` (`a.b` reaches into objects).
    pub fn declare(&self, queue: &str, name: &str, fields: &'static [&'static str]) {
        if let Ok(mut map) = self.0.write() {
            map.insert((queue.to_owned(), name.to_owned()), fields);
        }
    }

    /// Adds every declaration of `other`.
    pub fn extend(&self, other: &Secrets) {
        let Ok(theirs) = other.0.read() else { return };
        if let Ok(mut mine) = self.0.write() {
            for (k, v) in theirs.iter() {
                mine.insert(k.clone(), v);
            }
        }
    }

    /// The declared secret fields of a job type, if it is known.
    pub fn fields(&self, queue: &str, name: &str) -> Option<&'static [&'static str]> {
        self.0
            .read()
            .ok()?
            .get(&(queue.to_owned(), name.to_owned()))
            .copied()
    }

    /// `data` as it may be shown: declared secret fields redacted; for an undeclared job
    /// type every value but `platform` redacted.
    pub fn redact(&self, queue: &str, name: &str, data: &Value) -> Value {
        match self.fields(queue, name) {
            Some(fields) => redact_fields(data, fields),
            None => redact_all(data),
        }
    }
}

/// Replaces the value at each path (`a.b.c`) that exists.
pub fn redact_fields(data: &Value, fields: &[&str]) -> Value {
    let mut out = data.clone();
    for path in fields {
        let mut node = &mut out;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let Some(obj) = node.as_object_mut() else {
                break;
            };
            if parts.peek().is_none() {
                if let Some(v) = obj.get_mut(part) {
                    *v = Value::String(REDACTED.into());
                }
                break;
            }
            match obj.get_mut(part) {
                Some(next) => node = next,
                None => break,
            }
        }
    }
    out
}

/// Every value replaced, field names and `platform` kept.
pub fn redact_all(data: &Value) -> Value {
    match data {
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| {
                    let shown = if k == "platform" && v.is_string() {
                        v.clone()
                    } else {
                        Value::String(REDACTED.into())
                    };
                    (k.clone(), shown)
                })
                .collect(),
        ),
        _ => Value::String(REDACTED.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declared_fields_are_redacted_and_the_rest_kept() {
        let data = json!({"platform": "mr-mentor", "type": "otp", "to": "a@b.co",
                          "data": {"code": "123456"}, "meta": {"link": "https://x/y?t=1", "n": 1}});
        let shown = redact_fields(&data, &["data", "meta.link", "absent", "type.deeper"]);
        assert_eq!(
            shown,
            json!({"platform": "mr-mentor", "type": "otp", "to": "a@b.co",
                   "data": REDACTED, "meta": {"link": REDACTED, "n": 1}})
        );
    }

    #[test]
    fn undeclared_job_types_show_only_field_names_and_platform() {
        let secrets = Secrets::default();
        secrets.declare("emailQueue", "send-email", &["data"]);
        let data = json!({"platform": "mr-hire", "code": "999999", "nested": {"url": "u"}});
        let shown = secrets.redact("emailQueue", "other", &data);
        assert_eq!(
            shown,
            json!({"platform": "mr-hire", "code": REDACTED, "nested": REDACTED})
        );
        assert!(!shown.to_string().contains("999999"));
        let known = secrets.redact(
            "emailQueue",
            "send-email",
            &json!({"to": "t", "data": {"url": "u"}}),
        );
        assert_eq!(known, json!({"to": "t", "data": REDACTED}));
        assert_eq!(redact_all(&json!("raw secret")), json!(REDACTED));
    }
}
