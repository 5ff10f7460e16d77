//! A local stand-in for an AWS Cognito user pool, for development and tests.
//!
//! It speaks the protocols the app uses closely enough that the app's code
//! cannot tell it from a real pool: the hosted UI and OAuth2 endpoints
//! (`/oauth2/authorize`, `/login`, `/oauth2/token`, `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`), OIDC discovery and the JWKS under the issuer
//! `<base>/<poolId>`, and the `cognito-idp` JSON API subset the app calls.
//! The production server never links this crate.
//!
//! - [`config`]: the pool's settings (`pool.toml`);
//! - [`store`]: users, codes, tokens, sessions, outbox; saved to a file;
//! - [`keys`]: RS256 keys, JWKS, signing; [`tokens`]: Cognito-shaped tokens;
//! - [`hosted_ui`], [`oauth`], [`discovery`]: the browser and OAuth2 side;
//! - [`admin`]: the JSON API (`X-Amz-Target`);
//! - [`dev`]: the outbox and key rotation, for developers and tests.

pub mod admin;
pub mod config;
pub mod dev;
pub mod discovery;
pub mod hosted_ui;
pub mod keys;
pub mod oauth;
pub mod password;
pub mod seed;
pub mod store;
pub mod tokens;

use axum::Router;
use axum::routing::{get, post};
use config::PoolConfig;
use keys::{Key, KeySet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use store::Store;

/// The running pool. Handlers share it through an `Arc`.
pub struct Pool {
    pub config: PoolConfig,
    /// Where this stand-in is reached, e.g. `http://127.0.0.1:9229`.
    pub base_url: String,
    store: Mutex<Store>,
    keys: RwLock<KeySet>,
    /// Admin operations told to fail on their next call (tests of the
    /// callers' undo paths); not saved.
    failures: Mutex<Vec<String>>,
}

pub type SharedPool = Arc<Pool>;

impl Pool {
    /// Opens the state file (if any) and its keys, making a key if there is none.
    pub fn open(
        config: PoolConfig,
        base_url: String,
        state_file: Option<PathBuf>,
    ) -> Result<SharedPool, String> {
        let mut store = Store::open(state_file)?;
        let keys = if store.keys.is_empty() {
            let key = Key::generate();
            store.keys = vec![(key.kid.clone(), key.to_pem())];
            store.save();
            vec![key]
        } else {
            store
                .keys
                .iter()
                .map(|(kid, pem)| Key::from_pem(kid.clone(), pem))
                .collect::<Result<_, _>>()?
        };
        Ok(Arc::new(Pool {
            config,
            base_url: base_url.trim_end_matches('/').to_owned(),
            store: Mutex::new(store),
            keys: RwLock::new(KeySet::new(keys)),
            failures: Mutex::new(Vec::new()),
        }))
    }

    /// `<base>/<poolId>`, as `https://cognito-idp.<region>.amazonaws.com/<poolId>` is for a real pool.
    pub fn issuer(&self) -> String {
        format!("{}/{}", self.base_url, self.config.pool_id)
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves data a test may still read.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keys(&self) -> std::sync::RwLockReadGuard<'_, KeySet> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the next call of admin `operation` (e.g. `AdminAddUserToGroup`)
    /// fail with `InternalErrorException`, as Cognito sometimes does.
    pub fn fail_next(&self, operation: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(operation.to_owned());
    }

    /// Whether `operation` was told to fail; each such order is used once.
    pub(crate) fn take_failure(&self, operation: &str) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.iter().position(|f| f == operation) {
            Some(at) => {
                failures.remove(at);
                true
            }
            None => false,
        }
    }

    /// Rotates to a new signing key, keeping the previous one published.
    pub fn rotate_keys(&self) -> String {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        let kid = keys.rotate().to_owned();
        let mut store = self.store();
        store.keys = keys
            .keys()
            .iter()
            .map(|k| (k.kid.clone(), k.to_pem()))
            .collect();
        store.save();
        kid
    }
}

pub fn router(pool: SharedPool) -> Router {
    let issuer_path = format!("/{}", pool.config.pool_id);
    Router::new()
        .route("/", post(admin::handle))
        .route("/oauth2/authorize", get(hosted_ui::authorize))
        .route("/login", get(hosted_ui::login_page).post(hosted_ui::login))
        .route("/login/new-password", post(hosted_ui::new_password))
        .route("/logout", get(hosted_ui::logout))
        .route("/oauth2/token", post(oauth::token))
        .route("/oauth2/userInfo", get(oauth::user_info))
        .route("/oauth2/revoke", post(oauth::revoke))
        .route(
            &format!("{issuer_path}/.well-known/openid-configuration"),
            get(discovery::openid_configuration),
        )
        .route(
            &format!("{issuer_path}/.well-known/jwks.json"),
            get(discovery::jwks),
        )
        .route("/_dev/outbox", get(dev::outbox))
        .route("/_dev/rotate-keys", post(dev::rotate_keys))
        .route("/_dev/fail-next", post(dev::fail_next))
        .with_state(pool)
}
