//! The issued tokens, checked the way a relying party checks them: against
//! the published JWKS with an independent JWT library (jsonwebtoken), claim
//! by claim, in Cognito's shapes.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Value, json};

const TENANT: &str = "0b6f1a2c-3d4e-4f5a-8b9c-1d2e3f4a5b6c";

async fn get_json(pool: &cognito_local::SharedPool, uri: &str) -> Value {
    let reply = send(pool, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
    reply.json()
}

async fn jwks(pool: &cognito_local::SharedPool) -> JwkSet {
    let value = get_json(
        pool,
        &format!("/{}/.well-known/jwks.json", pool.config.pool_id),
    )
    .await;
    serde_json::from_value(value).unwrap()
}

/// Verifies `token` against the JWKS: RS256, the key by kid, the issuer, and
/// the audience when one is given.
async fn verify(pool: &cognito_local::SharedPool, token: &str, audience: Option<&str>) -> Value {
    let header = decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.expect("a kid");
    let jwks = jwks(pool).await;
    let jwk = jwks.find(&kid).expect("the kid is published");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[format!("{BASE}/{}", pool.config.pool_id)]);
    validation.leeway = 0;
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap_or_else(|e| panic!("token does not verify: {e}"))
        .claims
}

async fn tokens_for(
    pool: &cognito_local::SharedPool,
    email: &str,
    groups: &[&str],
) -> (String, Value) {
    let username = confirmed_user(pool, email, groups, TENANT).await;
    let (code, verifier) = sign_in(pool, &mut Browser::default(), email).await;
    let reply = exchange(pool, &code, &verifier).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    (username, reply.json())
}

#[tokio::test]
async fn discovery_names_the_issuer_endpoints_and_keys() {
    let pool = pool();
    let doc = get_json(
        &pool,
        &format!("/{}/.well-known/openid-configuration", pool.config.pool_id),
    )
    .await;
    let issuer = format!("{BASE}/{}", pool.config.pool_id);

    assert_eq!(doc["issuer"], issuer.as_str());
    assert_eq!(
        doc["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json").as_str()
    );
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{BASE}/oauth2/authorize").as_str()
    );
    assert_eq!(
        doc["token_endpoint"],
        format!("{BASE}/oauth2/token").as_str()
    );
    assert_eq!(
        doc["userinfo_endpoint"],
        format!("{BASE}/oauth2/userInfo").as_str()
    );
    assert_eq!(
        doc["revocation_endpoint"],
        format!("{BASE}/oauth2/revoke").as_str()
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    let keys = jwks(&pool).await;
    assert_eq!(keys.keys.len(), 1);
    assert!(keys.keys[0].common.key_id.is_some());
}

#[tokio::test]
async fn the_id_token_carries_cognitos_claims() {
    let pool = pool();
    let (username, tokens) = tokens_for(&pool, "ada@example.test", &["Member", "Admin"]).await;
    let client = pool.config.client.id.clone();

    let claims = verify(&pool, tokens["id_token"].as_str().unwrap(), Some(&client)).await;

    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["aud"], client.as_str());
    assert_eq!(claims["sub"], username.as_str());
    assert_eq!(claims["cognito:username"], username.as_str());
    assert_eq!(claims["email"], "ada@example.test");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["custom:tenant_id"], TENANT);
    assert_eq!(claims["cognito:groups"], json!(["Admin", "Member"]));
    assert_eq!(claims["nonce"], "nonce-456");
    for number in ["auth_time", "exp", "iat"] {
        assert!(claims[number].is_i64(), "{number}");
    }
    assert!(claims["exp"].as_i64() > claims["iat"].as_i64());
    for id in ["jti", "origin_jti", "event_id"] {
        assert!(
            uuid::Uuid::parse_str(claims[id].as_str().unwrap()).is_ok(),
            "{id}"
        );
    }
    assert!(claims.get("client_id").is_none() && claims.get("scope").is_none());
}

#[tokio::test]
async fn the_groups_claim_is_absent_for_a_user_in_no_group() {
    let pool = pool();
    let (_, tokens) = tokens_for(&pool, "solo@example.test", &[]).await;
    let client = pool.config.client.id.clone();

    let id = verify(&pool, tokens["id_token"].as_str().unwrap(), Some(&client)).await;
    let access = verify(&pool, tokens["access_token"].as_str().unwrap(), None).await;

    assert!(id.get("cognito:groups").is_none(), "{id}");
    assert!(access.get("cognito:groups").is_none(), "{access}");
}

