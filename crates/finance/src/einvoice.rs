//! E-invoice JSON (NIC schema version 1.1) of a B2B invoice (`Typ` INV) or of its credit
//! note (`Typ` CRN), and its structural validation (ADR 0071). Pure functions: the figures
//! come from the stored document (paise, turned into rupees with two decimals only here), the
//! parties from the supplier settings and the buyer's billing profile.
//!
//! The `jsonschema` crate is not in the lock file, so the schema's rules that matter for our
//! documents are checked in code ([`validate`]): required fields, patterns (document number,
//! date, GSTIN, state codes, PIN, SAC), lengths, the rate list, and that item values add up
//! to the totals.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::tax::Threshold;

/// The e-invoicing thresholds of aggregate annual turnover, effective-dated (Notification
/// 10/2023-Central Tax: above Rs 5 crore from 1 August 2023; Rs 10 crore from 1 October
/// 2022; Rs 20 crore from 1 April 2022). Data, not logic: a change is a new row.
pub const EINVOICE_THRESHOLDS: &[Threshold] = &[
    Threshold {
        from: NaiveDate::MIN,
        above_paise: 2_000_000_000,
    },
    Threshold {
        from: match NaiveDate::from_ymd_opt(2022, 10, 1) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        above_paise: 1_000_000_000,
    },
    Threshold {
        from: match NaiveDate::from_ymd_opt(2023, 8, 1) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        above_paise: 500_000_000,
    },
];

/// Whether a supplier of aggregate annual turnover `aato_paise` (none: not declared) must
/// e-invoice its B2B documents dated `date`.
pub fn applicable(aato_paise: Option<i64>, date: NaiveDate) -> bool {
    match (
        aato_paise,
        crate::tax::threshold_on(EINVOICE_THRESHOLDS, date),
    ) {
        (Some(aato), Some(above)) => aato > above,
        _ => false,
    }
}

/// INV or CRN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    /// A tax invoice.
    Inv,
    /// A credit note.
    Crn,
}

impl DocType {
    /// `INV` / `CRN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inv => "INV",
            Self::Crn => "CRN",
        }
    }
}

/// A party (seller or buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// GSTIN.
    pub gstin: String,
    /// Legal name.
    pub legal_name: String,
    /// Address line.
    pub address: String,
    /// Place (city).
    pub location: String,
    /// PIN code.
    pub pin: Option<u32>,
    /// State code.
    pub state_code: String,
}

/// A line, in paise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Description.
    pub description: String,
    /// SAC.
    pub sac: String,
    /// Rate in basis points.
    pub rate_bp: i32,
    /// Quantity.
    pub quantity: i32,
    /// Taxable value.
    pub taxable_paise: i64,
    /// Central tax.
    pub cgst_paise: i64,
    /// State tax.
    pub sgst_paise: i64,
    /// Integrated tax.
    pub igst_paise: i64,
    /// Line value.
    pub total_paise: i64,
}

/// A document to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// INV or CRN.
    pub typ: DocType,
    /// Its number.
    pub number: String,
    /// Its date (IST).
    pub date: NaiveDate,
    /// The supplier.
    pub seller: Party,
    /// The buyer (registered).
    pub buyer: Party,
    /// Place of supply.
    pub place_of_supply: String,
    /// Lines.
    pub lines: Vec<Line>,
    /// The invoice a credit note reduces: number and date.
    pub preceding: Option<(String, NaiveDate)>,
}

/// Rupees with two decimals, as a JSON number.
fn rupees(paise: i64) -> Value {
    serde_json::from_str(&kernel::money::rupees(paise)).unwrap_or(Value::Null)
}

/// A rate in basis points as the schema's percentage (1800 -> 18).
fn rate(bp: i32) -> Value {
    if bp % 100 == 0 {
        json!(bp / 100)
    } else {
        serde_json::from_str(&format!("{}.{:02}", bp / 100, bp % 100)).unwrap_or(Value::Null)
    }
}

fn party(p: &Party, pos: Option<&str>) -> Value {
    let mut v = json!({
        "Gstin": p.gstin,
        "LglNm": p.legal_name,
        "Addr1": p.address,
        "Loc": p.location,
        "Pin": p.pin,
        "Stcd": p.state_code,
    });
    if let Some(pos) = pos {
        v["Pos"] = json!(pos);
    }
    v
}

