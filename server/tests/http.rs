//! The server over HTTP: health, the server-rendered home page, 404s, headers
//! and request ids, and graceful shutdown — through the real router and, where
//! a database is needed, a real Postgres reached as the app role.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use server::config::ServeConfig;
use server::startup::Application;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

#[path = "common/app_role.rs"]
mod app_role;
use app_role::app_url_for;

/// A URL where no database listens: port 1 on loopback refuses at once.
const NO_DATABASE: &str = "postgres://saas_app:x@127.0.0.1:1/none";

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("saas")
        .site_root("target/site")
        .site_addr(([127, 0, 0, 1], 0))
        .build()
}

async fn app(database_url: &str) -> Application {
    let config = ServeConfig::from_lookup(|name| match name {
        "APP_DATABASE_URL" => Some(database_url.to_owned()),
        // A down database answers 503 after this long.
        "DATABASE_ACQUIRE_TIMEOUT_MS" => Some("300".to_owned()),
        // Sign-in is configured but never reached by these tests.
        "APP_BASE_URL" => Some("http://127.0.0.1:3000".to_owned()),
        "COGNITO_DOMAIN" => Some("http://127.0.0.1:1".to_owned()),
        "COGNITO_REGION" => Some("eu-west-1".to_owned()),
        "COGNITO_USER_POOL_ID" => Some("eu-west-1_Test".to_owned()),
        "COGNITO_CLIENT_ID" => Some("client".to_owned()),
        "COGNITO_CLIENT_SECRET" => Some("secret".to_owned()),
        "SESSION_ENCRYPTION_KEY" => Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned()),
        _ => None,
    })
    .unwrap();
    Application::build(config, leptos_options()).await.unwrap()
}

async fn get(app: &Application, path: &str) -> Response<Body> {
    app.router()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

async fn text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn healthz_is_ok_when_the_database_answers(_: PgPoolOptions, db: PgConnectOptions) {
    let app = app(&app_url_for(db.get_database().unwrap())).await;

    let response = get(&app, "/healthz").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(text(response).await, r#"{"database":"ok","status":"ok"}"#);
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_down() {
    let app = app(NO_DATABASE).await;

    let response = get(&app, "/healthz").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = text(response).await;
    assert!(body.contains("unavailable"), "{body}");
    // No connection details or driver text in the response.
    assert!(
        !body.contains("127.0.0.1") && !body.contains("refused"),
        "{body}"
    );
}

#[tokio::test]
async fn livez_is_ok_while_the_database_is_down() {
    let app = app(NO_DATABASE).await;

    let response = get(&app, "/livez").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(text(response).await, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn the_home_page_is_server_rendered_with_the_hydration_scripts() {
    let app = app(NO_DATABASE).await;

    let response = get(&app, "/").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(html.contains(">Welcome</h1>"), "{html}");
    assert!(html.contains(r#"href="/auth/login""#), "{html}");
    // The WASM client and its loader are referenced, so the page can hydrate.
    assert!(
        html.contains("/pkg/saas.js") && html.contains("/pkg/saas"),
        "{html}"
    );
    assert!(html.contains("hydrate"), "{html}");
}

#[tokio::test]
async fn an_unknown_path_gets_the_not_found_page_with_404() {
    let app = app(NO_DATABASE).await;

    let response = get(&app, "/no/such/page").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(text(response).await.contains("Page not found"));
}

#[tokio::test]
async fn every_response_has_security_headers_and_a_request_id() {
    let app = app(NO_DATABASE).await;

    for path in ["/", "/healthz", "/no/such/page"] {
        let response = get(&app, path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let id = headers["x-request-id"].to_str().unwrap();
        assert_eq!(id.len(), 36, "{path}: request id {id:?} is not a UUID");
    }
}

#[tokio::test]
async fn requests_get_distinct_ids_and_a_given_id_is_kept() {
    let app = app(NO_DATABASE).await;

    let first = get(&app, "/healthz").await;
    let second = get(&app, "/healthz").await;
    let given = app
        .router()
        .oneshot(
            Request::get("/healthz")
                .header("x-request-id", "from-the-load-balancer")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();

    assert_ne!(
        first.headers()["x-request-id"],
        second.headers()["x-request-id"]
    );
    assert_eq!(given.headers()["x-request-id"], "from-the-load-balancer");
}

#[tokio::test]
async fn the_server_finishes_when_told_to_shut_down() {
    let app = app(NO_DATABASE).await;
    let address = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));

    // It serves over a real socket…
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut reply = String::new();
    socket.read_to_string(&mut reply).await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    // …and returns cleanly once the shutdown future completes.
    stop.send(()).unwrap();
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    assert!(matches!(outcome, Ok(Ok(Ok(())))), "{outcome:?}");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "still listening"
    );
}
