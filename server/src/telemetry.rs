//! Logs: `tracing` to stdout, as text for people or JSON for machines.
//!
//! `RUST_LOG` sets the filter; `LOG_FORMAT` is `text` (default) or `json`.
//! Every request runs in a span carrying its request id (see `startup`).

use tracing_subscriber::{EnvFilter, layer::SubscriberExt, util::SubscriberInitExt};

const DEFAULT_FILTER: &str = "info,server=debug,app=debug,sqlx=warn,tower_http=info";

/// Installs the global subscriber. A `LOG_FORMAT` other than `text` or `json`
/// is an error naming the variable.
pub fn init() -> Result<(), String> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => registry
            .with(tracing_subscriber::fmt::layer().json().flatten_event(true))
            .init(),
        Ok("text") | Err(_) => registry.with(tracing_subscriber::fmt::layer()).init(),
        Ok(other) => {
            return Err(format!(
                "LOG_FORMAT is invalid: {other:?} (expected \"text\" or \"json\")"
            ));
        }
    }
    Ok(())
}
