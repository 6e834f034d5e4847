//! The agreement PDF (ADR 0067): one A4 page in the base-14 Helvetica ([`kernel::pdf`]), as
//! the invoices of `finance` are. Pure: the agreement's fields in, bytes out. Characters
//! outside Latin-1 print as `?` (the row keeps the names; the PDF is the printable copy
//! Leegality has signed).

use kernel::pdf::{Page, wrap};

/// Clause lines wrap at this many characters.
const WRAP: usize = 92;

/// What an agreement page says.
#[derive(Debug, Clone)]
pub struct AgreementText<'a> {
    /// The heading.
    pub title: &'a str,
    /// The platform's name (one party).
    pub provider: &'a str,
    /// The lead's name (the other party).
    pub learner: &'a str,
    /// The agreement's id (printed as its reference).
    pub reference: &'a str,
    /// The date, as printed.
    pub date: &'a str,
    /// The clauses, in order.
    pub clauses: Vec<String>,
}

/// Renders one agreement page.
pub fn render(a: &AgreementText<'_>) -> Vec<u8> {
    let mut page = Page::new(56.0, 64.0, 5.0);
    page.line(16.0, a.title);
    page.line(9.0, &format!("Reference: {}", a.reference));
    page.line(9.0, &format!("Date: {}", a.date));
    page.y -= 8.0;
    page.line(10.0, &format!("Between {} (the Provider)", a.provider));
    page.line(10.0, &format!("and {} (the Learner).", a.learner));
    page.y -= 8.0;
    for (n, clause) in a.clauses.iter().enumerate() {
        for (i, text) in wrap(clause, WRAP).iter().enumerate() {
            let text = if i == 0 {
                format!("{}. {text}", n + 1)
            } else {
                format!("   {text}")
            };
            page.line(10.0, &text);
        }
        page.y -= 4.0;
    }
    page.y -= 24.0;
    page.line(
        10.0,
        "Signed electronically through Leegality by the Learner.",
    );
    page.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_a_pdf_with_every_clause() {
        let bytes = render(&AgreementText {
            title: "MEMORANDUM OF UNDERSTANDING",
            provider: "Mr. Mentor",
            learner: "Asha ₹",
            reference: "x",
            date: "04-12-2026",
            clauses: vec!["The fee is 1500.00. ".repeat(12)],
        });
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("(Between Mr. Mentor (the Provider)) Tj"),
            "{text}"
        );
        assert!(text.contains("(and Asha ? (the Learner).) Tj"), "{text}");
        // the clause, 239 characters, is printed as its lines of at most 92, numbered once
        let lines = wrap(&"The fee is 1500.00. ".repeat(12), WRAP);
        assert_eq!(lines.len(), 3);
        assert!(text.contains(&format!("(1. {}) Tj", lines[0])), "{text}");
        for more in &lines[1..] {
            assert!(text.contains(&format!("(   {more}) Tj")), "{text}");
        }
    }
}
