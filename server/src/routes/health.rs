//! `GET /healthz`: whether this instance can serve, database included;
//! `GET /livez`: whether the process answers at all.

use app::db::Db;
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use serde_json::json;

/// 200 when the database answers, 503 when it does not, so a load balancer
/// takes the instance out until it does.
pub async fn healthz(State(db): State<Db>) -> impl IntoResponse {
    let (status, body) = match db.ping().await {
        Ok(()) => (StatusCode::OK, json!({ "status": "ok", "database": "ok" })),
        Err(error) => {
            tracing::warn!(error = %app::error::chain(&error), "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "unreachable" }),
            )
        }
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body))
}

/// 200 while the process answers, whatever the database does: a liveness
/// probe that restarts instances must not restart them all because Postgres
/// is down (that is what `/healthz` reports). No session, no database: the
/// cheapest request the server answers, the floor of the load figures.
pub async fn livez() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "status": "ok" })),
    )
}
