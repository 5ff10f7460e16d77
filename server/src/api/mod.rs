//! `/api/v1`: the tenant-scoped JSON API for integrations.
//!
//! - [`bearer`]: the caller, from an API key or a Cognito access token —
//!   never from a cookie, a query or a body;
//! - [`routes`]: the handlers, each calling the same `app::service`
//!   function as the browser's server function;
//! - [`types`]: what goes over the wire; [`problem`]: errors as RFC 9457
//!   problems; [`extract`]: extractors that refuse with problems;
//! - [`ApiDoc`]: the OpenAPI 3.1 document, generated from the handlers and
//!   types, served at `/api/v1/openapi.json`.
//!
//! Limits: a rate limit per credential (an API key, or a member's `sub`),
//! answered 429 with `Retry-After`; before it, a limit on failed
//! authentications per client network ([`failures`]); a body limit; a
//! timeout per request.

mod bearer;
mod extract;
pub mod failures;
pub mod problem;
mod routes;
pub mod types;

use crate::auth::Auth;
use app::identity::{Credential, SignedIn};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{any, get, patch, post};
use problem::Problem;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tower_governor::GovernorLayer;
use tower_governor::errors::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The largest JSON body accepted: a project with the longest description
/// (4,000 characters of up to four bytes each, escaped) with room to spare.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How many requests one credential may make: a burst, then one more per
/// interval (`API_RATE_LIMIT_BURST` and `API_RATE_LIMIT_PER_SECOND`).
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub burst: u32,
    pub every: Duration,
}

/// The API's limits on callers.
#[derive(Clone, Debug)]
pub struct Limits {
    pub per_credential: RateLimit,
    pub failures: failures::FailureLimit,
    /// `TRUSTED_PROXIES`: see [`crate::client_addr`].
    pub trusted_proxies: crate::client_addr::TrustedProxies,
    /// How long one request may take before it is answered 503 and dropped
    /// (its transaction, not committed, rolls back): `API_TIMEOUT_MS`.
    pub timeout: Duration,
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "SaaS API",
        version = "1",
        description = "Your organisation's projects, tasks, members and audit log. \
            Authenticate with `Authorization: Bearer` and a tenant API key (`saas_…`, \
            made by an Admin under Settings → API keys) or a Cognito access token."
    ),
    paths(
        routes::list_projects,
        routes::get_project,
        routes::create_project,
        routes::patch_project,
        routes::create_task,
        routes::patch_task,
        routes::list_members,
        routes::list_audit,
    ),
    modifiers(&Bearer),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

/// The bearer security scheme every operation uses.
struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A tenant API key (`saas_…`) or a Cognito access token.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's router: every route is under `/api/v1`.
pub fn router(auth: Auth, limits: Limits) -> Router {
    let db = auth.db.clone();
    let governor = GovernorConfigBuilder::default()
        .period(limits.per_credential.every)
        .burst_size(limits.per_credential.burst)
        .key_extractor(ByCredential)
        .finish()
        .expect("a rate limit with a non-zero period and burst");
    let limiter = governor.limiter().clone();
    let failures = Arc::new(failures::Failures::new(limits.failures));
    // Forget credentials and networks that have not called for a while, so
    // the limiters' maps do not grow with every key and address ever seen.
    tokio::spawn({
        let failures = failures.clone();
        async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                limiter.retain_recent();
                failures.forget_old();
            }
        }
    });
    let gate = bearer::Gate {
        auth,
        failures,
        trusted_proxies: limits.trusted_proxies,
    };
    // Whole paths, merged rather than nested: a nested router's `/` is
    // the prefix without its slash, and `/api/v1/` would fall to the server
    // functions' `/api/{*fn_name}`.
    let authenticated = Router::new()
        .route(
            "/api/v1/projects",
            get(routes::list_projects).post(routes::create_project),
        )
        .route(
            "/api/v1/projects/{id}",
            get(routes::get_project).patch(routes::patch_project),
        )
        .route("/api/v1/projects/{id}/tasks", post(routes::create_task))
        .route("/api/v1/tasks/{id}", patch(routes::patch_task))
        .route("/api/v1/members", get(routes::list_members))
        .route("/api/v1/audit", get(routes::list_audit))
        // Unknown paths under the prefix, and the prefix itself, are ours:
        // answered with a problem, not the browser's HTML page.
        .route("/api/v1", any(routes::not_found))
        .route("/api/v1/", any(routes::not_found))
        .route("/api/v1/{*rest}", any(routes::not_found))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(GovernorLayer::new(governor).error_handler(too_many))
        .layer(middleware::from_fn_with_state(gate, bearer::authenticate))
        .with_state(db);
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .merge(authenticated)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(limits.timeout, deadline))
        // One tenant's data for one caller: never stored by a cache
        // (SECURITY.md 28). JSON runs no script, loads nothing and is framed
        // nowhere (SECURITY.md 23).
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
}

/// Answers 503 — a problem, like every error here — once a request has
/// taken `timeout`, and drops it.
async fn deadline(
    State(timeout): State<Duration>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            // The request's span (`startup::with_request_ids`) names the path.
            tracing::warn!(
                timeout_ms = timeout.as_millis() as u64,
                "API request timed out"
            );
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The request took too long and was stopped. Try again.",
            )
            .into_response()
        }
    }
}

/// The document, built and serialised once: it is the same for every
/// caller and every request.
async fn openapi() -> impl IntoResponse {
    static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOCUMENT.as_str(),
    )
}

/// The rate limit's key: the API key, or the member's `sub`.
#[derive(Clone, Copy, Debug)]
struct ByCredential;

impl KeyExtractor for ByCredential {
    type Key = String;

    fn extract<T>(&self, request: &Request<T>) -> Result<String, GovernorError> {
        let caller = request
            .extensions()
            .get::<SignedIn>()
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(match caller.credential {
            Credential::ApiKey(key) => format!("key:{key}"),
            _ => format!("sub:{}", caller.identity.sub()),
        })
    }
}

fn too_many(error: GovernorError) -> axum::response::Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            tracing::info!(wait_time, "rate limited");
            Problem {
                retry_after: Some(wait_time.max(1)),
                ..Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many requests with this credential. Wait, then try again.",
                )
            }
            .into_response()
        }
        other => {
            tracing::error!(error = %other, "rate limiter failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
            .into_response()
        }
    }
}
