//! The hosted UI and the OAuth2 endpoints over HTTP, each with its bad inputs.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

const TENANT: &str = "7d1f3c1e-2f6a-4d8e-9b1a-0c2d3e4f5a6b";

fn authorize_with(pool: &cognito_local::SharedPool, overrides: &[(&str, Option<&str>)]) -> String {
    let (_, challenge) = pkce();
    let mut params: Vec<(String, String)> =
        serde_urlencoded::from_str(authorize_url(pool, &challenge).split_once('?').unwrap().1)
            .unwrap();
    for (name, value) in overrides {
        params.retain(|(k, _)| k != name);
        if let Some(value) = value {
            params.push((name.to_string(), value.to_string()));
        }
    }
    format!(
        "/oauth2/authorize?{}",
        serde_urlencoded::to_string(params).unwrap()
    )
}

#[tokio::test]
async fn an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect() {
    let pool = pool();
    let reply = Browser::default()
        .get(
            &pool,
            &authorize_with(&pool, &[("redirect_uri", Some("https://evil.example/cb"))]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.headers.get("location").is_none());
    assert!(reply.body.contains("redirect_mismatch"), "{}", reply.body);
}

#[tokio::test]
async fn an_unknown_client_gets_an_error_page() {
    let pool = pool();
    let reply = Browser::default()
        .get(
            &pool,
            &authorize_with(&pool, &[("client_id", Some("nope"))]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.headers.get("location").is_none());
}

#[tokio::test]
async fn pkce_is_required_and_must_be_s256() {
    let pool = pool();
    for overrides in [
        vec![("code_challenge", None)],
        vec![("code_challenge_method", None)],
        vec![("code_challenge_method", Some("plain"))],
    ] {
        let reply = Browser::default()
            .get(&pool, &authorize_with(&pool, &overrides))
            .await;
        assert_eq!(reply.status, StatusCode::FOUND, "{overrides:?}");
        assert!(reply.location().starts_with(CALLBACK));
        assert_eq!(
            reply.location_param("error").as_deref(),
            Some("invalid_request"),
            "{overrides:?}"
        );
        assert_eq!(reply.location_param("state").as_deref(), Some("state-123"));
        assert_eq!(reply.location_param("code"), None);
    }
}

#[tokio::test]
async fn the_scope_must_include_openid_and_only_allowed_scopes() {
    let pool = pool();
    for scope in ["email", "openid admin"] {
        let reply = Browser::default()
            .get(&pool, &authorize_with(&pool, &[("scope", Some(scope))]))
            .await;
        assert_eq!(
            reply.location_param("error").as_deref(),
            Some("invalid_scope"),
            "{scope}"
        );
    }
    let reply = Browser::default()
        .get(
            &pool,
            &authorize_with(&pool, &[("response_type", Some("token"))]),
        )
        .await;
    assert_eq!(
        reply.location_param("error").as_deref(),
        Some("unsupported_response_type")
    );
}

#[tokio::test]
async fn signing_in_returns_a_code_that_the_token_endpoint_exchanges_once() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &["Member"], TENANT).await;
    let mut browser = Browser::default();
    let (code, verifier) = sign_in(&pool, &mut browser, "ada@example.test").await;

    let first = exchange(&pool, &code, &verifier).await;
    let replay = exchange(&pool, &code, &verifier).await;

    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let tokens = first.json();
    for field in ["id_token", "access_token", "refresh_token"] {
        assert!(
            tokens[field].as_str().is_some_and(|t| !t.is_empty()),
            "{field}"
        );
    }
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(first.headers["cache-control"], "no-store");
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn the_sign_in_is_case_insensitive_on_email() {
    let pool = pool();
    confirmed_user(&pool, "Grace@Example.test", &["Member"], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "grace@example.TEST").await;
    assert_eq!(
        exchange(&pool, &code, &verifier).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_verifier_a_missing_one_or_another_redirect_uri_fails() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let client = pool.config.client.id.clone();

    let (code, _) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let (other_verifier, _) = pkce();
    let wrong = exchange(&pool, &code, &other_verifier).await;
    assert_eq!(wrong.json()["error"], "invalid_grant");

    let (code, _) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let missing = token(
        &pool,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &client),
        ],
    )
    .await;
    assert_eq!(missing.json()["error"], "invalid_request");

    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let elsewhere = token(
        &pool,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:3000/auth/callback"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(elsewhere.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let mut config = config();
    config.tokens.auth_code_seconds = 0;
    let pool = pool_with(config);
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;

    let reply = exchange(&pool, &code, &verifier).await;

    assert_eq!(reply.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier.as_str()),
    ];

    let reply = send(
        &pool,
        form_request(
            "/oauth2/token",
            &form,
            Some((&pool.config.client.id, "wrong")),
        ),
    )
    .await;
    let anonymous = send(&pool, form_request("/oauth2/token", &form, None)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"], "invalid_client");
    assert_eq!(anonymous.json()["error"], "invalid_client");
    // The client is checked before the code, so the code is still good.
    assert_eq!(
        exchange(&pool, &code, &verifier).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_plain_message() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = open_sign_in(&mut browser, &pool, &challenge).await;

    let mut replies = Vec::new();
    for (email, password) in [
        ("ada@example.test", "Wrong-pass-1"),
        ("nobody@example.test", PASSWORD),
    ] {
        let form = login_form(&page, email, password);
        replies.push(browser.post_form(&pool, "/login", &form).await);
    }

    for reply in &replies {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert!(
            reply.body.contains("Incorrect username or password."),
            "{}",
            reply.body
        );
        assert!(reply.headers.get("location").is_none());
    }
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_or_refresh() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let refresh_token = exchange(&pool, &code, &verifier).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    admin(
        &pool,
        "AdminDisableUser",
        json!({ "Username": "ada@example.test" }),
    )
    .await;

    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = open_sign_in(&mut browser, &pool, &challenge).await;
    let form = login_form(&page, "ada@example.test", PASSWORD);
    let refused = browser.post_form(&pool, "/login", &form).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("User is disabled."));
    let refreshed = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ],
    )
    .await;
    assert_eq!(refreshed.json()["error"], "invalid_grant");
    // Enabling the user again does not bring the old tokens back.
    admin(
        &pool,
        "AdminEnableUser",
        json!({ "Username": "ada@example.test" }),
    )
    .await;
    let revived = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ],
    )
    .await;
    assert_eq!(revived.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_issued_before_a_global_sign_out_cannot_be_redeemed() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;

    admin(
        &pool,
        "AdminUserGlobalSignOut",
        json!({ "Username": "ada@example.test" }),
    )
    .await;

    assert_eq!(
        exchange(&pool, &code, &verifier).await.json()["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn a_verifier_of_the_wrong_shape_is_an_invalid_request() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    for verifier in [
        "short",
        &"a".repeat(129),
        &format!("{}/{}", "a".repeat(30), "b".repeat(30)),
    ] {
        let (code, _) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
        let reply = exchange(&pool, &code, verifier).await;
        assert_eq!(reply.json()["error"], "invalid_request", "{verifier}");
    }
}

#[tokio::test]
async fn refresh_gives_new_tokens_until_a_global_sign_out() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &["Admin"], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let first = exchange(&pool, &code, &verifier).await.json();
    let refresh_token = first["refresh_token"].as_str().unwrap();

    let refreshed = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let refreshed = refreshed.json();
    assert!(refreshed["id_token"].as_str().is_some());
    assert_ne!(refreshed["id_token"], first["id_token"]);
    assert!(
        refreshed.get("refresh_token").is_none(),
        "Cognito issues no new refresh token"
    );

    admin(
        &pool,
        "AdminUserGlobalSignOut",
        json!({ "Username": "ada@example.test" }),
    )
    .await;

    let after = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    assert_eq!(after.json()["error"], "invalid_grant");
    let info = send(
        &pool,
        axum::http::Request::get("/oauth2/userInfo")
            .header(
                "authorization",
                format!("Bearer {}", first["access_token"].as_str().unwrap()),
            )
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        info.status,
        StatusCode::UNAUTHORIZED,
        "access tokens end with the sign-out"
    );
}

