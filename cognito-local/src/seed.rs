//! Demo users from a TOML file (`--seed`), created at start-up when absent:
//! confirmed, with a permanent password, their groups and tenant.
//!
//! ```toml
//! [[users]]
//! email = "ada@acme.test"
//! password = "…"
//! groups = ["Admin"]
//! tenant_id = "…"   # optional: a user without one has no access
//! ```

use crate::store::{User, UserStatus, now};
use crate::{Pool, password};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Deserialize)]
struct SeedFile {
    users: Vec<SeedUser>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SeedUser {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// Adds the file's users that the pool does not have yet, and returns every
/// user in the file (for the start-up banner).
pub fn seed(pool: &Pool, path: &Path) -> Result<Vec<SeedUser>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: SeedFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for user in &file.users {
        add_user(pool, user).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(file.users)
}

/// Adds one confirmed user unless a user with that email exists; returns
/// the user's sub (username) either way.
pub fn add_user(pool: &Pool, seed: &SeedUser) -> Result<String, String> {
    password::check_policy(&seed.password, pool.config.policy.password_min_length)
        .map_err(|e| format!("{}: {e}", seed.email))?;
    if let Some(group) = seed
        .groups
        .iter()
        .find(|g| !pool.config.policy.groups.contains(g))
    {
        return Err(format!("{}: unknown group {group}", seed.email));
    }
    let mut store = pool.store();
    if let Some(existing) = store.find_user(&seed.email) {
        return Ok(existing.username.clone());
    }
    let mut attributes = BTreeMap::from([
        ("email".to_owned(), seed.email.to_lowercase()),
        ("email_verified".to_owned(), "true".to_owned()),
    ]);
    if let Some(tenant) = &seed.tenant_id {
        attributes.insert("custom:tenant_id".to_owned(), tenant.clone());
    }
    let sub = uuid::Uuid::new_v4().to_string();
    let now = now();
    store.users.insert(
        sub.clone(),
        User {
            username: sub.clone(),
            sub: sub.clone(),
            attributes,
            password: password::Hash::new(&seed.password),
            temporary_password_expires: None,
            status: UserStatus::Confirmed,
            enabled: true,
            groups: seed.groups.iter().cloned().collect::<BTreeSet<_>>(),
            created: now,
            modified: now,
            sign_out_epoch: 0,
        },
    );
    store.save();
    Ok(sub)
}
