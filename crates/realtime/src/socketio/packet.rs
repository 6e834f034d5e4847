//! Socket.IO v5 packets in the default parser's text form:
//! `<type>[<attachments>-][<namespace>,][<ack id>][JSON payload]`, followed, for
//! BINARY_EVENT / BINARY_ACK, by that many binary Engine.IO messages (the attachments).

use actix_web::web::Bytes;
use serde_json::Value;

use super::args::Args;
use crate::engine::{self, Payload, Session};

/// The packet types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `0`: join a namespace.
    Connect,
    /// `1`: leave a namespace.
    Disconnect,
    /// `2`: an event.
    Event,
    /// `3`: an acknowledgement.
    Ack,
    /// `4`: a refused CONNECT.
    ConnectError,
    /// `5`: an event with binary attachments.
    BinaryEvent,
    /// `6`: an acknowledgement with binary attachments.
    BinaryAck,
}

impl Kind {
    fn from_char(c: char) -> Option<Self> {
        Some(match c {
            '0' => Kind::Connect,
            '1' => Kind::Disconnect,
            '2' => Kind::Event,
            '3' => Kind::Ack,
            '4' => Kind::ConnectError,
            '5' => Kind::BinaryEvent,
            '6' => Kind::BinaryAck,
            _ => return None,
        })
    }

    fn as_char(self) -> char {
        match self {
            Kind::Connect => '0',
            Kind::Disconnect => '1',
            Kind::Event => '2',
            Kind::Ack => '3',
            Kind::ConnectError => '4',
            Kind::BinaryEvent => '5',
            Kind::BinaryAck => '6',
        }
    }
}

/// One decoded packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    /// Its type.
    pub kind: Kind,
    /// Its namespace (`/` when absent).
    pub nsp: String,
    /// Its ack id.
    pub id: Option<u64>,
    /// Its JSON payload (attachments stand as placeholders).
    pub data: Option<Value>,
    /// How many binary messages follow (BINARY_EVENT / BINARY_ACK; 0 otherwise).
    pub attachments: usize,
}

/// A packet the default parser would refuse; the connection is closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Socket.IO packet: {0}")]
pub struct ParseError(pub &'static str);

fn take_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

impl Packet {
    /// Decodes one packet (the data of an Engine.IO `message`).
    pub fn decode(text: &str) -> Result<Self, ParseError> {
        let mut chars = text.chars();
        let kind = chars
            .next()
            .and_then(Kind::from_char)
            .ok_or(ParseError("unknown packet type"))?;
        let mut rest = chars.as_str();
        let mut attachments = 0;
        if matches!(kind, Kind::BinaryEvent | Kind::BinaryAck) {
            let (count, tail) = take_digits(rest);
            rest = tail
                .strip_prefix('-')
                .filter(|_| !count.is_empty())
                .ok_or(ParseError("illegal attachments"))?;
            attachments = count
                .parse()
                .map_err(|_| ParseError("illegal attachments"))?;
        }
        let mut nsp = "/".to_owned();
        if rest.starts_with('/') {
            let end = rest.find(',').unwrap_or(rest.len());
            nsp = rest[..end].to_owned();
            rest = rest.get(end + 1..).unwrap_or("");
        }
        let (digits, tail) = take_digits(rest);
        let id = if digits.is_empty() {
            None
        } else {
            Some(digits.parse().map_err(|_| ParseError("invalid ack id"))?)
        };
        rest = tail;
        let data = if rest.is_empty() {
            None
        } else {
            Some(serde_json::from_str(rest).map_err(|_| ParseError("invalid payload"))?)
        };
        let valid = match (kind, &data) {
            (Kind::Connect, None | Some(Value::Object(_))) => true,
            (Kind::Disconnect, None) => true,
            (Kind::Event | Kind::BinaryEvent, Some(Value::Array(a))) => {
                a.first().is_some_and(Value::is_string)
            }
            (Kind::Ack | Kind::BinaryAck, Some(Value::Array(_))) => true,
            (Kind::ConnectError, Some(Value::Object(_) | Value::String(_))) => true,
            _ => false,
        };
        if !valid {
            return Err(ParseError("invalid payload"));
        }
        Ok(Self {
            kind,
            nsp,
            id,
            data,
            attachments,
        })
    }

    /// Encodes the packet's text (its attachments, if any, go in the messages after it).
    pub fn encode(&self) -> String {
        encode_text(
            self.kind,
            self.attachments,
            &self.nsp,
            self.id,
            self.data.as_ref(),
        )
    }
}

/// Encodes a packet without attachments from its parts.
pub fn encode(kind: Kind, nsp: &str, id: Option<u64>, data: Option<&Value>) -> String {
    encode_text(kind, 0, nsp, id, data)
}

fn encode_text(
    kind: Kind,
    attachments: usize,
    nsp: &str,
    id: Option<u64>,
    data: Option<&Value>,
) -> String {
    let mut out = String::new();
    out.push(kind.as_char());
    if matches!(kind, Kind::BinaryEvent | Kind::BinaryAck) {
        out.push_str(&attachments.to_string());
        out.push('-');
    }
    if nsp != "/" {
        out.push_str(nsp);
        out.push(',');
    }
    if let Some(id) = id {
        out.push_str(&id.to_string());
    }
    if let Some(data) = data {
        out.push_str(&data.to_string());
    }
    out
}

/// A packet ready for Engine.IO: its text, then its attachments (one binary message each).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The packet's text.
    pub text: String,
    /// The attachments, in placeholder order.
    pub attachments: Vec<Bytes>,
}

