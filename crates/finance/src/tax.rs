//! The GST rules of an invoice, pure (no I/O), each with its source in ADR 0052:
//!
//! - amounts: integer paise, each what the buyer paid, GST included (an exclusive price was
//!   charged with its GST added, `kernel::money::charged_paise`, ADR 0095), split into taxable
//!   value and tax; tax is rounded half-up to the paisa **per invoice and
//!   rate**, then allocated to the lines by largest remainder, so the lines sum to the totals
//!   and CGST equals SGST on every line (india-compliance#655);
//! - supply type: intra-state (CGST + SGST, half the rate each) when the place of supply is
//!   the supplier's state, else inter-state (IGST at the full rate);
//! - place of supply of services (section 12(2) IGST Act): a registered buyer's state (their
//!   GSTIN's), else the unregistered buyer's state on record, else the supplier's state;
//! - classification for GSTR-1: B2B (buyer has a GSTIN), B2CL (unregistered, inter-state,
//!   invoice value above the threshold in force on the invoice date), B2CS (the rest);
//! - financial year: April-March of the document date in Asia/Kolkata.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Asia::Kolkata;
use serde::{Deserialize, Serialize};

/// SAC of commercial training and coaching services.
pub const SAC_COACHING: &str = "999293";
/// GST rate of SAC 999293, in basis points (18%).
pub const RATE_COACHING_BP: i64 = kernel::money::GST_RATE_COACHING_BP;

/// One line to tax: the price of `quantity` units together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    /// What was sold.
    pub description: String,
    /// SAC (services accounting code).
    pub sac: String,
    /// Rate in basis points (1800 = 18%).
    pub rate_bp: i64,
    /// Units.
    pub quantity: i32,
    /// What was paid for the line, in paise, GST included.
    pub amount_paise: i64,
}

/// Where the supply is taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyType {
    /// Place of supply in the supplier's state: CGST + SGST.
    IntraState,
    /// Another state: IGST.
    InterState,
}

/// A taxed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxedLine {
    /// What was sold.
    pub description: String,
    /// SAC.
    pub sac: String,
    /// Rate in basis points.
    pub rate_bp: i64,
    /// Units.
    pub quantity: i32,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax (equal to the central tax).
    pub sgst_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Taxable value plus every tax.
    pub total_paise: i64,
}

/// A taxed document: its lines and their sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxed {
    /// The lines, in the order given.
    pub lines: Vec<TaxedLine>,
    /// Sum of the lines' taxable values.
    pub taxable_paise: i64,
    /// Sum of the lines' central tax.
    pub cgst_paise: i64,
    /// Sum of the lines' state tax.
    pub sgst_paise: i64,
    /// Sum of the lines' integrated tax.
    pub igst_paise: i64,
    /// Sum of the lines' totals.
    pub total_paise: i64,
}

/// Why a document cannot be taxed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    /// A negative amount, a rate outside 0-40%, no lines, or a quantity below one.
    #[error("{0}")]
    Invalid(&'static str),
    /// The amounts do not fit in paise as i64.
    #[error("amount overflow")]
    Overflow,
}

