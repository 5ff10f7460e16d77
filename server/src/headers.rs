//! Headers on every response, errors and 404s included (SECURITY.md 23, 28):
//! a Content-Security-Policy with a fresh nonce for the hydration scripts,
//! nosniff, Referrer-Policy, frame refusal, HSTS over HTTPS, and
//! `Cache-Control: private, no-store` on everything but the static files.

use app::CspNonce;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The fixed headers. Each is set only where the handler did not set it.
pub fn layers(https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let mut layers = vec![
        fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // The sign-in callback's URL carries a code: never send it elsewhere.
        fixed(header::REFERRER_POLICY, "same-origin"),
        fixed(header::X_FRAME_OPTIONS, "DENY"),
    ];
    if https {
        layers.push(fixed(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    layers
}

fn fixed(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// What the policy allows beyond this origin.
#[derive(Clone)]
pub struct CspSources {
    /// Where forms may post to: the sign-out form's redirect goes to the
    /// hosted UI, and Chromium checks `form-action` on redirects too.
    pub hosted_ui_origin: Arc<str>,
    /// `cargo leptos watch`'s live-reload socket, in development only.
    pub reload_socket: Option<Arc<str>>,
}

/// Makes a nonce for this response, hands it to the page renderer through
/// the request's extensions, and sets the policy naming it. Also marks every
/// response but the static files `private, no-store`: pages and server
/// functions show one tenant's data to one user.
pub async fn csp_and_caching(
    State(sources): State<CspSources>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = new_nonce();
    let static_file = request.uri().path().starts_with("/pkg/");
    request
        .extensions_mut()
        .insert(CspNonce(Arc::from(nonce.as_str())));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let connect = match &sources.reload_socket {
        Some(socket) => format!("'self' {socket}"),
        None => "'self'".to_owned(),
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; \
         form-action 'self' {form}; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
        form = sources.hosted_ui_origin,
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if !static_file && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// 128 random bits (base64url, which CSP accepts): unguessable per response.
fn new_nonce() -> String {
    oauth2::CsrfToken::new_random().secret().clone()
}
