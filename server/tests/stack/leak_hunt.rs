//! The leak hunt: fifty tenants' members fire thousands of interleaved reads
//! and writes at the real server over a pool of five connections, some of
//! them dropped mid-flight. Every project a tenant owns carries its tenant
//! id in its name (`marker-<tenant>-…`), so any foreign row in any answer is
//! seen. Afterwards every row written must be in its writer's tenant, and no
//! pooled connection may carry a tenant setting, a role switch or an open
//! transaction. Zero foreign rows is the only pass.

use crate::support::*;
use futures::StreamExt;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

const TENANTS: usize = 50;
const REQUESTS: usize = 3000;
/// Requests in flight at once: far more than the pool's connections.
const IN_FLIGHT: usize = 24;
const POOL: u32 = 5;

fn marker(tenant: &str, what: &str) -> String {
    format!("marker-{tenant}-{what}")
}

/// Every tenant id named by a marker in `body`.
fn markers(body: &str) -> Vec<&str> {
    body.match_indices("marker-")
        .filter_map(|(at, _)| body.get(at + 7..at + 7 + 36))
        .collect()
}

struct Member {
    tenant: String,
    browser: Browser,
    project: String,
}

/// A small deterministic generator, so a failing run can be replayed.
fn mix(n: usize) -> u64 {
    let mut x = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

#[derive(Debug, Default)]
struct Tally {
    /// Answers by (kind, status).
    answers: BTreeMap<(&'static str, u16), usize>,
    dropped: usize,
    created: BTreeMap<String, usize>,
    foreign: Vec<String>,
}

/// Request `n`: who sends it and what it is follow from `n`.
async fn one(stack: &Stack, members: &[Member], n: usize, tally: &Mutex<Tally>) {
    let r = mix(n);
    let mine = (r % TENANTS as u64) as usize;
    let me = &members[mine];
    // Anyone else.
    let other = &members[(mine + 1 + ((r >> 8) % (TENANTS as u64 - 1)) as usize) % TENANTS];
    let mut browser = me.browser.clone();
    let kind = [
        "page",
        "list",
        "create",
        "own",
        "foreign page",
        "foreign fn",
    ][((r >> 16) % 6) as usize];
    let request = async {
        match kind {
            "page" => browser.get(&stack.url("/projects")).await,
            "list" => call(stack, &mut browser, "list_projects", "page=1").await,
            "create" => {
                let name = marker(&me.tenant, &format!("w{n}"));
                call(
                    stack,
                    &mut browser,
                    "create_project",
                    &format!("name={name}"),
                )
                .await
            }
            "own" => {
                browser
                    .get(&stack.url(&format!("/projects/{}", me.project)))
                    .await
            }
            "foreign page" => {
                browser
                    .get(&stack.url(&format!("/projects/{}", other.project)))
                    .await
            }
            _ => {
                call(
                    stack,
                    &mut browser,
                    "get_project",
                    &format!("id={}", other.project),
                )
                .await
            }
        }
    };
    // One request in eight is abandoned after a few milliseconds: the client
    // goes away mid-flight, at whatever point the server has reached.
    let reply = if (r >> 24).is_multiple_of(8) {
        let patience = Duration::from_millis(1 + (r >> 32) % 25);
        match tokio::time::timeout(patience, request).await {
            Ok(reply) => reply,
            Err(_) => {
                tally.lock().unwrap().dropped += 1;
                return;
            }
        }
    } else {
        request.await
    };

    let mut tally = tally.lock().unwrap();
    *tally
        .answers
        .entry((kind, reply.status.as_u16()))
        .or_default() += 1;
    for found in markers(&reply.body) {
        if found != me.tenant {
            tally
                .foreign
                .push(format!("{kind} by {} showed {found}", me.tenant));
        }
    }
    if kind == "create" && reply.status == StatusCode::OK {
        *tally.created.entry(me.tenant.clone()).or_default() += 1;
    }
}

/// What each kind of request must answer when it is not abandoned.
fn expected(kind: &str) -> u16 {
    match kind {
        "foreign page" | "foreign fn" => 404,
        _ => 200,
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn fifty_tenants_over_five_connections_see_and_write_only_their_own_rows(
    _: PgPoolOptions,
    owner: PgConnectOptions,
) {
    let settings = Settings {
        max_connections: Some(POOL),
        ..Settings::default()
    };
    let stack = Stack::start(owner, settings).await;
    let mut members = Vec::new();
    for i in 0..TENANTS {
        let tenant = uuid();
        let seeded = marker(&tenant, "seed");
        stack
            .seed_tenant(
                &tenant,
                &format!("Tenant {i}"),
                &[&seeded, &marker(&tenant, "other")],
            )
            .await;
        let browser = signed_in(
            &stack,
            &format!("member{i}@tenant{i}.test"),
            "Member",
            &tenant,
        )
        .await;
        let project = stack.project_id(&tenant, &seeded).await;
        members.push(Member {
            tenant,
            browser,
            project,
        });
    }

    let tally = Mutex::new(Tally::default());
    futures::stream::iter(0..REQUESTS)
        .map(|n| one(&stack, &members, n, &tally))
        .buffer_unordered(IN_FLIGHT)
        .collect::<Vec<()>>()
        .await;
    let tally = tally.into_inner().unwrap();
    println!("{tally:#?}");

    assert!(
        tally.foreign.is_empty(),
        "foreign rows: {:#?}",
        tally.foreign
    );
    for ((kind, status), count) in &tally.answers {
        assert_eq!(
            *status,
            expected(kind),
            "{count} × {kind} answered {status}"
        );
    }
    let answered: usize = tally.answers.values().sum();
    assert_eq!(answered + tally.dropped, REQUESTS);
    assert!(tally.dropped > REQUESTS / 20, "too few dropped: {tally:?}");

    // Requests the clients abandoned may still be running: wait until every
    // connection is back in the pool.
    let pool = stack.db.pool_for_tests();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while pool.num_idle() < pool.size() as usize {
        assert!(
            std::time::Instant::now() < deadline,
            "connections never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Every row written is in its writer's tenant, audit rows included.
    let misplaced = stack
        .count_across_tenants(
            &["projects"],
            "select count(*) from projects
             where name like 'marker-%' and substr(name, 8, 36) <> tenant_id::text",
        )
        .await;
    assert_eq!(
        misplaced, 0,
        "projects in another tenant than their marker's"
    );
    let misfiled = stack
        .count_across_tenants(
            &["projects", "audit_log"],
            "select count(*) from audit_log a join projects p on p.id::text = a.target_id
             where a.action = 'project.create' and a.tenant_id <> p.tenant_id",
        )
        .await;
    assert_eq!(
        misfiled, 0,
        "audit rows in another tenant than their project"
    );
    for member in &members {
        let mine = format!("marker-{}-w%", member.tenant);
        let written = stack
            .count_across_tenants(
                &["projects"],
                &format!("select count(*) from projects where name like '{mine}'"),
            )
            .await;
        let answered = tally.created.get(&member.tenant).copied().unwrap_or(0);
        // Abandoned creates may have landed too; answered ones all did.
        assert!(
            written as usize >= answered,
            "{}: {written} < {answered}",
            member.tenant
        );
    }

    // Every pooled connection is clean: hold them all at once, so each is
    // looked at.
    let mut held = Vec::new();
    for _ in 0..POOL {
        held.push(pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        let (setting, role, visible): (String, String, i64) = sqlx::query_as(
            "select coalesce(current_setting('app.tenant_id', true), ''), current_user::text,
                    (select count(*) from projects)",
        )
        .fetch_one(&mut **conn)
        .await
        .unwrap();
        assert_eq!(setting, "", "a pooled connection kept a tenant");
        assert_eq!(role, "saas_app", "a pooled connection kept a role switch");
        assert_eq!(visible, 0);
    }
    // The app role sees its own backends' state: with every connection
    // held here, none but this one may be inside a transaction.
    let open: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and usename = 'saas_app'
           and pid <> pg_backend_pid() and xact_start is not null",
    )
    .fetch_one(&mut *held[0])
    .await
    .unwrap();
    assert_eq!(open, 0, "a pooled connection was inside a transaction");
}
