//! The Drive API calls: a page of files, one file's metadata, and its bytes (downloaded, or
//! exported for Google's own formats) read up to the import limit.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{GoogleDrive, PROVIDER};
use crate::provider::{ProviderError, read_json};

/// Fields asked for each file.
const FILE_FIELDS: &str = "id,name,mimeType,size,modifiedTime";

/// A file in the user's Drive.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DriveFile {
    /// Drive's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Media type (`application/vnd.google-apps.*` for Google's own formats).
    #[serde(rename(deserialize = "mimeType"))]
    pub mime_type: String,
    /// Size in bytes (absent for Google's own formats).
    #[serde(default, deserialize_with = "size_text")]
    pub size: Option<u64>,
    /// Last modified (RFC 3339).
    #[serde(default, rename(deserialize = "modifiedTime"))]
    pub modified_time: Option<String>,
}

fn size_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.and_then(|s| s.parse().ok()))
}

/// A page of files.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FileList {
    /// The files.
    pub files: Vec<DriveFile>,
    /// The next page's token, if any.
    #[serde(default, rename(deserialize = "nextPageToken"))]
    pub next_page_token: Option<String>,
}

/// What a download gives.
#[derive(Debug)]
pub enum Download {
    /// The bytes and their media type.
    Bytes(actix_web::web::Bytes, String),
    /// Over the limit (the rest was not read).
    TooLarge,
}

/// The export format of Google's own formats: (media type, file extension).
pub fn export_format(mime: &str) -> Option<(&'static str, &'static str)> {
    Some(match mime {
        "application/vnd.google-apps.document"
        | "application/vnd.google-apps.presentation"
        | "application/vnd.google-apps.drawing" => ("application/pdf", "pdf"),
        "application/vnd.google-apps.spreadsheet" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => return None,
    })
}

fn transport(e: reqwest::Error) -> ProviderError {
    ProviderError::transport(PROVIDER, e)
}

impl GoogleDrive {
    /// One page (50) of the user's files matching the Drive query `q`, newest first.
    pub async fn list(
        &self,
        access: &SecretString,
        q: &str,
        page_token: Option<&str>,
    ) -> Result<FileList, ProviderError> {
        let fields = format!("nextPageToken,files({FILE_FIELDS})");
        let mut query = vec![
            ("q", q),
            ("pageSize", "50"),
            ("orderBy", "modifiedTime desc"),
            ("fields", fields.as_str()),
        ];
        if let Some(token) = page_token {
            query.push(("pageToken", token));
        }
        let res = self
            .http
            .get(format!("{}/files", self.api_base))
            .query(&query)
            .bearer_auth(access.expose_secret())
            .send()
            .await
            .map_err(transport)?;
        let body = read_json(PROVIDER, res, "/error/message").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("file list: {e}"),
        })
    }

    /// One file's metadata.
    pub async fn file(&self, access: &SecretString, id: &str) -> Result<DriveFile, ProviderError> {
        let res = self
            .http
            .get(format!("{}/files/{id}", self.api_base))
            .query(&[("fields", FILE_FIELDS)])
            .bearer_auth(access.expose_secret())
            .send()
            .await
            .map_err(transport)?;
        let body = read_json(PROVIDER, res, "/error/message").await?;
        serde_json::from_value(body).map_err(|e| ProviderError::Body {
            provider: PROVIDER,
            message: format!("file: {e}"),
        })
    }

    /// The file's bytes: exported to `export` (a media type) for Google's own formats,
    /// downloaded as is otherwise; at most `import_max_bytes`.
    pub async fn download(
        &self,
        access: &SecretString,
        file: &DriveFile,
        export: Option<&str>,
    ) -> Result<Download, ProviderError> {
        let request = match export {
            Some(mime) => self
                .http
                .get(format!("{}/files/{}/export", self.api_base, file.id))
                .query(&[("mimeType", mime)]),
            None => self
                .http
                .get(format!("{}/files/{}", self.api_base, file.id))
                .query(&[("alt", "media")]),
        };
        let mut res = request
            .bearer_auth(access.expose_secret())
            .send()
            .await
            .map_err(transport)?;
        if !res.status().is_success() {
            return Err(read_json(PROVIDER, res, "/error/message")
                .await
                .err()
                .unwrap_or(ProviderError::Body {
                    provider: PROVIDER,
                    message: "download failed".into(),
                }));
        }
        let limit = self.import_max_bytes;
        if res.content_length().is_some_and(|n| n > limit) {
            return Ok(Download::TooLarge);
        }
        let mime = export.map_or_else(|| file.mime_type.clone(), str::to_owned);
        let mut buf = actix_web::web::BytesMut::new();
        while let Some(chunk) = res.chunk().await.map_err(transport)? {
            if (buf.len() + chunk.len()) as u64 > limit {
                return Ok(Download::TooLarge);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Download::Bytes(buf.freeze(), mime))
    }
}
