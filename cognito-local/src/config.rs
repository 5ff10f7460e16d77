//! The pool's configuration, read from a TOML file (see `pool.toml`).

use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    pub pool_id: String,
    pub region: String,
    pub client: ClientConfig,
    pub policy: PolicyConfig,
    pub tokens: TokenConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub id: String,
    pub name: String,
    pub secret: String,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub allowed_scopes: Vec<String>,
    pub read_attributes: Vec<String>,
    pub write_attributes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub allow_admin_create_user_only: bool,
    pub groups: Vec<String>,
    pub custom_attributes: Vec<CustomAttribute>,
    pub password_min_length: usize,
    pub temporary_password_days: i64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAttribute {
    pub name: String,
    pub mutable: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    pub id_token_minutes: i64,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub auth_code_seconds: i64,
}

impl PoolConfig {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether `name` ("custom:x" or a standard attribute) is a custom
    /// attribute that may not change after creation.
    pub fn is_immutable(&self, name: &str) -> bool {
        name.strip_prefix("custom:").is_some_and(|short| {
            self.policy
                .custom_attributes
                .iter()
                .any(|a| a.name == short && !a.mutable)
        })
    }

    /// Whether the pool knows this attribute at all.
    pub fn knows_attribute(&self, name: &str) -> bool {
        match name.strip_prefix("custom:") {
            Some(short) => self
                .policy
                .custom_attributes
                .iter()
                .any(|a| a.name == short),
            None => matches!(name, "email" | "email_verified" | "name" | "sub"),
        }
    }
}
