//! The hosting side of the product: everything the Leptos app needs to be
//! served, and nothing the app's server functions call.
//!
//! - [`auth`]: sign-in with the Cognito hosted UI (the OAuth routes, ID
//!   token verification, sessions, the middleware that finds the caller);
//! - [`api`]: the JSON API under `/api/v1`, with bearer credentials;
//! - [`client_addr`]: which network a request comes from (for limits);
//! - [`config`]: typed settings read once from the environment;
//! - [`startup`]: builds the router and runs it, for `main` and for tests,
//!   and the start-up guard on the user pool;
//! - [`routes`]: plain axum routes beside the Leptos ones (`/healthz`, `/livez`);
//! - [`guard`]: refuses cross-site requests that change state;
//! - [`headers`]: response headers set on every response;
//! - [`server_fns`]: the status of a server function's error response;
//! - [`telemetry`]: logs and request ids.

pub mod api;
pub mod auth;
pub mod client_addr;
pub mod config;
pub mod guard;
pub mod headers;
pub mod routes;
pub mod server_fns;
pub mod startup;
pub mod telemetry;
