//! Resumes: streamed from the apply form into storage chunk by chunk (never whole in
//! memory), recognised by their first bytes (a PDF or a DOCX, whatever the name or declared
//! type says), hashed on the way, and verified after upload by reading the stored object back
//! through the same hash.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
};

use actix_web::web::Bytes;
use chrono::Utc;
use futures::{Stream, StreamExt};
use kernel::{AppError, error::codes as kernel_codes};
use sha2::{Digest, Sha256};
use storage::{ObjectKey, ObjectWriter, Storage, keys};

use crate::HireError;

/// The media type of a PDF resume.
pub const PDF: &str = "application/pdf";
/// The media type of a DOCX resume.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Bytes looked at to recognise the type.
const HEAD_LEN: usize = 8;

/// A resume written to storage and verified.
#[derive(Debug, Clone)]
pub struct StoredResume {
    /// Where it is.
    pub key: ObjectKey,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Size.
    pub size: u64,
    /// [`PDF`] or [`DOCX`].
    pub content_type: &'static str,
    /// The file name as uploaded, sanitised.
    pub filename: String,
}

/// The resume's type by its first bytes: `%PDF-` is a PDF; a ZIP (`PK\x03\x04`) named
/// `.docx` is a DOCX; anything else (an `.exe` renamed `.pdf` starts `MZ`) is refused.
pub fn sniff(head: &[u8], filename: &str) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some(PDF)
    } else if head.starts_with(b"PK\x03\x04") && filename.to_ascii_lowercase().ends_with(".docx") {
        Some(DOCX)
    } else {
        None
    }
}

/// 413 naming `resume`.
pub fn too_large(max: usize) -> HireError {
    HireError::App(
        AppError::new(
            &kernel_codes::PAYLOAD_TOO_LARGE,
            format!("the resume must be at most {max} bytes"),
        )
        .on_field("resume"),
    )
}

fn unsupported() -> HireError {
    HireError::App(
        AppError::unsupported_media_type("the resume must be a PDF or DOCX file")
            .on_field("resume"),
    )
}

/// Streams the resume part into storage under a fresh key of the platform's `resumes`
/// folder, refusing it (and leaving nothing behind) when it is empty, over `max` bytes or
/// neither PDF nor DOCX; then reads it back and checks the hash.
pub async fn store<S>(
    storage: &Storage,
    platform_slug: &str,
    filename: &str,
    mut stream: S,
    max: usize,
) -> Result<StoredResume, HireError>
where
    S: Stream<Item = Result<Bytes, HireError>> + Unpin,
{
    let mut pending = Vec::new();
    let mut head = Vec::with_capacity(HEAD_LEN);
    let mut size = 0usize;
    while head.len() < HEAD_LEN {
        let Some(chunk) = stream.next().await else {
            break;
        };
        let chunk = chunk?;
        size += chunk.len();
        if size > max {
            return Err(too_large(max));
        }
        let take = (HEAD_LEN - head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..take]);
        pending.push(chunk);
    }
    if size == 0 {
        return Err(HireError::Invalid("resume", "must not be empty".into()));
    }
    let content_type = sniff(&head, filename).ok_or_else(unsupported)?;
    let mut name = keys::sanitise_filename(filename);
    if name.is_empty() || name.starts_with('.') {
        name = if content_type == PDF {
            "resume.pdf".into()
        } else {
            "resume.docx".into()
        };
    }
    let folder = keys::parse_folder("resumes")
        .map_err(|m| HireError::App(AppError::Unexpected(anyhow::anyhow!(m))))?;
    let key = ObjectKey::generate(platform_slug, folder.as_ref(), &name, Utc::now())?;
    let mut writer = storage.writer(&key, content_type).await?;
    let mut hasher = Sha256::new();
    match pump(&mut writer, &mut hasher, pending, &mut stream, max).await {
        Ok(()) => {}
        Err(e) => {
            writer.abort().await;
            return Err(e);
        }
    }
    let info = writer.finish().await?;
    let sha256 = hex::encode(hasher.finalize());

    let mut sink = HashSink::default();
    storage.copy_to(&key, &mut sink).await?;
    if hex::encode(sink.hasher.finalize()) != sha256 || sink.size != info.size {
        storage.delete(&key).await?;
        return Err(HireError::App(AppError::Unexpected(anyhow::anyhow!(
            "the stored resume does not match what was uploaded"
        ))));
    }
    Ok(StoredResume {
        key,
        sha256,
        size: info.size,
        content_type,
        filename: name,
    })
}

async fn pump<S>(
    writer: &mut ObjectWriter,
    hasher: &mut Sha256,
    pending: Vec<Bytes>,
    stream: &mut S,
    max: usize,
) -> Result<(), HireError>
where
    S: Stream<Item = Result<Bytes, HireError>> + Unpin,
{
    for chunk in pending {
        hasher.update(&chunk);
        writer.write(chunk).await?;
    }
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if writer.size() as usize + chunk.len() > max {
            return Err(too_large(max));
        }
        hasher.update(&chunk);
        writer.write(chunk).await?;
    }
    Ok(())
}

/// A writer that only hashes and counts what it is given.
#[derive(Default)]
struct HashSink {
    hasher: Sha256,
    size: u64,
}

impl tokio::io::AsyncWrite for HashSink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.hasher.update(buf);
        self.size += buf.len() as u64;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n", "cv.pdf"), Some(PDF));
        assert_eq!(sniff(b"%PDF-1.7\n", "cv.docx"), Some(PDF));
        assert_eq!(sniff(b"PK\x03\x04rest", "cv.docx"), Some(DOCX));
        assert_eq!(sniff(b"PK\x03\x04rest", "cv.zip"), None);
        assert_eq!(sniff(b"MZ\x90\x00\x03", "cv.pdf"), None);
    }
}
