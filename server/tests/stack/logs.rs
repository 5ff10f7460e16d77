//! What the server logs when something fails that the caller cannot fix: one
//! line, with the whole chain of causes down to the root, so the person on
//! call sees why without reproducing it.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::sync::{Arc, Mutex};

/// Log lines written while it is the thread's subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The one line that has every one of `parts`.
    fn line_with(&self, parts: &[&str]) -> String {
        let lines = self.lines();
        let found: Vec<&String> = lines
            .iter()
            .filter(|line| parts.iter().all(|part| line.contains(part)))
            .collect();
        assert_eq!(found.len(), 1, "lines with {parts:?}: {lines:#?}");
        found[0].clone()
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_database_error_and_a_cognito_failure_are_logged_with_their_root_cause(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    // The test runtime is single-threaded: the server's tasks run on this
    // thread, so a thread-local subscriber sees their logs.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;

    // A schema the code does not expect: an unexpected database error.
    let mut owner = stack.owner().await;
    sqlx::query("alter table projects rename column name to project_name")
        .execute(&mut owner)
        .await
        .unwrap();
    let failed = call(&stack, &mut ada, "list_projects", "page=0").await;
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.body
    );
    assert!(
        !failed.body.contains("column"),
        "internals in the reply: {}",
        failed.body
    );
    captured.line_with(&["unexpected database error", "column", "does not exist"]);

    // Cognito refuses the second step of adding a member.
    stack.idp.fail_next("AdminAddUserToGroup");
    let body = "email=newbie%40acme.test&name=Newbie&role=Member";
    let refused = call(&stack, &mut ada, "invite_member", body).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    captured.line_with(&[
        "Cognito admin call failed",
        "AdminAddUserToGroup",
        "InternalErrorException",
    ]);
}