async fn user_info(pool: &cognito_local::SharedPool, bearer: &str) -> Reply {
    send(
        pool,
        axum::http::Request::get("/oauth2/userInfo")
            .header("authorization", format!("Bearer {bearer}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn user_info_answers_for_an_access_token_only() {
    let pool = pool();
    let username = confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let tokens = exchange(&pool, &code, &verifier).await.json();

    let info = user_info(&pool, tokens["access_token"].as_str().unwrap()).await;
    let with_id_token = user_info(&pool, tokens["id_token"].as_str().unwrap()).await;
    let garbage = user_info(&pool, "not.a.token").await;

    assert_eq!(info.status, StatusCode::OK, "{}", info.body);
    assert_eq!(info.json()["email"], "ada@example.test");
    assert_eq!(info.json()["username"], username.as_str());
    assert_eq!(info.json()["custom:tenant_id"], TENANT);
    assert_eq!(with_id_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoking_ends_the_refresh_token_and_its_access_tokens() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let tokens = exchange(&pool, &code, &verifier).await.json();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let client = &pool.config.client;

    let unknown = send(
        &pool,
        form_request(
            "/oauth2/revoke",
            &[("token", "no-such-token")],
            Some((&client.id, &client.secret)),
        ),
    )
    .await;
    let wrong_client = send(
        &pool,
        form_request(
            "/oauth2/revoke",
            &[("token", refresh_token)],
            Some((&client.id, "wrong")),
        ),
    )
    .await;
    // Neither changed anything.
    let still = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    let revoked = send(
        &pool,
        form_request(
            "/oauth2/revoke",
            &[("token", refresh_token)],
            Some((&client.id, &client.secret)),
        ),
    )
    .await;
    let after = token(
        &pool,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;

    assert_eq!(
        unknown.status,
        StatusCode::OK,
        "RFC 7009: an unknown token is not an error"
    );
    assert_eq!(wrong_client.json()["error"], "invalid_client");
    assert_eq!(still.status, StatusCode::OK);
    assert_eq!(revoked.status, StatusCode::OK);
    assert_eq!(after.json()["error"], "invalid_grant");
    assert_eq!(
        user_info(&pool, tokens["access_token"].as_str().unwrap())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_second_authorize_skips_the_form_until_logout() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let mut browser = Browser::default();
    sign_in(&pool, &mut browser, "ada@example.test").await;

    let (_, challenge) = pkce();
    let again = browser.get(&pool, &authorize_url(&pool, &challenge)).await;
    assert!(
        again.location().starts_with(CALLBACK),
        "signed in: straight back with a code"
    );
    assert!(again.location_param("code").is_some());

    let bad_logout = browser
        .get(
            &pool,
            &format!(
                "/logout?client_id={}&logout_uri=https%3A%2F%2Fevil.example%2F",
                pool.config.client.id
            ),
        )
        .await;
    assert_eq!(bad_logout.status, StatusCode::BAD_REQUEST);
    assert!(bad_logout.headers.get("location").is_none());

    let logout = browser
        .get(
            &pool,
            &format!(
                "/logout?client_id={}&logout_uri=http%3A%2F%2Flocalhost%3A3000%2F",
                pool.config.client.id
            ),
        )
        .await;
    assert_eq!(logout.status, StatusCode::FOUND);
    assert_eq!(logout.location(), "http://localhost:3000/");

    let after = browser.get(&pool, &authorize_url(&pool, &challenge)).await;
    assert!(
        after.location().starts_with("/login?"),
        "signed out: the form again, got {}",
        after.location()
    );
}

#[tokio::test]
async fn an_invited_user_sets_a_new_password_on_first_sign_in() {
    let pool = pool();
    admin(
        &pool,
        "AdminCreateUser",
        json!({ "Username": "new@example.test", "UserAttributes": [{ "Name": "custom:tenant_id", "Value": TENANT }] }),
    )
    .await;
    let outbox = send(
        &pool,
        axum::http::Request::get("/_dev/outbox?to=NEW@example.test")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    let temporary = outbox.json()["messages"][0]["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();

    let (verifier, challenge) = pkce();
    let mut browser = Browser::default();
    let page = open_sign_in(&mut browser, &pool, &challenge).await;
    let form = login_form(&page, "new@example.test", &temporary);
    let step = browser.post_form(&pool, "/login", &form).await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(step.body.contains("Set a new password"), "{}", step.body);
    let challenge_token = hidden_field(&step.body, "challenge");

    let mut base = page_fields(&page);
    base.push(("challenge".into(), challenge_token));
    let attempt = |new: &str, confirm: &str| {
        let mut form = base.clone();
        form.push(("new_password".into(), new.into()));
        form.push(("confirm_password".into(), confirm.into()));
        form
    };
    for (new, confirm, message) in [
        ("Fresh-pass-42", "Fresh-pass-43", "do not match"),
        ("weak", "weak", "does not conform"),
    ] {
        let form = attempt(new, confirm);
        let refused = browser.post_form(&pool, "/login/new-password", &form).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains(message), "{}", refused.body);
    }
    let form = attempt("Fresh-pass-42", "Fresh-pass-42");
    let done = browser.post_form(&pool, "/login/new-password", &form).await;

    assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
    let code = done.location_param("code").unwrap();
    assert_eq!(
        exchange(&pool, &code, &verifier).await.status,
        StatusCode::OK
    );
    let user = admin(
        &pool,
        "AdminGetUser",
        json!({ "Username": "new@example.test" }),
    )
    .await
    .json();
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

#[tokio::test]
async fn an_expired_temporary_password_is_refused() {
    let mut config = config();
    config.policy.temporary_password_days = -1;
    let pool = pool_with(config);
    admin(
        &pool,
        "AdminCreateUser",
        json!({ "Username": "late@example.test", "TemporaryPassword": "Temp-pass-1" }),
    )
    .await;

    let (_, challenge) = pkce();
    let mut browser = Browser::default();
    let page = open_sign_in(&mut browser, &pool, &challenge).await;
    let form = login_form(&page, "late@example.test", "Temp-pass-1");
    let reply = browser.post_form(&pool, "/login", &form).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("Temporary password has expired"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_sign_in_posted_without_the_pages_csrf_token_is_refused() {
    let pool = pool();
    confirmed_user(&pool, "ada@example.test", &[], TENANT).await;
    let (_, challenge) = pkce();
    let page = open_sign_in(&mut Browser::default(), &pool, &challenge).await;
    let form = login_form(&page, "ada@example.test", PASSWORD);

    // Another site posting the form: the browser has no XSRF-TOKEN cookie.
    let cross_site = Browser::default().post_form(&pool, "/login", &form).await;
    // The victim's browser, but a token the attacker guessed.
    let mut victim = Browser::default();
    let own = open_sign_in(&mut victim, &pool, &challenge).await;
    let mut guessed = login_form(&own, "ada@example.test", PASSWORD);
    guessed.retain(|(k, _)| k != "_csrf");
    guessed.push(("_csrf".into(), "guessed".into()));
    let wrong_token = victim.post_form(&pool, "/login", &guessed).await;

    for reply in [cross_site, wrong_token] {
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
        assert!(reply.headers.get("location").is_none());
        assert!(reply.body.contains("expired"), "{}", reply.body);
    }
}
