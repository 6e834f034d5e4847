//! The arguments of an event or an ack, binary attachments included, in the Socket.IO wire
//! model: JSON values in which each attachment stands as a placeholder
//! `{"_placeholder":true,"num":N}`, and the attachments in order. Relaying arguments as they
//! came (`socket.to(room).emit_args(event, args)`) re-sends the same placeholders and bytes;
//! nothing is taken apart or rebuilt on the server.

use std::ops::Deref;

use actix_web::web::Bytes;
use serde_json::{Value, json};

/// Event or ack arguments. Derefs to the JSON values, so JSON-only code reads it as a slice
/// of [`Value`]s (`args.first()`, `args[0]`); binary arguments are placeholders there, and
/// [`Args::binary`] gives their bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    values: Vec<Value>,
    attachments: Vec<Bytes>,
}

/// Arguments whose placeholders do not match their attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("illegal attachments")]
pub struct IllegalAttachments;

/// The attachment index of a placeholder object (`{"_placeholder":true,"num":N}`).
fn placeholder_num(value: &Value) -> Option<Option<u64>> {
    let object = value.as_object()?;
    (object.get("_placeholder") == Some(&Value::Bool(true)))
        .then(|| object.get("num").and_then(Value::as_u64))
}

/// Whether every placeholder in `value` names one of `count` attachments.
pub(crate) fn placeholders_valid(value: &Value, count: usize) -> bool {
    if let Some(num) = placeholder_num(value) {
        return num.is_some_and(|n| (n as usize) < count);
    }
    match value {
        Value::Array(items) => items.iter().all(|v| placeholders_valid(v, count)),
        Value::Object(map) => map.values().all(|v| placeholders_valid(v, count)),
        _ => true,
    }
}

impl Args {
    /// JSON arguments without attachments.
    pub fn new(values: Vec<Value>) -> Self {
        Self {
            values,
            attachments: Vec::new(),
        }
    }

    /// Arguments received with their attachments; every placeholder must name one of them
    /// (as the reference parser checks).
    pub fn from_parts(
        values: Vec<Value>,
        attachments: Vec<Bytes>,
    ) -> Result<Self, IllegalAttachments> {
        if values
            .iter()
            .all(|v| placeholders_valid(v, attachments.len()))
        {
            Ok(Self {
                values,
                attachments,
            })
        } else {
            Err(IllegalAttachments)
        }
    }

    /// Arguments of a received packet whose placeholders were checked.
    pub(crate) fn received(values: Vec<Value>, attachments: Vec<Bytes>) -> Self {
        Self {
            values,
            attachments,
        }
    }

    /// Adds an attachment and returns its placeholder, to be put anywhere in the values
    /// (e.g. `json!({"name": "a.png", "data": placeholder})`).
    pub fn attach(&mut self, bytes: impl Into<Bytes>) -> Value {
        self.attachments.push(bytes.into());
        json!({"_placeholder": true, "num": self.attachments.len() - 1})
    }

    /// Appends a JSON argument.
    pub fn push(&mut self, value: Value) {
        self.values.push(value);
    }

    /// Appends a binary argument (a `Buffer` on the client).
    pub fn push_binary(&mut self, bytes: impl Into<Bytes>) {
        let placeholder = self.attach(bytes);
        self.values.push(placeholder);
    }

    /// The bytes a placeholder stands for (`None` for any other value).
    pub fn binary(&self, value: &Value) -> Option<&Bytes> {
        let num = placeholder_num(value)??;
        self.attachments.get(usize::try_from(num).ok()?)
    }

    /// The JSON values (placeholders in place of binary arguments).
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The attachments, in placeholder order.
    pub fn attachments(&self) -> &[Bytes] {
        &self.attachments
    }

    /// Whether there are attachments (the packet goes out as BINARY_EVENT / BINARY_ACK).
    pub fn has_binary(&self) -> bool {
        !self.attachments.is_empty()
    }

    /// The JSON values, dropping the attachments.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The values and the attachments.
    pub fn into_parts(self) -> (Vec<Value>, Vec<Bytes>) {
        (self.values, self.attachments)
    }
}

impl Deref for Args {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        &self.values
    }
}

impl From<Vec<Value>> for Args {
    fn from(values: Vec<Value>) -> Self {
        Self::new(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_resolve_to_their_attachments() {
        let mut args = Args::default();
        let ph = args.attach(vec![1u8, 2]);
        args.push(json!({"name": "a.bin", "data": ph}));
        args.push_binary(Bytes::from_static(&[3]));
        assert_eq!(
            args.values(),
            &[
                json!({"name": "a.bin", "data": {"_placeholder": true, "num": 0}}),
                json!({"_placeholder": true, "num": 1}),
            ]
        );
        assert_eq!(args.binary(&args[0]["data"]).unwrap().as_ref(), &[1, 2]);
        assert_eq!(args.binary(&args[1]).unwrap().as_ref(), &[3]);
        assert_eq!(args.binary(&args[0]), None);
        assert!(args.has_binary());
    }

    #[test]
    fn received_placeholders_must_name_an_attachment() {
        let one = vec![Bytes::from_static(b"x")];
        let ok = vec![json!("e"), json!([{"k": {"_placeholder": true, "num": 0}}])];
        assert!(Args::from_parts(ok, one.clone()).is_ok());
        for bad in [
            json!({"_placeholder": true, "num": 1}),
            json!({"_placeholder": true, "num": -1}),
            json!({"_placeholder": true, "num": "0"}),
            json!({"_placeholder": true}),
            json!([[{"_placeholder": true, "num": 7}]]),
        ] {
            assert_eq!(
                Args::from_parts(vec![bad.clone()], one.clone()),
                Err(IllegalAttachments),
                "{bad}"
            );
        }
        // Not a placeholder: `_placeholder` is not `true`.
        let plain = vec![json!({"_placeholder": false, "num": 9})];
        assert!(Args::from_parts(plain, vec![]).is_ok());
    }
}
