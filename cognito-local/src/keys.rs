//! The pool's RS256 signing keys, the JWKS that publishes them, and JWT
//! signing and checking (hand-rolled on `rsa`, so the app's own JWT library
//! is an independent check of what the stand-in issues).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::Sha256;

/// How many keys stay published: the active one and the one before it, so
/// tokens signed just before a rotation still verify.
const PUBLISHED_KEYS: usize = 2;

pub struct Key {
    pub kid: String,
    private: RsaPrivateKey,
}

impl Key {
    pub fn generate() -> Self {
        let private =
            RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key generation");
        Self {
            kid: uuid::Uuid::new_v4().to_string(),
            private,
        }
    }

    pub fn to_pem(&self) -> String {
        self.private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("an RSA key encodes")
            .to_string()
    }

    pub fn from_pem(kid: String, pem: &str) -> Result<Self, String> {
        let private = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())?;
        Ok(Self { kid, private })
    }

    fn jwk(&self) -> Value {
        let public = self.private.to_public_key();
        json!({
            "alg": "RS256",
            "e": B64.encode(public.e().to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": B64.encode(public.n().to_bytes_be()),
            "use": "sig",
        })
    }
}

/// Newest first; the first signs.
pub struct KeySet {
    keys: Vec<Key>,
}

impl KeySet {
    pub fn new(keys: Vec<Key>) -> Self {
        assert!(!keys.is_empty(), "a key set needs a key");
        Self { keys }
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// A new active key; the previous one stays published until the next
    /// rotation.
    pub fn rotate(&mut self) -> &str {
        self.keys.insert(0, Key::generate());
        self.keys.truncate(PUBLISHED_KEYS);
        &self.keys[0].kid
    }

    pub fn jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().map(Key::jwk).collect::<Vec<_>>() })
    }

    /// A compact JWS (RS256) over `claims`, signed by the active key.
    pub fn sign(&self, claims: &Value) -> String {
        let key = &self.keys[0];
        let header = json!({ "kid": key.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signer = SigningKey::<Sha256>::new(key.private.clone());
        let signature = signer.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", B64.encode(signature.to_bytes()))
    }

    /// The claims of a token this pool signed, if its signature holds. Expiry
    /// and the other claims are the caller's to check.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (header_b64, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&B64.decode(header_b64).ok()?).ok()?;
        if header["alg"] != "RS256" {
            return None;
        }
        let key = self.keys.iter().find(|k| header["kid"] == k.kid.as_str())?;
        let signature = Signature::try_from(B64.decode(signature).ok()?.as_slice()).ok()?;
        VerifyingKey::<Sha256>::new(key.private.to_public_key())
            .verify(format!("{header_b64}.{payload}").as_bytes(), &signature)
            .ok()?;
        serde_json::from_slice(&B64.decode(payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let keys = KeySet::new(vec![Key::generate()]);
        let token = keys.sign(&json!({ "sub": "a" }));
        assert_eq!(keys.verify(&token).unwrap()["sub"], "a");

        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = B64.encode(json!({ "sub": "b" }).to_string());
        parts[1] = &forged;
        assert!(keys.verify(&parts.join(".")).is_none());
    }

    #[test]
    fn rotation_keeps_the_previous_key_published() {
        let mut keys = KeySet::new(vec![Key::generate()]);
        let old = keys.sign(&json!({ "n": 1 }));
        keys.rotate();
        assert!(keys.verify(&old).is_some());
        assert_eq!(keys.jwks()["keys"].as_array().unwrap().len(), 2);
        keys.rotate();
        assert!(keys.verify(&old).is_none(), "two rotations retire a key");
    }
}
