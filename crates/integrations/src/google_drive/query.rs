//! What a caller may send to the Drive API, checked before anything is sent: the search
//! text becomes a Drive query we build (`name contains '…'`, quotes and backslashes escaped),
//! never a raw query; file ids and page tokens are restricted to Google's alphabets.

/// Longest search text.
pub const MAX_SEARCH: usize = 100;
/// Longest page token.
pub const MAX_PAGE_TOKEN: usize = 1024;

/// The Drive `q` for a search text (or all non-trashed files). `Err` says why the text is
/// refused.
pub fn drive_query(search: Option<&str>) -> Result<String, &'static str> {
    let base = "trashed = false";
    let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(base.to_owned());
    };
    if text.chars().count() > MAX_SEARCH {
        return Err("must be at most 100 characters");
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    let escaped = text.replace('\\', "\\\\").replace('\'', "\\'");
    Ok(format!("name contains '{escaped}' and {base}"))
}

/// Whether `id` looks like a Drive file id (1-200 of `[A-Za-z0-9_-]`).
pub fn valid_file_id(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `token` looks like a Drive page token (printable ASCII without spaces).
pub fn valid_page_token(token: &str) -> bool {
    (1..=MAX_PAGE_TOKEN).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_quoted_never_raw() {
        assert_eq!(drive_query(None).unwrap(), "trashed = false");
        assert_eq!(drive_query(Some("  ")).unwrap(), "trashed = false");
        assert_eq!(
            drive_query(Some("it's")).unwrap(),
            "name contains 'it\\'s' and trashed = false"
        );
        assert_eq!(
            drive_query(Some("a\\' or 1=1")).unwrap(),
            "name contains 'a\\\\\\' or 1=1' and trashed = false"
        );
        assert!(drive_query(Some(&"x".repeat(101))).is_err());
        assert!(drive_query(Some("a\nb")).is_err());
    }

    #[test]
    fn ids_and_tokens_are_restricted() {
        assert!(valid_file_id("1AbC_d-9"));
        assert!(!valid_file_id("../etc"));
        assert!(!valid_file_id("a/b"));
        assert!(!valid_file_id(""));
        assert!(valid_page_token("~!tok=="));
        assert!(!valid_page_token("a b"));
    }
}
