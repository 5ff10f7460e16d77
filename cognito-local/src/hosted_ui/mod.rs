//! The hosted UI: `/oauth2/authorize`, the sign-in and new-password pages,
//! and `/logout`, with a session cookie so a second authorize skips the form.

mod pages;

use crate::store::{AuthCode, HostedSession, UserStatus, now, random_token};
use crate::{Pool, SharedPool, password};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

const SESSION_COOKIE: &str = "cognito_local_session";
/// The hosted UI's forms carry a token that must match this cookie (double
/// submit, as Cognito's XSRF-TOKEN), so another site cannot post its own
/// credentials and plant its session in the victim's browser.
const CSRF_COOKIE: &str = "XSRF-TOKEN";
/// How long a "set a new password" step stays open.
const CHALLENGE_SECONDS: i64 = 600;

/// The authorize request's parameters, carried through the sign-in forms.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    nonce: Option<String>,
}

impl AuthorizeParams {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("response_type", &self.response_type),
            ("state", &self.state),
            ("scope", &self.scope),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
            ("nonce", &self.nonce),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
        .collect()
    }
}

/// A request that passed every check.
struct Valid {
    redirect_uri: String,
    state: Option<String>,
    scope: String,
    code_challenge: String,
    nonce: Option<String>,
}

/// A 302 to `location`, as Cognito answers.
fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => error_page(StatusCode::BAD_REQUEST, "Invalid redirect address."),
    }
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (status, Html(pages::error(message))).into_response()
}

/// `uri` with `pairs` appended to its query string.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{query}")
}

/// Why an authorize request was refused.
enum Rejection {
    /// Shown in the browser: the client cannot be trusted with a redirect.
    Page(&'static str),
    /// Sent back to the (registered) redirect URI as `error=…`.
    Back(String),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Page(message) => error_page(StatusCode::BAD_REQUEST, message),
            Rejection::Back(location) => found(&location),
        }
    }
}

/// Checks an authorize request as Cognito does. An unknown client or an
/// unregistered redirect URI gets an error page (never a redirect to an
/// unchecked address); other problems go back to the client as `error=…`.
fn validate(pool: &Pool, params: &AuthorizeParams) -> Result<Valid, Rejection> {
    let client = &pool.config.client;
    if params.client_id.as_deref() != Some(client.id.as_str()) {
        return Err(Rejection::Page("Invalid client_id: no such app client."));
    }
    let Some(redirect_uri) = params
        .redirect_uri
        .clone()
        .filter(|r| client.callback_urls.contains(r))
    else {
        return Err(Rejection::Page(
            "redirect_mismatch: the redirect_uri is not registered for this app client.",
        ));
    };
    let back = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(state) = params.state.as_deref() {
            pairs.push(("state", state));
        }
        Err(Rejection::Back(with_query(&redirect_uri, &pairs)))
    };
    if params.response_type.as_deref() != Some("code") {
        return back(
            "unsupported_response_type",
            "only the authorization code flow is enabled",
        );
    }
    let scope = params.scope.clone().unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if !scopes.contains(&"openid")
        || scopes
            .iter()
            .any(|s| !client.allowed_scopes.iter().any(|a| a == s))
    {
        return back(
            "invalid_scope",
            "scope must include openid and only allowed scopes",
        );
    }
    let Some(code_challenge) = params
        .code_challenge
        .clone()
        .filter(|c| (43..=128).contains(&c.len()))
    else {
        return back("invalid_request", "code_challenge is required (PKCE)");
    };
    if params.code_challenge_method.as_deref() != Some("S256") {
        return back("invalid_request", "code_challenge_method must be S256");
    }
    Ok(Valid {
        redirect_uri,
        state: params.state.clone(),
        scope: scopes.join(" "),
        code_challenge,
        nonce: params.nonce.clone(),
    })
}

