//! One A4 page of text, written with `pdf-writer` in the PDF base-14 Helvetica (WinAnsi;
//! nothing embedded, so a page is a few kilobytes and renders in microseconds): what the
//! invoices and credit notes of `finance` (ADR 0054) and the agreements of `crm` (ADR 0067)
//! print on. Characters outside Latin-1 print as `?`; the rows keep the real names, the PDF is
//! the printable copy.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

/// A4 in points (width, height).
pub const A4: (f32, f32) = (595.0, 842.0);

/// Latin-1 bytes of `s` (WinAnsi agrees on the printable range used here); anything else,
/// control characters included, is `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) if (0x20..0x7f).contains(&b) || b >= 0xa0 => b,
            _ => b'?',
        })
        .collect()
}

/// Breaks `text` into lines of at most `width` characters at spaces (a longer word stands on
/// its own line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
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

/// A page being written top down: `y` is the baseline of the next line.
pub struct Page {
    /// The page's content stream (for drawing beside the text, such as a QR code).
    pub content: Content,
    /// The next line's baseline, in points from the bottom.
    pub y: f32,
    left: f32,
    gap: f32,
}

impl Page {
    /// A page whose lines start `left` points from the left edge, the first at `top` points
    /// below the top edge, each next one `gap` points below the last one's text size.
    pub fn new(left: f32, top: f32, gap: f32) -> Self {
        Self {
            content: Content::new(),
            y: A4.1 - top,
            left,
            gap,
        }
    }

    /// `s` in `size` points at `x` on the current baseline (the baseline stays).
    pub fn text(&mut self, x: f32, size: f32, s: &str) {
        self.content.begin_text();
        self.content.set_font(Name(b"F1"), size);
        self.content
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, self.y]);
        self.content.show(Str(&latin1(s)));
        self.content.end_text();
    }

    /// `s` in `size` points at the left margin, then the next baseline.
    pub fn line(&mut self, size: f32, s: &str) {
        self.text(self.left, size, s);
        self.y -= size + self.gap;
    }

    /// The finished one-page document.
    pub fn finish(self) -> Vec<u8> {
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
        let content = self.content.finish();
        pdf.stream(content_id, &content);
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_latin_text_is_replaced() {
        assert_eq!(latin1("Asha ₹\n"), b"Asha ??".to_vec());
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("  ", 4), Vec::<String>::new());
        assert_eq!(wrap("abcdefg h", 4), ["abcdefg", "h"]);
    }

    #[test]
    fn a_page_is_one_page_of_helvetica() {
        let mut page = Page::new(48.0, 60.0, 6.0);
        let top = page.y;
        page.line(10.0, "Invoice (Asha)");
        assert!((top - page.y - 16.0).abs() < f32::EPSILON);
        let bytes = page.finish();
        let text = String::from_utf8_lossy(&bytes);
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(text.contains("/Count 1"), "{text}");
        assert!(text.contains("/BaseFont /Helvetica"), "{text}");
        assert!(text.contains("(Invoice (Asha)) Tj"), "{text}");
    }
}
