//! The operator's commands, run as the real `server` binary against the
//! test's database and the Cognito stand-in: `server tenant create` and
//! `server seed --demo`.

use crate::support::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::process::Output;

/// Runs the binary with only the operator's variables set.
async fn server(stack: &Stack, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command.args(args).env_clear();
    for (name, value) in stack.operator_env() {
        command.env(name, value);
    }
    // Off the runtime's threads: the stand-in it calls runs on them.
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn tenant_create_makes_the_tenant_and_invites_its_first_admin(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;

    let output = server(
        &stack,
        &[
            "tenant",
            "create",
            "--name",
            "Initech",
            "--admin-email",
            "Peter@Initech.test",
        ],
    )
    .await;

    assert!(output.status.success(), "{}", text(&output));
    let user = stack
        .idp
        .store()
        .find_user("peter@initech.test")
        .cloned()
        .unwrap();
    let tenant = user.attributes["custom:tenant_id"].clone();
    assert!(text(&output).contains(&tenant), "{}", text(&output));
    assert!(user.groups.contains("Admin"));
    assert!(
        stack
            .idp
            .store()
            .outbox
            .iter()
            .any(|m| m.to == "peter@initech.test")
    );
    assert_eq!(
        stack
            .count(
                &tenant,
                "select count(*) from tenants where name = 'Initech'"
            )
            .await,
        1
    );
    assert_eq!(
        stack
            .count(
                &tenant,
                "select count(*) from members where role = 'Admin' and email = 'peter@initech.test'"
            )
            .await,
        1
    );
    assert_eq!(
        stack
            .count(
                &tenant,
                "select count(*) from audit_log where actor_sub = 'operator' \
                 and action in ('tenant.create', 'member.invite')"
            )
            .await,
        2
    );

    // The same email again: refused, and nothing more is made.
    let again = server(
        &stack,
        &[
            "tenant",
            "create",
            "--name",
            "Initech 2",
            "--admin-email",
            "peter@initech.test",
        ],
    )
    .await;
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already has a user"),
        "{}",
        text(&again)
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_failed_tenant_create_leaves_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.idp.fail_next("AdminAddUserToGroup");

    let output = server(
        &stack,
        &[
            "tenant",
            "create",
            "--name",
            "Halfway",
            "--admin-email",
            "half@halfway.test",
        ],
    )
    .await;

    assert!(!output.status.success(), "{}", text(&output));
    assert!(stack.idp.store().find_user("half@halfway.test").is_none());
    assert_eq!(
        stack.count_all_tenants("tenants", "name = 'Halfway'").await,
        0
    );
    assert_eq!(
        stack
            .count_all_tenants("members", "email = 'half@halfway.test'")
            .await,
        0
    );
    // The check can see other tenants' rows: the seeded ones are there.
    assert_eq!(stack.count_all_tenants("tenants", "true").await, 2);

    let bad = server(
        &stack,
        &[
            "tenant",
            "create",
            "--name",
            " ",
            "--admin-email",
            "x@y.test",
        ],
    )
    .await;
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("--name: Name cannot be empty."),
        "{}",
        text(&bad)
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_demo_seed_makes_each_role_in_two_tenants_once(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;

    let first = server(&stack, &["seed", "--demo"]).await;
    assert!(first.status.success(), "{}", text(&first));
    let printed = text(&first);
    for email in [
        "ada@acme.test",
        "sue@acme.test",
        "max@acme.test",
        "rita@acme.test",
        "bo@globex.test",
    ] {
        assert!(printed.contains(email), "{printed}");
    }
    let acme = "0b9e6a5e-1c1f-4c55-9d3a-acde00000001";
    let roles = "select count(distinct role) from members";
    assert_eq!(stack.count(acme, roles).await, 4);
    assert_eq!(stack.count(acme, "select count(*) from projects").await, 2);

    let second = server(&stack, &["seed", "--demo"]).await;
    assert!(second.status.success(), "{}", text(&second));
    assert!(text(&second).contains("exist already"), "{}", text(&second));
    assert_eq!(stack.count(acme, "select count(*) from members").await, 4);

    // Seeding anything but the demo is refused.
    let refused = server(&stack, &["seed"]).await;
    assert!(!refused.status.success());
}
