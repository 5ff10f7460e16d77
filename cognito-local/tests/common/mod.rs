//! Test helpers: a pool on the router, requests with a cookie jar, PKCE, and
//! users made through the admin API.
#![allow(dead_code)] // each test binary uses a different part

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine;
use cognito_local::config::PoolConfig;
use cognito_local::{Pool, SharedPool, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

pub const BASE: &str = "http://cognito.test";
pub const CALLBACK: &str = "http://localhost:3000/auth/callback";
pub const PASSWORD: &str = "Correct-horse-9";

pub fn config() -> PoolConfig {
    PoolConfig::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pool.toml")).unwrap()
}

pub fn pool_with(config: PoolConfig) -> SharedPool {
    Pool::open(config, BASE.into(), None).unwrap()
}

pub fn pool() -> SharedPool {
    pool_with(config())
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .unwrap_or_else(|| panic!("no Location ({}): {}", self.status, self.body))
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// A query parameter of the Location header.
    pub fn location_param(&self, name: &str) -> Option<String> {
        let location = self.location();
        let query = location.split_once('?')?.1;
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// A browser of sorts: remembers the hosted-UI cookie between requests.
#[derive(Default)]
pub struct Browser {
    cookies: std::collections::BTreeMap<String, String>,
}

impl Browser {
    pub async fn send(&mut self, pool: &SharedPool, mut request: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request
                .headers_mut()
                .insert(header::COOKIE, jar.join("; ").parse().unwrap());
        }
        let reply = send(pool, request).await;
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        reply
    }

    pub async fn get(&mut self, pool: &SharedPool, uri: &str) -> Reply {
        self.send(pool, Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_form(
        &mut self,
        pool: &SharedPool,
        uri: &str,
        form: &(impl serde::Serialize + ?Sized),
    ) -> Reply {
        self.send(pool, form_request(uri, form, None)).await
    }
}

pub async fn send(pool: &SharedPool, request: Request<Body>) -> Reply {
    let response = router(pool.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub fn form_request(
    uri: &str,
    form: &(impl serde::Serialize + ?Sized),
    basic: Option<(&str, &str)>,
) -> Request<Body> {
    let mut builder =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        builder = builder.header(header::AUTHORIZATION, format!("Basic {encoded}"));
    }
    builder
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap()
}

/// Calls an admin API operation.
pub async fn admin(pool: &SharedPool, operation: &str, mut body: Value) -> Reply {
    if body.get("UserPoolId").is_none() && !matches!(operation, "UpdateUserAttributes" | "SignUp") {
        body["UserPoolId"] = json!(pool.config.pool_id);
    }
    let request = Request::post("/")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{operation}"),
        )
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.1")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(pool, request).await
}

/// A confirmed user with a permanent password, in `groups`, of `tenant`.
pub async fn confirmed_user(
    pool: &SharedPool,
    email: &str,
    groups: &[&str],
    tenant: &str,
) -> String {
    let created = admin(
        pool,
        "AdminCreateUser",
        json!({
            "Username": email,
            "UserAttributes": [
                { "Name": "email_verified", "Value": "true" },
                { "Name": "custom:tenant_id", "Value": tenant },
            ],
            "MessageAction": "SUPPRESS",
        }),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let username = created.json()["User"]["Username"]
        .as_str()
        .unwrap()
        .to_owned();
    let set = admin(
        pool,
        "AdminSetUserPassword",
        json!({ "Username": email, "Password": PASSWORD, "Permanent": true }),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    for group in groups {
        let added = admin(
            pool,
            "AdminAddUserToGroup",
            json!({ "Username": email, "GroupName": group }),
        )
        .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    }
    username
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!("verifier-{}-{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The authorize URL for the pool's client, with PKCE, a state and a nonce.
pub fn authorize_url(pool: &SharedPool, challenge: &str) -> String {
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", pool.config.client.id.as_str()),
        ("redirect_uri", CALLBACK),
        ("scope", "openid email"),
        ("state", "state-123"),
        ("nonce", "nonce-456"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ])
    .unwrap();
    format!("/oauth2/authorize?{query}")
}

/// The sign-in page a browser reached: its address and its CSRF token.
pub struct SignInPage {
    pub url: String,
    pub csrf: String,
}

/// Follows an authorize request to the sign-in page, as a browser does.
pub async fn open_sign_in(browser: &mut Browser, pool: &SharedPool, challenge: &str) -> SignInPage {
    let to_login = browser.get(pool, &authorize_url(pool, challenge)).await;
    assert_eq!(to_login.status, StatusCode::FOUND, "{}", to_login.body);
    let url = to_login.location();
    let page = browser.get(pool, &url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    SignInPage {
        url,
        csrf: hidden_field(&page.body, "_csrf"),
    }
}

/// The value of a hidden input in an HTML page.
pub fn hidden_field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        .to_owned()
}

/// The authorize parameters and the CSRF token of a sign-in page, as its
/// form posts them.
pub fn page_fields(page: &SignInPage) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> =
        serde_urlencoded::from_str(page.url.split_once('?').unwrap().1).unwrap();
    form.push(("_csrf".into(), page.csrf.clone()));
    form
}

/// The sign-in form, filled in.
pub fn login_form(page: &SignInPage, email: &str, password: &str) -> Vec<(String, String)> {
    let mut form = page_fields(page);
    form.push(("username".into(), email.into()));
    form.push(("password".into(), password.into()));
    form
}

/// Signs in through the hosted UI and returns the code and the verifier.
pub async fn sign_in(pool: &SharedPool, browser: &mut Browser, email: &str) -> (String, String) {
    let (verifier, challenge) = pkce();
    let page = open_sign_in(browser, pool, &challenge).await;
    let form = login_form(&page, email, PASSWORD);
    let back = browser.post_form(pool, "/login", &form).await;
    assert_eq!(back.status, StatusCode::FOUND, "{}", back.body);
    assert!(back.location().starts_with(CALLBACK), "{}", back.location());
    assert_eq!(back.location_param("state").as_deref(), Some("state-123"));
    (back.location_param("code").expect("a code"), verifier)
}

/// POST /oauth2/token with the client's Basic credentials.
pub async fn token(pool: &SharedPool, form: &[(&str, &str)]) -> Reply {
    let client = &pool.config.client;
    send(
        pool,
        form_request("/oauth2/token", form, Some((&client.id, &client.secret))),
    )
    .await
}

pub async fn exchange(pool: &SharedPool, code: &str, verifier: &str) -> Reply {
    token(
        pool,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
            ("client_id", &pool.config.client.id),
        ],
    )
    .await
}
