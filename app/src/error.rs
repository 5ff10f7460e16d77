//! The error every server function returns: what went wrong, in words a page
//! can show, without internals — and, in one table ([`AppError::status`]),
//! the HTTP status each kind of error is answered with.
//!
//! On the server, the lower layers' errors become an `AppError` through the
//! `From` impls below, which is also where an unexpected one is logged, once,
//! with its whole chain of causes.

use crate::policy::Refusal;
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
    /// Refused by one of the member-management rules.
    #[error("{0}")]
    Refused(Refusal),
    #[error("Not found.")]
    NotFound,
    /// Bad input: the message says why, and `field` names the form field it
    /// belongs next to (`None` for the request as a whole).
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// The input is fine but already taken (an email in use), next to its
    /// field like `Invalid`.
    #[error("{message}")]
    Taken { field: String, message: String },
    /// A concurrent change got in the way; nothing was changed.
    #[error("Someone else was changing this at the same moment. Try again.")]
    Contended,
    #[error("The service is temporarily unavailable. Try again in a moment.")]
    Unavailable,
    /// Anything else. Details are in the server log, under the request id.
    #[error("Something went wrong on our side. Try again.")]
    Internal,
}

impl AppError {
    /// The HTTP status this error is answered with: the one table, applied
    /// to every server function's error response by the server.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::Refused(_) => 403,
            AppError::NotFound => 404,
            AppError::Taken { .. } | AppError::Contended => 409,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }

    /// Bad input for the form field `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The form field this error belongs next to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid {
                field: Some(field), ..
            }
            | AppError::Taken { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        (self.field() == Some(name)).then(|| self.to_string())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A request that never reached the server, or a reply that did not
            // arrive: most often the network.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable,
            // In the browser, an answer it cannot read is not the user's
            // fault: most often a proxy's error page in place of the
            // server's (a 502 or 504 while it restarts).
            ServerFnErrorErr::Deserialization(_) if cfg!(not(feature = "ssr")) => {
                AppError::Unavailable
            }
            // Arguments the server could not read: a hand-made request (400).
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => AppError::Invalid {
                field: None,
                message: "The request was malformed.".into(),
            },
            _ => AppError::Internal,
        }
    }
}

/// An error and its causes on one line, for logs: "a: b: c".
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(feature = "ssr")]
impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        use crate::db::DbError;
        match error {
            DbError::Unavailable(source) => {
                tracing::warn!(error = %chain(&source), "database unavailable");
                AppError::Unavailable
            }
            DbError::Forbidden(source) => {
                tracing::warn!(error = %chain(&source), "the database refused the statement");
                AppError::Forbidden
            }
            // What the next request would get: the session check ends the
            // session whose member row moved on.
            DbError::StaleCaller => AppError::Unauthorized,
            DbError::Contended(source) => {
                tracing::warn!(error = %chain(&source), "concurrent change; answered 409");
                AppError::Contended
            }
            other => {
                tracing::error!(error = %chain(&other), "unexpected database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::membership::MembershipError> for AppError {
    fn from(error: crate::membership::MembershipError) -> Self {
        use crate::directory::DirectoryError;
        use crate::membership::MembershipError;
        match error {
            MembershipError::Refused(refusal) => AppError::Refused(refusal),
            // The member, or their Cognito user, is not there (any more).
            MembershipError::NotFound | MembershipError::Directory(DirectoryError::NoSuchUser) => {
                AppError::NotFound
            }
            // One message whether the email is in this tenant or another.
            MembershipError::EmailTaken => AppError::Taken {
                field: "email".into(),
                message: "This email address cannot be added. If the person should join, \
                          ask them for another address or contact support."
                    .into(),
            },
            MembershipError::NoInvitation
            | MembershipError::Directory(DirectoryError::Accepted) => AppError::Invalid {
                field: None,
                message: "There is no pending invitation to send again: they have signed in \
                          already, or they are disabled."
                    .into(),
            },
            MembershipError::Directory(error) => {
                tracing::error!(error = %chain(&error), "Cognito admin call failed");
                AppError::Unavailable
            }
            MembershipError::Db(error) => error.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::organisation::OrgError> for AppError {
    fn from(error: crate::organisation::OrgError) -> Self {
        use crate::organisation::OrgError;
        let parent = |message: &str| AppError::invalid("parent", message);
        let whole = |message: &str| AppError::Invalid {
            field: None,
            message: message.into(),
        };
        match error {
            OrgError::Refused(refusal) => AppError::Refused(refusal),
            OrgError::NotFound => AppError::NotFound,
            OrgError::InactiveMember => {
                AppError::invalid("member", "Choose an active member of your organisation.")
            }
            OrgError::NameTaken => AppError::Taken {
                field: "name".into(),
                message: "A unit beside it already has this name.".into(),
            },
            OrgError::TooDeep => parent("A unit can be at most 8 levels below the organisation."),
            OrgError::Cycle => parent("A unit cannot move under itself or one of its own units."),
            OrgError::HasProjects => {
                whole("This unit still has projects. Move or delete them first.")
            }
            OrgError::HasSubUnits => {
                whole("This unit still has units under it. Move or delete them first.")
            }
            OrgError::Db(error) => error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status() {
        let refused = AppError::Refused(Refusal::LastAdmin);
        assert_eq!(refused.status(), 403);
        assert_eq!(refused.to_string(), Refusal::LastAdmin.to_string());
        assert_eq!(AppError::invalid("q", "bad").status(), 400);
        let taken = AppError::Taken {
            field: "email".into(),
            message: "taken".into(),
        };
        assert_eq!(taken.status(), 409);
        assert_eq!(taken.for_field("email").as_deref(), Some("taken"));
        assert_eq!(AppError::invalid("q", "bad").for_field("email"), None);
        let malformed = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(malformed.status(), 400);
        assert_eq!(malformed.field(), None);
    }

    #[test]
    fn a_chain_names_every_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let error = Outer(std::io::Error::other("root cause"));
        assert_eq!(chain(&error), "outer: root cause");
    }
}
