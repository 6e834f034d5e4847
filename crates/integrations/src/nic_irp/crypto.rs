//! The NIC IRP's envelope crypto (ADR 0080): the login payload encrypted with the IRP's RSA
//! public key (PKCS#1 v1.5), the session key (`Sek`) opened with our random `AppKey`, and every
//! later payload under the `Sek` with AES-256-ECB (PKCS#7 padding), all base64 on the wire.
//! ECB is the IRP's choice, not ours; it is used for nothing else. All of it through
//! `aws-lc-rs` (already in the tree): no `rsa` crate, so RUSTSEC-2023-0071 (a timing attack on
//! RSA *decryption* in the `rsa` crate) is not in the tree either.

use aws_lc_rs::{
    cipher::{
        AES_256, DecryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
        UnboundCipherKey,
    },
    rand::{SecureRandom, SystemRandom},
    rsa::{Pkcs1PublicEncryptingKey, PublicEncryptingKey},
};
use base64::{Engine, engine::general_purpose::STANDARD};

/// A crypto step failed (a bad key, a payload that does not open).
#[derive(Debug, thiserror::Error)]
#[error("IRP envelope: {0}")]
pub struct CryptoError(pub &'static str);

/// 32 random bytes: the `AppKey` of one login.
pub fn app_key() -> Result<[u8; 32], CryptoError> {
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| CryptoError("no randomness"))?;
    Ok(key)
}

/// The DER (X.509 SubjectPublicKeyInfo) of a public key given as PEM (`-----BEGIN PUBLIC
/// KEY-----`) or as its bare base64 body, as the IRP's `.pem` file ships it.
pub fn public_key_der(text: &str) -> Result<Vec<u8>, CryptoError> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| CryptoError("the IRP public key is not PEM or base64"))?;
    PublicEncryptingKey::from_der(&der)
        .map_err(|_| CryptoError("the IRP public key is not an RSA public key"))?;
    Ok(der)
}

/// `base64(RSA-PKCS#1-v1.5(plain))` under the public key `der`.
pub fn rsa_encrypt(der: &[u8], plain: &[u8]) -> Result<String, CryptoError> {
    let key = PublicEncryptingKey::from_der(der)
        .map_err(|_| CryptoError("the IRP public key is not an RSA public key"))?;
    let key = Pkcs1PublicEncryptingKey::new(key).map_err(|_| CryptoError("RSA key"))?;
    let mut out = vec![0u8; key.ciphertext_size()];
    let sealed = key
        .encrypt(plain, &mut out)
        .map_err(|_| CryptoError("the login payload does not fit the RSA key"))?;
    Ok(STANDARD.encode(sealed))
}

fn aes_key(key: &[u8]) -> Result<UnboundCipherKey, CryptoError> {
    UnboundCipherKey::new(&AES_256, key).map_err(|_| CryptoError("an AES key is 32 bytes"))
}

/// `base64(AES-256-ECB-PKCS7(plain, key))`.
pub fn aes_encrypt(key: &[u8], plain: &[u8]) -> Result<String, CryptoError> {
    let k =
        PaddedBlockEncryptingKey::ecb_pkcs7(aes_key(key)?).map_err(|_| CryptoError("AES key"))?;
    let mut data = plain.to_vec();
    k.encrypt(&mut data)
        .map_err(|_| CryptoError("AES encryption"))?;
    Ok(STANDARD.encode(data))
}

/// Opens `base64(AES-256-ECB-PKCS7(plain, key))`.
pub fn aes_decrypt(key: &[u8], b64: &str) -> Result<Vec<u8>, CryptoError> {
    let mut data = STANDARD
        .decode(b64.trim().as_bytes())
        .map_err(|_| CryptoError("not base64"))?;
    let k =
        PaddedBlockDecryptingKey::ecb_pkcs7(aes_key(key)?).map_err(|_| CryptoError("AES key"))?;
    let plain = k
        .decrypt(&mut data, DecryptionContext::None)
        .map_err(|_| CryptoError("does not open with this key"))?;
    Ok(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::{
        encoding::{AsDer, PublicKeyX509Der},
        rsa::{KeySize, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey},
    };

    #[test]
    fn aes_round_trips_and_refuses_another_key() {
        let (k1, k2) = (app_key().unwrap(), app_key().unwrap());
        let sealed = aes_encrypt(&k1, b"{\"Irn\":\"x\"}").unwrap();
        assert_eq!(aes_decrypt(&k1, &sealed).unwrap(), b"{\"Irn\":\"x\"}");
        assert!(aes_decrypt(&k2, &sealed).map_or(true, |p| p != b"{\"Irn\":\"x\"}"));
        // ECB: the same 16-byte block twice encrypts to the same block twice
        let raw = STANDARD
            .decode(aes_encrypt(&k1, &[7u8; 32]).unwrap())
            .unwrap();
        assert_eq!(raw.len(), 48);
        assert_eq!(raw[..16], raw[16..32]);
        assert!(aes_encrypt(&k1[..16], b"x").is_err());
    }

    #[test]
    fn rsa_encrypts_what_the_private_key_opens() {
        let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let der = AsDer::<PublicKeyX509Der>::as_der(&private.public_key()).unwrap();
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(der.as_ref())
        );
        let der = public_key_der(&pem).unwrap();
        let sealed = rsa_encrypt(&der, b"login").unwrap();
        let opener = Pkcs1PrivateDecryptingKey::new(private).unwrap();
        let raw = STANDARD.decode(sealed).unwrap();
        let mut out = vec![0u8; opener.min_output_size()];
        assert_eq!(opener.decrypt(&raw, &mut out).unwrap(), b"login");
        assert!(public_key_der("not a key").is_err());
    }
}