/// The hosted-UI session's user, if the browser has a live one.
fn session_user(pool: &Pool, headers: &HeaderMap) -> Option<String> {
    let id = cookie(headers, SESSION_COOKIE)?;
    let store = pool.store();
    let session = store.sessions.get(&id)?;
    let user = store.users.get(&session.username)?;
    (user.enabled
        && user.status == UserStatus::Confirmed
        && user.sign_out_epoch == session.sign_out_epoch)
        .then(|| user.username.clone())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Issues a code for `username` and sends the browser back to the client.
fn issue_code(pool: &Pool, username: &str, valid: &Valid, auth_time: i64) -> Response {
    let code = random_token();
    let mut store = pool.store();
    store.sweep(now());
    store.codes.insert(
        code.clone(),
        AuthCode {
            client_id: pool.config.client.id.clone(),
            redirect_uri: valid.redirect_uri.clone(),
            username: username.to_owned(),
            code_challenge: valid.code_challenge.clone(),
            nonce: valid.nonce.clone(),
            scope: valid.scope.clone(),
            auth_time,
            expires: now() + pool.config.tokens.auth_code_seconds,
        },
    );
    store.save();
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = valid.state.as_deref() {
        pairs.push(("state", state));
    }
    found(&with_query(&valid.redirect_uri, &pairs))
}

/// Signs the browser in (a hosted-UI session cookie) and issues a code.
fn complete_sign_in(pool: &Pool, username: &str, valid: &Valid) -> Response {
    let session_id = random_token();
    let auth_time = now();
    {
        let mut store = pool.store();
        let epoch = store
            .users
            .get(username)
            .map(|u| u.sign_out_epoch)
            .unwrap_or_default();
        store.sessions.insert(
            session_id.clone(),
            HostedSession {
                username: username.to_owned(),
                sign_out_epoch: epoch,
                auth_time,
            },
        );
    }
    let mut response = issue_code(pool, username, valid, auth_time);
    let cookie = format!("{SESSION_COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax");
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("a plain cookie"),
    );
    response
}

/// `GET /oauth2/authorize`: straight back with a code if the browser is
/// signed in to the hosted UI, otherwise to the sign-in page.
pub async fn authorize(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let valid = match validate(&pool, &params) {
        Ok(valid) => valid,
        Err(rejection) => return rejection.into_response(),
    };
    if let Some(username) = session_user(&pool, &headers) {
        let auth_time = {
            let store = pool.store();
            cookie(&headers, SESSION_COOKIE)
                .and_then(|id| store.sessions.get(&id).map(|s| s.auth_time))
                .unwrap_or_else(now)
        };
        return issue_code(&pool, &username, &valid, auth_time);
    }
    let pairs = params.pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    found(&with_query("/login", &pairs))
}

/// The sign-in form with a fresh CSRF token and its cookie.
fn fresh_sign_in(params: &AuthorizeParams, status: StatusCode, error: Option<&str>) -> Response {
    let token = random_token();
    let mut response = (status, Html(pages::sign_in(params, &token, "", error))).into_response();
    let cookie = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("a plain cookie"),
    );
    response
}

/// Whether a posted form's token matches the browser's CSRF cookie.
fn csrf_ok(headers: &HeaderMap, posted: &str) -> bool {
    cookie(headers, CSRF_COOKIE).is_some_and(|expected| !posted.is_empty() && expected == posted)
}

const CSRF_EXPIRED: &str = "This sign-in page has expired. Please try again.";

/// What every posted hosted-UI form passes first: a valid authorize request,
/// and the CSRF token of the page it came from.
fn check_post(
    pool: &Pool,
    headers: &HeaderMap,
    params: &AuthorizeParams,
    csrf: &str,
) -> Result<Valid, Box<Response>> {
    let valid = validate(pool, params).map_err(|rejection| Box::new(rejection.into_response()))?;
    if !csrf_ok(headers, csrf) {
        return Err(Box::new(fresh_sign_in(
            params,
            StatusCode::FORBIDDEN,
            Some(CSRF_EXPIRED),
        )));
    }
    Ok(valid)
}

