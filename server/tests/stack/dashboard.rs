//! The home page's overview over real HTTP: the caller's own open tasks
//! only — not a colleague's, not another tenant's, not done ones — and the
//! counts of their own tenant.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_overview_lists_the_callers_own_open_tasks_in_their_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    // Signing in makes their member rows.
    signed_in(&stack, "rita@acme.test", "Member", TENANT_A).await;
    signed_in(&stack, "bea@globex.test", "Member", TENANT_B).await;
    let max_id = stack.member_id(TENANT_A, "max@acme.test").await;
    let rita_id = stack.member_id(TENANT_A, "rita@acme.test").await;
    let bea_id = stack.member_id(TENANT_B, "bea@globex.test").await;

    let (_, mine) = stack.seed_project(TENANT_A, "Launch pad").await;
    let (_, done) = stack.seed_project(TENANT_A, "Old launch").await;
    let (_, ritas) = stack.seed_project(TENANT_A, "Rita's").await;
    let (_, foreign) = stack.seed_project(TENANT_B, "Globex pad").await;
    let assign = "update tasks set assignee_id = $1::uuid";
    stack
        .as_tenant(TENANT_A, &format!("{assign} where id = '{mine}'"), &max_id)
        .await;
    stack
        .as_tenant(
            TENANT_A,
            &format!("{assign}, done_at = now() where id = '{done}'"),
            &max_id,
        )
        .await;
    stack
        .as_tenant(
            TENANT_A,
            &format!("{assign} where id = '{ritas}'"),
            &rita_id,
        )
        .await;
    stack
        .as_tenant(
            TENANT_B,
            &format!("{assign} where id = '{foreign}'"),
            &bea_id,
        )
        .await;

    let reply = call(&stack, &mut max, "dashboard", "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let overview: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let my_tasks: Vec<&str> = overview["my_tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["project_name"].as_str().unwrap())
        .collect();
    assert_eq!(my_tasks, ["Launch pad"]);
    // Acme: the two seeded with the stack and the three above; open tasks:
    // Launch pad's and Rita's (Old launch's is done).
    assert_eq!(overview["projects"], 5);
    assert_eq!(overview["open_tasks"], 2);
    assert!(!reply.body.contains("Globex pad"));

    // Signed out: refused.
    let anonymous = call(&stack, &mut Browser::default(), "dashboard", "").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
