//! Developer endpoints that a real pool does not have: the outbox of
//! invitations (where Cognito would send email), key rotation, and failures
//! on demand.

use crate::SharedPool;
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct OutboxQuery {
    /// Only messages to this address (case-insensitive).
    to: Option<String>,
}

/// `GET /_dev/outbox[?to=email]`: the invitations sent, oldest first.
pub async fn outbox(
    State(pool): State<SharedPool>,
    Query(query): Query<OutboxQuery>,
) -> Json<Value> {
    let store = pool.store();
    let messages: Vec<_> = store
        .outbox
        .iter()
        .filter(|m| {
            query
                .to
                .as_deref()
                .is_none_or(|to| m.to.eq_ignore_ascii_case(to))
        })
        .collect();
    Json(json!({ "messages": messages }))
}

/// `POST /_dev/rotate-keys`: a new signing key; the previous one stays in the
/// JWKS until the next rotation.
pub async fn rotate_keys(State(pool): State<SharedPool>) -> Json<Value> {
    Json(json!({ "kid": pool.rotate_keys() }))
}

#[derive(Deserialize)]
pub struct FailQuery {
    operation: String,
}

/// `POST /_dev/fail-next?operation=AdminAddUserToGroup`: that admin call
/// fails once, with Cognito's `InternalErrorException`.
pub async fn fail_next(
    State(pool): State<SharedPool>,
    Query(query): Query<FailQuery>,
) -> Json<Value> {
    pool.fail_next(&query.operation);
    Json(json!({ "fails_next": query.operation }))
}
