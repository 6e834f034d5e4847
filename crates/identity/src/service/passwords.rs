//! Passwords: argon2id hashes (PHC strings), computed off the async workers and bounded in
//! number so a login burst cannot exhaust memory; a dummy hash verified for unknown accounts
//! so "no such email" takes as long as "wrong password"; and the strength rules.

use std::sync::{Arc, OnceLock};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use kernel::{AppError, FieldError};

use crate::config::AuthConfig;
use prometheus::IntCounter;
use tokio::sync::Semaphore;

use crate::error::{IdentityError, IdentityResult};

/// Shortest accepted password.
pub const MIN_LENGTH: usize = 8;
/// Longest accepted password (argon2 accepts more; this bounds the work per request).
pub const MAX_LENGTH: usize = 128;

/// The hasher of the process.
#[derive(Clone)]
pub struct Passwords {
    argon: Argon2<'static>,
    dummy: Arc<OnceLock<String>>,
    permits: Arc<Semaphore>,
    verifications: IntCounter,
}

/// argon2id with the configured costs.
pub fn argon2(cfg: &AuthConfig) -> IdentityResult<Argon2<'static>> {
    let params = Params::new(
        cfg.argon2_memory_kib,
        cfg.argon2_iterations,
        cfg.argon2_parallelism,
        None,
    )
    .map_err(|e| anyhow::anyhow!("invalid ARGON2_* settings: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes on the calling thread (seeders; request paths use [`Passwords::hash`]).
pub fn hash_now(argon: &Argon2<'_>, password: &str) -> IdentityResult<String> {
    argon
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| IdentityError::Unexpected(anyhow::anyhow!("hashing a password: {e}")))
}

fn verify_now(argon: &Argon2<'_>, password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| argon.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

impl Passwords {
    /// The hasher; its dummy hash is computed on first use, not at boot. `verifications`
    /// counts every verification (real or dummy).
    pub fn new(cfg: &AuthConfig, verifications: IntCounter) -> IdentityResult<Self> {
        let argon = argon2(cfg)?;
        let lanes = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            argon,
            dummy: Arc::new(OnceLock::new()),
            permits: Arc::new(Semaphore::new(lanes * 2)),
            verifications,
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Argon2<'static>) -> T + Send + 'static,
    ) -> IdentityResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| anyhow::anyhow!("password hasher closed: {e}"))?;
        let argon = self.argon.clone();
        tokio::task::spawn_blocking(move || f(&argon))
            .await
            .map_err(|e| IdentityError::Unexpected(anyhow::anyhow!("password task failed: {e}")))
    }

    /// A new PHC hash of `password`.
    pub async fn hash(&self, password: String) -> IdentityResult<String> {
        self.blocking(move |argon| hash_now(argon, &password))
            .await?
    }

    /// Whether `password` matches `phc`. Without a hash (unknown account, or one without a
    /// password) the dummy hash is verified instead and the answer is `false`, so both
    /// cases cost one argon2 run.
    pub async fn verify(&self, password: String, phc: Option<String>) -> IdentityResult<bool> {
        let dummy = self.dummy.clone();
        self.verifications.inc();
        self.blocking(move |argon| match phc {
            Some(phc) => verify_now(argon, &password, &phc),
            None => {
                let dummy = dummy.get_or_init(|| {
                    hash_now(
                        argon,
                        "not a password: equalises the time of unknown accounts",
                    )
                    .unwrap_or_default()
                });
                let _ = verify_now(argon, &password, dummy);
                false
            }
        })
        .await
    }
}

/// Rules for a new password: length, not the email or name, not a well-known password,
/// more than one kind of character. Returns the 422 field error.
pub fn check_strength(
    field: &str,
    password: &str,
    email: &str,
    full_name: &str,
) -> Result<(), AppError> {
    let fail = |message: &str| Err(AppError::Validation(vec![FieldError::new(field, message)]));
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return fail(&format!("must be at least {MIN_LENGTH} characters"));
    }
    if chars > MAX_LENGTH {
        return fail(&format!("must be at most {MAX_LENGTH} characters"));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if lower == email.to_lowercase()
        || (local.len() >= 4 && lower.contains(&local))
        || (!full_name.trim().is_empty() && lower == full_name.trim().to_lowercase())
    {
        return fail("must not contain your email or be your name");
    }
    if COMMON.iter().any(|c| lower == *c) {
        return fail("is a well-known password");
    }
    let kinds = [
        password.chars().any(char::is_lowercase),
        password.chars().any(char::is_uppercase),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|k| *k)
    .count();
    let distinct = {
        let mut seen: Vec<char> = password.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    if kinds < 2 || distinct < 5 {
        return fail("is too weak: mix letters with digits or symbols");
    }
    Ok(())
}

/// Passwords from breach lists that pass the length rule.
const COMMON: &[&str] = &[
    "password1",
    "password!",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty12",
    "qwerty123",
    "abc12345",
    "abcd1234",
    "admin123",
    "welcome1",
    "iloveyou1",
    "1q2w3e4r",
    "12345678a",
    "a12345678",
    "1234567890",
    "12345678910",
    "123456789a",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "qwertyuiop",
    "qwerty12345",
    "qwerty123456",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "iloveyou123",
    "abcd123456",
    "abc1234567",
    "welcome123",
    "admin12345",
    "letmein123",
    "changeme123",
    "0987654321",
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn weak(p: &str) -> bool {
        check_strength("password", p, "asha.rao@example.com", "Asha Rao").is_err()
    }

    #[test]
    fn strength_rules() {
        assert!(weak("short1!"));
        assert!(weak("aaaaaaaaaaaa"));
        assert!(weak("abcdefghijkl"));
        assert!(weak("Password123"));
        assert!(weak("asha.rao@example.com"));
        assert!(weak("xxasha.raoxx1"));
        assert!(weak(&"a1".repeat(70)));
        assert!(!weak("correct horse battery"));
        assert!(!weak("Tr0ub4dor&3x"));
        let err = check_strength("new_password", "x", "a@b.c", "")
            .unwrap_err()
            .problem();
        assert_eq!(err.errors.unwrap()[0].field, "new_password");
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_fail() {
        let env = kernel::config::Env::from_pairs(&[
            ("ARGON2_MEMORY_KIB", "1024"),
            ("ARGON2_ITERATIONS", "1"),
        ]);
        let base = kernel::Config::read(&env).unwrap();
        let cfg = crate::IdentityConfig::from_env(&env, &base).unwrap();
        let p = Passwords::new(&cfg.auth, IntCounter::new("v", "v").unwrap()).unwrap();
        let h = p.hash("Tr0ub4dor&3x".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{h}");
        assert!(
            p.verify("Tr0ub4dor&3x".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("Tr0ub4dor&3y".into(), Some(h)).await.unwrap());
        assert!(!p.verify("anything".into(), None).await.unwrap());
        // the unknown account cost a real verification against a hash of the same cost
        let dummy = p.dummy.get().unwrap();
        assert!(
            dummy.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"),
            "{dummy}"
        );
        assert_eq!(p.verifications.get(), 3);
        assert!(
            !p.verify("x".into(), Some("not a phc".into()))
                .await
                .unwrap()
        );
    }
}
