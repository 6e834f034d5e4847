//! Finance's own settings, read at boot by [`FinanceConfig::from_env`] and kept in
//! [`crate::Finance`]: the supplier defaults of every platform (a platform's row in
//! `finance_supplier_settings` overrides them).

use kernel::config::{ConfigError, Env, invalid};

use crate::{gstin, numbering};

/// The supplier of the invoices: GSTIN, state, legal name and the series of its documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplier {
    /// GSTIN.
    pub gstin: String,
    /// Two-digit state code (the GSTIN's first two digits).
    pub state_code: String,
    /// Legal name printed on the documents.
    pub legal_name: String,
    /// Series of invoices (one or two characters).
    pub invoice_series: String,
    /// Series of credit notes (one or two characters, not the invoices').
    pub credit_note_series: String,
}

/// A development-only supplier (a made-up GSTIN with a valid check character, Karnataka), so
/// a fresh checkout issues invoices; production has none unless configured.
pub const DEV_GSTIN: &str = "29AAACM1234A1Z4";

/// Finance's configuration section.
#[derive(Debug, Clone)]
pub struct FinanceConfig {
    /// The default supplier of every platform: `GST_SUPPLIER_GSTIN`,
    /// `GST_SUPPLIER_STATE_CODE`, `GST_SUPPLIER_NAME`, `INVOICE_SERIES`,
    /// `CREDIT_NOTE_SERIES`. `None` in production without `GST_SUPPLIER_GSTIN`: no invoice is
    /// issued (the events wait in the queue's retries and dead letters) until a platform has
    /// its own settings.
    pub supplier: Option<Supplier>,
    /// E-invoicing (ADR 0071).
    pub einvoice: EinvoiceConfig,
}

/// E-invoicing: whether the supplier is above the threshold, where the IRP/GSP is, and the
/// supplier's address as the e-invoice schema wants it (the same for every platform).
#[derive(Debug, Clone, Default)]
pub struct EinvoiceConfig {
    /// `EINVOICE_AATO_PAISE`: the supplier's aggregate annual turnover (previous financial
    /// year) in paise; unset, no e-invoice is prepared. Compared with the threshold in force on
    /// each document's date ([`crate::einvoice::EINVOICE_THRESHOLDS`]).
    pub aato_paise: Option<i64>,
    /// `EINVOICE_IRP_URL`: the IRP's or GSP's base URL (`{url}/invoice`, `{url}/invoice/cancel`);
    /// unset, prepared e-invoices wait in the queue's retries.
    pub irp_url: Option<String>,
    /// `EINVOICE_IRP_TOKEN`: the bearer token the IRP/GSP expects.
    pub irp_token: Option<secrecy::SecretString>,
    /// `GST_SUPPLIER_ADDRESS`: the supplier's address line.
    pub supplier_address: String,
    /// `GST_SUPPLIER_LOCATION`: its city.
    pub supplier_location: String,
    /// `GST_SUPPLIER_PIN`: its PIN code.
    pub supplier_pin: Option<u32>,
}

impl EinvoiceConfig {
    /// Reads the section; a malformed turnover or PIN stops the boot naming the variable.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let aato_paise = match env.get("EINVOICE_AATO_PAISE") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| invalid("EINVOICE_AATO_PAISE", "a whole number of paise"))?,
            ),
        };
        let supplier_pin = match env.get("GST_SUPPLIER_PIN") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (100_000..=999_999).contains(p))
                    .ok_or_else(|| invalid("GST_SUPPLIER_PIN", "a 6-digit PIN code"))?,
            ),
        };
        Ok(Self {
            aato_paise,
            irp_url: env
                .get("EINVOICE_IRP_URL")
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            irp_token: env.secret("EINVOICE_IRP_TOKEN")?,
            supplier_address: env.get("GST_SUPPLIER_ADDRESS").unwrap_or_default(),
            supplier_location: env.get("GST_SUPPLIER_LOCATION").unwrap_or_default(),
            supplier_pin,
        })
    }
}

impl FinanceConfig {
    /// Reads the section; a malformed GSTIN, state or series stops the boot naming the variable.
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
        let gstin = match env.get("GST_SUPPLIER_GSTIN") {
            Some(g) => Some(g.trim().to_owned()),
            None if base.app_env.is_production() => None,
            None => Some(DEV_GSTIN.to_owned()),
        };
        let einvoice = EinvoiceConfig::from_env(env)?;
        let Some(gstin) = gstin else {
            return Ok(Self {
                supplier: None,
                einvoice,
            });
        };
        if let Some(p) = gstin::problem(&gstin) {
            return Err(invalid("GST_SUPPLIER_GSTIN", p));
        }
        let state_code = env
            .get("GST_SUPPLIER_STATE_CODE")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| gstin[..2].to_owned());
        if state_code != gstin[..2] {
            return Err(invalid(
                "GST_SUPPLIER_STATE_CODE",
                "must be the first two digits of GST_SUPPLIER_GSTIN",
            ));
        }
        let legal_name = env
            .get("GST_SUPPLIER_NAME")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| "MAS Platform".to_owned());
        if legal_name.is_empty() || legal_name.chars().count() > 200 {
            return Err(invalid("GST_SUPPLIER_NAME", "1 to 200 characters"));
        }
        let series = |name: &str, default: &str| -> Result<String, ConfigError> {
            let s = env.get(name).unwrap_or_else(|| default.to_owned());
            match numbering::series_problem(&s) {
                Some(p) => Err(invalid(name, p)),
                None => Ok(s),
            }
        };
        let invoice_series = series("INVOICE_SERIES", "MM")?;
        let credit_note_series = series("CREDIT_NOTE_SERIES", "CN")?;
        if invoice_series == credit_note_series {
            return Err(invalid(
                "CREDIT_NOTE_SERIES",
                "must differ from INVOICE_SERIES",
            ));
        }
        Ok(Self {
            supplier: Some(Supplier {
                gstin,
                state_code,
                legal_name,
                invoice_series,
                credit_note_series,
            }),
            einvoice,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<FinanceConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env).unwrap_or_else(|e| panic!("{e}"));
        FinanceConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_and_checks() {
        let c = read(&[]).unwrap_or_else(|e| panic!("{e}"));
        let s = c
            .supplier
            .unwrap_or_else(|| panic!("a development supplier"));
        assert_eq!((s.gstin.as_str(), s.state_code.as_str()), (DEV_GSTIN, "29"));
        assert_eq!(
            (s.invoice_series.as_str(), s.credit_note_series.as_str()),
            ("MM", "CN")
        );
        let c = read(&[
            ("GST_SUPPLIER_GSTIN", "27AAPFU0939F1ZV"),
            ("INVOICE_SERIES", "A"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let s = c.supplier.unwrap_or_else(|| panic!("supplier"));
        assert_eq!(
            (s.state_code.as_str(), s.invoice_series.as_str()),
            ("27", "A")
        );
        for bad in [
            vec![("GST_SUPPLIER_GSTIN", "27AAPFU0939F1ZW")],
            vec![("INVOICE_SERIES", "MAS")],
            vec![("GST_SUPPLIER_STATE_CODE", "27")],
            vec![("CREDIT_NOTE_SERIES", "MM")],
        ] {
            assert!(read(&bad).is_err(), "{bad:?}");
        }
    }
}
