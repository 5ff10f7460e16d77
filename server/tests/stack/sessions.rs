//! Sessions (SECURITY.md 16–20): a new id at sign-in, the cookie's flags,
//! idle and absolute expiry, logout, the member row's say, and refresh.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

fn is_signed_in(page: &Reply) -> bool {
    page.body.contains("data-testid=\"whoami\"")
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_session_id_changes_at_sign_in_and_the_old_row_is_gone(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let mut max = Browser::default();
    let callback = stack.hosted_ui_code(&mut max, "max@acme.test", "/").await;
    let before = max
        .cookie(&stack.app, "session")
        .expect("a session for the sign-in state");
    assert_eq!(stack.session_ids().await, vec![before.clone()]);

    let back = max.get(&callback).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    let after = max.cookie(&stack.app, "session").unwrap();
    assert_ne!(before, after);
    assert_eq!(stack.session_ids().await, vec![after]);

    // The old id, planted in another browser, is nobody.
    let mut planted = Browser::default();
    planted.set_cookie(&stack.app, "session", &before);
    assert!(!is_signed_in(&planted.get(&stack.url("/")).await));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_cookie_is_http_only_lax_and_host_wide(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut browser = Browser::default();
    let login = browser.get(&stack.url("/auth/login")).await;
    let cookie = login.set_cookie("session").expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "{cookie}: plain http in development"
    );
    assert!(login.header("strict-transport-security").is_empty());
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn over_https_the_cookie_is_secure_and_host_prefixed(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(
        db,
        Settings {
            https: true,
            ..Settings::default()
        },
    )
    .await;
    let login = Browser::default().get(&stack.url("/auth/login")).await;
    let cookie = login
        .set_cookie("__Host-session")
        .expect("a __Host- cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        login
            .header("strict-transport-security")
            .starts_with("max-age=")
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_idle_session_expires(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(
        db,
        Settings {
            idle_secs: 2,
            max_age_secs: 3600,
            ..Settings::default()
        },
    )
    .await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    // Activity keeps it alive past the idle timeout…
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert!(
            is_signed_in(&max.get(&stack.url("/")).await),
            "ended while active"
        );
    }
    // …and idleness ends it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        !is_signed_in(&max.get(&stack.url("/")).await),
        "an idle session lived on"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_session_ends_at_its_absolute_lifetime_however_active(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(
        db,
        Settings {
            idle_secs: 2,
            max_age_secs: 3,
            ..Settings::default()
        },
    )
    .await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    assert!(is_signed_in(&max.get(&stack.url("/")).await));
    let mut ended = false;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(900)).await;
        if !is_signed_in(&max.get(&stack.url("/")).await) {
            ended = true;
            break;
        }
    }
    assert!(ended, "an active session outlived its absolute lifetime");
    assert!(
        stack.session_ids().await.is_empty(),
        "the ended session's row is still there"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn logout_deletes_the_row_revokes_the_token_and_signs_out_of_the_hosted_ui(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let sub = stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let mut max = Browser::default();
    stack.sign_in(&mut max, "max@acme.test", "/").await;
    let cookie = max.cookie(&stack.app, "session").unwrap();
    let live_tokens = |stack: &Stack| {
        stack
            .idp
            .store()
            .refresh_tokens
            .values()
            .filter(|t| t.username == sub)
            .count()
    };
    assert_eq!(live_tokens(&stack), 1);

    let out = max
        .post_form(&stack.url("/auth/logout"), &[("", "")], Some("same-origin"))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    let to = out.location();
    assert!(
        to.starts_with(&format!("{}/logout?", stack.idp.base_url)),
        "{to}"
    );
    assert!(
        to.contains(&format!("client_id={}", stack.idp.config.client.id)),
        "{to}"
    );
    assert!(
        to.contains(&format!("logout_uri={}", urlencode(&stack.url("/")))),
        "{to}"
    );
    assert!(stack.session_ids().await.is_empty());
    assert_eq!(live_tokens(&stack), 0, "the refresh token was not revoked");

    // The old cookie is nobody now.
    let mut old = Browser::default();
    old.set_cookie(&stack.app, "session", &cookie);
    assert_eq!(
        old.get(&stack.url("/projects")).await.status,
        StatusCode::SEE_OTHER
    );

    // After the hosted UI's sign-out, signing in asks for credentials again.
    max.get(&to).await;
    let login = max.get(&stack.url("/auth/login")).await;
    let authorize = max.get(&login.location()).await;
    assert!(
        authorize.location().starts_with("/login"),
        "{}",
        authorize.location()
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_disabled_removed_or_signed_out_everywhere_member_loses_the_session(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    for (email, change) in [
        (
            "d@acme.test",
            "update members set status = 'disabled' where cognito_sub = $1",
        ),
        ("r@acme.test", "delete from members where cognito_sub = $1"),
        (
            "e@acme.test",
            "update members set auth_epoch = auth_epoch + 1 where cognito_sub = $1",
        ),
    ] {
        let sub = stack.user(email, &["Member"], Some(TENANT_A));
        let mut browser = Browser::default();
        stack.sign_in(&mut browser, email, "/").await;
        assert!(is_signed_in(&browser.get(&stack.url("/")).await));
        assert_eq!(stack.as_tenant(TENANT_A, change, &sub).await, 1);
        assert!(
            !is_signed_in(&browser.get(&stack.url("/")).await),
            "{email} still signed in"
        );
        let ids = stack.session_ids().await;
        assert!(!ids.contains(&browser.cookie(&stack.app, "session").unwrap_or_default()));
    }
    // A disabled member cannot sign in again either.
    let mut again = Browser::default();
    let back = stack.sign_in(&mut again, "d@acme.test", "/").await;
    assert_eq!(back.status, StatusCode::FORBIDDEN);
    assert!(back.body.contains("Account disabled"));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn with_cognito_down_a_signed_in_member_keeps_working(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(
        db,
        Settings {
            id_token_minutes: 0,
            ..Settings::default()
        },
    )
    .await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;

    stack.stop_idp();
    let page = max.get(&stack.url("/projects")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(is_signed_in(&page) && page.body.contains("Rocket skates"));

    // A new sign-in says plainly that it cannot be done now.
    let login = Browser::default().get(&stack.url("/auth/login")).await;
    assert_eq!(
        login.status,
        StatusCode::SEE_OTHER,
        "the redirect needs no back channel"
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn expired_session_rows_are_swept(_: PgPoolOptions, db: PgConnectOptions) {
    use sqlx::Connection;
    let mut owner = sqlx::PgConnection::connect_with(&db).await.unwrap();
    sqlx::query(
        "insert into tower_sessions.session (id, data, expiry_date) \
         values ('stale', '\\x80', now() - interval '1 minute')",
    )
    .execute(&mut owner)
    .await
    .unwrap();

    let stack = Stack::start(db, Settings::default()).await;
    let mut swept = false;
    for _ in 0..50 {
        if stack.session_ids().await.is_empty() {
            swept = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(swept, "the expired row is still there");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_second_account_with_a_members_email_gets_a_clear_page(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let first = stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    stack
        .sign_in(&mut Browser::default(), "max@acme.test", "/")
        .await;
    // The Cognito user is deleted and made anew: a new sub, the same email.
    stack.idp.store().users.remove(&first);
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));

    let back = stack
        .sign_in(&mut Browser::default(), "max@acme.test", "/")
        .await;
    assert_eq!(back.status, StatusCode::CONFLICT, "{}", back.body);
    assert!(back.body.contains("Email already in use"));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn refresh_re_derives_the_role_and_a_refused_refresh_ends_the_session(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    // ID tokens that expire at once: every request refreshes.
    let stack = Stack::start(
        db,
        Settings {
            id_token_minutes: 0,
            ..Settings::default()
        },
    )
    .await;
    let mut max = signed_in(&stack, "max@acme.test", "Admin", TENANT_A).await;
    assert!(max.get(&stack.url("/")).await.body.contains(">Admin<"));

    stack
        .idp
        .store()
        .find_user_mut("max@acme.test")
        .unwrap()
        .groups = ["ReadOnly".to_owned()].into();
    let page = max.get(&stack.url("/")).await;
    assert!(
        page.body.contains(">ReadOnly<"),
        "the role did not follow the new token"
    );

    // No group left: no role, so no access.
    stack
        .idp
        .store()
        .find_user_mut("max@acme.test")
        .unwrap()
        .groups
        .clear();
    assert!(!is_signed_in(&max.get(&stack.url("/")).await));

    // A refused refresh (the user disabled in Cognito) ends the session.
    let mut bo = signed_in(&stack, "bo@acme.test", "Member", TENANT_A).await;
    stack
        .idp
        .store()
        .find_user_mut("bo@acme.test")
        .unwrap()
        .enabled = false;
    assert!(!is_signed_in(&bo.get(&stack.url("/")).await));
    assert!(stack.session_ids().await.is_empty());
}

/// The app role can read every tenant's session rows (README, "Sessions at rest"), so they
/// hold no token in clear. A signed-in session's row shows neither the
/// refresh token Cognito issued, nor the email, nor the record's keys.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_stored_session_holds_no_refresh_token_in_clear(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = Browser::default();
    stack.user("max@acme.test", &["Member"], Some(TENANT_A));
    let back = stack.sign_in(&mut max, "max@acme.test", "/").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    let page = max.get(&stack.url("/projects")).await;
    assert!(is_signed_in(&page), "{}", page.body);

    let tokens: Vec<String> = stack.idp.store().refresh_tokens.keys().cloned().collect();
    assert!(!tokens.is_empty(), "the stand-in issued a refresh token");
    let rows: Vec<Vec<u8>> = sqlx::query_scalar("select data from tower_sessions.session")
        .fetch_all(&mut stack.owner().await)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let clear: Vec<&[u8]> = tokens
        .iter()
        .map(|t| t.as_bytes())
        .chain([&b"max@acme.test"[..], b"refresh_token", b"signed_in"])
        .collect();
    for needle in clear {
        assert!(
            !rows[0].windows(needle.len()).any(|w| w == needle),
            "{} is in the session row in clear",
            String::from_utf8_lossy(needle)
        );
    }
}

/// A sign-in whose token names a role the member row no longer has, and
/// that was issued before the row's last change, is refused: it would
/// otherwise write the old role back over a demotion that committed while
/// the member was signing in. A token newer than the change (a group changed
/// in the Cognito console, say) still moves the row to its role.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_token_older_than_a_role_change_cannot_bring_the_old_role_back(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    // Cognito still has Bob in Admin; the row says an Admin demoted him
    // after the token we are about to get was issued.
    let bob = stack
        .add_member(TENANT_A, "bob@acme.test", "Admin", true)
        .await;
    let demoted_later = "update members set role = 'Member', auth_epoch = auth_epoch + 1,
                         changed_by_admin_at = now() + interval '1 minute' where id = $1::uuid";
    stack.as_tenant(TENANT_A, demoted_later, &bob).await;
    let row = "select role || ' ' || auth_epoch from members where id = $1::uuid";
    let before = stack.scalar(TENANT_A, row, &bob).await;

    let mut browser = Browser::default();
    let refused = stack.sign_in(&mut browser, "bob@acme.test", "/").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("Your access changed"),
        "{}",
        refused.body
    );
    assert_eq!(stack.scalar(TENANT_A, row, &bob).await, before);
    assert!(stack.session_ids().await.is_empty(), "a session was kept");

    // The same Cognito group, with the row's change in the past.
    let changed_earlier = "update members set changed_by_admin_at = now() - interval '1 minute'
                           where id = $1::uuid";
    stack.as_tenant(TENANT_A, changed_earlier, &bob).await;
    let mut browser = Browser::default();
    let accepted = stack.sign_in(&mut browser, "bob@acme.test", "/").await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(
        stack.scalar(TENANT_A, row, &bob).await,
        before.replace("Member", "Admin")
    );
}
