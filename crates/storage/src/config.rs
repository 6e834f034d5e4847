//! Storage's own settings: the local directory or the S3 bucket, the signing key of local
//! signed URLs, upload limits. Read at boot by [`StorageConfig::from_env`].

use std::{fmt, path::PathBuf, time::Duration};

use kernel::config::{ConfigError, Env, check_production_secret, labels};
use secrecy::{ExposeSecret, SecretString};

/// Object storage: a local directory, or S3 (and S3-compatible endpoints) when a bucket is set.
#[derive(Clone)]
pub struct StorageConfig {
    /// `STORAGE_DIR`: root of the local store when no bucket is configured.
    pub dir: PathBuf,
    /// `AWS_S3_BUCKET`: bucket name; set to use S3.
    pub s3_bucket: Option<String>,
    /// `AWS_REGION`.
    pub s3_region: String,
    /// `AWS_S3_ENDPOINT`: custom endpoint (MinIO, R2).
    pub s3_endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub s3_access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub s3_secret_access_key: Option<SecretString>,
    /// `STORAGE_SIGNING_SECRET`: HMAC key of local signed URLs (default: derived from `JWT_SECRET`).
    pub signing_secret: SecretString,
    /// `UPLOAD_MAX_BYTES`: largest file `POST /api/upload` accepts.
    pub upload_max_bytes: usize,
    /// `SIGNED_URL_TTL_SECS`: lifetime of presigned upload and download URLs.
    pub signed_url_ttl: Duration,
}

impl fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageConfig")
            .field("dir", &self.dir)
            .field("s3_bucket", &self.s3_bucket)
            .field("s3_region", &self.s3_region)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_access_key_id", &self.s3_access_key_id)
            .field("upload_max_bytes", &self.upload_max_bytes)
            .field("signed_url_ttl", &self.signed_url_ttl)
            .finish_non_exhaustive()
    }
}

impl StorageConfig {
    /// Reads the section; `base` gives the default signing key (derived from `JWT_SECRET`)
    /// and the environment. In production the signing key in force must not be an example
    /// or weak value.
    pub fn from_env(env: &Env<'_>, base: &kernel::Config) -> Result<Self, ConfigError> {
        let config = Self {
            dir: env
                .get("STORAGE_DIR")
                .unwrap_or_else(|| "./data/storage".into())
                .into(),
            s3_bucket: env.get("AWS_S3_BUCKET"),
            s3_region: env.get("AWS_REGION").unwrap_or_else(|| "ap-south-1".into()),
            s3_endpoint: env.get("AWS_S3_ENDPOINT"),
            s3_access_key_id: env.get("AWS_ACCESS_KEY_ID"),
            s3_secret_access_key: env.secret("AWS_SECRET_ACCESS_KEY")?,
            signing_secret: env
                .secret("STORAGE_SIGNING_SECRET")?
                .unwrap_or_else(|| base.derived_secret(labels::STORAGE_SIGNED_URLS)),
            upload_max_bytes: env.parse("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)?,
            signed_url_ttl: Duration::from_secs(env.parse("SIGNED_URL_TTL_SECS", 900)?),
        };
        if base.app_env.is_production() {
            check_production_secret(
                "STORAGE_SIGNING_SECRET",
                config.signing_secret.expose_secret(),
            )?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRONG: &str = "q7J2mXv9LkP4sR1tW8yZ3bN6cF0hD5gA2eU7iO9pK4lM1nB8vC3xZ6";

    fn cfg(pairs: &[(&str, &str)]) -> Result<StorageConfig, ConfigError> {
        let env = Env::from_pairs(pairs);
        let base = kernel::Config::read(&env)?;
        StorageConfig::from_env(&env, &base)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.dir, PathBuf::from("./data/storage"));
        assert_eq!(c.s3_bucket, None);
        assert_eq!(c.s3_region, "ap-south-1");
        assert_eq!(c.upload_max_bytes, 10 * 1024 * 1024);
        assert_eq!(c.signed_url_ttl, Duration::from_secs(900));
        // the default signing key is the JWT secret's derived key of this purpose
        let base = kernel::Config::read(&Env::from_pairs(&[])).unwrap();
        assert_eq!(
            c.signing_secret.expose_secret(),
            hex::encode(base.derived_key(labels::STORAGE_SIGNED_URLS))
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = cfg(&[("UPLOAD_MAX_BYTES", "10MB")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("UPLOAD_MAX_BYTES:"), "{err}");
    }

    #[test]
    fn production_refuses_example_and_weak_signing_secrets() {
        let prod = |secret: &str| {
            cfg(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", STRONG),
                ("STORAGE_SIGNING_SECRET", secret),
            ])
        };
        let long_x = "x".repeat(40);
        let refused: [&str; 3] = [
            "change-me-to-at-least-32-random-characters",
            "this-is-an-example-secret-of-48-characters-long!",
            &long_x,
        ];
        for refused in refused {
            let res = prod(refused);
            assert!(
                matches!(&res, Err(ConfigError::Invalid { name, .. }) if name == "STORAGE_SIGNING_SECRET"),
                "{refused:?} was accepted"
            );
        }
        assert!(prod("Zq3v8RkW1pLx6YtN0bHc4MfJ7sGd2QaE9uVo5KiT").is_ok());
        // derived from a strong JWT secret when unset
        assert!(cfg(&[("APP_ENV", "production"), ("JWT_SECRET", STRONG)]).is_ok());
        // development accepts anything
        assert!(cfg(&[("STORAGE_SIGNING_SECRET", "change-me")]).is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg(&[
            ("AWS_SECRET_ACCESS_KEY", "aws-secret-1"),
            ("STORAGE_SIGNING_SECRET", "signing-secret-2"),
        ])
        .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("aws-secret-1"), "{printed}");
        assert!(!printed.contains("signing-secret-2"), "{printed}");
    }
}