/// The document as schema 1.1 JSON.
pub fn payload(d: &Document) -> Value {
    let items: Vec<Value> = d
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "SlNo": (i + 1).to_string(),
                "PrdDesc": l.description,
                "IsServc": "Y",
                "HsnCd": l.sac,
                "Qty": l.quantity,
                "Unit": "OTH",
                "UnitPrice": rupees(if l.quantity > 0 { l.taxable_paise / i64::from(l.quantity) } else { l.taxable_paise }),
                "TotAmt": rupees(l.taxable_paise),
                "AssAmt": rupees(l.taxable_paise),
                "GstRt": rate(l.rate_bp),
                "IgstAmt": rupees(l.igst_paise),
                "CgstAmt": rupees(l.cgst_paise),
                "SgstAmt": rupees(l.sgst_paise),
                "TotItemVal": rupees(l.total_paise),
            })
        })
        .collect();
    let sum = |f: fn(&Line) -> i64| d.lines.iter().map(f).sum::<i64>();
    let mut v = json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "IgstOnIntra": "N"},
        "DocDtls": {"Typ": d.typ.as_str(), "No": d.number, "Dt": d.date.format("%d/%m/%Y").to_string()},
        "SellerDtls": party(&d.seller, None),
        "BuyerDtls": party(&d.buyer, Some(d.place_of_supply.as_str())),
        "ItemList": items,
        "ValDtls": {
            "AssVal": rupees(sum(|l| l.taxable_paise)),
            "CgstVal": rupees(sum(|l| l.cgst_paise)),
            "SgstVal": rupees(sum(|l| l.sgst_paise)),
            "IgstVal": rupees(sum(|l| l.igst_paise)),
            "TotInvVal": rupees(sum(|l| l.total_paise)),
        },
    });
    if let Some((no, dt)) = &d.preceding {
        v["RefDtls"] =
            json!({"PrecDocDtls": [{"InvNo": no, "InvDt": dt.format("%d/%m/%Y").to_string()}]});
    }
    v
}

/// Rates the schema allows, in basis points.
const RATES_BP: [i64; 12] = [0, 10, 25, 100, 150, 300, 500, 600, 750, 1200, 1800, 2800];

fn text<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v.pointer(path).and_then(Value::as_str)
}

/// Paise of a rupee amount (two decimals at most), exactly.
fn paise(v: &Value) -> Option<i64> {
    if !v.is_number() {
        return None;
    }
    let s = v.to_string();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if frac.len() > 2 || whole.contains(['e', 'E']) || frac.contains(['e', 'E']) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -value } else { value })
}

fn len_ok(s: Option<&str>, min: usize, max: usize) -> bool {
    s.is_some_and(|s| (min..=max).contains(&s.chars().count()))
}

fn matches_gstin(s: &str) -> bool {
    s.len() == 15
        && s[..2].bytes().all(|b| b.is_ascii_digit())
        && s[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

fn matches_number(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase() || ('1'..='9').contains(&c))
        && s.chars().count() <= 16
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '/' || c == '-')
}

fn matches_date(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").is_ok() && s.len() == 10
}

fn check_party(v: &Value, at: &str, buyer: bool, errors: &mut Vec<String>) {
    let f = |k: &str| format!("{at}/{k}");
    match text(v, &f("Gstin")) {
        Some(g) if matches_gstin(g) => {}
        _ => errors.push(format!("{at}.Gstin: a 15-character GSTIN is required")),
    }
    if !len_ok(text(v, &f("LglNm")), 1, 100) {
        errors.push(format!("{at}.LglNm: 1 to 100 characters"));
    }
    if !len_ok(text(v, &f("Addr1")), 1, 100) {
        errors.push(format!("{at}.Addr1: 1 to 100 characters"));
    }
    if !len_ok(text(v, &f("Loc")), 3, 50) {
        errors.push(format!("{at}.Loc: 3 to 50 characters"));
    }
    match v.pointer(&f("Pin")).and_then(Value::as_u64) {
        Some(p) if (100_000..=999_999).contains(&p) => {}
        _ => errors.push(format!("{at}.Pin: a 6-digit PIN code is required")),
    }
    let state = |k: &str| {
        text(v, &f(k)).is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
    };
    if !state("Stcd") {
        errors.push(format!("{at}.Stcd: a 2-digit state code"));
    }
    if buyer && !state("Pos") {
        errors.push(format!("{at}.Pos: a 2-digit state code"));
    }
}

