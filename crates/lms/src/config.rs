//! The LMS's own settings, read at boot by [`LmsConfig::from_env`] and kept in
//! [`crate::Lms`].

use kernel::config::{ConfigError, Env};

/// The LMS's configuration section.
#[derive(Debug, Clone)]
pub struct LmsConfig {
    /// `QUIZ_SUBMIT_GRACE_SECONDS`: how long after an attempt's deadline a submit (and a
    /// saved answer) is still accepted, for the network (0-600, default 30).
    pub quiz_submit_grace_seconds: i64,
}

impl LmsConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            quiz_submit_grace_seconds: env.int_in("QUIZ_SUBMIT_GRACE_SECONDS", (0, 600), 30)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_defaults_and_bounds() {
        let c = LmsConfig::from_env(&Env::from_pairs(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.quiz_submit_grace_seconds, 30);
        let c = LmsConfig::from_env(&Env::from_pairs(&[("QUIZ_SUBMIT_GRACE_SECONDS", "5")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.quiz_submit_grace_seconds, 5);
        assert!(
            LmsConfig::from_env(&Env::from_pairs(&[("QUIZ_SUBMIT_GRACE_SECONDS", "9999")]))
                .is_err()
        );
    }
}
