//! The only door to Postgres.
//!
//! - [`Db`] holds the pool of the app's database role. The pool is private to
//!   this module: nothing outside `db` can run SQL except through the two
//!   entries below.
//! - [`TenantTx`] is the entry for tenant data: a transaction bound to the
//!   caller's tenant, made only from a verified `Identity`. Every repository
//!   function ([`projects`], [`tasks`], [`org`], …) takes `&mut TenantTx`.
//! - [`system`] is the separately named entry for work that belongs to no
//!   tenant yet (onboarding a tenant, health checks). Grep for `system::` to
//!   review every such use.
//!
//! Row-level security in Postgres enforces the same rule underneath: a query
//! that forgot its tenant returns nothing rather than everyone's rows.

pub mod api_keys;
pub mod audit;
pub mod dashboard;
mod error;
pub mod members;
pub mod org;
pub mod projects;
mod session_keys;
mod sessions;
pub mod system;
pub mod tasks;
mod tenant_tx;
pub mod tenants;

pub use error::DbError;
pub use session_keys::{BadKey, SessionKeys};
pub use sqlx::postgres::PgConnectOptions;
pub use tenant_tx::{TenantChangeTx, TenantTx};

use sqlx::{Connection, PgPool, migrate::Migrator, postgres::PgPoolOptions};
use std::time::Duration;

/// The schema migrations, embedded in the binary. They run as the owner role
/// (see [`migrate`]), never as the app role.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// How long a pooled connection may sit unused before it is pinged on its
/// way out of the pool.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The app role's connection pool. Cloning is cheap (the pool is shared).
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("size", &self.pool.size())
            .finish()
    }
}

impl Db {
    /// A pool that connects on first use, so the server starts (and answers
    /// `/healthz` with 503) even while the database is still coming up.
    ///
    /// `acquire_timeout` bounds how long a request waits for a connection: a
    /// request fails quickly with 503 rather than hang while the database is
    /// down or the pool is exhausted.
    pub fn connect_lazy(
        options: PgConnectOptions,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Self {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            // sqlx pings every connection it hands out: a round trip before
            // each transaction. A connection in steady use has just proved
            // itself; only one that sat idle (where a restart or a network
            // drop could have killed it unseen) is pinged first.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IF_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        Self { pool }
    }

    /// Whether the database answers. Not tenant work: it reads no table.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; used at shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The raw pool, so tests can inspect what a pooled connection carries
    /// between uses. Test builds only (see `Identity::for_tests`).
    #[cfg(feature = "test-support")]
    pub fn pool_for_tests(&self) -> &PgPool {
        &self.pool
    }
}

/// Applies pending migrations over a connection as the owner role.
pub async fn migrate(owner: PgConnectOptions) -> Result<(), sqlx::migrate::MigrateError> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(owner)
        .await?;
    MIGRATOR.run(&pool).await?;
    pool.close().await;
    Ok(())
}

/// An ILIKE pattern matching `needle` anywhere, with its own `%`, `_` and `\`
/// taken literally.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_in_a_search_are_literal() {
        assert_eq!(like_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(like_pattern(""), "%%");
    }
}
