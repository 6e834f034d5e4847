//! Sealing stored OAuth refresh tokens: AES-256-GCM under a key derived (SHA-256) from
//! `GOOGLE_CALENDAR_TOKEN_KEY`, a random 96-bit nonce per token, stored as
//! `v1:<hex nonce||ciphertext||tag>`. A database dump alone does not reveal the tokens.

use aws_lc_rs::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    digest,
    rand::{SecureRandom, SystemRandom},
};
use secrecy::{ExposeSecret, SecretString};

const VERSION: &str = "v1:";

/// Why a token could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The stored value is not one this key sealed (wrong key, tampered, other format).
    #[error("the stored token cannot be opened")]
    Open,
    /// The system random source or the cipher failed.
    #[error("sealing a token failed")]
    Seal,
}

/// Seals and opens refresh tokens under one key.
pub struct TokenSeal {
    key: LessSafeKey,
}

impl std::fmt::Debug for TokenSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSeal").finish_non_exhaustive()
    }
}

impl TokenSeal {
    /// A seal under `secret` (any length; its SHA-256 is the AES key).
    pub fn new(secret: &SecretString) -> Result<Self, SealError> {
        let hashed = digest::digest(&digest::SHA256, secret.expose_secret().as_bytes());
        let key = UnboundKey::new(&AES_256_GCM, hashed.as_ref()).map_err(|_| SealError::Seal)?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// Seals `token`; `context` (e.g. the user id) is bound as associated data, so a sealed
    /// value copied to another row does not open.
    pub fn seal(&self, token: &SecretString, context: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SealError::Seal)?;
        let mut data = token.expose_secret().as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut data,
            )
            .map_err(|_| SealError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("{VERSION}{}", hex::encode(out)))
    }

    /// Opens what [`TokenSeal::seal`] made with the same `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<SecretString, SealError> {
        let raw = sealed
            .strip_prefix(VERSION)
            .and_then(|h| hex::decode(h).ok())
            .ok_or(SealError::Open)?;
        if raw.len() <= NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, body) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Open)?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut body)
            .map_err(|_| SealError::Open)?;
        let text = String::from_utf8(plain.to_vec()).map_err(|_| SealError::Open)?;
        Ok(SecretString::from(text))
    }
}