/// `n / d` rounded half-up (n >= 0, d > 0).
fn div_round_half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// Splits the GST-inclusive amounts of `lines` into taxable value and tax for `supply`.
pub fn compute(lines: &[LineInput], supply: SupplyType) -> Result<Taxed, TaxError> {
    if lines.is_empty() {
        return Err(TaxError::Invalid("no lines"));
    }
    for l in lines {
        if l.amount_paise < 0 {
            return Err(TaxError::Invalid("negative amount"));
        }
        if !(0..=4000).contains(&l.rate_bp) {
            return Err(TaxError::Invalid("rate outside 0-40%"));
        }
        if l.quantity < 1 {
            return Err(TaxError::Invalid("quantity below one"));
        }
    }
    // components: CGST and SGST (2) or IGST (1); each is rate/k of the taxable value
    let k: i128 = match supply {
        SupplyType::IntraState => 2,
        SupplyType::InterState => 1,
    };
    let mut component = vec![0i128; lines.len()];
    let mut rates: Vec<i64> = lines.iter().map(|l| l.rate_bp).collect();
    rates.sort_unstable();
    rates.dedup();
    for rate in rates {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].rate_bp == rate)
            .collect();
        // the exact component of line i is base_i * num / den
        let num = i128::from(rate);
        let den = k * (10_000 + i128::from(rate));
        let base_sum: i128 = idx.iter().map(|&i| i128::from(lines[i].amount_paise)).sum();
        let group_total = div_round_half_up(base_sum * num, den);
        let mut floors = 0i128;
        let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(idx.len());
        for &i in &idx {
            let exact = i128::from(lines[i].amount_paise) * num;
            component[i] = exact / den;
            floors += component[i];
            remainders.push((exact % den, i));
        }
        // largest remainder first, ties to the earlier line
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let extra = usize::try_from(group_total - floors).map_err(|_| TaxError::Overflow)?;
        for &(_, i) in remainders.iter().take(extra) {
            component[i] += 1;
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for (l, c) in lines.iter().zip(component) {
        let c = i64::try_from(c).map_err(|_| TaxError::Overflow)?;
        let tax = c
            .checked_mul(i64::try_from(k).map_err(|_| TaxError::Overflow)?)
            .ok_or(TaxError::Overflow)?;
        let (taxable, total) = (l.amount_paise - tax, l.amount_paise);
        let (cgst, sgst, igst) = match supply {
            SupplyType::IntraState => (c, c, 0),
            SupplyType::InterState => (0, 0, c),
        };
        out.push(TaxedLine {
            description: l.description.clone(),
            sac: l.sac.clone(),
            rate_bp: l.rate_bp,
            quantity: l.quantity,
            taxable_paise: taxable,
            cgst_paise: cgst,
            sgst_paise: sgst,
            igst_paise: igst,
            total_paise: total,
        });
    }
    let sum = |f: fn(&TaxedLine) -> i64| out.iter().map(f).sum::<i64>();
    Ok(Taxed {
        taxable_paise: sum(|l| l.taxable_paise),
        cgst_paise: sum(|l| l.cgst_paise),
        sgst_paise: sum(|l| l.sgst_paise),
        igst_paise: sum(|l| l.igst_paise),
        total_paise: sum(|l| l.total_paise),
        lines: out,
    })
}

/// The buyer as far as tax is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buyer {
    /// GSTIN of a registered buyer.
    pub gstin: Option<String>,
    /// Two-digit state code on record.
    pub state_code: Option<String>,
}

/// Place of supply of a service (section 12(2) IGST Act): the registered buyer's state
/// (their GSTIN's first two digits), else the state on record, else the supplier's state.
pub fn place_of_supply(buyer: &Buyer, supplier_state: &str) -> String {
    if let Some(g) = buyer.gstin.as_deref()
        && let Some(state) = g.get(0..2)
    {
        return state.to_owned();
    }
    buyer
        .state_code
        .clone()
        .unwrap_or_else(|| supplier_state.to_owned())
}

/// Intra-state when the place of supply is the supplier's state.
pub fn supply_type(place_of_supply: &str, supplier_state: &str) -> SupplyType {
    if place_of_supply == supplier_state {
        SupplyType::IntraState
    } else {
        SupplyType::InterState
    }
}

/// The GSTR-1 table an invoice belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// To a registered buyer.
    B2b,
    /// Unregistered, inter-state, above the B2CL threshold (invoice-wise in GSTR-1).
    B2cl,
    /// Every other sale to an unregistered buyer (summarised by place of supply and rate).
    B2cs,
}

impl Classification {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::B2b => "b2b",
            Self::B2cl => "b2cl",
            Self::B2cs => "b2cs",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "b2b" => Some(Self::B2b),
            "b2cl" => Some(Self::B2cl),
            "b2cs" => Some(Self::B2cs),
            _ => None,
        }
    }
}

/// A B2CL threshold in force from a date: an inter-state invoice to an unregistered buyer
/// whose value is *more than* `above_paise` is B2CL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// First day (IST) it applies to.
    pub from: NaiveDate,
    /// Invoice value it must exceed, in paise.
    pub above_paise: i64,
}

/// The B2CL thresholds, effective-dated (Notification 12/2024-Central Tax: Rs 1 lakh from
/// 1 August 2024; Rs 2.5 lakh before). Data, not logic: a change is a new row.
pub const B2CL_THRESHOLDS: &[Threshold] = &[
    Threshold {
        from: NaiveDate::MIN,
        above_paise: 25_000_000,
    },
    Threshold {
        from: match NaiveDate::from_ymd_opt(2024, 8, 1) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        above_paise: 10_000_000,
    },
];

