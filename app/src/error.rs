//! The error every server function returns: what went wrong, in words a page
//! can show, without internals.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in caller (never signed in, or the session ended).
    #[error("Your session has ended. Sign in again to continue.")]
    Unauthorized,
    #[error("Your role does not allow this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Bad input; the message says which field and why.
    #[error("{0}")]
    Invalid(String),
    #[error("The service is temporarily unavailable. Try again in a moment.")]
    Unavailable,
    /// Anything else. Details are in the server log, under the request id.
    #[error("Something went wrong on our side. Try again.")]
    Internal,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A request that never reached the server, or a reply that did not
            // arrive: most often the network.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable,
            // Arguments the server could not read: a hand-made request.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Invalid("The request was malformed.".into())
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        use crate::db::DbError;
        use http::StatusCode;
        let (status, app_error) = match error {
            DbError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable),
            DbError::Forbidden(_) => (StatusCode::FORBIDDEN, AppError::Forbidden),
            other => {
                tracing::error!(error = %other, "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
            }
        };
        // Inside a server function, the response says it too.
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        app_error
    }
}
