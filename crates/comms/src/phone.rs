//! Phone numbers as the providers take them: E.164-ish, digits with an optional leading `+`.

use validator::ValidationError;

/// Strips spaces, dashes, dots and parentheses people type into numbers.
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect()
}

/// Whether `raw` is a phone number: an optional `+`, then 8 to 15 digits.
pub fn is_valid(raw: &str) -> bool {
    let n = normalize(raw);
    let digits = n.strip_prefix('+').unwrap_or(&n);
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `validator` custom check naming the expected shape.
pub fn validate(raw: &str) -> Result<(), ValidationError> {
    if is_valid(raw) {
        Ok(())
    } else {
        Err(ValidationError::new("phone").with_message(
            "must be a phone number in international form, e.g. +919876543210".into(),
        ))
    }
}

/// Digits only (WhatsApp wants the number with country code and no `+`).
pub fn digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_e164_ish() {
        for ok in [
            "+919876543210",
            "919876543210",
            "09876543210",
            "+1 (415) 555-0100",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "12345",
            "+91 98765 abcde",
            "++919876543210",
            "1234567890123456",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert_eq!(normalize("+91 98765-43210"), "+919876543210");
        assert_eq!(digits("+91 98765-43210"), "919876543210");
    }
}