/// The schema 1.1 rules our documents must meet; empty when valid.
pub fn validate(v: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    if text(v, "/Version") != Some("1.1") {
        errors.push("Version: must be 1.1".into());
    }
    if text(v, "/TranDtls/TaxSch") != Some("GST") {
        errors.push("TranDtls.TaxSch: must be GST".into());
    }
    if !matches!(
        text(v, "/TranDtls/SupTyp"),
        Some("B2B" | "SEZWP" | "SEZWOP" | "EXPWP" | "EXPWOP" | "DEXP")
    ) {
        errors.push("TranDtls.SupTyp: not a supply type".into());
    }
    let typ = text(v, "/DocDtls/Typ");
    if !matches!(typ, Some("INV" | "CRN" | "DBN")) {
        errors.push("DocDtls.Typ: INV, CRN or DBN".into());
    }
    if !text(v, "/DocDtls/No").is_some_and(matches_number) {
        errors.push("DocDtls.No: ^[A-Z1-9][A-Z0-9/-]{0,15}$".into());
    }
    if !text(v, "/DocDtls/Dt").is_some_and(matches_date) {
        errors.push("DocDtls.Dt: dd/mm/yyyy".into());
    }
    check_party(v, "/SellerDtls", false, &mut errors);
    check_party(v, "/BuyerDtls", true, &mut errors);
    let items = v.pointer("/ItemList").and_then(Value::as_array);
    let mut sums = [0i64; 5];
    match items {
        Some(items) if (1..=1000).contains(&items.len()) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("ItemList[{i}]");
                if !len_ok(item.get("SlNo").and_then(Value::as_str), 1, 6) {
                    errors.push(format!("{at}.SlNo: 1 to 6 characters"));
                }
                if !matches!(item.get("IsServc").and_then(Value::as_str), Some("Y" | "N")) {
                    errors.push(format!("{at}.IsServc: Y or N"));
                }
                if !item.get("HsnCd").and_then(Value::as_str).is_some_and(|s| {
                    (4..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
                }) {
                    errors.push(format!("{at}.HsnCd: 4 to 8 digits"));
                }
                let rate_ok = item
                    .get("GstRt")
                    .and_then(paise)
                    .is_some_and(|bp| RATES_BP.contains(&bp));
                if !rate_ok {
                    errors.push(format!("{at}.GstRt: not a GST rate"));
                }
                let amount = |k: &str| item.get(k).and_then(paise);
                let (Some(ass), Some(cgst), Some(sgst), Some(igst), Some(total)) = (
                    amount("AssAmt"),
                    amount("CgstAmt"),
                    amount("SgstAmt"),
                    amount("IgstAmt"),
                    amount("TotItemVal"),
                ) else {
                    errors.push(format!("{at}: amounts must be numbers with two decimals"));
                    continue;
                };
                if [ass, cgst, sgst, igst, total].iter().any(|a| *a < 0) {
                    errors.push(format!("{at}: amounts must not be negative"));
                }
                if ass + cgst + sgst + igst != total {
                    errors.push(format!("{at}.TotItemVal: must be AssAmt plus the taxes"));
                }
                for (s, a) in sums.iter_mut().zip([ass, cgst, sgst, igst, total]) {
                    *s += a;
                }
            }
        }
        _ => errors.push("ItemList: 1 to 1000 items".into()),
    }
    for (k, s) in ["AssVal", "CgstVal", "SgstVal", "IgstVal", "TotInvVal"]
        .iter()
        .zip(sums)
    {
        if v.pointer(&format!("/ValDtls/{k}")).and_then(paise) != Some(s) {
            errors.push(format!("ValDtls.{k}: must be the sum of the items"));
        }
    }
    if typ == Some("CRN") {
        let ok = v.pointer("/RefDtls/PrecDocDtls/0").is_some_and(|p| {
            p.get("InvNo")
                .and_then(Value::as_str)
                .is_some_and(matches_number)
                && p.get("InvDt")
                    .and_then(Value::as_str)
                    .is_some_and(matches_date)
        });
        if !ok {
            errors.push("RefDtls.PrecDocDtls: the invoice a credit note reduces".into());
        }
    }
    errors
}