/// `GET /login`: the sign-in form.
pub async fn login_page(
    State(pool): State<SharedPool>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if let Err(rejection) = validate(&pool, &params) {
        return rejection.into_response();
    }
    fresh_sign_in(&params, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: checks the credentials.
pub async fn login(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let valid = match check_post(&pool, &headers, &form.params, &form.csrf) {
        Ok(valid) => valid,
        Err(response) => return *response,
    };
    let refuse = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            Html(pages::sign_in(
                &form.params,
                &form.csrf,
                &form.username,
                Some(message),
            )),
        )
            .into_response()
    };
    let user = pool.store().find_user(form.username.trim()).cloned();
    // One message for an unknown user and a wrong password.
    let Some(user) = user.filter(|u| u.password.matches(&form.password)) else {
        return refuse("Incorrect username or password.");
    };
    if !user.enabled {
        return refuse("User is disabled.");
    }
    match user.status {
        UserStatus::Confirmed => complete_sign_in(&pool, &user.username, &valid),
        UserStatus::ForceChangePassword => {
            if user.temporary_password_expires.is_some_and(|t| t <= now()) {
                return refuse(
                    "Temporary password has expired and must be reset by an administrator.",
                );
            }
            let challenge = random_token();
            pool.store().challenges.insert(
                challenge.clone(),
                (user.username.clone(), now() + CHALLENGE_SECONDS),
            );
            Html(pages::new_password(
                &form.params,
                &form.csrf,
                &challenge,
                None,
            ))
            .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /login/new-password`: the first sign-in of an invited user.
pub async fn new_password(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let valid = match check_post(&pool, &headers, &form.params, &form.csrf) {
        Ok(valid) => valid,
        Err(response) => return *response,
    };
    let again = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            Html(pages::new_password(
                &form.params,
                &form.csrf,
                &form.challenge,
                Some(message),
            )),
        )
            .into_response()
    };
    let username = {
        let store = pool.store();
        match store.challenges.get(&form.challenge) {
            Some((username, expires)) if *expires > now() => username.clone(),
            _ => {
                drop(store);
                return fresh_sign_in(
                    &form.params,
                    StatusCode::BAD_REQUEST,
                    Some("Your session has expired. Sign in again."),
                );
            }
        }
    };
    if form.new_password != form.confirm_password {
        return again("The passwords do not match.");
    }
    if let Err(message) =
        password::check_policy(&form.new_password, pool.config.policy.password_min_length)
    {
        return again(&message);
    }
    {
        let mut store = pool.store();
        store.challenges.remove(&form.challenge);
        let Some(user) = store.users.get_mut(&username).filter(|u| u.enabled) else {
            drop(store);
            return error_page(StatusCode::BAD_REQUEST, "User is disabled.");
        };
        user.password = password::Hash::new(&form.new_password);
        user.status = UserStatus::Confirmed;
        user.temporary_password_expires = None;
        user.modified = now();
        store.save();
    }
    complete_sign_in(&pool, &username, &valid)
}

#[derive(Deserialize)]
pub struct LogoutParams {
    client_id: Option<String>,
    logout_uri: Option<String>,
}

/// `GET /logout?client_id=…&logout_uri=…`: ends the hosted-UI session and
/// returns to a registered sign-out URL. Anything else is an error page.
pub async fn logout(
    State(pool): State<SharedPool>,
    headers: HeaderMap,
    Query(params): Query<LogoutParams>,
) -> Response {
    let client = &pool.config.client;
    if params.client_id.as_deref() != Some(client.id.as_str()) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Invalid client_id: no such app client.",
        );
    }
    let Some(logout_uri) = params.logout_uri.filter(|u| client.logout_urls.contains(u)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The logout_uri is not registered for this app client.",
        );
    };
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        let mut store = pool.store();
        store.sessions.remove(&id);
        store.save();
    }
    let mut response = found(&logout_uri);
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&expired).expect("a plain cookie"),
    );
    response
}
