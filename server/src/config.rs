//! Typed configuration, read once at start-up from the environment.
//!
//! Every variable is listed in `.env.example`. A missing or malformed one stops
//! start-up with a message naming it. Connection URLs carry passwords, so they
//! are held as secrets whose `Debug` prints nothing.

use app::db::PgConnectOptions;
use oauth2::url::Url;
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
    pub auth: AuthConfig,
}

/// Sign-in: the Cognito user pool and app client, and the sessions.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Where browsers reach this app, e.g. `https://app.example.com`. The
    /// callback and sign-out URLs are made from it; `https` turns on Secure
    /// cookies with the `__Host-` prefix, and HSTS.
    pub base_url: Url,
    /// The hosted UI's domain, e.g. `https://auth.example.com` or
    /// `https://<prefix>.auth.<region>.amazoncognito.com`.
    pub hosted_ui: Url,
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// Other app clients of the pool (a mobile app, say) whose access
    /// tokens the JSON API accepts too (`COGNITO_API_CLIENT_IDS`,
    /// comma-separated); the app's own client is always accepted.
    pub other_api_clients: Vec<String>,
    pub client_secret: SecretString,
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>` unless overridden
    /// (the local stand-in has its own).
    pub issuer: String,
    /// The user pool's admin API, when it is not AWS's regional endpoint
    /// (the local stand-in serves it at its own address).
    pub admin_endpoint: Option<Url>,
    /// A session unused for this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_max_age: Duration,
    /// What session records are sealed with at rest
    /// (`SESSION_ENCRYPTION_KEY`, and `SESSION_ENCRYPTION_KEYS_PREVIOUS`
    /// while rotating).
    pub session_keys: app::db::SessionKeys,
    /// How long a call to Cognito's token endpoint or JWKS may take before
    /// it counts as failed (`COGNITO_TIMEOUT_MS`).
    pub cognito_timeout: Duration,
    /// How long fetched signing keys are trusted before they are fetched
    /// again (`COGNITO_KEYS_MAX_AGE_SECS`): a withdrawn key stops verifying
    /// within this time.
    pub keys_max_age: Duration,
    /// The JSON API's limit per credential: this many requests at once
    /// (`API_RATE_LIMIT_BURST`, default 60), then this many a second
    /// (`API_RATE_LIMIT_PER_SECOND`, default 10).
    pub api_rate_burst: u32,
    pub api_rate_per_second: u32,
    /// Failed authentications on the JSON API one client network may have
    /// (`API_AUTH_FAILURE_BURST`, default 100), then this many a minute
    /// (`API_AUTH_FAILURES_PER_MINUTE`, default 60); past that, its API
    /// requests are refused before their credential is checked.
    pub api_auth_failure_burst: u32,
    pub api_auth_failures_per_minute: u32,
    /// The proxies in front of the app that append the address they saw
    /// to `X-Forwarded-For`, as addresses or ranges (`TRUSTED_PROXIES`,
    /// comma-separated; default none: the TCP peer is the client).
    pub trusted_proxies: crate::client_addr::TrustedProxies,
    /// How long a JSON API request may take before it is answered 503 and
    /// dropped, its transaction rolled back (`API_TIMEOUT_MS`, default
    /// 15000).
    pub api_timeout: Duration,
}

impl AuthConfig {
    /// Every app client whose access tokens the JSON API accepts.
    pub fn api_client_ids(&self) -> Vec<String> {
        std::iter::once(self.client_id.clone())
            .chain(self.other_api_clients.iter().cloned())
            .collect()
    }

    /// Where the user pool's admin API is.
    pub fn directory(&self) -> app::directory::DirectoryConfig {
        directory_config(
            self.region.clone(),
            self.user_pool_id.clone(),
            self.admin_endpoint.as_ref(),
        )
    }

    /// Whether the app is served over HTTPS.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// `<base>/<path>`, for the app's own URLs.
    pub fn app_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_str().trim_end_matches('/'), path)
    }

    /// The app's origin (`scheme://host[:port]`), as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// `<hosted UI>/<path>`.
    pub fn hosted_ui_url(&self, path: &str) -> String {
        format!("{}{}", self.hosted_ui.as_str().trim_end_matches('/'), path)
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer)
    }

    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let region = required(get, "COGNITO_REGION")?;
        let user_pool_id = required(get, "COGNITO_USER_POOL_ID")?;
        let issuer = match get("COGNITO_ISSUER").filter(|v| !v.trim().is_empty()) {
            Some(issuer) => url(&issuer, "COGNITO_ISSUER")?
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
            None => format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"),
        };
        let session_idle = Duration::from_secs(parse_or(
            get,
            "SESSION_IDLE_TIMEOUT_SECS",
            60 * 60,
            |s: &u64| (1..=30 * 24 * 3600).contains(s),
        )?);
        let session_max_age = Duration::from_secs(parse_or(
            get,
            "SESSION_MAX_AGE_SECS",
            12 * 60 * 60,
            |s: &u64| (1..=90 * 24 * 3600).contains(s),
        )?);
        if session_max_age < session_idle {
            return Err(ConfigError::Invalid {
                name: "SESSION_MAX_AGE_SECS",
                reason: "must not be shorter than SESSION_IDLE_TIMEOUT_SECS".into(),
            });
        }
        let cognito_timeout =
            Duration::from_millis(parse_or(get, "COGNITO_TIMEOUT_MS", 10_000, |ms: &u64| {
                (100..=60_000).contains(ms)
            })?);
        let keys_max_age = Duration::from_secs(parse_or(
            get,
            "COGNITO_KEYS_MAX_AGE_SECS",
            15 * 60,
            |s: &u64| (1..=24 * 3600).contains(s),
        )?);
        let admin_endpoint = admin_endpoint(get)?;
        let session_keys = session_keys(get)?;
        let base_url = url(&required(get, "APP_BASE_URL")?, "APP_BASE_URL")?;
        let hosted_ui = url(&required(get, "COGNITO_DOMAIN")?, "COGNITO_DOMAIN")?;
        // An https app must not send its client secret and codes in clear.
        if base_url.scheme() == "https" {
            let admin = admin_endpoint.as_ref().map_or("https://", Url::as_str);
            for (name, value) in [
                ("COGNITO_DOMAIN", hosted_ui.as_str()),
                ("COGNITO_ISSUER", &issuer),
                ("COGNITO_ADMIN_ENDPOINT", admin),
            ] {
                if !value.starts_with("https://") {
                    return Err(ConfigError::Invalid {
                        name,
                        reason: "must be https when APP_BASE_URL is".into(),
                    });
                }
            }
        }
        let api_rate_burst = parse_or(get, "API_RATE_LIMIT_BURST", 60, |n: &u32| {
            (1..=100_000).contains(n)
        })?;
        let api_rate_per_second = parse_or(get, "API_RATE_LIMIT_PER_SECOND", 10, |n: &u32| {
            (1..=100_000).contains(n)
        })?;
        let api_auth_failure_burst = parse_or(get, "API_AUTH_FAILURE_BURST", 100, |n: &u32| {
            (1..=100_000).contains(n)
        })?;
        let api_auth_failures_per_minute =
            parse_or(get, "API_AUTH_FAILURES_PER_MINUTE", 60, |n: &u32| {
                (1..=100_000).contains(n)
            })?;
        let trusted_proxies =
            crate::client_addr::TrustedProxies::parse(&get("TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|reason| ConfigError::Invalid {
                    name: "TRUSTED_PROXIES",
                    reason,
                })?;
        let api_timeout =
            Duration::from_millis(parse_or(get, "API_TIMEOUT_MS", 15_000, |ms: &u64| {
                (100..=300_000).contains(ms)
            })?);
        Ok(Self {
            base_url,
            hosted_ui,
            region,
            user_pool_id,
            client_id: required(get, "COGNITO_CLIENT_ID")?,
            other_api_clients: get("COGNITO_API_CLIENT_IDS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
            client_secret: SecretString::from(required(get, "COGNITO_CLIENT_SECRET")?),
            issuer,
            admin_endpoint,
            session_idle,
            session_max_age,
            session_keys,
            cognito_timeout,
            keys_max_age,
            api_rate_burst,
            api_rate_per_second,
            api_auth_failure_burst,
            api_auth_failures_per_minute,
            trusted_proxies,
            api_timeout,
        })
    }
}

