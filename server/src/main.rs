//! The `server` binary: serves the app, or runs an operator command.
//!
//! - `server` / `server serve`: serve HTTP until Ctrl-C or SIGTERM;
//! - `server migrate`: apply pending migrations as the owner role.

use clap::{Parser, Subcommand};
use server::config::{MigrateConfig, ServeConfig};
use server::{startup::Application, telemetry};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "The multi-tenant SaaS server and its operator commands")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Apply pending database migrations, connecting as the owner role.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(message) = telemetry::init() {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::Migrate => migrate().await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain, so "could not connect" says why.
            eprintln!("error: {}", telemetry::chain(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = ServeConfig::from_env()?;
    // cargo-leptos passes the site settings (address, output name, site root)
    // as LEPTOS_* environment variables; see .env.example.
    let leptos = leptos::config::get_configuration(None)?.leptos_options;
    let app = Application::build(config, leptos).await?;
    app.check_user_pool().await?;
    tracing::info!(address = %app.local_addr(), "listening");
    app.run_until(server::startup::shutdown_signal()).await?;
    Ok(())
}

async fn migrate() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = MigrateConfig::from_env()?;
    app::db::migrate(config.owner_options()).await?;
    tracing::info!("migrations applied");
    Ok(())
}
