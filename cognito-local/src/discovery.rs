//! OIDC discovery and the JWKS, under the issuer path.

use crate::SharedPool;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub async fn openid_configuration(State(pool): State<SharedPool>) -> Json<Value> {
    let base = &pool.base_url;
    let issuer = pool.issuer();
    Json(json!({
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "end_session_endpoint": format!("{base}/logout"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "scopes_supported": pool.config.client.allowed_scopes,
        "subject_types_supported": ["public"],
        "token_endpoint": format!("{base}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "code_challenge_methods_supported": ["S256"],
    }))
}

pub async fn jwks(State(pool): State<SharedPool>) -> Json<Value> {
    Json(pool.keys().jwks())
}
