//! Making an API key without JavaScript: the form post is redirected to the
//! keys page, which shows the new key's text once. The text travels in a
//! cookie that only that page is sent, and the page shows it only if it is
//! a live key that the signed-in Admin made moments ago: a cookie someone
//! else set shows nothing.

use crate::api::{Client, Doc, admin, make_key};
use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const PAGE: &str = "/settings/api-keys";
const COOKIE: &str = "new_api_key";

/// The keys form, posted as a browser without JavaScript posts it.
async fn post_from_page(stack: &Stack, browser: &mut Browser, body: &str) -> Reply {
    let page = stack.url(PAGE);
    let html_form = [
        ("sec-fetch-site", "same-origin"),
        ("accept", "text/html,application/xhtml+xml"),
        ("referer", page.as_str()),
    ];
    browser
        .post(&stack.url("/api/create_api_key"), &html_form, body)
        .await
}

/// The key text the page shows, if any.
fn shown_secret(html: &str) -> Option<String> {
    let field = html.split(r#"data-testid="new-key-secret""#).nth(1)?;
    let value = field.split(r#"value=""#).nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_key_made_without_javascript_is_shown_once_on_the_keys_page(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let doc = Doc::load(&stack).await;
    let mut ada = admin(&stack, TENANT_A).await;

    let reply = post_from_page(
        &stack,
        &mut ada,
        "name=Plain+form&role=ReadOnly&expires_in_days=30",
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(reply.location().trim_end_matches('?'), stack.url(PAGE));
    let cookie = reply
        .set_cookie(COOKIE)
        .expect("no key was left for the page");
    for attribute in [
        "Path=/settings/api-keys",
        "Max-Age=120",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(
        !reply.body.contains("saas_"),
        "the redirect carries the key: {}",
        reply.body
    );

    let page = ada.get(&stack.url(PAGE)).await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = shown_secret(&page.body).expect("the page shows no new key");
    assert!(
        page.body.contains("Created the API key “Plain form”."),
        "{}",
        page.body
    );
    // The page removes the cookie (for the path it was set for).
    let removal = page.set_cookie(COOKIE).expect("the cookie stays");
    for attribute in ["Path=/settings/api-keys", "Max-Age=0"] {
        assert!(removal.contains(attribute), "{attribute}: {removal}");
    }
    // It is the key just made, and it works.
    let listed = Client::new(&stack, &doc, &secret)
        .get("/api/v1/projects")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);

    // Once: the next load shows the list only.
    let again = ada.get(&stack.url(PAGE)).await;
    assert_eq!(shown_secret(&again.body), None);
    assert!(!again.body.contains(&secret));

    // A script's call gets the key in its answer, and no cookie.
    let scripted = call(
        &stack,
        &mut ada,
        "create_api_key",
        "name=Scripted&role=ReadOnly&expires_in_days=30",
    )
    .await;
    assert_eq!(scripted.status, StatusCode::OK, "{}", scripted.body);
    let answer: serde_json::Value = serde_json::from_str(&scripted.body).unwrap();
    assert!(answer["secret"].as_str().unwrap().starts_with("saas_"));
    assert!(scripted.set_cookie(COOKIE).is_none());

    // A plain post that does not say where it came from goes to `/`; the
    // key waits for the keys page, which shows it on the next visit.
    let unsent = ada
        .post(
            &stack.url("/api/create_api_key"),
            &[
                ("sec-fetch-site", "same-origin"),
                ("accept", "text/html,application/xhtml+xml"),
            ],
            "name=No+referer&role=ReadOnly&expires_in_days=30",
        )
        .await;
    assert_eq!(unsent.status, StatusCode::FOUND, "{}", unsent.body);
    assert_eq!(unsent.location(), "/");
    assert!(unsent.set_cookie(COOKIE).is_some());
    let home = ada.get(&stack.url("/")).await;
    assert_eq!(shown_secret(&home.body), None);
    let page = ada.get(&stack.url(PAGE)).await;
    let later = shown_secret(&page.body).expect("the key made from nowhere is lost");
    let listed = Client::new(&stack, &doc, &later)
        .get("/api/v1/projects")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);

    // Refused input: back to the page with the error, nothing made or left.
    let count = || stack.count(TENANT_A, "select count(*) from api_keys");
    let before = count().await;
    let refused = post_from_page(&stack, &mut ada, "name=&role=ReadOnly&expires_in_days=30").await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.body);
    assert!(
        refused.location().contains("__err="),
        "{}",
        refused.location()
    );
    assert!(refused.set_cookie(COOKIE).is_none());
    assert_eq!(count().await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_keys_page_shows_only_a_key_its_admin_has_just_made(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = admin(&stack, TENANT_A).await;
    let mut other_admin = admin(&stack, TENANT_A).await;
    let mut globex = admin(&stack, TENANT_B).await;

    let (others, _) = make_key(&stack, &mut other_admin, "Another admin's", "Member").await;
    let (in_b, _) = make_key(&stack, &mut globex, "Globex's", "Member").await;
    let (old, old_id) = make_key(&stack, &mut ada, "Old", "ReadOnly").await;
    stack
        .as_tenant(
            TENANT_A,
            "update api_keys set created_at = now() - interval '1 hour' where id = $1::uuid",
            &old_id,
        )
        .await;
    let (revoked, revoked_id) = make_key(&stack, &mut ada, "Revoked", "ReadOnly").await;
    let reply = call(
        &stack,
        &mut ada,
        "revoke_api_key",
        &format!("id={revoked_id}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // A well-formed text of no key: this tenant's id, made-up id and secret.
    let made_up = {
        let mut changed = revoked.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        String::from_utf8(changed).unwrap()
    };
    let (fresh, _) = make_key(&stack, &mut ada, "Fresh", "ReadOnly").await;

    // (Another tenant's key is refused twice over: its text names another
    // tenant, and another Admin made it. One user is in one tenant only.)
    let url = stack.url(PAGE);
    for (what, text) in [
        ("another Admin's key", others.as_str()),
        ("another tenant's key", in_b.as_str()),
        ("a key made an hour ago", old.as_str()),
        ("a revoked key", revoked.as_str()),
        ("a text of no key", made_up.as_str()),
        ("not a key", "hello"),
    ] {
        ada.set_cookie(&url, COOKIE, text);
        let page = ada.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{what}");
        assert_eq!(shown_secret(&page.body), None, "{what} was shown");
        assert!(!page.body.contains(text), "{what} is in the page");
        assert!(
            page.set_cookie(COOKIE)
                .is_some_and(|c| c.contains("Max-Age=0")),
            "{what}: the cookie stays"
        );
    }
    // What the page does show: the Admin's own key, just made.
    ada.set_cookie(&url, COOKIE, &fresh);
    let page = ada.get(&url).await;
    assert_eq!(shown_secret(&page.body).as_deref(), Some(fresh.as_str()));

    // A SuperUser with an Admin's fresh key in the cookie gets the 403 page.
    let mut sue = signed_in(&stack, "sue-keys@example.test", "SuperUser", TENANT_A).await;
    sue.set_cookie(&url, COOKIE, &fresh);
    let page = sue.get(&url).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains(&fresh), "{}", page.body);
}
