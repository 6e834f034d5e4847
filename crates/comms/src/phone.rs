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

/// Digits only.
pub fn digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

/// The number as WhatsApp takes it: country code then digits, no `+`. WhatsApp reads every
/// number as international, so a number written without a country code is India's (the
/// suite's default, as for voice calls): ten digits starting 6-9, alone or after a trunk `0`,
/// get `91`. Otherwise `9876543210` would be read as Iran's `+98 76543210`, someone else's.
pub fn whatsapp_digits(raw: &str) -> String {
    let n = normalize(raw);
    let all = digits(&n);
    if n.starts_with('+') {
        return all;
    }
    let national = all
        .strip_prefix('0')
        .filter(|d| d.len() == 10)
        .unwrap_or(&all);
    if national.len() == 10 && matches!(national.as_bytes().first(), Some(b'6'..=b'9')) {
        format!("91{national}")
    } else {
        all
    }
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

    #[test]
    fn whatsapp_gets_a_country_code_for_an_indian_number_written_without_one() {
        for india in [
            "9876543210",
            "098765 43210",
            "+91 98765 43210",
            "919876543210",
        ] {
            assert_eq!(whatsapp_digits(india), "919876543210", "{india}");
        }
        // international numbers stay as they are, with or without `+`
        assert_eq!(whatsapp_digits("+1 (415) 555-0100"), "14155550100");
        assert_eq!(whatsapp_digits("14155550100"), "14155550100");
        assert_eq!(whatsapp_digits("+98 21 1234 5678"), "982112345678");
        // a landline-looking ten digits (not 6-9) is not guessed at
        assert_eq!(whatsapp_digits("2212345678"), "2212345678");
    }
}
