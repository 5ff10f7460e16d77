//! ID token verification against the local Cognito stand-in's JWKS: a good
//! token passes, and each attack of SECURITY.md items 11–13 fails.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cognito_local::config::PoolConfig;
use cognito_local::{Pool, SharedPool};
use serde_json::{Value, json};
use server::auth::http_client;
use server::auth::verifier::{IdTokenVerifier, VerifyError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

struct Idp {
    pool: SharedPool,
    issuer: String,
    jwks_fetches: Arc<AtomicUsize>,
    /// While set, the JWKS endpoint answers 503.
    jwks_down: Arc<AtomicBool>,
}

/// The stand-in on a real socket, counting requests for its JWKS.
async fn idp() -> Idp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cognito-local/pool.toml");
    let pool = Pool::open(PoolConfig::load(&path).unwrap(), base, None).unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let down = Arc::new(AtomicBool::new(false));
    let (counter, outage) = (fetches.clone(), down.clone());
    let router = cognito_local::router(pool.clone()).layer(middleware::from_fn(
        move |req: Request, next: Next| {
            let (counter, outage) = (counter.clone(), outage.clone());
            async move {
                if req.uri().path().ends_with("/jwks.json") {
                    counter.fetch_add(1, Ordering::SeqCst);
                    if outage.load(Ordering::SeqCst) {
                        return StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                }
                next.run(req).await
            }
        },
    ));
    tokio::spawn(axum::serve(listener, router).into_future());
    Idp {
        issuer: pool.issuer(),
        pool,
        jwks_fetches: fetches,
        jwks_down: down,
    }
}

impl Idp {
    fn verifier(&self) -> IdTokenVerifier {
        IdTokenVerifier::new(
            self.issuer.clone(),
            self.pool.config.client.id.clone(),
            format!("{}/.well-known/jwks.json", self.issuer),
            http_client(),
        )
    }

    /// ID token claims as the stand-in issues them, valid for an hour.
    fn claims(&self) -> Value {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        json!({
            "sub": "5f0c7a2e-8d3b-4c1a-9e6f-1a2b3c4d5e6f",
            "cognito:groups": ["Member"],
            "iss": self.issuer,
            "cognito:username": "5f0c7a2e-8d3b-4c1a-9e6f-1a2b3c4d5e6f",
            "origin_jti": "o", "event_id": "e", "jti": "j",
            "aud": self.pool.config.client.id,
            "token_use": "id",
            "auth_time": now, "iat": now, "exp": now + 3600,
            "email": "ada@example.test",
            "custom:tenant_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "nonce": "the-nonce",
        })
    }

    fn sign(&self, claims: &Value) -> String {
        self.pool.keys().sign(claims)
    }

    fn with(&self, change: impl FnOnce(&mut Value)) -> String {
        let mut claims = self.claims();
        change(&mut claims);
        self.sign(&claims)
    }
}

/// A token with any header, signed (or not) however the attacker likes.
fn forge(header: Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string()),
        B64.encode(signature)
    )
}

