//! Tenant isolation, tested against a real Postgres as the app's own role.
//!
//! Each test gets a fresh database from `#[sqlx::test]`: created and migrated
//! as the owner role (`DATABASE_URL`), then used through a pool of the app
//! role (`APP_DATABASE_URL`'s user), so row-level security is what is tested
//! — the superuser and the owner would sail past it. `make test` sets both.

mod api_keys;
mod caller_check;
mod catalog;
mod fixtures;
mod isolation;
mod org_roles;
mod paging;
mod plans;
mod pool;
mod read_only;
mod sessions;
