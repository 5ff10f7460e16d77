//! Passwords: the pool's policy, salted hashes, and temporary passwords.

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A salted SHA-256 of a password. A stand-in for development, so no slow
/// KDF; but no password is ever kept or saved in the clear.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hash {
    salt: String,
    digest: String,
}

impl Hash {
    pub fn new(password: &str) -> Self {
        let salt = crate::store::random_token();
        let digest = digest(&salt, password);
        Self { salt, digest }
    }

    pub fn matches(&self, password: &str) -> bool {
        digest(&self.salt, password) == self.digest
    }
}

fn digest(salt: &str, password: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0]);
    hasher.update(password.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Cognito's default policy, with the pool's minimum length: upper and lower
/// case letters, a digit and a symbol.
pub fn check_policy(password: &str, min_length: usize) -> Result<(), String> {
    let mut missing = Vec::new();
    if password.chars().count() < min_length {
        missing.push(format!("at least {min_length} characters"));
    }
    if !password.chars().any(|c| c.is_ascii_uppercase()) {
        missing.push("an uppercase letter".into());
    }
    if !password.chars().any(|c| c.is_ascii_lowercase()) {
        missing.push("a lowercase letter".into());
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        missing.push("a number".into());
    }
    if !password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
    {
        missing.push("a symbol".into());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Password does not conform to policy: needs {}",
            missing.join(", ")
        ))
    }
}

/// A temporary password that satisfies the policy.
pub fn temporary(min_length: usize) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"!#$%*+-=?@^_";
    let mut rng = rand::thread_rng();
    let mut pick = |set: &[u8]| set[rng.gen_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
    while chars.len() < min_length.max(12) {
        chars.push(pick(LOWER));
    }
    // Shuffle so the classes do not always sit at the front.
    let mut rng = rand::thread_rng();
    for i in (1..chars.len()).rev() {
        chars.swap(i, rng.gen_range(0..=i));
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_only_their_password() {
        let hash = Hash::new("Secret-123");
        assert!(hash.matches("Secret-123"));
        assert!(!hash.matches("secret-123"));
    }

    #[test]
    fn the_policy_names_what_is_missing() {
        assert!(check_policy("Abcdef1!", 8).is_ok());
        let error = check_policy("abc", 8).unwrap_err();
        assert!(
            error.contains("8 characters") && error.contains("uppercase"),
            "{error}"
        );
    }

    #[test]
    fn temporary_passwords_pass_the_policy() {
        for _ in 0..200 {
            assert!(check_policy(&temporary(8), 8).is_ok());
        }
    }
}
