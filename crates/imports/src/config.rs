//! The importer's settings: the largest file accepted and the rows written per transaction.
//! Read at boot by [`ImportsConfig::from_env`] and kept in [`crate::Imports`].

use kernel::config::{ConfigError, Env, invalid};

/// The importer's configuration section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportsConfig {
    /// `IMPORT_MAX_BYTES`: the largest uploaded file (default 20 MiB, at most 100 MiB).
    pub max_bytes: usize,
    /// `IMPORT_BATCH_SIZE`: rows per transaction and checkpoint (default 500, 1-5,000).
    pub batch_size: usize,
}

/// Rows shown in a preview.
pub const PREVIEW_ROWS: usize = 20;

impl ImportsConfig {
    /// Reads the section (a value out of its range stops the boot, naming the variable).
    pub fn from_env(env: &Env<'_>, _base: &kernel::Config) -> Result<Self, ConfigError> {
        let max_bytes: usize = env.parse("IMPORT_MAX_BYTES", 20 * 1024 * 1024)?;
        if !(1024..=100 * 1024 * 1024).contains(&max_bytes) {
            return Err(invalid("IMPORT_MAX_BYTES", "must be 1024-104857600"));
        }
        let batch_size: usize = env.parse("IMPORT_BATCH_SIZE", 500)?;
        if !(1..=5_000).contains(&batch_size) {
            return Err(invalid("IMPORT_BATCH_SIZE", "must be 1-5000"));
        }
        Ok(Self {
            max_bytes,
            batch_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<ImportsConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        ImportsConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_and_limits() {
        assert_eq!(
            read(&[]).unwrap(),
            ImportsConfig {
                max_bytes: 20 * 1024 * 1024,
                batch_size: 500
            }
        );
        assert_eq!(read(&[("IMPORT_BATCH_SIZE", "50")]).unwrap().batch_size, 50);
        for (name, value) in [("IMPORT_BATCH_SIZE", "0"), ("IMPORT_MAX_BYTES", "ten")] {
            let err = read(&[(name, value)]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{name}:")), "{err}");
        }
    }
}