/// The threshold of `thresholds` in force on `date` (the latest one starting on or before it).
pub fn threshold_on(thresholds: &[Threshold], date: NaiveDate) -> Option<i64> {
    thresholds
        .iter()
        .filter(|t| t.from <= date)
        .max_by_key(|t| t.from)
        .map(|t| t.above_paise)
}

/// Classifies an invoice of `total_paise` dated `date` (IST).
pub fn classify(
    buyer: &Buyer,
    supply: SupplyType,
    total_paise: i64,
    date: NaiveDate,
    thresholds: &[Threshold],
) -> Classification {
    if buyer.gstin.is_some() {
        return Classification::B2b;
    }
    match (supply, threshold_on(thresholds, date)) {
        (SupplyType::InterState, Some(above)) if total_paise > above => Classification::B2cl,
        _ => Classification::B2cs,
    }
}

/// The document date in India.
pub fn ist_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Kolkata).date_naive()
}

/// The financial year (April-March) of a document dated `at`, as `26-27`.
pub fn financial_year(at: DateTime<Utc>) -> String {
    let d = ist_date(at);
    let start = if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    };
    format!(
        "{:02}-{:02}",
        start.rem_euclid(100),
        (start + 1).rem_euclid(100)
    )
}

/// The last day (IST) a credit note may be issued for a supply invoiced at `invoice_at`
/// (section 34(2) CGST Act, as amended in 2022): 30 November after the end of the invoice's
/// financial year.
pub fn credit_note_cutoff(invoice_at: DateTime<Utc>) -> NaiveDate {
    let d = ist_date(invoice_at);
    let start = if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    };
    NaiveDate::from_ymd_opt(start + 1, 11, 30).unwrap_or(NaiveDate::MAX)
}

/// How many days ahead of the cut-off a credit note or a report warns.
pub const CREDIT_NOTE_WARN_DAYS: i64 = 45;

/// The warning for a credit note of an invoice of `invoice_at` issued on `note_at`: after the
/// cut-off (the note cannot reduce the tax already declared), or within
/// [`CREDIT_NOTE_WARN_DAYS`] before it.
pub fn credit_note_warning(invoice_at: DateTime<Utc>, note_at: DateTime<Utc>) -> Option<String> {
    let cutoff = credit_note_cutoff(invoice_at);
    let day = ist_date(note_at);
    let fy = financial_year(invoice_at);
    let left = (cutoff - day).num_days();
    if left < 0 {
        Some(format!(
            "issued after {cutoff}, the section 34(2) cut-off for credit notes of FY {fy} \
             invoices: it cannot reduce the output tax already declared"
        ))
    } else if left <= CREDIT_NOTE_WARN_DAYS {
        Some(format!(
            "{cutoff} is the section 34(2) cut-off for credit notes of FY {fy} invoices: \
             {left} days left"
        ))
    } else {
        None
    }
}

/// The warning of a report ending on `to` (IST): the next cut-off when it is at most
/// [`CREDIT_NOTE_WARN_DAYS`] after `to`.
pub fn cutoff_ahead(to: NaiveDate) -> Option<String> {
    let cutoff = NaiveDate::from_ymd_opt(to.year(), 11, 30)?;
    let left = (cutoff - to).num_days();
    (0..=CREDIT_NOTE_WARN_DAYS).contains(&left).then(|| {
        format!(
            "{cutoff} is the last day for credit notes of FY {:02}-{:02} invoices (section 34(2) \
             CGST Act): {left} days after this report's end",
            (to.year() - 1).rem_euclid(100),
            to.year().rem_euclid(100)
        )
    })
}

/// What is left of an invoice line to credit (the line less its earlier credit notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Left {
    /// Line value left.
    pub total_paise: i64,
    /// Taxable value left.
    pub taxable_paise: i64,
    /// Central tax left (state tax is the same).
    pub cgst_paise: i64,
    /// Integrated tax left.
    pub igst_paise: i64,
}

/// What a credit note takes off one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reversal {
    /// Line value.
    pub total_paise: i64,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Central tax (state tax is the same).
    pub cgst_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
}

