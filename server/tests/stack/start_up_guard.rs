//! The start-up guard (SECURITY.md 24, 25): the server refuses a user pool
//! whose app client lets users write `custom:tenant_id`, or writes every
//! attribute, or that lets anyone sign up.

use crate::support::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_start_up_guard_refuses_a_client_that_lets_users_write_their_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let writable = Settings {
        client_write_attributes: Some(vec!["name".into(), "custom:tenant_id".into()]),
        ..Settings::default()
    };
    let stack = Stack::start(db, writable).await;
    let refused = stack.user_pool_check.clone().unwrap_err();
    assert!(
        refused.contains("custom:tenant_id") && refused.contains("WriteAttributes"),
        "{refused}"
    );
}

/// The binary itself: `server` with that client exits with the reason
/// instead of serving.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_server_binary_will_not_start_with_a_client_that_lets_users_write_their_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let writable = Settings {
        client_write_attributes: Some(vec!["custom:tenant_id".into()]),
        ..Settings::default()
    };
    let stack = Stack::start(db, writable).await;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "saas")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0");
    for (name, value) in &stack.serve_env {
        command.env(name, value);
    }
    // Off the runtime's threads: the stand-in it asks runs on them.
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();

    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it started: {said}");
    assert!(
        said.contains("unsafe Cognito app client") && said.contains("custom:tenant_id"),
        "{said}"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_start_up_guard_refuses_a_pool_with_open_sign_up(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let open = Settings {
        open_sign_up: true,
        ..Settings::default()
    };
    let stack = Stack::start(db, open).await;
    let refused = stack.user_pool_check.clone().unwrap_err();
    assert!(refused.contains("AllowAdminCreateUserOnly"), "{refused}");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_start_up_guard_refuses_a_client_that_writes_everything(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let everything = Settings {
        client_write_attributes: Some(vec![]),
        ..Settings::default()
    };
    let stack = Stack::start(db, everything).await;
    let refused = stack.user_pool_check.clone().unwrap_err();
    assert!(refused.contains("WriteAttributes"), "{refused}");
}
