//! Document numbers: `{SERIES}/{FY}/{seq}` (`MM/26-27/00123`), at most 14 characters so an
//! amendment suffix still fits the e-invoice limit of 16, matching the e-invoice pattern
//! `^[A-Z1-9][A-Z0-9/-]{0,15}$` (ADR 0052). The sequence is zero-padded to five digits; a
//! series has one or two characters (a longer one could not hold five digits in 14).

/// Longest document number.
pub const MAX_LEN: usize = 14;
/// Digits of a padded sequence number.
pub const SEQ_DIGITS: usize = 5;
/// `/26-27/`.
const FY_PART: usize = 7;

/// Why a series is refused, or `None`.
pub fn series_problem(series: &str) -> Option<String> {
    let b = series.as_bytes();
    let Some(first) = b.first() else {
        return Some("must not be empty".into());
    };
    if !(first.is_ascii_uppercase() || (b'1'..=b'9').contains(first))
        || !b[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
    {
        return Some("must be capital letters, digits or '-', not starting with 0 or '-'".into());
    }
    if b.len() + FY_PART + SEQ_DIGITS > MAX_LEN {
        return Some(format!(
            "is too long: its numbers ({series}/26-27/00001) would exceed {MAX_LEN} characters; use at most {} characters",
            MAX_LEN - FY_PART - SEQ_DIGITS
        ));
    }
    None
}

/// The highest sequence number of `series` within 14 characters.
pub fn max_seq(series: &str) -> i64 {
    let digits = MAX_LEN.saturating_sub(series.len() + FY_PART);
    let digits = u32::try_from(digits).unwrap_or(0).min(18);
    10i64.pow(digits) - 1
}

/// The number of the `seq`th document of `series` in financial year `fy`, or `None` when it
/// would not fit.
pub fn format(series: &str, fy: &str, seq: i64) -> Option<String> {
    if seq < 1 || seq > max_seq(series) {
        return None;
    }
    let n = format!("{series}/{fy}/{seq:0width$}", width = SEQ_DIGITS);
    (n.len() <= MAX_LEN && matches_einvoice_pattern(&n)).then_some(n)
}

/// `^[A-Z1-9][A-Z0-9/-]{0,15}$`.
pub fn matches_einvoice_pattern(n: &str) -> bool {
    let b = n.as_bytes();
    !b.is_empty()
        && b.len() <= 16
        && (b[0].is_ascii_uppercase() || (b'1'..=b'9').contains(&b[0]))
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'/' || *c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_fit_fourteen_characters() {
        assert_eq!(
            format("MM", "26-27", 123).as_deref(),
            Some("MM/26-27/00123")
        );
        assert_eq!(format("MM", "26-27", 99_999).map(|n| n.len()), Some(14));
        assert_eq!(format("MM", "26-27", 100_000), None);
        assert_eq!(
            format("M", "26-27", 100_000).as_deref(),
            Some("M/26-27/100000")
        );
        assert_eq!(format("MM", "26-27", 0), None);
    }

    #[test]
    fn series_that_could_overflow_are_refused() {
        assert_eq!(series_problem("MM"), None);
        assert_eq!(series_problem("C"), None);
        assert_eq!(series_problem("9-"), None);
        assert!(series_problem("MAS").is_some());
        assert!(series_problem("").is_some());
        assert!(series_problem("0A").is_some());
        assert!(series_problem("m").is_some());
        assert!(series_problem("M/").is_some());
    }

    #[test]
    fn the_einvoice_pattern() {
        assert!(matches_einvoice_pattern("MM/26-27/00001"));
        assert!(!matches_einvoice_pattern("0M/26-27/00001"));
        assert!(!matches_einvoice_pattern("MM/26-27/0000100000"));
    }
}
