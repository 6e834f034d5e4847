//! The invoice and credit-note PDFs (ADR 0054, 0089): one A4 page in the PDF base-14
//! Helvetica ([`kernel::pdf`]; nothing embedded, so a page is a few kilobytes and renders in
//! microseconds). Pure: an [`InvoiceDto`] in, bytes out. Characters outside Latin-1 print as
//! `?` (names are kept in the invoice row; the PDF is the printable copy). An e-invoiced
//! document also prints its IRN, acknowledgement and the IRP's signed QR code, drawn as vector
//! modules (ADR 0079).

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Kolkata;
use kernel::{
    money::rupees,
    pdf::{A4, Page},
};
use pdf_writer::Content;
use qrcode::{Color, EcLevel, QrCode};

use crate::{
    dto::invoices::{CustomerDto, InvoiceDto},
    entities::{credit_note_lines, credit_notes},
};

const LEFT: f32 = 48.0;

/// One row of the lines' table: each cell at its column, in 9 points, then the next row.
fn row(page: &mut Page, cells: &[(f32, &str)]) {
    for (x, s) in cells {
        page.text(*x, 9.0, s);
    }
    page.y -= 15.0;
}

/// What an e-invoiced document prints (ADR 0071, 0079).
#[derive(Debug, Clone, Copy)]
pub struct EinvoiceMark<'a> {
    /// The IRN.
    pub irn: &'a str,
    /// The IRP's acknowledgement number.
    pub ack_no: &'a str,
    /// The IRP's signed QR code (a JWT), drawn as a QR code.
    pub signed_qr: Option<&'a str>,
}

/// The QR code's place: its top-right corner at the page's top-right margin.
pub const QR_SIZE: f32 = 160.0;
const QR_TOP: f32 = A4.1 - 40.0;
const QR_RIGHT: f32 = A4.0 - 40.0;
/// Light modules around the symbol, as the QR standard asks.
const QUIET: usize = 4;

/// The QR code of `data` as printed (error correction M: a smudge or a fold still reads).
/// `None` when it does not fit a QR code (over 2,331 bytes).
pub fn qr_code(data: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()
}

/// Draws `code` as filled rectangles, one per horizontal run of dark modules, in a module
/// grid (`cm`: one unit a module, y downwards from the symbol's top-left corner). Returns
/// the number of rectangles.
fn draw_qr(content: &mut Content, code: &QrCode) -> usize {
    let n = code.width();
    let module = QR_SIZE / (n + 2 * QUIET) as f32;
    let left = QR_RIGHT - QR_SIZE + QUIET as f32 * module;
    let top = QR_TOP - QUIET as f32 * module;
    let colors = code.to_colors();
    let mut rects = 0;
    content.save_state();
    content.transform([module, 0.0, 0.0, -module, left, top]);
    content.set_fill_gray(0.0);
    for (y, row) in colors.chunks(n).enumerate() {
        let mut x = 0;
        while x < n {
            if row[x] == Color::Dark {
                let start = x;
                while x < n && row[x] == Color::Dark {
                    x += 1;
                }
                content.rect(start as f32, y as f32, (x - start) as f32, 1.0);
                rects += 1;
            } else {
                x += 1;
            }
        }
    }
    content.fill_nonzero();
    content.restore_state();
    rects
}

/// One line of a printed document.
struct Line<'a> {
    description: &'a str,
    sac: &'a str,
    rate_bp: i32,
    taxable_paise: i64,
    cgst_paise: i64,
    sgst_paise: i64,
    igst_paise: i64,
}

/// The [`Line`] of an invoice line or a credit-note line (the same fields, two types).
macro_rules! line {
    ($l:expr) => {
        Line {
            description: &$l.description,
            sac: &$l.sac,
            rate_bp: $l.rate_bp,
            taxable_paise: $l.taxable_paise,
            cgst_paise: $l.cgst_paise,
            sgst_paise: $l.sgst_paise,
            igst_paise: $l.igst_paise,
        }
    };
}

