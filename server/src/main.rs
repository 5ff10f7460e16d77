//! The `server` binary: serves the app, or runs an operator command.
//!
//! - `server` / `server serve`: serve HTTP until Ctrl-C or SIGTERM;
//! - `server migrate`: apply pending migrations as the owner role;
//! - `server tenant create --name … --admin-email …`: onboard a tenant and
//!   invite its first Admin;
//! - `server seed --demo`: the demo tenants and users for development.

use clap::{Parser, Subcommand};
use server::config::{MigrateConfig, OperatorConfig, ServeConfig};
use server::{startup::Application, telemetry};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: rendering a page allocates and frees
/// many small strings, and glibc's allocator took a third of the CPU a page
/// cost (measured with `perf` under `make bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Tenants, for the operator.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Demo data for development: two tenants with a user of each role
    /// (password `Demo-pass-1`) and a few projects. Existing tenants are
    /// left alone.
    Seed {
        /// Required: says that demo users with a published password are meant.
        #[arg(long)]
        demo: bool,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant and invite its first Admin, who gets a temporary
    /// password by email (Cognito's invitation).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "")]
        admin_name: String,
    },
}

/// The demo users' password (dev pools only).
const DEMO_PASSWORD: &str = "Demo-pass-1";

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
        Command::Tenant {
            command:
                TenantCommand::Create {
                    name,
                    admin_email,
                    admin_name,
                },
        } => create_tenant(&name, &admin_email, &admin_name).await,
        Command::Seed { demo } => seed(demo).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain, so "could not connect" says why.
            eprintln!("error: {}", app::error::chain(error.as_ref()));
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

async fn operator()
-> Result<(app::db::Db, app::directory::Directory), Box<dyn std::error::Error + Send + Sync>> {
    let config = OperatorConfig::from_env()?;
    let db = app::db::Db::connect_lazy(config.app_options(), 2, std::time::Duration::from_secs(10));
    let directory = app::directory::Directory::connect(config.directory()).await;
    Ok((db, directory))
}

async fn create_tenant(
    name: &str,
    admin_email: &str,
    admin_name: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use app::domain::{DisplayName, Email, TenantName};
    // The same checks the settings pages make, with the field named.
    let name = TenantName::parse(name).map_err(|e| format!("--name: {e}"))?;
    let email = Email::parse(admin_email).map_err(|e| format!("--admin-email: {e}"))?;
    let person = DisplayName::parse(admin_name).map_err(|e| format!("--admin-name: {e}"))?;
    let (db, directory) = operator().await?;
    let (tenant, admin) = app::onboarding::create_tenant(&db, &directory, &name, &email, &person)
        .await
        .map_err(|e| match e {
            app::membership::MembershipError::EmailTaken => {
                format!(
                    "{} already has a user in the pool (in some tenant); use another address",
                    email.as_str()
                )
            }
            other => other.to_string(),
        })?;
    println!("tenant {tenant} \"{}\" created", name.as_str());
    println!(
        "Admin {} invited: Cognito has emailed a temporary password",
        admin.email
    );
    Ok(())
}

async fn seed(demo: bool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    if !demo {
        return Err("only demo data can be seeded: pass --demo".into());
    }
    let (db, directory) = operator().await?;
    let users = app::onboarding::seed_demo(&db, &directory, DEMO_PASSWORD).await?;
    if users.is_empty() {
        println!("demo tenants exist already; their users sign in with password {DEMO_PASSWORD}");
    }
    for user in users {
        let note = if user.created {
            ""
        } else {
            " (already in the pool)"
        };
        println!(
            "{:<20} {:<10} {:<10} password {DEMO_PASSWORD}{note}",
            user.email,
            user.role.as_str(),
            user.tenant
        );
    }
    Ok(())
}
