//! Builds the server: the router with its layers, bound to a listener.
//!
//! `main` and the integration tests use the same path: [`Application::build`]
//! binds (port 0 gives a free one), [`Application::local_addr`] says where,
//! and [`Application::run_until`] serves until the given future completes.

use crate::auth::{self, Auth};
use crate::config::ServeConfig;
use crate::guard::{self, AllowedOrigin};
use crate::headers::{self, CspSources};
use crate::routes;
use crate::server_fns;
use app::db::{Db, system};
use app::directory::{Directory, DirectoryError};
use axum::serve::ListenerExt;
use axum::{
    Router,
    extract::FromRef,
    handler::Handler,
    http::{HeaderName, Request},
    middleware,
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::Duration,
};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};
use tower_sessions::session_store::ExpiredDeletion;

/// What handlers can extract as `State<…>`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub auth: Auth,
    pub directory: Directory,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    directory: Directory,
    client_id: String,
}

/// Why the server will not start with this user pool.
#[derive(Debug, thiserror::Error)]
pub enum UserPoolError {
    #[error("could not read the Cognito app client: {0}")]
    Unreadable(#[source] DirectoryError),
    #[error("unsafe Cognito app client: {0}")]
    Unsafe(String),
}

impl Application {
    /// Connects (lazily) to the database and binds `leptos.site_addr`.
    pub async fn build(config: ServeConfig, leptos: LeptosOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(leptos.site_addr).await?;
        Ok(Self::build_on(listener, config, leptos).await)
    }

    /// The same, on a listener already bound (tests that must know the
    /// address before the app is configured).
    pub async fn build_on(
        listener: TcpListener,
        config: ServeConfig,
        leptos: LeptosOptions,
    ) -> Self {
        let db = Db::connect_lazy(
            config.app_options(),
            config.database_max_connections,
            config.database_acquire_timeout,
        );
        // Say so early if the database is not there, but start anyway (and
        // without waiting): /healthz reports 503 until it is, and requests
        // recover by themselves.
        tokio::spawn({
            let db = db.clone();
            async move {
                if let Err(error) = db.ping().await {
                    tracing::warn!(error = %app::error::chain(&error), "database not reachable at start-up");
                }
            }
        });
        delete_expired_sessions(system::session_store(&db, config.auth.session_keys.clone()));
        let directory = Directory::connect(&config.auth.directory()).await;
        let client_id = config.auth.client_id.clone();
        let router = router(AppState {
            leptos_options: leptos,
            auth: Auth::new(config.auth, db.clone()),
            db: db.clone(),
            directory: directory.clone(),
        });
        Self {
            listener,
            router,
            db,
            directory,
            client_id,
        }
    }

    /// The start-up guard (SECURITY.md 24 and 25): reads the app client from
    /// the user pool and refuses it if users could write `custom:tenant_id` —
    /// anyone could then move themselves into another tenant — or if the
    /// app could not read it; and refuses a pool with open sign-up.
    pub async fn check_user_pool(&self) -> Result<(), UserPoolError> {
        let attributes = self
            .directory
            .client_attributes(&self.client_id)
            .await
            .map_err(UserPoolError::Unreadable)?;
        if let Some(problem) = attributes.tenant_claim_problem() {
            return Err(UserPoolError::Unsafe(problem));
        }
        // SECURITY.md 25: with open sign-up anyone could make an account
        // (though without a tenant, which only an admin sets).
        let closed = self
            .directory
            .admin_create_only()
            .await
            .map_err(UserPoolError::Unreadable)?;
        if !closed {
            return Err(UserPoolError::Unsafe(
                "the user pool lets anyone sign up: turn on AllowAdminCreateUserOnly \
                 (only administrators create users)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The database pool the server uses (tests inspect its connections).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The router, for tests that drive it without a socket.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight
    /// and closes the database pool.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // TCP_NODELAY on every connection: an in-order streamed page is many
        // small writes, and with Nagle's algorithm each one after the first
        // waits for the client's delayed ACK (40 ms on Linux) — every
        // signed-in page paid that stall before.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "cannot set TCP_NODELAY on a connection");
            }
        });
        // The peer address, for limits kept per client (`client_addr`).
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.db.close().await;
        tracing::info!("shut down");
        Ok(())
    }
}

/// The largest request body accepted: the longest form (a 4,000-character
/// description, every character percent-encoded from four UTF-8 bytes, is
/// 48 KB) with room to spare.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole router: Leptos pages, server functions, plain routes, static
/// files, and the layers every response goes through.
pub fn router(state: AppState) -> Router {
    let config = &state.auth.config;
    let https = config.is_https();
    let sources = csp_sources(&state);
    let origin = AllowedOrigin(Arc::from(config.origin()));
    let store = system::session_store(&state.db, config.session_keys.clone());
    let sessions = auth::session::layer(store, config);
    let auth = state.auth.clone();
    // The JSON API has its own credential (bearer, never the session
    // cookie) and limits; it shares only the response headers and ids.
    let limits = crate::api::Limits {
        per_credential: crate::api::RateLimit {
            burst: config.api_rate_burst,
            every: Duration::from_secs(1) / config.api_rate_per_second,
        },
        failures: crate::api::failures::FailureLimit {
            burst: config.api_auth_failure_burst,
            every: Duration::from_secs(60) / config.api_auth_failures_per_minute,
        },
        trusted_proxies: config.trusted_proxies.clone(),
        timeout: config.api_timeout,
    };
    let api = crate::api::router(auth.clone(), limits);

    let browser = app_routes(state)
        // Bodies larger than any form of the app's are refused with 413
        // before they are read (the server functions would otherwise read
        // any size into memory).
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(server_fns::answers))
        // Innermost first: the caller needs the session; the cross-site check
        // runs before either; every response gets the headers.
        .layer(middleware::from_fn_with_state(auth, auth::caller::resolve))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(origin, guard::same_origin))
        .layer(middleware::from_fn_with_state(
            sources,
            headers::csp_and_caching,
        ));
    let mut router = api.merge(browser);
    for layer in headers::layers(https) {
        router = router.layer(layer);
    }
    with_request_ids(router)
}

