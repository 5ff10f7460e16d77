//! Sealing session records at rest: XChaCha20-Poly1305 with a key from
//! configuration, the session id as associated data.
//!
//! A session row holds the member's refresh token (and, during sign-in, the
//! PKCE verifier and nonce). The app role must be able to read every
//! tenant's sessions — a request's session is found before its tenant is
//! known — so row-level security cannot guard them. Sealing them means a
//! leaked table (an injection, a backup, a replica) yields no token, and
//! binding each record to its id means a row copied under another id does
//! not open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

/// The first byte of every sealed record: the format, so a later one can
/// be told apart.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// The keys sessions are sealed with: the current one seals and opens;
/// previous ones (while rotating) only open.
#[derive(Clone)]
pub struct SessionKeys {
    current: XChaCha20Poly1305,
    previous: Vec<XChaCha20Poly1305>,
}

/// A key that is not 32 bytes of base64.
#[derive(Debug, thiserror::Error)]
#[error("expected 32 random bytes in base64 (e.g. from `openssl rand -base64 32`)")]
pub struct BadKey;

impl SessionKeys {
    /// Keys from their base64 text: the current one, then any previous ones.
    pub fn from_base64(current: &str, previous: &[&str]) -> Result<Self, BadKey> {
        Ok(Self {
            current: cipher(current)?,
            previous: previous
                .iter()
                .map(|key| cipher(key))
                .collect::<Result<_, _>>()?,
        })
    }

    /// `VERSION || nonce || ciphertext`, authenticated with `id`.
    pub(super) fn seal(&self, id: &str, plain: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .current
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: id.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The plain record, if `data` was sealed for `id` by one of the keys.
    pub(super) fn open(&self, id: &str, data: &[u8]) -> Option<Vec<u8>> {
        let (&version, rest) = data.split_first()?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::from_slice(nonce);
        let payload = |msg| Payload {
            msg,
            aad: id.as_bytes(),
        };
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find_map(|key| key.decrypt(nonce, payload(sealed)).ok())
    }
}

fn cipher(base64_key: &str) -> Result<XChaCha20Poly1305, BadKey> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_key.trim())
        .map_err(|_| BadKey)?;
    if bytes.len() != 32 {
        return Err(BadKey);
    }
    Ok(XChaCha20Poly1305::new(Key::from_slice(&bytes)))
}

/// Never prints a key.
impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("previous", &self.previous.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const B: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    #[test]
    fn a_sealed_record_opens_with_its_key_and_id_only() {
        let keys = SessionKeys::from_base64(A, &[]).unwrap();
        let sealed = keys.seal("id-1", b"refresh-token-123");
        assert_eq!(
            keys.open("id-1", &sealed).as_deref(),
            Some(&b"refresh-token-123"[..])
        );
        assert!(
            !sealed.windows(7).any(|w| w == b"refresh"),
            "stored in clear"
        );
        // Another id, another key, or one changed byte: it does not open.
        assert_eq!(keys.open("id-2", &sealed), None);
        let other = SessionKeys::from_base64(B, &[]).unwrap();
        assert_eq!(other.open("id-1", &sealed), None);
        for i in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 1;
            assert_eq!(keys.open("id-1", &tampered), None, "byte {i}");
        }
        assert_eq!(keys.open("id-1", &sealed[..10]), None);
        assert_eq!(keys.open("id-1", b""), None);
    }

    #[test]
    fn two_seals_of_one_record_differ() {
        let keys = SessionKeys::from_base64(A, &[]).unwrap();
        assert_ne!(keys.seal("id", b"same"), keys.seal("id", b"same"));
    }

    #[test]
    fn a_previous_key_still_opens_while_rotating() {
        let old = SessionKeys::from_base64(A, &[]).unwrap();
        let sealed = old.seal("id", b"record");
        let rotated = SessionKeys::from_base64(B, &[A]).unwrap();
        assert_eq!(rotated.open("id", &sealed).as_deref(), Some(&b"record"[..]));
        // New records are sealed with the new key only.
        let fresh = rotated.seal("id", b"record");
        assert_eq!(old.open("id", &fresh), None);
    }

    #[test]
    fn a_key_must_be_32_bytes_of_base64() {
        assert!(SessionKeys::from_base64("", &[]).is_err());
        assert!(SessionKeys::from_base64("not base64!", &[]).is_err());
        assert!(SessionKeys::from_base64("AAECAwQFBgcICQoLDA0ODxA=", &[]).is_err());
        assert!(SessionKeys::from_base64(A, &["short"]).is_err());
        assert!(format!("{:?}", SessionKeys::from_base64(A, &[]).unwrap()).len() < 40);
    }
}