/// `SESSION_ENCRYPTION_KEY` (required) and the comma-separated
/// `SESSION_ENCRYPTION_KEYS_PREVIOUS`, which still open the sessions sealed
/// before a rotation.
fn session_keys(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<app::db::SessionKeys, ConfigError> {
    let current = required(get, "SESSION_ENCRYPTION_KEY")?;
    let previous = get("SESSION_ENCRYPTION_KEYS_PREVIOUS").unwrap_or_default();
    let previous: Vec<&str> = previous
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    let invalid = |name| {
        move |e: app::db::BadKey| ConfigError::Invalid {
            name,
            reason: e.to_string(),
        }
    };
    app::db::SessionKeys::from_base64(&current, &[]).map_err(invalid("SESSION_ENCRYPTION_KEY"))?;
    app::db::SessionKeys::from_base64(&current, &previous)
        .map_err(invalid("SESSION_ENCRYPTION_KEYS_PREVIOUS"))
}

/// `COGNITO_ADMIN_ENDPOINT`, if set: the stand-in's admin API.
fn admin_endpoint(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Url>, ConfigError> {
    get("COGNITO_ADMIN_ENDPOINT")
        .filter(|v| !v.trim().is_empty())
        .map(|raw| url(&raw, "COGNITO_ADMIN_ENDPOINT"))
        .transpose()
}

fn directory_config(
    region: String,
    user_pool_id: String,
    endpoint: Option<&Url>,
) -> app::directory::DirectoryConfig {
    app::directory::DirectoryConfig {
        region,
        user_pool_id,
        endpoint: endpoint.map(|u| u.as_str().trim_end_matches('/').to_owned()),
    }
}

/// An http(s) URL with a host and nothing after the path.
fn url(raw: &str, name: &'static str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        name,
        reason: reason.to_owned(),
    };
    let parsed = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(invalid("expected an http or https URL with a host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("expected no query or fragment"));
    }
    Ok(parsed)
}

/// What the operator commands (`server tenant create`, `server seed`) need:
/// the app role's database and the user pool's admin API.
#[derive(Debug)]
pub struct OperatorConfig {
    app_database_url: SecretString,
    directory: app::directory::DirectoryConfig,
}

impl OperatorConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            app_database_url: database_url(&get, "APP_DATABASE_URL")?,
            directory: directory_config(
                required(&get, "COGNITO_REGION")?,
                required(&get, "COGNITO_USER_POOL_ID")?,
                admin_endpoint(&get)?.as_ref(),
            ),
        })
    }

    pub fn app_options(&self) -> PgConnectOptions {
        connect_options(&self.app_database_url)
    }

    pub fn directory(&self) -> &app::directory::DirectoryConfig {
        &self.directory
    }
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
            auth: AuthConfig::from_lookup(&get)?,
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

    /// Everything a server needs, with `extra` added or replacing.
    const SESSION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn full(extra: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let mut pairs = vec![
            ("APP_DATABASE_URL", APP_URL),
            ("APP_BASE_URL", "https://app.example.com"),
            ("COGNITO_DOMAIN", "https://auth.example.com"),
            ("COGNITO_REGION", "eu-west-1"),
            ("COGNITO_USER_POOL_ID", "eu-west-1_AbCdEf123"),
            ("COGNITO_CLIENT_ID", "client"),
            ("COGNITO_CLIENT_SECRET", "client-secret-value"),
            ("SESSION_ENCRYPTION_KEY", SESSION_KEY),
        ];
        pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        pairs.extend_from_slice(extra);
        env(&pairs)
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
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
            let error =
                ServeConfig::from_lookup(full(&[("DATABASE_MAX_CONNECTIONS", bad)])).unwrap_err();
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
        let config = ServeConfig::from_lookup(full(&[])).unwrap();
        assert_eq!(config.database_max_connections, 10);
        assert_eq!(config.database_acquire_timeout, Duration::from_secs(5));
        assert_eq!(config.app_options().get_username(), "saas_app");
        assert_eq!(config.app_options().get_database(), Some("saas"));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let config = ServeConfig::from_lookup(full(&[])).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret-pw"), "{debug}");
        assert!(!debug.contains("client-secret-value"), "{debug}");
    }

    #[test]
    fn the_issuer_is_the_real_pools_unless_overridden() {
        let config = ServeConfig::from_lookup(full(&[])).unwrap();
        assert_eq!(
            config.auth.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
        );
        assert_eq!(
            config.auth.jwks_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json"
        );
        assert!(config.auth.is_https());
        assert_eq!(config.auth.origin(), "https://app.example.com");
        let local = ServeConfig::from_lookup(full(&[
            ("APP_BASE_URL", "http://localhost:3000"),
            ("COGNITO_DOMAIN", "http://127.0.0.1:9229"),
            (
                "COGNITO_ISSUER",
                "http://127.0.0.1:9229/eu-west-1_LocalPool1/",
            ),
        ]))
        .unwrap();
        assert_eq!(
            local.auth.issuer,
            "http://127.0.0.1:9229/eu-west-1_LocalPool1"
        );
    }

    #[test]
    fn every_sign_in_setting_is_required_and_checked() {
        for name in [
            "APP_BASE_URL",
            "COGNITO_DOMAIN",
            "COGNITO_REGION",
            "COGNITO_USER_POOL_ID",
            "COGNITO_CLIENT_ID",
            "COGNITO_CLIENT_SECRET",
            "SESSION_ENCRYPTION_KEY",
        ] {
            let error = ServeConfig::from_lookup(full(&[(name, "")])).unwrap_err();
            assert_eq!(error, ConfigError::Missing(name));
        }
        for (name, bad) in [
            ("APP_BASE_URL", "app.example.com"),
            ("APP_BASE_URL", "ftp://app.example.com"),
            ("APP_BASE_URL", "https://app.example.com/?next=x"),
            ("COGNITO_DOMAIN", "javascript:alert(1)"),
            ("COGNITO_DOMAIN", "http://auth.example.com"),
            (
                "COGNITO_ISSUER",
                "http://127.0.0.1:9229/eu-west-1_LocalPool1",
            ),
            ("SESSION_IDLE_TIMEOUT_SECS", "0"),
            ("SESSION_ENCRYPTION_KEY", "too-short"),
            (
                "SESSION_ENCRYPTION_KEYS_PREVIOUS",
                "AAECAwQFBgcICQoLDA0ODxA=",
            ),
        ] {
            let error = ServeConfig::from_lookup(full(&[(name, bad)])).unwrap_err();
            assert!(
                matches!(error, ConfigError::Invalid { name: n, .. } if n == name),
                "{name}={bad}: {error}"
            );
        }
        let error = ServeConfig::from_lookup(full(&[
            ("SESSION_IDLE_TIMEOUT_SECS", "7200"),
            ("SESSION_MAX_AGE_SECS", "3600"),
        ]))
        .unwrap_err();
        assert!(
            error.to_string().contains("SESSION_MAX_AGE_SECS"),
            "{error}"
        );
    }
}