#[tokio::test]
async fn the_access_token_carries_client_id_scope_and_username_but_no_audience() {
    let pool = pool();
    let (username, tokens) = tokens_for(&pool, "ada@example.test", &["ReadOnly"]).await;
    let id_claims = verify(
        &pool,
        tokens["id_token"].as_str().unwrap(),
        Some(&pool.config.client.id),
    )
    .await;

    let claims = verify(&pool, tokens["access_token"].as_str().unwrap(), None).await;

    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["client_id"], pool.config.client.id.as_str());
    assert_eq!(claims["scope"], "openid email");
    assert_eq!(claims["username"], username.as_str());
    assert_eq!(claims["sub"], username.as_str());
    assert_eq!(claims["cognito:groups"], json!(["ReadOnly"]));
    assert!(claims.get("aud").is_none());
    assert_eq!(
        claims["origin_jti"], id_claims["origin_jti"],
        "one sign-in, one origin"
    );
    assert!(
        claims.get("custom:tenant_id").is_none(),
        "attributes ride in the ID token only"
    );
    // Exactly the claims a real Cognito access token has.
    let mut names: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "auth_time",
            "client_id",
            "cognito:groups",
            "event_id",
            "exp",
            "iat",
            "iss",
            "jti",
            "origin_jti",
            "scope",
            "sub",
            "token_use",
            "username",
            "version",
        ]
    );
    assert_eq!(claims["iss"], pool.issuer().as_str());
    assert_eq!(claims["event_id"], id_claims["event_id"]);
    assert_ne!(claims["jti"], id_claims["jti"]);
    assert!(claims["iat"].as_i64().unwrap() < claims["exp"].as_i64().unwrap());
    assert!(claims["auth_time"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap());
}

#[tokio::test]
async fn attributes_the_client_may_not_read_stay_out_of_the_id_token() {
    let mut config = config();
    config
        .client
        .read_attributes
        .retain(|a| a != "custom:tenant_id");
    let pool = pool_with(config);
    let (_, tokens) = tokens_for(&pool, "ada@example.test", &["Member"]).await;

    let claims = verify(
        &pool,
        tokens["id_token"].as_str().unwrap(),
        Some(&pool.config.client.id),
    )
    .await;

    assert!(claims.get("custom:tenant_id").is_none());
}

#[tokio::test]
async fn after_a_key_rotation_new_tokens_use_the_new_key_and_old_ones_still_verify() {
    let pool = pool();
    let (_, before) = tokens_for(&pool, "ada@example.test", &["Member"]).await;
    let old_kid = decode_header(before["id_token"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();

    let rotated = send(
        &pool,
        Request::post("/_dev/rotate-keys")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let (code, verifier) = sign_in(&pool, &mut Browser::default(), "ada@example.test").await;
    let after = exchange(&pool, &code, &verifier).await.json();
    let new_kid = decode_header(after["id_token"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();

    assert_eq!(rotated["kid"], new_kid.as_str());
    assert_ne!(old_kid, new_kid);
    let client = pool.config.client.id.clone();
    verify(&pool, before["id_token"].as_str().unwrap(), Some(&client)).await;
    verify(&pool, after["id_token"].as_str().unwrap(), Some(&client)).await;
    assert_eq!(jwks(&pool).await.keys.len(), 2);
}

#[tokio::test]
async fn a_token_with_a_changed_claim_fails_verification() {
    use base64::Engine;
    let pool = pool();
    let (_, tokens) = tokens_for(&pool, "ada@example.test", &["Member"]).await;
    let token = tokens["id_token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    claims["custom:tenant_id"] = json!("ffffffff-ffff-4fff-8fff-ffffffffffff");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(claims.to_string()),
        parts[2]
    );

    let jwks = jwks(&pool).await;
    let kid = decode_header(&forged).unwrap().kid.unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&pool.config.client.id]);
    let outcome = decode::<Value>(
        &forged,
        &DecodingKey::from_jwk(jwks.find(&kid).unwrap()).unwrap(),
        &validation,
    );

    assert!(outcome.is_err());
}
