//! ID token verification with a warm key cache: the cost every sign-in and
//! refresh pays. Run with `cargo bench -p server --bench verify`.
//!
//! The stand-in serves the JWKS on a real socket and counts its fetches; the
//! run ends by checking that the measured loop fetched nothing.

use axum::extract::Request;
use axum::middleware::{self, Next};
use cognito_local::Pool;
use cognito_local::config::PoolConfig;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use server::auth::http_client;
use server::auth::verifier::IdTokenVerifier;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let (verifier, token) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cognito-local/pool.toml");
        let pool = Pool::open(PoolConfig::load(&path).unwrap(), base, None).unwrap();
        let counter = fetches.clone();
        let router = cognito_local::router(pool.clone()).layer(middleware::from_fn(
            move |req: Request, next: Next| {
                let counter = counter.clone();
                async move {
                    if req.uri().path().ends_with("/jwks.json") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    next.run(req).await
                }
            },
        ));
        tokio::spawn(axum::serve(listener, router).into_future());
        let issuer = pool.issuer();
        let verifier = IdTokenVerifier::new(
            issuer.clone(),
            pool.config.client.id.clone(),
            format!("{issuer}/.well-known/jwks.json"),
            http_client(),
        );
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let token = pool.keys().sign(&json!({
            "sub": "5f0c7a2e-8d3b-4c1a-9e6f-1a2b3c4d5e6f",
            "cognito:groups": ["Member"],
            "iss": issuer,
            "cognito:username": "5f0c7a2e-8d3b-4c1a-9e6f-1a2b3c4d5e6f",
            "aud": pool.config.client.id,
            "token_use": "id",
            "auth_time": now, "iat": now, "exp": now + 3600,
            "email": "ada@example.test",
            "custom:tenant_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "nonce": "the-nonce",
        }));
        // Warm the cache: the one fetch.
        verifier.verify_sign_in(&token, "the-nonce").await.unwrap();
        (verifier, token)
    });
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    c.bench_function("verify ID token (warm JWKS cache)", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                verifier
                    .verify_sign_in(black_box(&token), "the-nonce")
                    .await
                    .unwrap(),
            )
        })
    });

    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the measured loop fetched the JWKS"
    );
}

criterion_group!(benches, verify);
criterion_main!(benches);