/// The totals block: each label with its paise.
fn totals(labels: [&str; 5], paise: [i64; 5]) -> [(&str, i64); 5] {
    std::array::from_fn(|k| (labels[k], paise[k]))
}

/// What a printed GST document (a tax invoice or a credit note) shows, top to bottom.
struct Doc<'a> {
    title: &'a str,
    /// `(label, value)` lines under the supplier: number, date, what it refers to.
    heading: Vec<(&'a str, String)>,
    supplier_name: &'a str,
    supplier_gstin: &'a str,
    place_of_supply: &'a str,
    customer: &'a CustomerDto,
    lines: Vec<Line<'a>>,
    totals: [(&'a str, i64); 5],
    footer: &'a str,
    einvoice: Option<EinvoiceMark<'a>>,
}

/// `at` as a date in India (`dd-mm-yyyy`).
fn indian_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Kolkata).format("%d-%m-%Y").to_string()
}

/// Renders the invoice.
pub fn render(i: &InvoiceDto) -> Vec<u8> {
    render_with(i, None)
}

/// Renders the invoice with its e-invoice's IRN, acknowledgement and QR code, when it has one.
pub fn render_with(i: &InvoiceDto, einvoice: Option<EinvoiceMark<'_>>) -> Vec<u8> {
    draw(&Doc {
        title: "TAX INVOICE",
        heading: vec![
            ("Invoice number", i.number.clone()),
            ("Invoice date", indian_date(i.issued_at)),
        ],
        supplier_name: &i.supplier_name,
        supplier_gstin: &i.supplier_gstin,
        place_of_supply: &i.place_of_supply,
        customer: &i.customer,
        lines: i.lines.iter().map(|l| line!(l)).collect(),
        totals: totals(
            ["Taxable value", "CGST", "SGST", "IGST", "Total (INR)"],
            [
                i.taxable_paise,
                i.cgst_paise,
                i.sgst_paise,
                i.igst_paise,
                i.total_paise,
            ],
        ),
        footer: "Computer-generated invoice. Tax is payable on reverse charge: No.",
        einvoice,
    })
}

/// Renders a credit note (section 34 CGST Act) of `invoice`: its own number and date, the
/// invoice it reduces, the reason, the value and tax reversed per line, and its e-invoice's
/// IRN and QR code when it has one.
pub fn render_credit_note(
    note: &credit_notes::Model,
    lines: &[credit_note_lines::Model],
    invoice: &InvoiceDto,
    einvoice: Option<EinvoiceMark<'_>>,
) -> Vec<u8> {
    draw(&Doc {
        title: "CREDIT NOTE",
        heading: vec![
            ("Credit note number", note.number.clone()),
            ("Credit note date", indian_date(note.issued_at)),
            (
                "Against invoice",
                format!(
                    "{} dated {}",
                    invoice.number,
                    indian_date(invoice.issued_at)
                ),
            ),
            ("Reason", note.reason.chars().take(90).collect()),
        ],
        supplier_name: &invoice.supplier_name,
        supplier_gstin: &note.supplier_gstin,
        place_of_supply: &note.place_of_supply,
        customer: &invoice.customer,
        lines: lines.iter().map(|l| line!(l)).collect(),
        totals: totals(
            [
                "Taxable value reversed",
                "CGST reversed",
                "SGST reversed",
                "IGST reversed",
                "Credit note value (INR)",
            ],
            [
                note.taxable_paise,
                note.cgst_paise,
                note.sgst_paise,
                note.igst_paise,
                note.total_paise,
            ],
        ),
        footer: "Computer-generated credit note issued under section 34 of the CGST Act.",
        einvoice,
    })
}

