//! GSTIN and state-code checks: the format (two-digit state, ten-character PAN, entity code,
//! `Z`, check character) and the check character (base-36, factors 1 and 2 alternating, the
//! sum of quotient and remainder of each product by 36; ADR 0052).

const CHARS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// State and union-territory codes of the GST (01-38, 97 other territory).
pub fn valid_state_code(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_digit())
        && matches!(code.parse::<u8>(), Ok(1..=38 | 97))
}

fn value(b: u8) -> Option<u32> {
    CHARS
        .iter()
        .position(|&c| c == b)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check character of the first 14 characters of a GSTIN.
pub fn check_char(first14: &str) -> Option<char> {
    let bytes = first14.as_bytes();
    if bytes.len() != 14 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        let factor = if i % 2 == 0 { 1 } else { 2 };
        let product = value(b)? * factor;
        sum += product / 36 + product % 36;
    }
    let check = (36 - sum % 36) % 36;
    CHARS.get(check as usize).map(|&c| char::from(c))
}

/// Why a GSTIN is refused (the 422's message), or `None` when it is valid.
pub fn problem(gstin: &str) -> Option<&'static str> {
    let b = gstin.as_bytes();
    if b.len() != 15 {
        return Some("must be 15 characters");
    }
    let ok_format = b[..2].iter().all(u8::is_ascii_digit)
        && b[2..7].iter().all(u8::is_ascii_uppercase)
        && b[7..11].iter().all(u8::is_ascii_digit)
        && b[11].is_ascii_uppercase()
        && (b[12].is_ascii_uppercase() || (b'1'..=b'9').contains(&b[12]))
        && b[13] == b'Z'
        && (b[14].is_ascii_uppercase() || b[14].is_ascii_digit());
    if !ok_format {
        return Some(
            "is not in the GSTIN format (state code, PAN, entity code, Z, check character)",
        );
    }
    if !valid_state_code(&gstin[..2]) {
        return Some("starts with an unknown state code");
    }
    if check_char(&gstin[..14]) != Some(char::from(b[14])) {
        return Some("has a wrong check character");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_gstins_pass_and_typos_fail() {
        // published sample GSTINs
        for g in ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4"] {
            assert_eq!(problem(g), None, "{g}");
        }
        // one character changed: the check character catches it
        assert_eq!(
            problem("27AAPFU0939F1ZW"),
            Some("has a wrong check character")
        );
        assert_eq!(
            problem("27AAPFU0938F1ZV"),
            Some("has a wrong check character")
        );
        assert!(problem("27AAPFU0939F1Z").is_some());
        assert!(problem("27aapfu0939f1zv").is_some());
        assert_eq!(
            problem("99AAPFU0939F1ZV"),
            Some("starts with an unknown state code")
        );
    }

    #[test]
    fn state_codes() {
        assert!(valid_state_code("29"));
        assert!(valid_state_code("97"));
        assert!(!valid_state_code("00"));
        assert!(!valid_state_code("39"));
        assert!(!valid_state_code("2"));
    }
}
