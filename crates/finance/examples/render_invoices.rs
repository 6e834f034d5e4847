//! Times rendering invoice PDFs (no database, no storage): `cargo run --release -p finance
//! --example render_invoices [-- N [einvoice]]` (default 1,000; `einvoice`: each with an IRN,
//! ack number and an 800-character signed QR code drawn, ADR 0079). Prints the total,
//! per-invoice time and the average size. Figures in docs/performance.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use finance::dto::invoices::{CustomerDto, InvoiceDto, InvoiceLineDto};
use uuid::Uuid;

fn invoice(n: usize) -> InvoiceDto {
    let id = Uuid::now_v7();
    InvoiceDto {
        id,
        number: format!("MM/26-27/{:05}", n + 1),
        issued_at: chrono::Utc::now(),
        customer: CustomerDto {
            user_id: Uuid::now_v7(),
            name: format!("Customer {n}"),
            gstin: n.is_multiple_of(3).then(|| "27AAACB1234C1ZF".to_owned()),
            state_code: Some("27".into()),
            address: "Baner Road, Pune".into(),
        },
        lines: vec![InvoiceLineDto {
            description: "Data Analytics course".into(),
            sac: "999293".into(),
            rate_bp: 1800,
            quantity: 1,
            taxable_paise: 423_644,
            cgst_paise: 0,
            sgst_paise: 0,
            igst_paise: 76_256,
            total_paise: 499_900,
        }],
        supplier_gstin: "29AAACM1234A1Z4".into(),
        supplier_name: "MAS Platform".into(),
        place_of_supply: "27".into(),
        classification: "b2b".into(),
        order_id: Uuid::now_v7(),
        item: "course_enrollment".into(),
        currency: "INR".into(),
        taxable_paise: 423_644,
        cgst_paise: 0,
        sgst_paise: 0,
        igst_paise: 76_256,
        total_paise: 499_900,
        pdf_url: format!("/api/finance/invoices/{id}/pdf"),
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000);
    let einvoiced = std::env::args().nth(2).is_some_and(|a| a == "einvoice");
    let invoices: Vec<_> = (0..n).map(invoice).collect();
    let qr = format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "Q".repeat(780));
    let irn = format!("{:064x}", 1);
    let mark = finance::pdf::EinvoiceMark {
        irn: &irn,
        ack_no: "112010000000001",
        signed_qr: Some(&qr),
    };
    let start = Instant::now();
    let mut bytes = 0usize;
    for i in &invoices {
        bytes += finance::pdf::render_with(i, einvoiced.then_some(mark)).len();
    }
    let took = start.elapsed();
    println!(
        "rendered {n} {}invoices in {:.3} s ({:.1} us each, {} bytes on average)",
        if einvoiced { "e-invoiced " } else { "" },
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / n as f64,
        bytes / n.max(1)
    );
}
