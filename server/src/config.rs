//! Typed configuration, read once at start-up from the environment.
//!
//! Every variable is listed in `.env.example`. A missing or malformed one stops
//! start-up with a message naming it. Connection URLs carry passwords, so they
//! are held as secrets whose `Debug` prints nothing.

use app::db::PgConnectOptions;
use secrecy::{ExposeSecret, SecretString};
use std::str::FromStr;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set (see .env.example)")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// What `server serve` needs.
#[derive(Debug)]
pub struct ServeConfig {
    app_database_url: SecretString,
    pub database_max_connections: u32,
    /// How long a request waits for a connection before it fails with 503.
    pub database_acquire_timeout: Duration,
}

/// What `server migrate` needs.
#[derive(Debug)]
pub struct MigrateConfig {
    migration_database_url: SecretString,
}

impl ServeConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            app_database_url: database_url(&get, "APP_DATABASE_URL")?,
            database_max_connections: parse_or(&get, "DATABASE_MAX_CONNECTIONS", 10, |n: &u32| {
                (1..=1000).contains(n)
            })?,
            database_acquire_timeout: Duration::from_millis(parse_or(
                &get,
                "DATABASE_ACQUIRE_TIMEOUT_MS",
                5000,
                |ms: &u64| (1..=120_000).contains(ms),
            )?),
        })
    }

    /// Connection options for the app role, which all serving uses.
    pub fn app_options(&self) -> PgConnectOptions {
        connect_options(&self.app_database_url)
    }
}

impl MigrateConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            migration_database_url: database_url(&get, "MIGRATION_DATABASE_URL")?,
        })
    }

    /// Connection options for the owner role, which only migrations use.
    pub fn owner_options(&self) -> PgConnectOptions {
        connect_options(&self.migration_database_url)
    }
}

fn required(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, ConfigError> {
    match get(name) {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(ConfigError::Missing(name)),
    }
}

/// A Postgres URL, checked now so a typo stops start-up rather than the first
/// request. The error does not repeat the value: it may hold a password.
fn database_url(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<SecretString, ConfigError> {
    let url = required(get, name)?;
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        || PgConnectOptions::from_str(&url).is_err()
    {
        return Err(ConfigError::Invalid {
            name,
            reason: "expected a URL like postgres://user:password@host:port/database".into(),
        });
    }
    Ok(SecretString::from(url))
}

fn connect_options(url: &SecretString) -> PgConnectOptions {
    // Checked when the configuration was read.
    PgConnectOptions::from_str(url.expose_secret()).expect("database URL was validated at start-up")
}

fn parse_or<T: FromStr + std::fmt::Display>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    valid: impl Fn(&T) -> bool,
) -> Result<T, ConfigError> {
    let Some(raw) = get(name) else {
        return Ok(default);
    };
    match raw.trim().parse::<T>() {
        Ok(value) if valid(&value) => Ok(value),
        _ => Err(ConfigError::Invalid {
            name,
            reason: format!("{raw:?} is out of range or not a number (default {default})"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const APP_URL: &str = "postgres://saas_app:s3cret-pw@127.0.0.1:5432/saas";

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn a_missing_database_url_is_named() {
        let error = ServeConfig::from_lookup(env(&[])).unwrap_err();
        assert_eq!(error, ConfigError::Missing("APP_DATABASE_URL"));
        assert!(error.to_string().contains("APP_DATABASE_URL"));
    }

    #[test]
    fn a_blank_value_counts_as_missing() {
        let error =
            MigrateConfig::from_lookup(env(&[("MIGRATION_DATABASE_URL", "  ")])).unwrap_err();
        assert_eq!(error, ConfigError::Missing("MIGRATION_DATABASE_URL"));
    }

    #[test]
    fn a_malformed_url_is_named_without_echoing_it() {
        let bad = "mysql://root:hunter2@db/app";
        let error = ServeConfig::from_lookup(env(&[("APP_DATABASE_URL", bad)])).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("APP_DATABASE_URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn a_malformed_pool_size_is_named() {
        for bad in ["zero", "0", "-3", "100000"] {
            let error = ServeConfig::from_lookup(env(&[
                ("APP_DATABASE_URL", APP_URL),
                ("DATABASE_MAX_CONNECTIONS", bad),
            ]))
            .unwrap_err();
            assert!(
                matches!(
                    error,
                    ConfigError::Invalid {
                        name: "DATABASE_MAX_CONNECTIONS",
                        ..
                    }
                ),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn defaults_apply_and_the_url_parses() {
        let config = ServeConfig::from_lookup(env(&[("APP_DATABASE_URL", APP_URL)])).unwrap();
        assert_eq!(config.database_max_connections, 10);
        assert_eq!(config.database_acquire_timeout, Duration::from_secs(5));
        assert_eq!(config.app_options().get_username(), "saas_app");
        assert_eq!(config.app_options().get_database(), Some("saas"));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let config = ServeConfig::from_lookup(env(&[("APP_DATABASE_URL", APP_URL)])).unwrap();
        assert!(!format!("{config:?}").contains("s3cret-pw"));
    }
}
