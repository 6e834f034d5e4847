//! Engine.IO v4 packets and their two encodings: one packet per WebSocket frame, or several
//! joined by the record separator `\x1e` in a long-polling body (binary as `b` + base64).

use actix_web::web::Bytes;
use base64::{
    Engine as _, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};

/// Standard base64 (RFC 4648) for `b` records: padded out, padding optional in.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The record separator between packets of one long-polling payload.
pub const SEPARATOR: char = '\x1e';

/// The data of a `message` packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// UTF-8 text (every Socket.IO packet this server speaks).
    Text(String),
    /// Raw bytes (a binary WebSocket frame, or a `b` record on polling).
    Binary(Bytes),
}

impl Payload {
    /// Size in bytes on the wire (before base64).
    pub fn len(&self) -> usize {
        match self {
            Payload::Text(t) => t.len(),
            Payload::Binary(b) => b.len(),
        }
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// `0`: the handshake, with its JSON.
    Open(String),
    /// `1`: the transport may be closed.
    Close,
    /// `2`: heartbeat ping (payload `probe` during an upgrade).
    Ping(String),
    /// `3`: heartbeat pong (payload `probe` during an upgrade).
    Pong(String),
    /// `4`: application data.
    Message(Payload),
    /// `5`: completes an upgrade.
    Upgrade,
    /// `6`: no operation (ends a pending poll during an upgrade).
    Noop,
}

/// A packet that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Engine.IO packet")]
pub struct DecodeError;

impl Packet {
    /// Decodes one text packet (a WebSocket text frame or one polling record).
    pub fn decode_text(text: &str) -> Result<Self, DecodeError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(DecodeError)?;
        let data = chars.as_str();
        Ok(match kind {
            '0' => Packet::Open(data.to_owned()),
            '1' => Packet::Close,
            '2' => Packet::Ping(data.to_owned()),
            '3' => Packet::Pong(data.to_owned()),
            '4' => Packet::Message(Payload::Text(data.to_owned())),
            '5' => Packet::Upgrade,
            '6' => Packet::Noop,
            _ => return Err(DecodeError),
        })
    }

    /// Decodes one polling record: a text packet, or `b` + base64 binary message.
    pub fn decode_record(record: &str) -> Result<Self, DecodeError> {
        match record.strip_prefix('b') {
            Some(b64) => {
                let bytes = BASE64.decode(b64).map_err(|_| DecodeError)?;
                Ok(Packet::Message(Payload::Binary(Bytes::from(bytes))))
            }
            None => Self::decode_text(record),
        }
    }

    /// Decodes a whole polling body.
    pub fn decode_payload(body: &str) -> Result<Vec<Self>, DecodeError> {
        body.split(SEPARATOR).map(Self::decode_record).collect()
    }

    /// The text form of a non-binary packet (`None` for a binary message).
    pub fn encode_text(&self) -> Option<String> {
        Some(match self {
            Packet::Open(json) => format!("0{json}"),
            Packet::Close => "1".to_owned(),
            Packet::Ping(data) => format!("2{data}"),
            Packet::Pong(data) => format!("3{data}"),
            Packet::Message(Payload::Text(text)) => format!("4{text}"),
            Packet::Message(Payload::Binary(_)) => return None,
            Packet::Upgrade => "5".to_owned(),
            Packet::Noop => "6".to_owned(),
        })
    }

    /// The polling record of this packet (binary as `b` + base64).
    pub fn encode_record(&self) -> String {
        match self {
            Packet::Message(Payload::Binary(bytes)) => format!("b{}", BASE64.encode(bytes)),
            other => other.encode_text().unwrap_or_default(),
        }
    }

    /// Approximate encoded size, used to cut polling batches at `maxPayload`.
    pub fn encoded_len(&self) -> usize {
        match self {
            Packet::Open(s) | Packet::Ping(s) | Packet::Pong(s) => s.len() + 1,
            Packet::Message(Payload::Text(t)) => t.len() + 1,
            Packet::Message(Payload::Binary(b)) => b.len().div_ceil(3) * 4 + 1,
            Packet::Close | Packet::Upgrade | Packet::Noop => 1,
        }
    }
}

/// Joins packets into one polling body.
pub fn encode_payload(packets: &[Packet]) -> String {
    let records: Vec<String> = packets.iter().map(Packet::encode_record).collect();
    records.join("\x1e")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_batched_payload() {
        let packets = Packet::decode_payload("4hello\x1e2\x1ebAQIDBA==").unwrap();
        assert_eq!(
            packets,
            vec![
                Packet::Message(Payload::Text("hello".into())),
                Packet::Ping(String::new()),
                Packet::Message(Payload::Binary(Bytes::from_static(&[1, 2, 3, 4]))),
            ]
        );
        assert_eq!(encode_payload(&packets), "4hello\x1e2\x1ebAQIDBA==");
    }

    #[test]
    fn refuses_unknown_types() {
        assert_eq!(Packet::decode_text("abc"), Err(DecodeError));
        assert_eq!(Packet::decode_text(""), Err(DecodeError));
        assert!(Packet::decode_payload("4a\x1e9").is_err());
    }
}