impl Encoded {
    /// Queues the packet and its attachments on `session`, back to back; `false` when the
    /// session is closed.
    pub(crate) fn send_to(&self, session: &Session) -> bool {
        if self.attachments.is_empty() {
            return session.send_text(self.text.clone());
        }
        let mut packets = Vec::with_capacity(1 + self.attachments.len());
        packets.push(engine::Packet::Message(Payload::Text(self.text.clone())));
        packets.extend(
            self.attachments
                .iter()
                .map(|b| engine::Packet::Message(Payload::Binary(b.clone()))),
        );
        session.send_all(packets)
    }
}

/// Encodes an EVENT `[event, ...args]` (a BINARY_EVENT when the arguments have attachments).
pub fn encode_event(nsp: &str, event: &str, args: &Args, id: Option<u64>) -> Encoded {
    let mut array = Vec::with_capacity(args.len() + 1);
    array.push(Value::String(event.to_owned()));
    array.extend_from_slice(args.values());
    with_attachments(Kind::Event, nsp, id, &Value::Array(array), args)
}

/// Encodes an ACK (a BINARY_ACK when the arguments have attachments).
pub fn encode_ack(nsp: &str, id: u64, args: &Args) -> Encoded {
    let data = Value::Array(args.values().to_vec());
    with_attachments(Kind::Ack, nsp, Some(id), &data, args)
}

fn with_attachments(kind: Kind, nsp: &str, id: Option<u64>, data: &Value, args: &Args) -> Encoded {
    let kind = match (kind, args.has_binary()) {
        (Kind::Event, true) => Kind::BinaryEvent,
        (Kind::Ack, true) => Kind::BinaryAck,
        (kind, _) => kind,
    };
    Encoded {
        text: encode_text(kind, args.attachments().len(), nsp, id, Some(data)),
        attachments: args.attachments().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_spec_examples() {
        let p = Packet::decode("2/admin,13[\"bar\"]").unwrap();
        assert_eq!(
            (p.kind, p.nsp.as_str(), p.id),
            (Kind::Event, "/admin", Some(13))
        );
        assert_eq!(p.data, Some(json!(["bar"])));
        let p = Packet::decode("0/custom").unwrap();
        assert_eq!(
            (p.kind, p.nsp.as_str(), p.data),
            (Kind::Connect, "/custom", None)
        );
        let p = Packet::decode("0{\"token\":\"123\"}").unwrap();
        assert_eq!(p.data, Some(json!({"token": "123"})));
        let p = Packet::decode("52-789[\"m\",{\"_placeholder\":true,\"num\":0}]").unwrap();
        assert_eq!(
            (p.kind, p.id, p.attachments),
            (Kind::BinaryEvent, Some(789), 2)
        );
        let p = Packet::decode("61-/admin,15[\"bar\",{\"_placeholder\":true,\"num\":0}]").unwrap();
        assert_eq!(
            (p.kind, p.nsp.as_str(), p.id, p.attachments),
            (Kind::BinaryAck, "/admin", Some(15), 1)
        );
        assert_eq!(
            p.encode(),
            "61-/admin,15[\"bar\",{\"_placeholder\":true,\"num\":0}]"
        );
    }

    #[test]
    fn encodes_binary_arguments_as_the_spec_examples() {
        let mut args = Args::default();
        args.push_binary(vec![1u8, 2]);
        args.push_binary(vec![3u8, 4]);
        let out = encode_event("/admin", "baz", &args, None);
        assert_eq!(
            out.text,
            r#"52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#
        );
        assert_eq!(
            out.attachments,
            vec![Bytes::from_static(&[1, 2]), Bytes::from_static(&[3, 4])]
        );
        let mut args = Args::new(vec![json!("bar")]);
        args.push_binary(vec![1u8, 2, 3, 4]);
        let out = encode_ack("/", 15, &args);
        assert_eq!(out.text, r#"61-15["bar",{"_placeholder":true,"num":0}]"#);
        assert_eq!(encode_ack("/", 3, &Args::new(vec![])).text, "33[]");
    }

    #[test]
    fn refuses_what_the_default_parser_refuses() {
        for bad in [
            "abc",
            "2{}",
            "2abc[\"x\"]",
            "2[]",
            "2[1]",
            "1[1]",
            "0[1]",
            "3{}",
            "5[\"x\"]",
            "5a-[\"x\"]",
            "599999999999999999999999-[\"x\"]",
        ] {
            assert!(Packet::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodes_namespace_and_ack_id() {
        let args = Args::new(vec![json!(1)]);
        assert_eq!(encode_event("/", "hi", &args, Some(7)).text, "27[\"hi\",1]");
        let err = json!({"message": "Invalid namespace"});
        assert_eq!(
            encode(Kind::ConnectError, "/random", None, Some(&err)),
            "4/random,{\"message\":\"Invalid namespace\"}"
        );
    }
}
