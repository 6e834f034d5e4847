//! The invoice PDF (ADR 0054): one A4 page written with `pdf-writer` in the PDF base-14
//! Helvetica (WinAnsi; nothing embedded, so a page is a few kilobytes and renders in
//! microseconds). Pure: an [`InvoiceDto`] in, bytes out. Characters outside Latin-1 print as
//! `?` (names are kept in the invoice row; the PDF is the printable copy).

use chrono_tz::Asia::Kolkata;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

use crate::dto::invoices::InvoiceDto;

const A4: (f32, f32) = (595.0, 842.0);
const LEFT: f32 = 48.0;

/// `12345` paise as `123.45`.
pub fn rupees(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let p = paise.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

/// Latin-1 bytes of `s` (WinAnsi agrees on the printable ASCII range used here); anything
/// else is `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) if (0x20..0x7f).contains(&b) || b >= 0xa0 => b,
            _ => b'?',
        })
        .collect()
}

struct Page {
    content: Content,
    y: f32,
}

impl Page {
    fn text(&mut self, x: f32, size: f32, s: &str) {
        self.content.begin_text();
        self.content.set_font(Name(b"F1"), size);
        self.content
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, self.y]);
        self.content.show(Str(&latin1(s)));
        self.content.end_text();
    }

    fn line(&mut self, size: f32, s: &str) {
        self.text(LEFT, size, s);
        self.y -= size + 6.0;
    }

    fn row(&mut self, cells: &[(f32, &str)]) {
        for (x, s) in cells {
            self.text(*x, 9.0, s);
        }
        self.y -= 15.0;
    }
}

/// Renders the invoice.
pub fn render(i: &InvoiceDto) -> Vec<u8> {
    render_with(i, None)
}

/// Renders the invoice with its e-invoice's IRN and acknowledgement, when it has one.
pub fn render_with(i: &InvoiceDto, irn: Option<(&str, &str)>) -> Vec<u8> {
    let mut page = Page {
        content: Content::new(),
        y: A4.1 - 60.0,
    };
    page.line(18.0, "TAX INVOICE");
    page.line(11.0, &i.supplier_name);
    page.line(10.0, &format!("GSTIN: {}", i.supplier_gstin));
    page.y -= 8.0;
    page.line(10.0, &format!("Invoice number: {}", i.number));
    page.line(
        10.0,
        &format!(
            "Invoice date: {}",
            i.issued_at.with_timezone(&Kolkata).format("%d-%m-%Y")
        ),
    );
    page.line(10.0, &format!("Place of supply: {}", i.place_of_supply));
    if let Some((irn, ack)) = irn {
        page.line(8.0, &format!("IRN: {irn}"));
        page.line(8.0, &format!("Ack No: {ack}"));
    }
    page.y -= 8.0;
    page.line(10.0, &format!("Bill to: {}", i.customer.name));
    if let Some(g) = &i.customer.gstin {
        page.line(10.0, &format!("Buyer GSTIN: {g}"));
    }
    if !i.customer.address.is_empty() {
        page.line(10.0, &i.customer.address);
    }
    page.y -= 12.0;
    let cols = [LEFT, 250.0, 300.0, 345.0, 405.0, 460.0, 520.0];
    page.row(&[
        (cols[0], "Description"),
        (cols[1], "SAC"),
        (cols[2], "Rate"),
        (cols[3], "Taxable"),
        (cols[4], "CGST"),
        (cols[5], "SGST"),
        (cols[6], "IGST"),
    ]);
    for l in &i.lines {
        let description: String = l.description.chars().take(40).collect();
        let rate = format!("{}%", rupees(i64::from(l.rate_bp)));
        let cells = [
            description,
            l.sac.clone(),
            rate,
            rupees(l.taxable_paise),
            rupees(l.cgst_paise),
            rupees(l.sgst_paise),
            rupees(l.igst_paise),
        ];
        let row: Vec<(f32, &str)> = cols
            .iter()
            .copied()
            .zip(cells.iter().map(String::as_str))
            .collect();
        page.row(&row);
    }
    page.y -= 10.0;
    for (label, v) in [
        ("Taxable value", i.taxable_paise),
        ("CGST", i.cgst_paise),
        ("SGST", i.sgst_paise),
        ("IGST", i.igst_paise),
        ("Total (INR)", i.total_paise),
    ] {
        page.line(10.0, &format!("{label}: {}", rupees(v)));
    }
    page.y -= 12.0;
    page.line(
        8.0,
        "Computer-generated invoice. Tax is payable on reverse charge: No.",
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
    let content = page.content.finish();
    pdf.stream(content_id, &content);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupees_have_two_decimals() {
        assert_eq!(rupees(118_000), "1180.00");
        assert_eq!(rupees(5), "0.05");
        assert_eq!(rupees(-250), "-2.50");
    }

    #[test]
    fn non_latin_text_is_replaced() {
        assert_eq!(latin1("Asha ₹"), b"Asha ?".to_vec());
    }
}
