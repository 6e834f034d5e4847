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
    /// `EINVOICE_MODE`: `simple` (default; the JSON posted to `{url}/invoice` with the bearer
    /// token) or `nic` (the NIC IRP's envelope, ADR 0080, with [`EinvoiceConfig::nic`]).
    pub mode: EinvoiceMode,
    /// The NIC IRP API user (`EINVOICE_MODE=nic`).
    pub nic: Option<NicCredentials>,
    /// `EINVOICE_EMAIL_WAIT_SECS` (default 3600): how long the email of an e-invoiced invoice
    /// waits for its IRN before it goes without one.
    pub email_wait: std::time::Duration,
}

/// How the IRN is asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EinvoiceMode {
    /// The JSON as is, with a bearer token (a GSP that does the envelope for us; the tests).
    #[default]
    Simple,
    /// The NIC IRP's own envelope (login, RSA and AES; ADR 0080).
    Nic,
}

/// The NIC IRP API user: `EINVOICE_NIC_CLIENT_ID`, `EINVOICE_NIC_CLIENT_SECRET`,
/// `EINVOICE_NIC_USERNAME`, `EINVOICE_NIC_PASSWORD`, `EINVOICE_NIC_PUBLIC_KEY` (PEM or its
/// base64 body; each also as `*_FILE`).
#[derive(Clone)]
pub struct NicCredentials {
    /// `client_id`.
    pub client_id: secrecy::SecretString,
    /// `client_secret`.
    pub client_secret: secrecy::SecretString,
    /// The API user name.
    pub username: String,
    /// The API user's password.
    pub password: secrecy::SecretString,
    /// The IRP's public key, DER.
    pub public_key_der: Vec<u8>,
}

impl std::fmt::Debug for NicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NicCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

fn nic_credentials(env: &Env<'_>) -> Result<NicCredentials, ConfigError> {
    use secrecy::ExposeSecret;
    let need = |name: &str| -> Result<secrecy::SecretString, ConfigError> {
        env.secret(name)?
            .filter(|v| !v.expose_secret().trim().is_empty())
            .ok_or_else(|| invalid(name, "required with EINVOICE_MODE=nic"))
    };
    let key = need("EINVOICE_NIC_PUBLIC_KEY")?;
    let public_key_der = integrations::nic_irp::crypto::public_key_der(key.expose_secret())
        .map_err(|_| {
            invalid(
                "EINVOICE_NIC_PUBLIC_KEY",
                "an RSA public key (PEM or base64 DER)",
            )
        })?;
    Ok(NicCredentials {
        client_id: need("EINVOICE_NIC_CLIENT_ID")?,
        client_secret: need("EINVOICE_NIC_CLIENT_SECRET")?,
        username: need("EINVOICE_NIC_USERNAME")?
            .expose_secret()
            .trim()
            .to_owned(),
        password: need("EINVOICE_NIC_PASSWORD")?,
        public_key_der,
    })
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
        let mode = match env.get("EINVOICE_MODE").as_deref().map(str::trim) {
            None | Some("" | "simple") => EinvoiceMode::Simple,
            Some("nic") => EinvoiceMode::Nic,
            Some(_) => return Err(invalid("EINVOICE_MODE", "simple or nic")),
        };
        let nic = match mode {
            EinvoiceMode::Nic => Some(nic_credentials(env)?),
            EinvoiceMode::Simple => None,
        };
        let email_wait = match env.get("EINVOICE_EMAIL_WAIT_SECS") {
            None => 3600,
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= 7 * 86_400)
                .ok_or_else(|| invalid("EINVOICE_EMAIL_WAIT_SECS", "0 to 604800 seconds"))?,
        };
        Ok(Self {
            mode,
            nic,
            email_wait: std::time::Duration::from_secs(email_wait),
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
        let e = read(&[]).unwrap_or_else(|e| panic!("{e}")).einvoice;
        assert_eq!(
            (e.mode, e.email_wait.as_secs(), e.nic.is_none()),
            (EinvoiceMode::Simple, 3600, true)
        );
        for bad in [
            vec![("EINVOICE_MODE", "gsp")],
            vec![("EINVOICE_MODE", "nic")],
            vec![
                ("EINVOICE_MODE", "nic"),
                ("EINVOICE_NIC_CLIENT_ID", "c"),
                ("EINVOICE_NIC_CLIENT_SECRET", "s"),
                ("EINVOICE_NIC_USERNAME", "u"),
                ("EINVOICE_NIC_PASSWORD", "p"),
                ("EINVOICE_NIC_PUBLIC_KEY", "not a key"),
            ],
            vec![("EINVOICE_EMAIL_WAIT_SECS", "-1")],
            vec![("GST_SUPPLIER_GSTIN", "27AAPFU0939F1ZW")],
            vec![("INVOICE_SERIES", "MAS")],
            vec![("GST_SUPPLIER_STATE_CODE", "27")],
            vec![("CREDIT_NOTE_SERIES", "MM")],
        ] {
            assert!(read(&bad).is_err(), "{bad:?}");
        }
    }
}
