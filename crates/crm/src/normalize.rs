//! The dedupe keys of a lead: the phone in E.164 (parsed by the `phonenumber` crate, a port
//! of Google's libphonenumber, with India as the region of numbers written without a country
//! code) and the canonical email (ADR 0048).

use phonenumber::{Mode, country::Id};

/// The region of a number written without `+` and a country code.
pub const DEFAULT_REGION: Id = Id::IN;

/// `raw` as an E.164 string (`+919876543210`), or why it is not a phone number. Spaces,
/// dashes, dots, brackets and a leading `0` or `0091`/`+91` are accepted; the number must be
/// valid for its region (libphonenumber's metadata), not just well-formed.
pub fn phone_e164(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is required");
    }
    if raw.len() > 32 {
        return Err("is too long for a phone number");
    }
    let number =
        phonenumber::parse(Some(DEFAULT_REGION), raw).map_err(|_| "is not a phone number")?;
    if !phonenumber::is_valid(&number) {
        return Err("is not a valid phone number");
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// The canonical form of an email address, or why it is not one: trimmed and lower-cased,
/// the `+tag` of the local part removed (plus-addressing), and for Gmail (`gmail.com`,
/// `googlemail.com`) the dots of the local part removed and the domain written `gmail.com`,
/// because Gmail delivers all of those spellings to one mailbox. Other providers keep their
/// dots: for them a dot can tell two people apart.
pub fn email_canonical(raw: &str) -> Result<String, &'static str> {
    let lower = raw.trim().to_lowercase();
    if lower.len() > 320 {
        return Err("is too long for an email address");
    }
    if !validator::ValidateEmail::validate_email(&lower) {
        return Err("is not an email address");
    }
    let (local, domain) = lower.rsplit_once('@').ok_or("is not an email address")?;
    let mut local = local.split('+').next().unwrap_or(local).to_owned();
    let mut domain = domain.to_owned();
    if domain == "gmail.com" || domain == "googlemail.com" {
        local.retain(|c| c != '.');
        domain = "gmail.com".to_owned();
    }
    if local.is_empty() {
        return Err("is not an email address");
    }
    Ok(format!("{local}@{domain}"))
}

/// The address to write to: the email as given, trimmed, its domain lower-cased (domains are
/// case-insensitive; a local part belongs to its server, whose `+tag` and dots may name
/// another person's mailbox). Only for an address [`email_canonical`] accepted.
pub fn email_address(raw: &str) -> String {
    let trimmed = raw.trim();
    match trimmed.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_numbers_in_any_spelling_are_one_key() {
        for raw in [
            "9876543210",
            "+91 98765 43210",
            "+91-98765-43210",
            "098765 43210",
            "(+91) 98765.43210",
            "00919876543210",
        ] {
            assert_eq!(phone_e164(raw).as_deref(), Ok("+919876543210"), "{raw}");
        }
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        assert_eq!(
            phone_e164("+44 20 7946 0958").as_deref(),
            Ok("+442079460958")
        );
        assert_eq!(phone_e164("+1 415 555 2671").as_deref(), Ok("+14155552671"));
    }

    #[test]
    fn junk_is_refused() {
        for raw in ["", "   ", "hello", "12345", "+91 12345", &"9".repeat(40)] {
            assert!(phone_e164(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn mail_goes_to_the_address_as_given() {
        assert_eq!(
            email_address("  Asha.Rao+ads@Example.COM "),
            "Asha.Rao+ads@example.com"
        );
        assert_eq!(email_address("a.s.h.a@gmail.com"), "a.s.h.a@gmail.com");
    }

    #[test]
    fn emails_are_canonical() {
        assert_eq!(
            email_canonical("  Asha.Rao+ads@Example.COM ").as_deref(),
            Ok("asha.rao@example.com")
        );
        assert_eq!(
            email_canonical("a.s.h.a+x@googlemail.com").as_deref(),
            Ok("asha@gmail.com")
        );
        assert_eq!(
            email_canonical("Asha.Rao@gmail.com").as_deref(),
            Ok("asharao@gmail.com")
        );
        for raw in ["", "nope", "a@", "+tag@example.com"] {
            assert!(email_canonical(raw).is_err(), "{raw:?}");
        }
    }
}