/// The routes: sign-in, health, server functions, Leptos pages, static files.
fn app_routes(state: AppState) -> Router {
    // Server functions and pages reach the database and the user pool by
    // context, and learn whether cookies they set must be `Secure`.
    let context = {
        let db = state.db.clone();
        let directory = state.directory.clone();
        let https = app::HttpsSite(state.auth.config.is_https());
        move || {
            provide_context(db.clone());
            provide_context(directory.clone());
            provide_context(https);
        }
    };
    let shell = {
        let options = state.leptos_options.clone();
        move || app::shell(options.clone())
    };
    // Files under the site root (`/pkg`, whatever `public/` holds) are
    // served here, and only what is no file reaches Leptos's fallback (the
    // 404 page). Leptos's fallback serves a file under a reactive owner made
    // as a child of whatever owner its worker thread had current, and takes
    // the response options it finds there: a page rendering at that moment
    // on the same thread lent the WASM its 403 (seen in an end-to-end run),
    // and would lend it its Set-Cookie headers (a flash, a new key's secret)
    // as well.
    let files = ServeDir::new(&*state.leptos_options.site_root)
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(
            leptos_axum::file_and_error_handler::<AppState, _>(app::shell)
                .with_state(state.clone()),
        );
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/livez", get(routes::health::livez))
        .route("/auth/login", get(auth::routes::login))
        .route("/auth/callback", get(auth::routes::callback))
        .route("/auth/logout", post(auth::routes::logout))
        .route(
            "/api/{*fn_name}",
            post({
                let context = context.clone();
                move |req| leptos_axum::handle_server_fns_with_context(context.clone(), req)
            }),
        )
        .leptos_routes_with_context(&state, route_list(), context, shell)
        .fallback_service(files)
        .with_state(state)
}

/// What the Content-Security-Policy allows beyond this origin.
fn csp_sources(state: &AppState) -> CspSources {
    CspSources {
        hosted_ui_origin: Arc::from(state.auth.config.hosted_ui.origin().ascii_serialization()),
        // `cargo leptos watch` sets LEPTOS_WATCH; the page then opens a
        // socket to its live-reload server.
        reload_socket: std::env::var_os("LEPTOS_WATCH").map(|_| {
            let port = state
                .leptos_options
                .reload_external_port
                .unwrap_or(state.leptos_options.reload_port);
            Arc::from(format!("ws://localhost:{port} ws://127.0.0.1:{port}"))
        }),
    }
}

/// The outermost layers: a request id for every request (kept if the client
/// sent one), and a log span carrying it.
fn with_request_ids(router: Router) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only: a query string can carry an OAuth code.
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            }))
            .layer(PropagateRequestIdLayer::new(request_id)),
    )
}

/// The app's routes, generated once per process.
///
/// Generating them runs the app with resource loading suppressed for the
/// whole process (a global flag in leptos_server 0.8.8): a page that another
/// thread rendered meanwhile would wait forever for its data (leptos issue
/// #4773). Once, and before anything is served, nothing renders during it —
/// which matters where one process builds many servers, as the tests do.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Deletes expired session rows at start-up and then once a minute, for as
/// long as the server runs; a failed round (the database away) is logged
/// and the next one tries again.
fn delete_expired_sessions(store: system::SessionStore) {
    const PERIOD: Duration = Duration::from_secs(60);
    tokio::spawn(async move {
        loop {
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "deleting expired sessions failed");
            }
            tokio::time::sleep(PERIOD).await;
        }
    });
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
