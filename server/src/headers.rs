//! Security headers set on every response, errors and 404s included.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The layers that add the headers. Each sets its header only where the
/// handler did not, so a route can choose its own.
pub fn layers() -> [SetResponseHeaderLayer<HeaderValue>; 3] {
    [
        fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // The sign-in callback's URL carries a code: never send it elsewhere.
        fixed(header::REFERRER_POLICY, "same-origin"),
        fixed(header::X_FRAME_OPTIONS, "DENY"),
    ]
}

fn fixed(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