/// Splits a refund of `amount_paise` over what is left of the invoice's lines, reversing tax
/// in proportion (section 34 CGST Act): the amount goes to the lines by their value left
/// (largest remainder), each line's tax is its tax left times its share over its value left,
/// rounded half-up and never more than is left. Refunding everything that is left reverses
/// exactly what is left, so partial refunds followed by the rest come to the invoice.
pub fn reverse(left: &[Left], amount_paise: i64) -> Result<Vec<Reversal>, TaxError> {
    let total: i64 = left.iter().map(|l| l.total_paise).sum();
    if amount_paise <= 0 || amount_paise > total {
        return Err(TaxError::Invalid(
            "refund outside what is left of the invoice",
        ));
    }
    if amount_paise == total {
        return Ok(left
            .iter()
            .map(|l| Reversal {
                total_paise: l.total_paise,
                taxable_paise: l.taxable_paise,
                cgst_paise: l.cgst_paise,
                igst_paise: l.igst_paise,
            })
            .collect());
    }
    let (a, t) = (i128::from(amount_paise), i128::from(total));
    let mut shares: Vec<i128> = left
        .iter()
        .map(|l| a * i128::from(l.total_paise) / t)
        .collect();
    let mut order: Vec<(i128, usize)> = left
        .iter()
        .enumerate()
        .map(|(i, l)| ((a * i128::from(l.total_paise)) % t, i))
        .collect();
    order.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let extra = usize::try_from(a - shares.iter().sum::<i128>()).map_err(|_| TaxError::Overflow)?;
    for &(_, i) in order.iter().take(extra) {
        shares[i] += 1;
    }
    left.iter()
        .zip(shares)
        .map(|(l, share)| {
            let share = i64::try_from(share).map_err(|_| TaxError::Overflow)?;
            let part = |c: i64| -> i64 {
                if l.total_paise == 0 {
                    return 0;
                }
                let v =
                    div_round_half_up(i128::from(c) * i128::from(share), i128::from(l.total_paise));
                i64::try_from(v).unwrap_or(c).min(c)
            };
            let cgst = part(l.cgst_paise);
            let igst = part(l.igst_paise);
            Ok(Reversal {
                total_paise: share,
                taxable_paise: share - 2 * cgst - igst,
                cgst_paise: cgst,
                igst_paise: igst,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64) -> LineInput {
        LineInput {
            description: "Coaching".into(),
            sac: SAC_COACHING.into(),
            rate_bp: RATE_COACHING_BP,
            quantity: 1,
            amount_paise: amount,
        }
    }

    /// (amounts, supply) -> per line (taxable, cgst, sgst, igst, total), all figures worked out
    /// by hand (see each case's comment).
    #[test]
    #[allow(clippy::type_complexity)]
    fn tax_table() {
        use SupplyType::{InterState as Inter, IntraState as Intra};
        let cases: &[(&str, &[i64], SupplyType, &[(i64, i64, i64, i64, i64)])] = &[
            // Rs 1180 paid: 118000 * 900 / 11800 = 9000 each, taxable Rs 1000
            (
                "intra",
                &[118_000],
                Intra,
                &[(100_000, 9_000, 9_000, 0, 118_000)],
            ),
            // Rs 1180 paid: 118000 * 1800 / 11800 = 18000
            (
                "inter",
                &[118_000],
                Inter,
                &[(100_000, 0, 0, 18_000, 118_000)],
            ),
            // Rs 4999: 499900 * 900 / 11800 = 38127.97 -> 38128 each; taxable 499900 - 76256
            (
                "intra, rounded",
                &[499_900],
                Intra,
                &[(423_644, 38_128, 38_128, 0, 499_900)],
            ),
            // 100 paise intra: 100 * 900 / 11800 = 7.63 -> 8 each, taxable 84
            ("intra, one rupee", &[100], Intra, &[(84, 8, 8, 0, 100)]),
            // 100 paise inter: 100 * 1800 / 11800 = 15.25 -> 15, taxable 85
            ("inter, one rupee", &[100], Inter, &[(85, 0, 0, 15, 100)]),
            // three lines of 25 paise inter: total 75 * 1800 / 11800 = 11.44 -> 11, not
            // 3 x round(3.81) = 12; floors 3+3+3, the 2 left go to the first two (equal
            // remainders)
            (
                "largest remainder, inter",
                &[25, 25, 25],
                Inter,
                &[(21, 0, 0, 4, 25), (21, 0, 0, 4, 25), (22, 0, 0, 3, 25)],
            ),
            // three lines of 10 paise intra: 30 * 900 / 11800 = 2.29 -> 2 per component, not
            // 3 x round(0.76) = 3; floors 0, the 2 go to the first two lines
            (
                "largest remainder, intra, CGST = SGST",
                &[10, 10, 10],
                Intra,
                &[(8, 1, 1, 0, 10), (8, 1, 1, 0, 10), (10, 0, 0, 0, 10)],
            ),
            // 101, 102, 103 inter: 15.41, 15.56, 15.71; total 306 * 1800 / 11800 = 46.68 -> 47;
            // floors 45, the 2 left to the largest fractions (lines 3 and 2)
            (
                "largest remainder goes to the largest fraction",
                &[101, 102, 103],
                Inter,
                &[
                    (86, 0, 0, 15, 101),
                    (86, 0, 0, 16, 102),
                    (87, 0, 0, 16, 103),
                ],
            ),
            // exactly half a paisa rounds up: 59 * 900 / 11800 = 4.5 -> 5 each
            ("half-up", &[59], Intra, &[(49, 5, 5, 0, 59)]),
            // a free line stays zero
            ("zero", &[0], Intra, &[(0, 0, 0, 0, 0)]),
        ];
        for (name, amounts, supply, want) in cases {
            let lines: Vec<_> = amounts.iter().map(|&a| line(a)).collect();
            let got = compute(&lines, *supply).unwrap_or_else(|e| panic!("{name}: {e}"));
            let got_lines: Vec<_> = got
                .lines
                .iter()
                .map(|l| {
                    (
                        l.taxable_paise,
                        l.cgst_paise,
                        l.sgst_paise,
                        l.igst_paise,
                        l.total_paise,
                    )
                })
                .collect();
            assert_eq!(&got_lines[..], *want, "{name}");
            assert_eq!(
                got.total_paise,
                got.taxable_paise + got.cgst_paise + got.sgst_paise + got.igst_paise,
                "{name}"
            );
            assert_eq!(got.cgst_paise, got.sgst_paise, "{name}");
            assert_eq!(got.total_paise, amounts.iter().sum::<i64>(), "{name}");
        }
    }

    #[test]
    fn mixed_rates_round_per_rate() {
        // 1000 paise at 18% and 1000 at 5%, inter: 1000 * 1800 / 11800 = 152.54 -> 153 and
        // 1000 * 500 / 10500 = 47.62 -> 48
        let mut five = line(1000);
        five.rate_bp = 500;
        let got = compute(&[line(1000), five], SupplyType::InterState).unwrap();
        assert_eq!(got.igst_paise, 201);
        assert_eq!(got.lines[1].igst_paise, 48);
        assert_eq!(got.total_paise, 2000);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(compute(&[], SupplyType::IntraState).is_err());
        assert!(compute(&[line(-1)], SupplyType::IntraState).is_err());
        let mut l = line(1);
        l.rate_bp = 4001;
        assert!(compute(&[l], SupplyType::IntraState).is_err());
    }

    #[test]
    fn place_of_supply_follows_section_12_2() {
        let registered = Buyer {
            gstin: Some("27AAPFU0939F1ZV".into()),
            state_code: Some("27".into()),
        };
        assert_eq!(place_of_supply(&registered, "29"), "27");
        let on_record = Buyer {
            gstin: None,
            state_code: Some("07".into()),
        };
        assert_eq!(place_of_supply(&on_record, "29"), "07");
        assert_eq!(place_of_supply(&Buyer::default(), "29"), "29");
        assert_eq!(supply_type("29", "29"), SupplyType::IntraState);
        assert_eq!(supply_type("07", "29"), SupplyType::InterState);
    }

    #[test]
    fn classification_uses_the_threshold_of_the_invoice_date() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let b2c = Buyer::default();
        let inter = SupplyType::InterState;
        let t = B2CL_THRESHOLDS;
        // Rs 1,00,001 inter-state to an unregistered buyer
        assert_eq!(
            classify(&b2c, inter, 10_000_100, d(2024, 8, 1), t),
            Classification::B2cl
        );
        // the day before the change, the Rs 2.5 lakh threshold applies
        assert_eq!(
            classify(&b2c, inter, 10_000_100, d(2024, 7, 31), t),
            Classification::B2cs
        );
        assert_eq!(
            classify(&b2c, inter, 25_000_100, d(2024, 7, 31), t),
            Classification::B2cl
        );
        // exactly Rs 1 lakh is not "more than"
        assert_eq!(
            classify(&b2c, inter, 10_000_000, d(2026, 1, 1), t),
            Classification::B2cs
        );
        // intra-state is never B2CL
        assert_eq!(
            classify(&b2c, SupplyType::IntraState, 99_000_000, d(2026, 1, 1), t),
            Classification::B2cs
        );
        let b2b = Buyer {
            gstin: Some("27AAPFU0939F1ZV".into()),
            state_code: None,
        };
        assert_eq!(
            classify(&b2b, inter, 1, d(2026, 1, 1), t),
            Classification::B2b
        );
    }

    #[test]
    fn financial_year_turns_at_midnight_in_india() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(financial_year(at("2027-03-31T18:29:59Z")), "26-27");
        assert_eq!(financial_year(at("2027-03-31T18:30:00Z")), "27-28");
        assert_eq!(financial_year(at("2026-12-03T10:00:00Z")), "26-27");
        assert_eq!(financial_year(at("2099-06-01T00:00:00Z")), "99-00");
    }
    #[test]
    fn partial_refunds_reverse_tax_in_proportion() {
        // invoice: Rs 4,999 inclusive intra-state = 423644 + 38128 + 38128
        let inv = Left {
            total_paise: 499_900,
            taxable_paise: 423_644,
            cgst_paise: 38_128,
            igst_paise: 0,
        };
        // Rs 1,000 back: 38128 * 100000 / 499900 = 7627.2 -> 7627 each; taxable 100000 - 15254
        let first = reverse(&[inv], 100_000).unwrap();
        assert_eq!(
            first,
            vec![Reversal {
                total_paise: 100_000,
                taxable_paise: 84_746,
                cgst_paise: 7_627,
                igst_paise: 0
            }]
        );
        // the rest reverses exactly what is left
        let left = Left {
            total_paise: 399_900,
            taxable_paise: 423_644 - 84_746,
            cgst_paise: 38_128 - 7_627,
            igst_paise: 0,
        };
        let rest = reverse(&[left], 399_900).unwrap();
        assert_eq!(rest[0].cgst_paise + first[0].cgst_paise, 38_128);
        assert_eq!(rest[0].taxable_paise + first[0].taxable_paise, 423_644);
        // half of an inter-state Rs 1,180: IGST 90
        let igst = Left {
            total_paise: 118_000,
            taxable_paise: 100_000,
            cgst_paise: 0,
            igst_paise: 18_000,
        };
        let half = reverse(&[igst], 59_000).unwrap();
        assert_eq!((half[0].taxable_paise, half[0].igst_paise), (50_000, 9_000));
        // more than is left, or nothing, is refused
        assert!(reverse(&[igst], 118_001).is_err());
        assert!(reverse(&[igst], 0).is_err());
    }

    #[test]
    fn the_credit_note_cut_off_is_30_november_after_the_financial_year() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // FY 25-26 (April 2025 - March 2026): 30 November 2026
        assert_eq!(
            credit_note_cutoff(at("2025-04-01T00:00:00+05:30")),
            d(2026, 11, 30)
        );
        assert_eq!(
            credit_note_cutoff(at("2026-03-31T23:59:59+05:30")),
            d(2026, 11, 30)
        );
        assert_eq!(
            credit_note_cutoff(at("2026-04-01T00:00:00+05:30")),
            d(2027, 11, 30)
        );
        let inv = at("2026-01-15T12:00:00+05:30");
        assert_eq!(
            credit_note_warning(inv, at("2026-06-01T12:00:00+05:30")),
            None
        );
        let soon = credit_note_warning(inv, at("2026-11-20T12:00:00+05:30")).unwrap();
        assert!(
            soon.contains("10 days left") && soon.contains("FY 25-26"),
            "{soon}"
        );
        let late = credit_note_warning(inv, at("2026-12-01T00:00:00+05:30")).unwrap();
        assert!(late.contains("cannot reduce"), "{late}");
        // the last day itself is still in time
        assert!(
            credit_note_warning(inv, at("2026-11-30T23:59:00+05:30"))
                .unwrap()
                .contains("0 days left")
        );
        assert!(cutoff_ahead(d(2026, 11, 1)).unwrap().contains("29 days"));
        assert!(cutoff_ahead(d(2026, 12, 1)).is_none());
        assert!(cutoff_ahead(d(2026, 6, 30)).is_none());
    }
}
