//! The baseline `make bench` measures the app against: a bare axum handler
//! that runs the app's project list query in the same kind of tenant
//! transaction (BEGIN, the tenant and member settings, the list with its
//! total, COMMIT)
//! and writes the rows as a plain HTML table. No session, no caller check,
//! no Leptos: what any handler serving this page must at least do.
//!
//!   bench-baseline LISTEN DATABASE_URL TENANT_ID MEMBER_ID
//!
//! Not part of the product: it trusts its command line for the tenant and
//! the member.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};
use std::fmt::Write;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone)]
struct Baseline {
    pool: PgPool,
    tenant: Uuid,
    member: Uuid,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [listen, database_url, tenant, member] = args.as_slice() else {
        eprintln!("usage: bench-baseline LISTEN DATABASE_URL TENANT_ID MEMBER_ID");
        std::process::exit(2);
    };
    // The app's pool settings: ten connections, no ping on checkout in
    // steady use.
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .connect(database_url)
        .await
        .expect("connect");
    let state = Baseline {
        pool,
        tenant: tenant.parse().expect("TENANT_ID is a UUID"),
        member: member.parse().expect("MEMBER_ID is a UUID"),
    };
    let app = Router::new()
        .route("/projects", get(projects))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(listen.as_str())
        .await
        .expect("bind");
    // As the app's server does.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.expect("serve");
}

async fn projects(State(state): State<Baseline>) -> Result<Html<String>, StatusCode> {
    list(&state).await.map_err(|error| {
        eprintln!("{error}");
        StatusCode::SERVICE_UNAVAILABLE
    })
}

async fn list(state: &Baseline) -> Result<Html<String>, sqlx::Error> {
    let mut tx = state.pool.begin().await?;
    // Row-level security shows projects to a named member only.
    sqlx::query(
        "select set_config('app.tenant_id', $1, true), set_config('app.member_id', $2, true)",
    )
    .bind(state.tenant.to_string())
    .bind(state.member.to_string())
    .execute(&mut *tx)
    .await?;
    // The app's list query (app/src/db/projects.rs), first page of 50.
    let rows = sqlx::query(
        "select id, name, description, archived_at is not null as archived,
                created_at, updated_at,
                (select count(*) from projects
                  where ($1::text is null or name ilike $1)
                    and ($2 or archived_at is null)) as total
         from projects
         where ($1::text is null or name ilike $1)
           and ($2 or archived_at is null)
         order by lower(name), id
         limit $3 offset $4",
    )
    .bind(None::<String>)
    .bind(false)
    .bind(50_i64)
    .bind(0_i64)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut html = String::from("<!DOCTYPE html><title>Projects</title><table>");
    let total: i64 = rows.first().map_or(0, |row| row.get("total"));
    let _ = write!(html, "<caption>{total} projects</caption>");
    for row in &rows {
        let id: Uuid = row.get("id");
        let name: String = row.get("name");
        let description: String = row.get("description");
        let updated: time::OffsetDateTime = row.get("updated_at");
        let _ = write!(
            html,
            "<tr><td><a href=\"/projects/{id}\">{}</a></td><td>{}</td><td>{updated}</td></tr>",
            escape(&name),
            escape(&description)
        );
    }
    html.push_str("</table>");
    Ok(Html(html))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
