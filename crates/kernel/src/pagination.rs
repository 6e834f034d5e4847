//! Cursor pagination: `?limit=` (default 20, max 100) and `?cursor=`; answers
//! `{items, next_cursor}`. The cursor is opaque to clients (hex of a small JSON key) and
//! services use keyset queries: fetch `limit + 1` rows after the key, keep `limit`.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

/// Default page size.
pub const DEFAULT_LIMIT: u64 = 20;
/// Largest page size.
pub const MAX_LIMIT: u64 = 100;

/// Query parameters of every list endpoint.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page (opaque; only a value this list produced is
    /// accepted, others are 422; empty is the first page).
    #[param(max_length = 2048, pattern = "^([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

impl PageParams {
    /// The validated page size.
    pub fn limit(&self) -> Result<u64, AppError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(l) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
            Some(_) => Err(AppError::invalid_field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    /// The decoded cursor key, if any (an empty cursor is the first page).
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, AppError> {
        self.cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(decode_cursor)
            .transpose()
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: keeps `limit` and, when there were more,
    /// makes the cursor from the last kept row's key.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> K) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// Encodes a keyset key as an opaque cursor.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    let json = serde_json::to_vec(key).unwrap_or_default();
    json.iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest cursor accepted (hex characters).
pub const MAX_CURSOR_LEN: usize = 2048;

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a cursor; a tampered or foreign cursor is a 422 on `cursor`.
pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, AppError> {
    let bad = || AppError::invalid_field("cursor", "is not a cursor this list produced");
    // Work on bytes, never on `str` slices: a multi-byte character is not a hex digit, and
    // slicing a `str` inside one would panic.
    let raw = cursor.as_bytes();
    if !raw.len().is_multiple_of(2) || raw.len() > MAX_CURSOR_LEN {
        return Err(bad());
    }
    let bytes = raw
        .chunks_exact(2)
        .map(|pair| Some((hex_digit(pair[0])? << 4) | hex_digit(pair[1])?))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cut_at_limit_and_point_at_the_last_item() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.items, vec![1, 2]);
        let key: i32 = decode_cursor(page.next_cursor.as_deref().unwrap()).unwrap();
        assert_eq!(key, 2);
        let last = Page::from_rows(vec![1, 2], 2, |n| *n);
        assert!(last.next_cursor.is_none());
    }

    #[test]
    fn limits_and_cursors_are_validated() {
        assert_eq!(PageParams::default().limit().unwrap(), 20);
        assert!(
            PageParams {
                limit: Some(0),
                cursor: None
            }
            .limit()
            .is_err()
        );
        assert!(
            PageParams {
                limit: Some(101),
                cursor: None
            }
            .limit()
            .is_err()
        );
        assert!(decode_cursor::<i32>("zz").is_err());
        assert!(decode_cursor::<i32>("abc").is_err());
        // multi-byte text of an even byte length: an error, never a panic
        for text in ["éé", "€a", "a€", "日本", "🎉", "0é", "+1", "-1"] {
            assert!(decode_cursor::<i32>(text).is_err(), "{text}");
        }
        assert_eq!(decode_cursor::<i32>(&encode_cursor(&7)).unwrap(), 7);
    }
}
