//! Bad input that used to reach Postgres as a 500: control characters in
//! the search and filter fields are a 400 naming the field, and a body over
//! the size limit is a 413. Nothing is written either way.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// NUL first: Postgres refuses it in text ("invalid byte sequence"), which
/// was a 500. The others would reach the query as they are.
const CONTROLS: [&str; 6] = ["%00", "a%00b", "%1B%5B31m", "a%0Ab", "a%09b", "a%7F"];

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn control_characters_in_searches_and_filters_are_refused_by_field(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let before = (
        stack.members_snapshot(TENANT_A).await,
        stack.snapshot(TENANT_A).await,
    );

    for bad in CONTROLS {
        for (endpoint, body, field) in [
            ("list_projects", format!("page=0&search={bad}"), "q"),
            ("list_members", format!("page=0&search={bad}"), "q"),
            ("list_audit", format!("page=0&actor={bad}"), "actor"),
            ("list_audit", format!("page=0&action={bad}"), "action"),
        ] {
            let reply = call(&stack, &mut ada, endpoint, &body).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{endpoint} {body}: {}",
                reply.body
            );
            assert!(
                reply.body.contains(&format!("\"field\":\"{field}\"")),
                "{endpoint} {body}: {}",
                reply.body
            );
            assert!(
                reply.body.contains("cannot contain control characters"),
                "{endpoint} {body}: {}",
                reply.body
            );
        }
    }
    // An action the log does not know is refused too (it names one of
    // the page's choices, or nothing).
    for unknown in ["member.%25", "project", "anything"] {
        let reply = call(
            &stack,
            &mut ada,
            "list_audit",
            &format!("page=0&action={unknown}"),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{unknown}: {}",
            reply.body
        );
        assert!(reply.body.contains(r#""field":"action""#), "{}", reply.body);
    }
    // The same fields with ordinary text still work.
    for (endpoint, body) in [
        ("list_projects", "page=0&search=rocket"),
        ("list_members", "page=0&search=ada"),
        ("list_audit", "page=0&actor=ada%40acme.test&action=member."),
    ] {
        let reply = call(&stack, &mut ada, endpoint, body).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{endpoint} {body}: {}",
            reply.body
        );
    }
    let after = (
        stack.members_snapshot(TENANT_A).await,
        stack.snapshot(TENANT_A).await,
    );
    assert_eq!(before, after, "a refused search changed something");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_body_over_the_limit_is_413_and_writes_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let before = stack.snapshot(TENANT_A).await;

    let limit = server::startup::MAX_BODY_BYTES;
    let huge = format!("name=Big&description={}", "x".repeat(limit));
    let reply = call(&stack, &mut max, "create_project", &huge).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );
    assert_eq!(stack.snapshot(TENANT_A).await, before);

    // The longest description the form allows, in four-byte characters,
    // fits: the limit is above every legitimate form.
    let longest = format!("name=Big&description={}", "%F0%9F%9A%80".repeat(4000));
    assert!(longest.len() < limit);
    let reply = call(&stack, &mut max, "create_project", &longest).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}
