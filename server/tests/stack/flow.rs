//! The sign-in flow: landing where asked, the tenant's own data, no access
//! without a tenant or role, and every attack on state, code and verifier
//! (SECURITY.md 13, 15, 22).

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_member_signs_in_and_sees_only_their_tenants_projects(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("ada@acme.test", &["Member", "Admin"], Some(TENANT_A));
    stack.user("bo@globex.test", &["Member"], Some(TENANT_B));

    let mut ada = Browser::default();
    let back = stack
        .sign_in(&mut ada, "ada@acme.test", "/projects?page=1")
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(back.location(), "/projects?page=1");

    let page = ada.get(&stack.url("/projects?page=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Rocket skates") && page.body.contains("Anvil redesign"));
    assert!(
        !page.body.contains("Hammock district"),
        "B's project on A's page"
    );
    assert!(page.body.contains("ada@acme.test") && page.body.contains("Acme Corp"));
    assert!(page.body.contains(">Admin<"), "the highest role shows");
    assert_eq!(page.header("cache-control"), "private, no-store");

    let mut bo = Browser::default();
    stack.sign_in(&mut bo, "bo@globex.test", "/").await;
    let page = bo.get(&stack.url("/")).await;
    assert!(page.body.contains("Hammock district") && page.body.contains("Globex"));
    assert!(
        !page.body.contains("Rocket skates"),
        "A's project on B's page"
    );

    // The server function answers for the caller's tenant, whatever it is sent.
    let listed = bo
        .post(
            &stack.url("/api/list_projects"),
            &[("sec-fetch-site", "same-origin")],
            &format!("page=1&tenant_id={TENANT_A}"),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert!(listed.body.contains("Hammock district"));
    assert!(!listed.body.contains("Rocket skates"));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn sign_in_records_the_member_row(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let sub = stack.user("rita@acme.test", &["ReadOnly"], Some(TENANT_A));
    let mut rita = Browser::default();
    stack.sign_in(&mut rita, "rita@acme.test", "/").await;

    // A ReadOnly member's sign-in still writes its own bookkeeping.
    let touched = stack
        .as_tenant(
            TENANT_A,
            "update members set display_name = 'seen' where cognito_sub = $1 \
             and email = 'rita@acme.test' and role = 'ReadOnly' and last_sign_in_at is not null",
            &sub,
        )
        .await;
    assert_eq!(touched, 1);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn without_a_tenant_a_known_tenant_or_a_role_there_is_no_access(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("nina@nowhere.test", &["Member"], None);
    stack.user("ghost@acme.test", &["Admin"], Some(&uuid()));
    stack.user("gus@acme.test", &[], Some(TENANT_A));
    stack.user("case@acme.test", &[], Some(TENANT_A));
    // A group in another case is no role.
    stack
        .idp
        .store()
        .find_user_mut("case@acme.test")
        .unwrap()
        .groups = ["admin".to_owned()].into();

    for email in [
        "nina@nowhere.test",
        "ghost@acme.test",
        "gus@acme.test",
        "case@acme.test",
    ] {
        let mut browser = Browser::default();
        let back = stack.sign_in(&mut browser, email, "/projects").await;
        assert_eq!(back.status, StatusCode::FORBIDDEN, "{email}");
        assert!(back.body.contains("No access"), "{email}: {}", back.body);
        assert!(!back.body.contains("Acme Corp") && !back.body.contains("Rocket"));
        assert!(
            stack.session_ids().await.is_empty(),
            "{email}: a session was written"
        );
        let page = browser.get(&stack.url("/projects")).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{email} reached a signed-in page"
        );
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_deep_link_while_signed_out_returns_there_after_sign_in(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let mut max = Browser::default();

    let page = max.get(&stack.url("/projects?page=2")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let login = page.location();
    assert_eq!(login, "/auth/login?return_to=%2Fprojects%3Fpage%3D2");

    let back = stack
        .sign_in(&mut max, "max@acme.test", "/projects?page=2")
        .await;
    assert_eq!(back.location(), "/projects?page=2");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_open_redirect_in_return_to_ends_at_home(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    for target in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
    ] {
        let mut max = Browser::default();
        let back = stack.sign_in(&mut max, "max@acme.test", target).await;
        assert_eq!(back.location(), "/", "{target}");
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_missing_or_wrong_state_fails_and_writes_no_session(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));

    for tamper in [
        |url: &str| url.replace("&state=", "&state=x"),
        |url: &str| url.split("&state=").next().unwrap().to_owned(),
    ] {
        let mut max = Browser::default();
        let callback = stack.hosted_ui_code(&mut max, "max@acme.test", "/").await;
        let back = max.get(&tamper(&callback)).await;
        assert_eq!(back.status, StatusCode::BAD_REQUEST, "{}", back.body);
        assert!(back.body.contains("Try again"));
        assert!(stack.session_ids().await.is_empty());
        // The state is gone after one use: the untampered URL fails too.
        let again = max.get(&callback).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
    }

    // A callback in a browser that never started a sign-in.
    let mut max = Browser::default();
    let callback = stack.hosted_ui_code(&mut max, "max@acme.test", "/").await;
    let back = Browser::default().get(&callback).await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_replayed_callback_fails_and_leaves_the_session_alone(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let mut max = Browser::default();
    let callback = stack
        .hosted_ui_code(&mut max, "max@acme.test", "/projects")
        .await;
    assert_eq!(max.get(&callback).await.status, StatusCode::SEE_OTHER);
    let session = max.cookie(&stack.app, "session").unwrap();

    // The state left the session at its first use.
    let again = max.get(&callback).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert_eq!(stack.session_ids().await, vec![session]);
    assert_eq!(
        max.get(&stack.url("/projects")).await.status,
        StatusCode::OK
    );

    // Someone else replaying the URL gets nothing either.
    let mut thief = Browser::default();
    assert_eq!(thief.get(&callback).await.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_used_code_fails_with_a_fresh_state(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let mut max = Browser::default();
    let callback = stack.hosted_ui_code(&mut max, "max@acme.test", "/").await;
    assert_eq!(max.get(&callback).await.status, StatusCode::SEE_OTHER);

    // A second sign-in, fed the first (used) code with its own state.
    let mut other = Browser::default();
    let fresh = stack.hosted_ui_code(&mut other, "max@acme.test", "/").await;
    let state = fresh.split("state=").nth(1).unwrap();
    let old_code = callback
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let replay = stack.url(&format!("/auth/callback?code={old_code}&state={state}"));
    let back = other.get(&replay).await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST, "{}", back.body);
    assert!(back.body.contains("Sign-in failed"));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_code_with_another_sessions_verifier_fails(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    // The attacker's own sign-in gives a code bound to the attacker's PKCE
    // challenge; the victim's session has its own state and verifier.
    let mut attacker = Browser::default();
    let stolen = stack
        .hosted_ui_code(&mut attacker, "max@acme.test", "/")
        .await;
    let mut victim = Browser::default();
    let victims = stack
        .hosted_ui_code(&mut victim, "max@acme.test", "/")
        .await;
    let victim_state = victims.split("state=").nth(1).unwrap();
    let code = stolen
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    let back = victim
        .get(&stack.url(&format!("/auth/callback?code={code}&state={victim_state}")))
        .await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST, "{}", back.body);
    // Only the attacker's unfinished sign-in is left; the victim has no session.
    let attackers = attacker.cookie(&stack.app, "session").unwrap();
    assert_eq!(stack.session_ids().await, vec![attackers]);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_error_from_the_hosted_ui_gets_a_page_with_a_way_on(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut browser = Browser::default();
    browser.get(&stack.url("/auth/login")).await;
    let back = browser
        .get(&stack.url("/auth/callback?error=access_denied&error_description=%3Cscript%3E"))
        .await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    assert!(back.body.contains("href=\"/auth/login\""));
    assert!(!back.body.contains("<script>"));
    assert!(stack.session_ids().await.is_empty());
}
