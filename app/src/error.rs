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
    /// Refused by a rule the message names (e.g. "You cannot change your
    /// own account.").
    #[error("{0}")]
    Refused(String),
    #[error("Not found.")]
    NotFound,
    /// Bad input: the message says why, and `field` names the form field it
    /// belongs next to (`None` for the request as a whole).
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// A concurrent change got in the way; nothing was changed.
    #[error("Someone else was changing this at the same moment. Try again.")]
    Contended,
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
                // On the server this is a request it could not read: 400,
                // not the 500 an error response gets by default.
                #[cfg(feature = "ssr")]
                set_status(http::StatusCode::BAD_REQUEST);
                AppError::Invalid {
                    field: None,
                    message: "The request was malformed.".into(),
                }
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
            // What the next request would get: the session check ends the
            // session whose member row moved on.
            DbError::StaleCaller => (StatusCode::UNAUTHORIZED, AppError::Unauthorized),
            DbError::Contended(source) => {
                tracing::warn!(error = %source, "concurrent change; answered 409");
                (StatusCode::CONFLICT, AppError::Contended)
            }
            other => {
                tracing::error!(error = %other, "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
            }
        };
        set_status(status);
        app_error
    }
}

impl AppError {
    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(field),
                message,
            } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

/// Sets the status of the server function's response, unless the call is a
/// plain form post (a browser without JavaScript): that one is answered with
/// a redirect back to the page, carrying the error in the URL for the page
/// to show, and an error status would turn the redirect into a bare error.
#[cfg(feature = "ssr")]
pub(crate) fn set_status(status: http::StatusCode) {
    use leptos::prelude::use_context;
    let plain_form_post = use_context::<http::request::Parts>().is_some_and(|request| {
        request.method == http::Method::POST
            && request
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    });
    if plain_form_post {
        return;
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
