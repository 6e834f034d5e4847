//! `/api/admin/credentials` bodies. The value is write-only: no response carries it and its
//! `Debug` does not print it.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::entities::kinds::ProviderName;

/// A provider key to store.
#[derive(Deserialize, Validate, ToSchema)]
pub struct CredentialBody {
    /// The key, 8-500 characters (stored sealed, never returned).
    #[validate(length(min = 8, max = 500))]
    #[schema(min_length = 8, max_length = 500, format = Password)]
    pub value: String,
}

impl std::fmt::Debug for CredentialBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialBody")
            .field("value", &"[redacted]")
            .finish()
    }
}

impl CredentialBody {
    /// The key as a secret.
    pub fn secret(&self) -> SecretString {
        SecretString::from(self.value.trim().to_owned())
    }
}

/// Whether a provider's key is stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialStatus {
    /// Provider.
    pub name: ProviderName,
    /// Always true (only stored keys are listed).
    pub set: bool,
    /// When it was stored.
    pub updated_at: DateTime<Utc>,
}
