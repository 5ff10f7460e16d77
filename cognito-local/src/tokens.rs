//! ID and access tokens shaped like Cognito's, and the checks the pool makes
//! on access tokens presented back to it.

use crate::Pool;
use crate::store::{User, now};
use serde_json::{Map, Value, json};

/// What the token endpoint hands out.
pub struct Issued {
    pub id_token: String,
    pub access_token: String,
    pub expires_in: i64,
}

/// The parts of a sign-in that shape its tokens.
pub struct Grant<'a> {
    pub client_id: &'a str,
    pub scope: &'a str,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    /// Shared by every token descended from one sign-in (Cognito's origin_jti).
    pub origin_jti: &'a str,
}

pub fn issue(pool: &Pool, user: &User, grant: &Grant<'_>) -> Issued {
    let iat = now();
    let issuer = pool.issuer();
    let event_id = uuid::Uuid::new_v4().to_string();
    let groups: Vec<&String> = user.groups.iter().collect();
    let tokens = &pool.config.tokens;

    let mut id = Map::new();
    id.insert("sub".into(), json!(user.sub));
    if !groups.is_empty() {
        // Absent, not empty, when the user is in no group: as Cognito does.
        id.insert("cognito:groups".into(), json!(groups));
    }
    id.insert("iss".into(), json!(issuer));
    id.insert("cognito:username".into(), json!(user.username));
    id.insert("origin_jti".into(), json!(grant.origin_jti));
    id.insert("aud".into(), json!(grant.client_id));
    id.insert("event_id".into(), json!(event_id));
    id.insert("token_use".into(), json!("id"));
    id.insert("auth_time".into(), json!(grant.auth_time));
    id.insert("exp".into(), json!(iat + tokens.id_token_minutes * 60));
    id.insert("iat".into(), json!(iat));
    id.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    if let Some(nonce) = grant.nonce {
        id.insert("nonce".into(), json!(nonce));
    }
    // Only the attributes the app client may read.
    for name in &pool.config.client.read_attributes {
        let Some(value) = user.attributes.get(name) else {
            continue;
        };
        let value = if name == "email_verified" {
            json!(value == "true")
        } else {
            json!(value)
        };
        id.insert(name.clone(), value);
    }

    let mut access = Map::new();
    access.insert("sub".into(), json!(user.sub));
    if !groups.is_empty() {
        access.insert("cognito:groups".into(), json!(groups));
    }
    access.insert("iss".into(), json!(issuer));
    access.insert("version".into(), json!(2));
    access.insert("client_id".into(), json!(grant.client_id));
    access.insert("origin_jti".into(), json!(grant.origin_jti));
    access.insert("event_id".into(), json!(event_id));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!(grant.scope));
    access.insert("auth_time".into(), json!(grant.auth_time));
    access.insert("exp".into(), json!(iat + tokens.access_token_minutes * 60));
    access.insert("iat".into(), json!(iat));
    access.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    access.insert("username".into(), json!(user.username));

    let keys = pool.keys();
    Issued {
        id_token: keys.sign(&Value::Object(id)),
        access_token: keys.sign(&Value::Object(access)),
        expires_in: tokens.access_token_minutes * 60,
    }
}

/// Why an access token presented to the pool was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AccessTokenError {
    Invalid,
    Expired,
    Revoked,
}

/// The username an access token speaks for, if the pool issued it, it is an
/// access token, it has not expired, and it was not revoked by a global
/// sign-out, a revoke or the user's removal or disabling.
pub fn check_access_token(pool: &Pool, token: &str) -> Result<String, AccessTokenError> {
    let claims = pool.keys().verify(token).ok_or(AccessTokenError::Invalid)?;
    if claims["token_use"] != "access" || claims["iss"] != pool.issuer().as_str() {
        return Err(AccessTokenError::Invalid);
    }
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now()) {
        return Err(AccessTokenError::Expired);
    }
    let username = claims["username"]
        .as_str()
        .ok_or(AccessTokenError::Invalid)?;
    let origin = claims["origin_jti"].as_str().unwrap_or_default();
    let store = pool.store();
    let user = store.users.get(username).ok_or(AccessTokenError::Revoked)?;
    if !user.enabled || store.revoked_origins.contains(origin) {
        return Err(AccessTokenError::Revoked);
    }
    Ok(username.to_owned())
}
