//! The agreement PDF (ADR 0067): one A4 page written with `pdf-writer` in the base-14
//! Helvetica (WinAnsi, nothing embedded), as the invoices of `finance` are. Pure: the
//! agreement's fields in, bytes out. Characters outside Latin-1 print as `?` (the row keeps
//! the names; the PDF is the printable copy Leegality has signed).

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

const A4: (f32, f32) = (595.0, 842.0);
const LEFT: f32 = 56.0;
const WRAP: usize = 92;

/// `12345` paise as `123.45`.
pub fn rupees(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let p = paise.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) if (0x20..0x7f).contains(&b) || b >= 0xa0 => b,
            _ => b'?',
        })
        .collect()
}

/// Breaks `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn line(content: &mut Content, size: f32, s: &str, y: &mut f32) {
    content.begin_text();
    content.set_font(Name(b"F1"), size);
    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, LEFT, *y]);
    content.show(Str(&latin1(s)));
    content.end_text();
    *y -= size + 5.0;
}

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
    let mut content = Content::new();
    let mut y = A4.1 - 64.0;
    line(&mut content, 16.0, a.title, &mut y);
    line(
        &mut content,
        9.0,
        &format!("Reference: {}", a.reference),
        &mut y,
    );
    line(&mut content, 9.0, &format!("Date: {}", a.date), &mut y);
    y -= 8.0;
    line(
        &mut content,
        10.0,
        &format!("Between {} (the Provider)", a.provider),
        &mut y,
    );
    line(
        &mut content,
        10.0,
        &format!("and {} (the Learner).", a.learner),
        &mut y,
    );
    y -= 8.0;
    for (n, clause) in a.clauses.iter().enumerate() {
        for (i, text) in wrap(clause, WRAP).iter().enumerate() {
            let text = if i == 0 {
                format!("{}. {text}", n + 1)
            } else {
                format!("   {text}")
            };
            line(&mut content, 10.0, &text, &mut y);
        }
        y -= 4.0;
    }
    y -= 24.0;
    line(
        &mut content,
        10.0,
        "Signed electronically through Leegality by the Learner.",
        &mut y,
    );

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let page_id = Ref::new(3);
    let font = Ref::new(4);
    let content_id = Ref::new(5);
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    {
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, A4.0, A4.1));
        p.parent(tree);
        p.contents(content_id);
        p.resources().fonts().pair(Name(b"F1"), font);
    }
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let content = content.finish();
    pdf.stream(content_id, &content);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_wrap_and_the_page_is_a_pdf() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(rupees(150_000), "1500.00");
        let bytes = render(&AgreementText {
            title: "MEMORANDUM OF UNDERSTANDING",
            provider: "Mr. Mentor",
            learner: "Asha ₹",
            reference: "x",
            date: "04-12-2026",
            clauses: vec!["The fee is 1500.00.".repeat(12)],
        });
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
