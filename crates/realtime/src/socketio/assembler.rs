//! Reassembly of BINARY_EVENT / BINARY_ACK: the packet's text announces N attachments and
//! the next N Engine.IO binary messages are them. Bounded, so a client cannot make the
//! server buffer without limit: at most `max_attachments` per packet, text and attachments
//! together at most `max_payload` bytes, all of them within `attachment_timeout` of the text.
//! Anything else breaks the protocol and the connection is closed, as the reference server
//! does when its parser throws.

use std::time::Duration;

use actix_web::web::Bytes;
use tokio::time::Instant;

use super::{
    args::placeholders_valid,
    packet::{Packet, ParseError},
};
use crate::{engine::Payload, options::RealtimeOptions};

/// Why a client's messages could not be assembled into a packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AssemblyError {
    /// The text is not a packet.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// More attachments announced than allowed.
    #[error("{announced} attachments announced, at most {max} allowed")]
    TooManyAttachments { announced: usize, max: usize },
    /// The packet and its attachments exceed the limit.
    #[error("binary packet larger than {max} bytes")]
    TooLarge { max: usize },
    /// The attachments did not all arrive in time.
    #[error("attachments not received within {0:?}")]
    TimedOut(Duration),
    /// A binary message that no packet announced.
    #[error("binary message without a packet announcing it")]
    UnexpectedBinary,
    /// A text packet while attachments were awaited.
    #[error("text packet while attachments were awaited")]
    UnexpectedText,
    /// A placeholder that names no attachment.
    #[error("illegal attachments")]
    IllegalAttachments,
}

/// A packet whose attachments are still arriving.
struct Partial {
    packet: Packet,
    attachments: Vec<Bytes>,
    size: usize,
    deadline: Instant,
}

/// Turns a connection's messages into whole packets, one at a time.
pub(crate) struct Assembler {
    max_attachments: usize,
    max_bytes: usize,
    timeout: Duration,
    partial: Option<Partial>,
}

impl Assembler {
    pub fn new(options: &RealtimeOptions) -> Self {
        Self {
            max_attachments: options.max_attachments,
            max_bytes: options.max_payload,
            timeout: options.attachment_timeout,
            partial: None,
        }
    }

    /// When the awaited attachments are due (`None` when none are awaited).
    pub fn deadline(&self) -> Option<Instant> {
        self.partial.as_ref().map(|p| p.deadline)
    }

    /// The error to close the connection with once [`Assembler::deadline`] has passed.
    pub fn timed_out(&self) -> AssemblyError {
        AssemblyError::TimedOut(self.timeout)
    }

    /// Takes one message; returns a packet and its attachments once it is whole.
    pub fn push(
        &mut self,
        payload: Payload,
    ) -> Result<Option<(Packet, Vec<Bytes>)>, AssemblyError> {
        match (payload, self.partial.take()) {
            (Payload::Text(text), None) => {
                let packet = Packet::decode(&text)?;
                if packet.attachments == 0 {
                    return Ok(Some((packet, Vec::new())));
                }
                if packet.attachments > self.max_attachments {
                    return Err(AssemblyError::TooManyAttachments {
                        announced: packet.attachments,
                        max: self.max_attachments,
                    });
                }
                if text.len() > self.max_bytes {
                    return Err(AssemblyError::TooLarge {
                        max: self.max_bytes,
                    });
                }
                self.partial = Some(Partial {
                    attachments: Vec::with_capacity(packet.attachments),
                    packet,
                    size: text.len(),
                    deadline: Instant::now() + self.timeout,
                });
                Ok(None)
            }
            (Payload::Text(_), Some(_)) => Err(AssemblyError::UnexpectedText),
            (Payload::Binary(_), None) => Err(AssemblyError::UnexpectedBinary),
            (Payload::Binary(bytes), Some(mut partial)) => {
                partial.size += bytes.len();
                if partial.size > self.max_bytes {
                    return Err(AssemblyError::TooLarge {
                        max: self.max_bytes,
                    });
                }
                partial.attachments.push(bytes);
                if partial.attachments.len() < partial.packet.attachments {
                    self.partial = Some(partial);
                    return Ok(None);
                }
                let count = partial.attachments.len();
                if !partial
                    .packet
                    .data
                    .as_ref()
                    .is_some_and(|data| placeholders_valid(data, count))
                {
                    return Err(AssemblyError::IllegalAttachments);
                }
                Ok(Some((partial.packet, partial.attachments)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socketio::packet::Kind;

    fn assembler() -> Assembler {
        Assembler::new(&RealtimeOptions {
            max_payload: 100,
            max_attachments: 2,
            ..RealtimeOptions::default()
        })
    }

    fn text(s: &str) -> Payload {
        Payload::Text(s.to_owned())
    }

    fn bin(n: usize) -> Payload {
        Payload::Binary(Bytes::from(vec![7u8; n]))
    }

    const TWO: &str = r#"52-["m",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#;

    #[test]
    fn a_binary_event_is_whole_after_its_last_attachment() {
        let mut a = assembler();
        assert_eq!(a.push(text(TWO)), Ok(None));
        assert!(a.deadline().is_some());
        assert_eq!(a.push(bin(1)), Ok(None));
        let (packet, attachments) = a.push(bin(2)).unwrap().unwrap();
        assert_eq!((packet.kind, attachments.len()), (Kind::BinaryEvent, 2));
        assert!(a.deadline().is_none());
        let (packet, attachments) = a.push(text(r#"2["plain"]"#)).unwrap().unwrap();
        assert_eq!((packet.kind, attachments.len()), (Kind::Event, 0));
        let (packet, _) = a.push(text(r#"50-["none"]"#)).unwrap().unwrap();
        assert_eq!(packet.kind, Kind::BinaryEvent);
    }

    #[test]
    fn limits_and_order_are_enforced() {
        let mut a = assembler();
        assert_eq!(
            a.push(text(r#"53-["m"]"#)),
            Err(AssemblyError::TooManyAttachments {
                announced: 3,
                max: 2
            })
        );
        let mut a = assembler();
        a.push(text(TWO)).unwrap();
        a.push(bin(20)).unwrap();
        assert_eq!(a.push(bin(20)), Err(AssemblyError::TooLarge { max: 100 }));
        let mut a = assembler();
        a.push(text(TWO)).unwrap();
        assert_eq!(
            a.push(text(r#"2["x"]"#)),
            Err(AssemblyError::UnexpectedText)
        );
        assert_eq!(
            assembler().push(bin(1)),
            Err(AssemblyError::UnexpectedBinary)
        );
        let mut a = assembler();
        a.push(text(r#"51-["m",{"_placeholder":true,"num":1}]"#))
            .unwrap();
        assert_eq!(a.push(bin(1)), Err(AssemblyError::IllegalAttachments));
    }
}