/// A 6-digit PIN code in a free-text address (the last one), if any.
pub fn pin_in(address: &str) -> Option<u32> {
    let bytes = address.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i + 6 <= bytes.len() {
        let window = &bytes[i..i + 6];
        let before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after = i + 6 == bytes.len() || !bytes[i + 6].is_ascii_digit();
        if before && after && window.iter().all(u8::is_ascii_digit) && window[0] != b'0' {
            found = std::str::from_utf8(window)
                .ok()
                .and_then(|s| s.parse().ok());
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(typ: DocType) -> Document {
        let d = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
        Document {
            typ,
            number: if typ == DocType::Inv {
                "MM/26-27/00001".into()
            } else {
                "CN/26-27/00001".into()
            },
            date: d,
            seller: Party {
                gstin: "29AAACM1234A1Z4".into(),
                legal_name: "MAS Platform".into(),
                address: "1 MG Road".into(),
                location: "Bengaluru".into(),
                pin: Some(560_001),
                state_code: "29".into(),
            },
            buyer: Party {
                gstin: "27AAACB1234C1ZF".into(),
                legal_name: "Acme Analytics LLP".into(),
                address: "Baner Road, Pune 411045".into(),
                location: "Pune".into(),
                pin: pin_in("Baner Road, Pune 411045"),
                state_code: "27".into(),
            },
            place_of_supply: "27".into(),
            lines: vec![Line {
                description: "Data Analytics course".into(),
                sac: "999293".into(),
                rate_bp: 1800,
                quantity: 1,
                taxable_paise: 100_000,
                cgst_paise: 0,
                sgst_paise: 0,
                igst_paise: 18_000,
                total_paise: 118_000,
            }],
            preceding: (typ == DocType::Crn).then(|| ("MM/26-27/00001".into(), d)),
        }
    }

    #[test]
    fn an_invoice_and_a_credit_note_are_valid_schema_1_1() {
        let v = payload(&doc(DocType::Inv));
        assert_eq!(validate(&v), Vec::<String>::new(), "{v}");
        assert_eq!(v["Version"], "1.1");
        assert_eq!(v["DocDtls"]["Typ"], "INV");
        assert_eq!(v["DocDtls"]["Dt"], "10/11/2026");
        assert_eq!(v["ItemList"][0]["IgstAmt"], json!(180.0));
        assert_eq!(v["ValDtls"]["TotInvVal"], json!(1180.0));
        assert_eq!(v["BuyerDtls"]["Pin"], 411_045);
        assert_eq!(v["BuyerDtls"]["Pos"], "27");
        let c = payload(&doc(DocType::Crn));
        assert_eq!(validate(&c), Vec::<String>::new(), "{c}");
        assert_eq!(c["DocDtls"]["Typ"], "CRN");
        assert_eq!(c["RefDtls"]["PrecDocDtls"][0]["InvNo"], "MM/26-27/00001");
    }

    #[test]
    fn what_the_schema_refuses_is_named() {
        let mut d = doc(DocType::Crn);
        d.buyer.pin = None;
        d.seller.location = "X".into();
        d.preceding = None;
        d.number = "mm/26-27/1".into();
        let mut v = payload(&d);
        v["ItemList"][0]["TotItemVal"] = json!(1181.0);
        v["ItemList"][0]["GstRt"] = json!(17);
        let errors = validate(&v);
        for want in [
            "BuyerDtls.Pin",
            "SellerDtls.Loc",
            "RefDtls.PrecDocDtls",
            "DocDtls.No",
            "ItemList[0].TotItemVal",
            "ItemList[0].GstRt",
            "ValDtls.TotInvVal",
        ] {
            assert!(
                errors.iter().any(|e| e.contains(want)),
                "{want} in {errors:?}"
            );
        }
    }

    #[test]
    fn applicability_follows_the_threshold_of_the_date() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // Rs 6 crore: above Rs 5 crore from 1 August 2023, not above Rs 10 crore before
        assert!(applicable(Some(600_000_000), d(2023, 8, 1)));
        assert!(!applicable(Some(600_000_000), d(2023, 7, 31)));
        assert!(
            !applicable(Some(500_000_000), d(2026, 11, 10)),
            "exactly 5 crore is not above"
        );
        assert!(!applicable(None, d(2026, 11, 10)));
        assert_eq!(
            pin_in("Flat 12, 3rd Cross, Bengaluru - 560034, KA"),
            Some(560_034)
        );
        assert_eq!(pin_in("no pin 12345 here 1234567"), None);
        assert_eq!(paise(&json!(1180.5)), Some(118_050));
        assert_eq!(paise(&json!(18)), Some(1_800));
        assert_eq!(paise(&json!(1.234)), None);
    }
}
