//! The pool's state: users, groups, issued codes and refresh tokens, hosted-UI
//! sessions and the outbox. In memory, optionally saved to a JSON file after
//! every change so a restart keeps the users.

use crate::password;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    /// Created by an admin with a temporary password, not yet changed.
    ForceChangePassword,
    Confirmed,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::Confirmed => "CONFIRMED",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// Cognito's username in a pool that signs in by email: the sub.
    pub username: String,
    pub sub: String,
    /// Every attribute by name ("email", "custom:tenant_id", …), sub excluded.
    pub attributes: BTreeMap<String, String>,
    pub password: password::Hash,
    /// When the temporary password stops working, for FORCE_CHANGE_PASSWORD.
    pub temporary_password_expires: Option<i64>,
    pub status: UserStatus,
    pub enabled: bool,
    pub groups: BTreeSet<String>,
    pub created: i64,
    pub modified: i64,
    /// Moves on at a global sign-out: older hosted-UI sessions stop working.
    pub sign_out_epoch: u64,
}

impl User {
    pub fn email(&self) -> &str {
        self.attributes
            .get("email")
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub username: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub scope: String,
    pub auth_time: i64,
    pub expires: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshToken {
    pub client_id: String,
    pub username: String,
    pub scope: String,
    pub auth_time: i64,
    pub expires: i64,
    /// Shared by the tokens issued from this sign-in (Cognito's origin_jti).
    pub origin_jti: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostedSession {
    pub username: String,
    pub sign_out_epoch: u64,
    pub auth_time: i64,
}

/// A message Cognito would have sent (the invitation with a temporary
/// password), kept for a developer or a test to read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub to: String,
    pub username: String,
    pub temporary_password: String,
    pub sent_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Store {
    /// By username.
    pub users: BTreeMap<String, User>,
    pub codes: BTreeMap<String, AuthCode>,
    pub refresh_tokens: BTreeMap<String, RefreshToken>,
    pub sessions: BTreeMap<String, HostedSession>,
    /// Pending "set a new password" steps: token → (username, expires).
    pub challenges: BTreeMap<String, (String, i64)>,
    pub outbox: Vec<OutboxMessage>,
    /// origin_jti values whose tokens a revoke or a global sign-out ended:
    /// access tokens from them are refused by the pool's own APIs.
    pub revoked_origins: BTreeSet<String>,
    /// Signing keys, newest first: (kid, PKCS#8 PEM).
    pub keys: Vec<(String, String)>,
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl Store {
    /// Loads the file if it exists, or starts empty.
    pub fn open(file: Option<PathBuf>) -> Result<Self, String> {
        let mut store = match &file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            _ => Store::default(),
        };
        store.file = file;
        Ok(store)
    }

    /// Writes the state file, if there is one. Atomic: a crash leaves the
    /// old file or the new one.
    pub fn save(&self) {
        let Some(path) = &self.file else { return };
        let tmp = path.with_extension("tmp");
        let written = serde_json::to_vec_pretty(self)
            .map_err(|e| e.to_string())
            .and_then(|bytes| write_private(&tmp, &bytes).map_err(|e| e.to_string()))
            .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| e.to_string()));
        if let Err(error) = written {
            tracing::error!(%error, file = %path.display(), "could not save the state");
        }
    }

    /// A user by username or by email (case-insensitive), as Cognito resolves
    /// the `Username` parameter in a pool that signs in by email.
    pub fn find_user(&self, name: &str) -> Option<&User> {
        self.users.get(name).or_else(|| {
            self.users
                .values()
                .find(|u| u.email().eq_ignore_ascii_case(name))
        })
    }

    pub fn find_user_mut(&mut self, name: &str) -> Option<&mut User> {
        let username = self.find_user(name)?.username.clone();
        self.users.get_mut(&username)
    }

    /// Ends every token, pending code and hosted-UI session of a user
    /// (global sign-out, disabling, deletion).
    pub fn sign_out_everywhere(&mut self, username: &str) {
        self.codes.retain(|_, c| c.username != username);
        self.challenges.retain(|_, (u, _)| u != username);
        let revoked: Vec<String> = self
            .refresh_tokens
            .values()
            .filter(|t| t.username == username)
            .map(|t| t.origin_jti.clone())
            .collect();
        self.revoked_origins.extend(revoked);
        self.refresh_tokens.retain(|_, t| t.username != username);
        self.sessions.retain(|_, s| s.username != username);
        if let Some(user) = self.users.get_mut(username) {
            user.sign_out_epoch += 1;
        }
    }

    /// Drops expired codes and refresh tokens.
    pub fn sweep(&mut self, now: i64) {
        self.codes.retain(|_, c| c.expires > now);
        self.challenges.retain(|_, (_, expires)| *expires > now);
        self.refresh_tokens.retain(|_, t| t.expires > now);
    }
}

/// Writes a file only its owner can read: it holds the signing keys.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// An unguessable token for codes, sessions and refresh tokens.
pub fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
