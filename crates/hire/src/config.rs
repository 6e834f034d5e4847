//! Mr. Hire's own settings, read at boot by [`HireConfig::from_env`] and kept in
//! [`crate::Hire`].

use kernel::config::{ConfigError, Env, RateLimit};
use secrecy::SecretString;

/// Mr. Hire's configuration section.
#[derive(Debug, Clone)]
pub struct HireConfig {
    /// `HIRE_RESUME_MAX_BYTES`: largest resume accepted by the apply form (1 KiB - 50 MiB,
    /// default 10 MiB); over it the form answers 413 naming `resume`.
    pub resume_max_bytes: usize,
    /// `HIRE_APPLY_PER_IP_PER_HOUR`: applications one client address may send per hour
    /// (1-10000, default 20); over it 429.
    pub apply_per_ip: RateLimit,
    /// `ELEVENLABS_API_BASE`: ElevenLabs' API (default `https://api.elevenlabs.io`).
    pub elevenlabs_api_base: String,
    /// `ELEVENLABS_API_KEY`: the key (voice interviews answer 503 without it).
    pub elevenlabs_api_key: Option<SecretString>,
    /// `ELEVENLABS_AGENT_ID`: the Aarya conversational agent.
    pub elevenlabs_agent_id: Option<String>,
    /// `ELEVENLABS_PHONE_NUMBER_ID`: the agent's outbound phone number.
    pub elevenlabs_phone_number_id: Option<String>,
    /// `ELEVENLABS_WEBHOOK_SECRET`: signs the post-call webhook (503 without it).
    pub elevenlabs_webhook_secret: Option<SecretString>,
    /// `HIRE_AARYA_SYNC_MIN_AGE_SECS`: the reconciler asks about calls dispatched at least this
    /// long ago (0-86400, default 600).
    pub aarya_sync_min_age_secs: i64,
    /// `MISS_OZONE_SYNC_MIN_AGE_SECS`: Miss Ozone's reconciler asks ElevenLabs about calls
    /// dispatched at least this long ago (0-86400, default 300).
    pub ozone_sync_min_age_secs: i64,
    /// `MISS_OZONE_TRANSCRIPT_DAYS`: the 03:30 prune blanks transcripts and evaluations of
    /// calls completed longer ago (1-365, default 30).
    pub ozone_transcript_days: i64,
    /// `HIRE_RECORDING_RETENTION_DAYS`: voice-interview recordings are deleted this many days
    /// after the interview (1-365, default 30); transcripts stay until erasure.
    pub recording_retention_days: i64,
    /// `MR_HIRE_BACKEND_URL`: the separate screening service; when set, resumes are screened
    /// there instead of through the LLM gateway.
    pub backend_url: Option<String>,
}

impl HireConfig {
    /// Reads the section.
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        let resume_max_bytes: usize = env.int_in(
            "HIRE_RESUME_MAX_BYTES",
            (1024, 50 * 1024 * 1024),
            10 * 1024 * 1024,
        )?;
        let per_hour: u32 = env.int_in("HIRE_APPLY_PER_IP_PER_HOUR", (1, 10_000), 20)?;
        Ok(Self {
            resume_max_bytes,
            apply_per_ip: RateLimit::per(per_hour, 3600),
            elevenlabs_api_base: env
                .http_url("ELEVENLABS_API_BASE", "https://api.elevenlabs.io")?,
            elevenlabs_api_key: env.secret("ELEVENLABS_API_KEY")?,
            elevenlabs_agent_id: env
                .get("ELEVENLABS_AGENT_ID")
                .filter(|v| !v.trim().is_empty()),
            elevenlabs_phone_number_id: env
                .get("ELEVENLABS_PHONE_NUMBER_ID")
                .filter(|v| !v.trim().is_empty()),
            elevenlabs_webhook_secret: env.secret("ELEVENLABS_WEBHOOK_SECRET")?,
            aarya_sync_min_age_secs: env.int_in(
                "HIRE_AARYA_SYNC_MIN_AGE_SECS",
                (0, 86_400),
                600,
            )?,
            ozone_sync_min_age_secs: env.int_in(
                "MISS_OZONE_SYNC_MIN_AGE_SECS",
                (0, 86_400),
                300,
            )?,
            ozone_transcript_days: env.int_in("MISS_OZONE_TRANSCRIPT_DAYS", (1, 365), 30)?,
            recording_retention_days: env.int_in("HIRE_RECORDING_RETENTION_DAYS", (1, 365), 30)?,
            backend_url: match env
                .get("MR_HIRE_BACKEND_URL")
                .filter(|v| !v.trim().is_empty())
            {
                Some(_) => Some(env.http_url("MR_HIRE_BACKEND_URL", "")?),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        let c = HireConfig::from_env(&Env::from_pairs(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.resume_max_bytes, 10 * 1024 * 1024);
        assert_eq!(c.apply_per_ip.limit, 20);
        assert_eq!(
            (c.ozone_sync_min_age_secs, c.ozone_transcript_days),
            (300, 30)
        );
        assert!(
            HireConfig::from_env(&Env::from_pairs(&[("MISS_OZONE_TRANSCRIPT_DAYS", "0")])).is_err()
        );
        assert!(
            HireConfig::from_env(&Env::from_pairs(&[("HIRE_RESUME_MAX_BYTES", "10")])).is_err()
        );
    }
}
