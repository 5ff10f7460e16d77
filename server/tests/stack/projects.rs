//! Projects through their pages and server functions, with real sessions:
//! who may create one, what is validated, what is written (the row and its
//! audit entry), that a forged tenant id changes nothing, and that another
//! tenant's project is not found.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const SAME_ORIGIN: &[(&str, &str)] = &[("sec-fetch-site", "same-origin")];
const PROJECTS: &str = "select count(*) from projects";
const AUDIT: &str = "select count(*) from audit_log where action = 'project.create'";

async fn create(stack: &Stack, browser: &mut Browser, form: &str) -> Reply {
    browser
        .post(&stack.url("/api/create_project"), SAME_ORIGIN, form)
        .await
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn writers_create_projects_with_an_audit_row_and_read_only_cannot(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut allowed = 0;
    for (email, group, may) in [
        ("ada@acme.test", "Admin", true),
        ("sue@acme.test", "SuperUser", true),
        ("max@acme.test", "Member", true),
        ("rita@acme.test", "ReadOnly", false),
    ] {
        stack.user(email, &[group], Some(TENANT_A));
        let mut browser = Browser::default();
        stack.sign_in(&mut browser, email, "/").await;
        let name = format!("Made by {group}");
        let reply = create(
            &stack,
            &mut browser,
            &format!("name={}&description=d", urlencode(&name)),
        )
        .await;
        if may {
            allowed += 1;
            assert_eq!(reply.status, StatusCode::OK, "{group}: {}", reply.body);
            assert!(reply.body.contains(&name), "{group}: {}", reply.body);
            let page = browser.get(&stack.url("/projects")).await;
            assert!(page.body.contains(&name), "{group}: not listed");
        } else {
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{group}: {}",
                reply.body
            );
            assert!(reply.body.contains("Forbidden"), "{}", reply.body);
        }
        // Two seeded projects, plus one per writer so far; one audit row each.
        assert_eq!(
            stack.count(TENANT_A, PROJECTS).await,
            2 + allowed,
            "{group}"
        );
        assert_eq!(stack.count(TENANT_A, AUDIT).await, allowed, "{group}");
    }
    let by_writers = "select count(*) from audit_log where target_type = 'project' \
         and actor_email in ('ada@acme.test', 'sue@acme.test', 'max@acme.test')";
    assert_eq!(stack.count(TENANT_A, by_writers).await, 3);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn bad_names_get_a_clear_message_and_write_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;

    let long = "x".repeat(121);
    for (form, message) in [
        ("name=&description=d".to_owned(), "cannot be empty"),
        ("name=%20%20%20&description=d".to_owned(), "cannot be empty"),
        (
            format!("name={long}&description=d"),
            "at most 120 characters",
        ),
        ("name=a%07b&description=d".to_owned(), "control characters"),
        ("description=no+name".to_owned(), "cannot be empty"),
    ] {
        let reply = create(&stack, &mut max, &form).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{form}: {}",
            reply.body
        );
        assert!(reply.body.contains(message), "{form}: {}", reply.body);
    }
    assert_eq!(stack.count(TENANT_A, PROJECTS).await, 2);
    assert_eq!(stack.count(TENANT_A, AUDIT).await, 0);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_forged_tenant_id_is_ignored(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut bo = signed_in(&stack, "bo@globex.test", "Member", TENANT_B).await;

    let reply = create(
        &stack,
        &mut bo,
        &format!("name=Planted&description=d&tenant_id={TENANT_A}"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(stack.count(TENANT_A, PROJECTS).await, 2, "written into A");
    assert_eq!(
        stack.count(TENANT_B, PROJECTS).await,
        2,
        "not written into B"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn signed_out_or_cross_site_creates_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let reply = create(&stack, &mut Browser::default(), "name=Anon&description=").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let reply = max
        .post(
            &stack.url("/api/create_project"),
            &[("sec-fetch-site", "cross-site")],
            "name=Csrf&description=",
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(stack.count(TENANT_A, PROJECTS).await, 2);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn another_tenants_project_is_not_found(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    stack.user("bo@globex.test", &["Admin"], Some(TENANT_B));
    let rocket = stack.project_id(TENANT_A, "Rocket skates").await;

    let mut max = Browser::default();
    stack.sign_in(&mut max, "max@acme.test", "/").await;
    let own = max.get(&stack.url(&format!("/projects/{rocket}"))).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Rocket skates") && own.body.contains("No tasks yet."));
    let listed = max.get(&stack.url("/projects")).await;
    assert!(
        listed
            .body
            .contains(&format!("href=\"/projects/{rocket}\""))
    );

    let mut bo = Browser::default();
    stack.sign_in(&mut bo, "bo@globex.test", "/").await;
    for path in [
        format!("/projects/{rocket}"),
        format!("/projects/{}", uuid()),
        "/projects/not-an-id".into(),
    ] {
        let page = bo.get(&stack.url(&path)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
        assert!(!page.body.contains("Rocket skates"), "{path}");
    }
    let call = bo
        .post(
            &stack.url("/api/get_project"),
            SAME_ORIGIN,
            &format!("id={rocket}"),
        )
        .await;
    assert_eq!(call.status, StatusCode::NOT_FOUND, "{}", call.body);
    assert!(!call.body.contains("Rocket"), "{}", call.body);
}
