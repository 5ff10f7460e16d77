//! Cross-site request refusal (SECURITY.md 21). Leptos server functions and
//! plain form posts do no Origin check of their own, and the session cookie
//! is SameSite=Lax, so every request that can change state — anything but
//! GET, HEAD and OPTIONS — must come from this app's own pages.
//!
//! Browsers say where a request comes from in `Sec-Fetch-Site`; older ones
//! send only `Origin`. A request with neither is refused too: no page of ours
//! sends one, and a client that is not a browser has no session to ride on.
//! Server functions (`/api/…`) take POST only, so none has a GET encoding.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The app's own origin, as browsers write it in `Origin`.
#[derive(Clone)]
pub struct AllowedOrigin(pub Arc<str>);

pub async fn same_origin(
    State(origin): State<AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    // Server functions are POST only. Leptos would route a server function
    // declared with a GET encoding at its own method, past the check below.
    if request.uri().path().starts_with("/api/") && request.method() != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "Server functions take POST only.",
        )
            .into_response();
    }
    if is_safe(request.method()) || is_same_origin(&request, &origin.0) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = %request.uri().path(),
        "cross-site request refused"
    );
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_origin(request: &Request, origin: &str) -> bool {
    let headers = request.headers();
    match headers.get("sec-fetch-site") {
        Some(site) => site.as_bytes() == b"same-origin",
        None => headers
            .get(header::ORIGIN)
            .is_some_and(|value| value.as_bytes() == origin.as_bytes()),
    }
}
