//! Where a server function's answer gets its final shape: an error's HTTP
//! status, and a redirect without a body.
//!
//! Leptos answers every error with 500 and the `AppError` as JSON; this sets
//! the status from `AppError::status()`, so a kind of error and its status
//! cannot disagree. A plain form post (no JavaScript) is answered with a
//! redirect back to the page instead, which keeps its status and loses its
//! body: Leptos puts the function's answer there, which the browser never
//! shows, and which for a new API key is its secret.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are a few hundred bytes; anything bigger is not ours.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware for every route: on `/api/*` responses, sets the status of a
/// server function's error from `AppError::status()`, and empties a
/// redirect's body.
pub async fn answers(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_fn {
        response
    } else if response.status().is_redirection() {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        Response::from_parts(parts, Body::empty())
    } else {
        with_error_status(response).await
    }
}

async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        tracing::error!("could not read a server function's error response");
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}
