//! Errors from the database layer, classified for the layers above.

use thiserror::Error;

/// What went wrong in the database, in the terms callers act on. The
/// underlying `sqlx::Error` is kept as the source for logs; it never reaches
/// a response.
#[derive(Debug, Error)]
pub enum DbError {
    /// The database cannot be reached or the pool is exhausted: retry later.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// The database refused the statement for lack of privilege or by a
    /// row-level security check (SQLSTATE 42501).
    #[error("the database refused the operation")]
    Forbidden(#[source] sqlx::Error),
    /// A unique, exclusion, foreign-key or check constraint, by name, so
    /// callers can turn the ones they expect into a message for the person
    /// (a name taken, a unit that still has projects); any other stays an
    /// unexpected error.
    #[error("a constraint was violated: {constraint}")]
    Conflict {
        constraint: String,
        #[source]
        source: sqlx::Error,
    },
    /// The caller's member row no longer matches their session (a role
    /// change, a disable or a removal committed since the session was
    /// checked): the request must act as a signed-out one.
    #[error("the caller's membership changed")]
    StaleCaller,
    /// Another transaction got in the way: a serialization failure, a
    /// deadlock or a lock that could not be had. Nothing was changed; the
    /// same request may succeed if tried again.
    #[error("the database gave up on a conflicting concurrent change")]
    Contended(#[source] sqlx::Error),
    /// Anything else: a bug or an unexpected state.
    #[error("unexpected database error")]
    Other(#[source] sqlx::Error),
}

impl DbError {
    /// The constraint a `Conflict` names, if this is one.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            DbError::Conflict { constraint, .. } => Some(constraint),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => DbError::Unavailable(error),
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("42501") => DbError::Forbidden(error),
                // unique_violation, exclusion_violation, foreign_key_violation,
                // check_violation
                Some("23505") | Some("23P01") | Some("23503") | Some("23514") => {
                    DbError::Conflict {
                        constraint: db.constraint().unwrap_or_default().to_owned(),
                        source: error,
                    }
                }
                // serialization_failure, deadlock_detected, lock_not_available
                Some("40001") | Some("40P01") | Some("55P03") => DbError::Contended(error),
                // Class 08 (connection exceptions); too_many_connections;
                // admin_shutdown, crash_shutdown, cannot_connect_now (the
                // server is restarting).
                Some(code)
                    if code.starts_with("08")
                        || matches!(code, "53300" | "57P01" | "57P02" | "57P03") =>
                {
                    DbError::Unavailable(error)
                }
                _ => DbError::Other(error),
            },
            _ => DbError::Other(error),
        }
    }
}