#[tokio::test]
async fn a_good_token_verifies_and_yields_its_claims() {
    let idp = idp().await;
    let claims = idp
        .verifier()
        .verify_sign_in(&idp.sign(&idp.claims()), "the-nonce")
        .await
        .unwrap();

    assert_eq!(claims.email.as_deref(), Some("ada@example.test"));
    assert_eq!(claims.groups, vec!["Member"]);
    assert_eq!(
        claims.tenant_id.as_deref(),
        Some("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    );
}

#[tokio::test]
async fn alg_none_and_hs256_are_refused() {
    let idp = idp().await;
    let verifier = idp.verifier();
    let kid = idp.pool.keys().keys()[0].kid.clone();
    let claims = idp.claims();

    let none = forge(json!({ "alg": "none", "kid": kid }), &claims, b"");
    // HS256 keyed with the public key's JWK text: the classic confusion attack.
    let public = idp.pool.keys().jwks().to_string();
    let hs256 = {
        use hmac::{Hmac, Mac};
        let header = json!({ "alg": "HS256", "kid": kid });
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(public.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", B64.encode(mac.finalize().into_bytes()))
    };

    let none = verifier.verify_sign_in(&none, "the-nonce").await;
    let hs256 = verifier.verify_sign_in(&hs256, "the-nonce").await;

    assert!(
        matches!(
            none,
            Err(VerifyError::Malformed | VerifyError::WrongAlgorithm)
        ),
        "{none:?}"
    );
    assert_eq!(hs256, Err(VerifyError::WrongAlgorithm));
}

#[tokio::test]
async fn a_tampered_payload_fails_the_signature() {
    let idp = idp().await;
    let token = idp.sign(&idp.claims());
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = idp.claims();
    claims["custom:tenant_id"] = json!("00000000-0000-4000-8000-000000000000");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(claims.to_string()),
        parts[2]
    );

    let outcome = idp.verifier().verify_sign_in(&tampered, "the-nonce").await;

    assert!(
        matches!(outcome, Err(VerifyError::Invalid(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn wrong_issuer_audience_or_token_use_is_refused() {
    let idp = idp().await;
    let verifier = idp.verifier();
    let cases = [
        (
            "issuer",
            idp.with(|c| c["iss"] = json!(format!("{}x", idp.issuer))),
        ),
        ("audience", idp.with(|c| c["aud"] = json!("another-client"))),
        (
            "no audience (an access token)",
            idp.with(|c| {
                c.as_object_mut().unwrap().remove("aud");
                c["token_use"] = json!("access");
            }),
        ),
    ];
    for (what, token) in cases {
        let outcome = verifier.verify_sign_in(&token, "the-nonce").await;
        assert!(
            matches!(outcome, Err(VerifyError::Invalid(_))),
            "{what}: {outcome:?}"
        );
    }
    let access = idp.with(|c| c["token_use"] = json!("access"));
    assert_eq!(
        verifier.verify_sign_in(&access, "the-nonce").await,
        Err(VerifyError::NotAnIdToken)
    );
}

#[tokio::test]
async fn an_expired_token_is_refused_beyond_a_small_leeway() {
    let idp = idp().await;
    let verifier = idp.verifier();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    let long_gone = idp.with(|c| c["exp"] = json!(now - 30));
    let just_now = idp.with(|c| c["exp"] = json!(now - 2));

    assert_eq!(
        verifier.verify_sign_in(&long_gone, "the-nonce").await,
        Err(VerifyError::Expired)
    );
    assert!(
        verifier
            .verify_sign_in(&just_now, "the-nonce")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn the_nonce_must_be_the_sign_ins_own() {
    let idp = idp().await;
    let verifier = idp.verifier();
    let token = idp.sign(&idp.claims());
    let without = idp.with(|c| {
        c.as_object_mut().unwrap().remove("nonce");
    });

    assert_eq!(
        verifier.verify_sign_in(&token, "another-nonce").await,
        Err(VerifyError::NonceMismatch)
    );
    assert_eq!(
        verifier.verify_sign_in(&without, "the-nonce").await,
        Err(VerifyError::NonceMismatch)
    );
    // A refreshed ID token has no nonce, and none is expected then.
    assert!(verifier.verify_refresh(&without).await.is_ok());
}

#[tokio::test]
async fn a_flood_of_unknown_kids_fetches_the_keys_at_most_once_per_interval() {
    let idp = idp().await;
    let verifier = Arc::new(idp.verifier());
    let claims = idp.claims();

    let mut tasks = Vec::new();
    for i in 0..50 {
        let verifier = verifier.clone();
        let token = forge(
            json!({ "alg": "RS256", "kid": format!("unknown-{i}") }),
            &claims,
            &[0u8; 256],
        );
        tasks.push(tokio::spawn(async move {
            verifier.verify_refresh(&token).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), Err(VerifyError::UnknownKey));
    }
    let missing_kid = forge(json!({ "alg": "RS256" }), &claims, &[0u8; 256]);
    assert_eq!(
        verifier.verify_refresh(&missing_kid).await,
        Err(VerifyError::UnknownKey)
    );

    assert_eq!(
        idp.jwks_fetches.load(Ordering::SeqCst),
        1,
        "one fetch for fifty unknown kids"
    );
    // A good token still verifies from the cache, with no further fetch.
    assert!(
        verifier
            .verify_sign_in(&idp.sign(&claims), "the-nonce")
            .await
            .is_ok()
    );
    assert_eq!(idp.jwks_fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn after_a_key_rotation_the_new_kid_is_fetched() {
    let idp = idp().await;
    let verifier = idp.verifier().with_refetch_interval(Duration::ZERO);
    assert!(
        verifier
            .verify_sign_in(&idp.sign(&idp.claims()), "the-nonce")
            .await
            .is_ok()
    );

    idp.pool.rotate_keys();
    let outcome = verifier
        .verify_sign_in(&idp.sign(&idp.claims()), "the-nonce")
        .await;

    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(idp.jwks_fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn keys_that_cannot_be_fetched_are_an_error_not_a_pass() {
    let idp = idp().await;
    let verifier = IdTokenVerifier::new(
        idp.issuer.clone(),
        idp.pool.config.client.id.clone(),
        "http://127.0.0.1:1/jwks.json".into(),
        http_client(),
    );

    let outcome = verifier
        .verify_sign_in(&idp.sign(&idp.claims()), "the-nonce")
        .await;

    assert!(
        matches!(outcome, Err(VerifyError::KeysUnavailable(_))),
        "{outcome:?}"
    );
}

/// The keys are fetched again once they are older than the max age: a key
/// the pool withdrew (two rotations later) stops verifying then, even for a
/// token signed before the withdrawal.
#[tokio::test]
async fn a_withdrawn_key_stops_verifying_once_the_cached_keys_expire() {
    let idp = idp().await;
    // Long enough for two RSA key generations.
    let max_age = Duration::from_secs(3);
    let verifier = idp
        .verifier()
        .with_refetch_interval(Duration::ZERO)
        .with_max_age(max_age);
    let old_token = idp.sign(&idp.claims());
    assert!(
        verifier
            .verify_sign_in(&old_token, "the-nonce")
            .await
            .is_ok()
    );
    let fetched = std::time::Instant::now();

    idp.pool.rotate_keys();
    idp.pool.rotate_keys();
    // Within the max age the cached key still verifies, with no fetch.
    assert!(
        verifier
            .verify_sign_in(&old_token, "the-nonce")
            .await
            .is_ok()
    );
    assert!(
        fetched.elapsed() < max_age,
        "the rotations took too long to tell"
    );
    assert_eq!(idp.jwks_fetches.load(Ordering::SeqCst), 1);

    tokio::time::sleep(max_age.saturating_sub(fetched.elapsed()) + Duration::from_millis(50)).await;
    let outcome = verifier.verify_sign_in(&old_token, "the-nonce").await;
    assert_eq!(outcome, Err(VerifyError::UnknownKey));
    assert_eq!(idp.jwks_fetches.load(Ordering::SeqCst), 2);
    // Tokens of the current key verify.
    let new_token = idp.sign(&idp.claims());
    assert!(
        verifier
            .verify_sign_in(&new_token, "the-nonce")
            .await
            .is_ok()
    );
}

/// An outage of the JWKS endpoint when the keys are due a refetch keeps the
/// cached keys: verification goes on, and the fetch is tried again later.
#[tokio::test]
async fn a_jwks_outage_keeps_the_cached_keys() {
    let idp = idp().await;
    let max_age = Duration::from_millis(200);
    let verifier = idp
        .verifier()
        .with_refetch_interval(Duration::ZERO)
        .with_max_age(max_age);
    let token = idp.sign(&idp.claims());
    assert!(verifier.verify_sign_in(&token, "the-nonce").await.is_ok());

    idp.jwks_down.store(true, Ordering::SeqCst);
    tokio::time::sleep(max_age + Duration::from_millis(50)).await;
    let outcome = verifier.verify_sign_in(&token, "the-nonce").await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(
        idp.jwks_fetches.load(Ordering::SeqCst),
        2,
        "the refetch was tried"
    );

    idp.jwks_down.store(false, Ordering::SeqCst);
    assert!(verifier.verify_sign_in(&token, "the-nonce").await.is_ok());
    assert_eq!(
        idp.jwks_fetches.load(Ordering::SeqCst),
        3,
        "and tried again"
    );
}
