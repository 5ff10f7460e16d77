//! `cognito-local`: serves the local user pool.
//!
//!     cognito-local --config cognito-local/pool.toml --listen 127.0.0.1:9229 \
//!         [--state .local/cognito.json] [--seed cognito-local/test-users.toml] \
//!         [--callback-url URL]… [--logout-url URL]…

use clap::Parser;
use cognito_local::{Pool, config::PoolConfig, router};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "A local stand-in for an AWS Cognito user pool (development and tests only)")]
struct Args {
    /// The pool's settings.
    #[arg(long, default_value = "cognito-local/pool.toml")]
    config: PathBuf,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9229")]
    listen: SocketAddr,
    /// The URL clients reach this server at (default: http://<listen>).
    #[arg(long)]
    base_url: Option<String>,
    /// Keep users, keys and tokens in this file across restarts.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Another callback URL to register for the app client (repeatable).
    #[arg(long = "callback-url")]
    callback_urls: Vec<String>,
    /// Another sign-out URL to register for the app client (repeatable).
    #[arg(long = "logout-url")]
    logout_urls: Vec<String>,
    /// Create these users if they do not exist yet, and list them.
    #[arg(long)]
    seed: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,cognito_local=debug".into()),
        )
        .init();
    let args = Args::parse();
    let mut config = match PoolConfig::load(&args.config) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    config.client.callback_urls.extend(args.callback_urls);
    config.client.logout_urls.extend(args.logout_urls);
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{}", args.listen));
    let pool = match Pool::open(config, base_url, args.state) {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.seed {
        match cognito_local::seed::seed(&pool, path) {
            Ok(users) => {
                println!("Seeded users (from {}):", path.display());
                for user in users {
                    let groups = if user.groups.is_empty() {
                        "no group".to_owned()
                    } else {
                        user.groups.join(", ")
                    };
                    let tenant = user.tenant_id.as_deref().unwrap_or("no tenant");
                    println!(
                        "  {:<22} {:<18} {groups} · {tenant}",
                        user.email, user.password
                    );
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(issuer = %pool.issuer(), address = %args.listen, "local Cognito user pool ready");
    let served = axum::serve(listener, router(pool))
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