fn draw(d: &Doc<'_>) -> Vec<u8> {
    let mut page = Page::new(LEFT, 60.0, 6.0);
    if let Some(code) = d.einvoice.and_then(|e| e.signed_qr).and_then(qr_code) {
        draw_qr(&mut page.content, &code);
        let caption_y = page.y;
        page.y = QR_TOP - QR_SIZE - 2.0;
        page.text(
            QR_RIGHT - QR_SIZE + 12.0,
            7.0,
            "e-invoice QR code (signed by the IRP)",
        );
        page.y = caption_y;
    }
    page.line(18.0, d.title);
    page.line(11.0, d.supplier_name);
    page.line(10.0, &format!("GSTIN: {}", d.supplier_gstin));
    page.y -= 8.0;
    for (label, value) in &d.heading {
        page.line(10.0, &format!("{label}: {value}"));
    }
    page.line(10.0, &format!("Place of supply: {}", d.place_of_supply));
    if let Some(e) = d.einvoice {
        page.line(8.0, &format!("IRN: {}", e.irn));
        page.line(8.0, &format!("Ack No: {}", e.ack_no));
    }
    page.y -= 8.0;
    page.line(10.0, &format!("Bill to: {}", d.customer.name));
    if let Some(g) = &d.customer.gstin {
        page.line(10.0, &format!("Buyer GSTIN: {g}"));
    }
    if !d.customer.address.is_empty() {
        page.line(10.0, &d.customer.address);
    }
    page.y -= 12.0;
    let cols = [LEFT, 250.0, 300.0, 345.0, 405.0, 460.0, 520.0];
    row(
        &mut page,
        &[
            (cols[0], "Description"),
            (cols[1], "SAC"),
            (cols[2], "Rate"),
            (cols[3], "Taxable"),
            (cols[4], "CGST"),
            (cols[5], "SGST"),
            (cols[6], "IGST"),
        ],
    );
    for l in &d.lines {
        let description: String = l.description.chars().take(40).collect();
        let rate = format!("{}%", rupees(i64::from(l.rate_bp)));
        let cells = [
            description,
            l.sac.to_owned(),
            rate,
            rupees(l.taxable_paise),
            rupees(l.cgst_paise),
            rupees(l.sgst_paise),
            rupees(l.igst_paise),
        ];
        let placed: Vec<(f32, &str)> = cols
            .iter()
            .copied()
            .zip(cells.iter().map(String::as_str))
            .collect();
        row(&mut page, &placed);
    }
    page.y -= 10.0;
    for (label, v) in d.totals {
        page.line(10.0, &format!("{label}: {}", rupees(v)));
    }
    page.y -= 12.0;
    page.line(8.0, d.footer);
    page.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drawn rectangles, read back from the content stream, cover exactly the encoder's
    /// dark modules, and their count is the number of dark runs.
    #[test]
    fn the_qr_code_is_drawn_module_for_module() {
        let data = format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "x".repeat(900));
        let code = qr_code(&data).unwrap();
        let mut content = Content::new();
        let rects = draw_qr(&mut content, &code);
        let stream = String::from_utf8(content.finish().to_vec()).unwrap();
        let n = code.width();
        let mut grid = vec![false; n * n];
        let mut nums: Vec<f32> = Vec::new();
        let mut drawn = 0;
        for token in stream.split_ascii_whitespace() {
            match token.parse::<f32>() {
                Ok(v) => nums.push(v),
                Err(_) => {
                    if token == "re" {
                        let [x, y, w, h] = nums[nums.len() - 4..] else {
                            unreachable!()
                        };
                        assert_eq!(h, 1.0);
                        for dx in 0..w as usize {
                            let cell = &mut grid[y as usize * n + x as usize + dx];
                            assert!(!*cell, "drawn twice");
                            *cell = true;
                        }
                        drawn += 1;
                    }
                    nums.clear();
                }
            }
        }
        assert_eq!(drawn, rects);
        let dark: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        assert_eq!(grid, dark);
        assert!(stream.contains(" cm"), "{}", &stream[..80]);
        assert!(qr_code(&"x".repeat(3000)).is_none());
    }
}
