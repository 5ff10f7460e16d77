//! The workspace's writes through real HTTP requests with real sessions:
//! the role matrix, ids from another tenant, forged tenant ids, bad input,
//! and form posts without JavaScript. Every refused call is checked to leave
//! both tenants' data (projects, tasks, audit rows) exactly as it was.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Every write the workspace offers, with the server function that does it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    CreateProject,
    UpdateProject,
    ArchiveProject,
    DeleteProject,
    CreateTask,
    UpdateTask,
    CompleteTask,
    AssignTask,
    DeleteTask,
    /// Undo a delete: the call's task is in the bin first.
    RestoreTask,
}

const ALL_OPS: [Op; 10] = [
    Op::CreateProject,
    Op::UpdateProject,
    Op::ArchiveProject,
    Op::DeleteProject,
    Op::CreateTask,
    Op::UpdateTask,
    Op::CompleteTask,
    Op::AssignTask,
    Op::DeleteTask,
    Op::RestoreTask,
];

impl Op {
    /// The endpoint and form body for this operation on `project` and
    /// `task`, assigning to `member`.
    fn call(self, project: &str, task: &str, member: &str) -> (&'static str, String) {
        match self {
            Op::CreateProject => ("create_project", "name=Fresh&description=new".into()),
            Op::UpdateProject => (
                "update_project",
                format!("id={project}&name=Renamed&description=changed"),
            ),
            Op::ArchiveProject => (
                "set_project_archived",
                format!("id={project}&archived=true"),
            ),
            Op::DeleteProject => ("delete_project", format!("id={project}")),
            Op::CreateTask => (
                "create_task",
                format!("project_id={project}&title=Another&description="),
            ),
            Op::UpdateTask => (
                "update_task",
                format!("id={task}&title=Retitled&description=more"),
            ),
            Op::CompleteTask => ("set_task_done", format!("id={task}&done=true")),
            Op::AssignTask => ("assign_task", format!("id={task}&assignee={member}")),
            Op::DeleteTask => ("delete_task", format!("id={task}")),
            Op::RestoreTask => ("restore_task", format!("id={task}")),
        }
    }

    /// The audit action a successful call records.
    fn audit_action(self) -> &'static str {
        match self {
            Op::CreateProject => "project.create",
            Op::UpdateProject => "project.update",
            Op::ArchiveProject => "project.archive",
            Op::DeleteProject => "project.delete",
            Op::CreateTask => "task.create",
            Op::UpdateTask => "task.update",
            Op::CompleteTask => "task.complete",
            Op::AssignTask => "task.assign",
            Op::DeleteTask => "task.delete",
            Op::RestoreTask => "task.restore",
        }
    }

    /// Seeds a project with one task for this operation to act on; for a
    /// restore, the task is deleted first.
    async fn target(self, stack: &Stack, tenant: &str, name: &str) -> (String, String) {
        let (project, task) = stack.seed_project(tenant, name).await;
        if self == Op::RestoreTask {
            stack.bin_task(tenant, &task).await;
        }
        (project, task)
    }

    /// Whether `group` may do this, as the issue states it.
    fn allowed_for(self, group: &str) -> bool {
        !matches!(
            (group, self),
            ("ReadOnly", _) | ("Member", Op::DeleteProject)
        )
    }
}

async fn audit_rows(stack: &Stack, tenant: &str, action: &str) -> i64 {
    let sql = format!("select count(*) from audit_log where action = '{action}'");
    stack.count(tenant, &sql).await
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn each_role_may_do_exactly_what_the_role_matrix_says(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    for (email, group) in [
        ("ada@acme.test", "Admin"),
        ("sue@acme.test", "SuperUser"),
        ("max@acme.test", "Member"),
        ("rita@acme.test", "ReadOnly"),
    ] {
        let mut browser = signed_in(&stack, email, group, TENANT_A).await;
        // Assign to a member who may hold tasks: the caller, if they write.
        let member = stack.member_id(TENANT_A, email).await;
        for op in ALL_OPS {
            // A fresh project and task for each call: an allowed delete must
            // not take the next call's target with it.
            let (project, task) = op
                .target(&stack, TENANT_A, &format!("{group} {op:?}"))
                .await;
            let before_a = stack.snapshot(TENANT_A).await;
            let before_b = stack.snapshot(TENANT_B).await;
            let audited = audit_rows(&stack, TENANT_A, op.audit_action()).await;
            let (endpoint, body) = op.call(&project, &task, &member);

            let reply = call(&stack, &mut browser, endpoint, &body).await;

            if op.allowed_for(group) {
                assert_eq!(
                    reply.status,
                    StatusCode::OK,
                    "{group} {op:?}: {}",
                    reply.body
                );
                assert_ne!(stack.snapshot(TENANT_A).await, before_a, "{group} {op:?}");
                assert_eq!(
                    audit_rows(&stack, TENANT_A, op.audit_action()).await,
                    audited + 1,
                    "{group} {op:?}: one audit row"
                );
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{group} {op:?}: {}",
                    reply.body
                );
                assert!(
                    reply.body.contains("Forbidden"),
                    "{group} {op:?}: {}",
                    reply.body
                );
                assert_eq!(stack.snapshot(TENANT_A).await, before_a, "{group} {op:?}");
            }
            assert_eq!(stack.snapshot(TENANT_B).await, before_b, "{group} {op:?}");
        }
        // Everyone reads (and searches: the list has more than a page now).
        let page = browser.get(&stack.url("/projects?q=rocket")).await;
        assert_eq!(page.status, StatusCode::OK, "{group}");
        assert!(page.body.contains("Rocket skates"), "{group}");
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_update_records_what_it_replaced(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let (project, _) = stack.seed_project(TENANT_A, "Old name").await;

    let reply = call(
        &stack,
        &mut ada,
        "update_project",
        &format!("id={project}&name=New+name&description=Now+described"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let sql = format!(
        "select count(*) from audit_log where action = 'project.update' \
         and target_id = '{project}' and actor_email = 'ada@acme.test' \
         and summary = '{{\"before\": {{\"name\": \"Old name\", \"description\": \"\"}}, \
                          \"after\": {{\"name\": \"New name\", \"description\": \"Now described\"}}}}'::jsonb"
    );
    assert_eq!(stack.count(TENANT_A, &sql).await, 1);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn another_tenants_ids_are_not_found_and_change_nothing(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    // Bo is an Admin of B: any refusal here is about the tenant, not the role.
    let mut bo = signed_in(&stack, "bo@globex.test", "Admin", TENANT_B).await;
    let bo_member = stack.member_id(TENANT_B, "bo@globex.test").await;
    let (a_project, a_task) = stack.seed_project(TENANT_A, "Acme secret").await;
    // And one in A's bin, which B cannot bring back.
    let (_, a_binned) = Op::RestoreTask.target(&stack, TENANT_A, "Acme bin").await;
    let before_a = stack.snapshot(TENANT_A).await;
    let before_b = stack.snapshot(TENANT_B).await;

    for op in ALL_OPS {
        if op == Op::CreateProject {
            continue; // takes no id
        }
        let task = if op == Op::RestoreTask {
            &a_binned
        } else {
            &a_task
        };
        let (endpoint, body) = op.call(&a_project, task, &bo_member);
        let reply = call(&stack, &mut bo, endpoint, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{op:?}: {}",
            reply.body
        );
        assert!(!reply.body.contains("Acme"), "{op:?}: {}", reply.body);
    }
    let read = call(&stack, &mut bo, "get_project", &format!("id={a_project}")).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    assert_eq!(stack.snapshot(TENANT_B).await, before_b);

    // Assigning B's own task to A's member: that member is not found either.
    let (_, b_task) = stack.seed_project(TENANT_B, "Globex plan").await;
    let before_b = stack.snapshot(TENANT_B).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let a_member = stack.member_id(TENANT_A, "max@acme.test").await;
    let reply = call(
        &stack,
        &mut bo,
        "assign_task",
        &format!("id={b_task}&assignee={a_member}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.body.contains("Choose an active member"),
        "{}",
        reply.body
    );

    // And A's member cannot reach B's task the other way round.
    let reply = call(
        &stack,
        &mut max,
        "set_task_done",
        &format!("id={b_task}&done=true"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);

    assert_eq!(stack.snapshot(TENANT_B).await, before_b);
    // Max's sign-in wrote his member row, nothing else.
    assert_eq!(stack.snapshot(TENANT_A).await, before_a);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_forged_tenant_id_in_any_call_is_ignored(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let member = stack.member_id(TENANT_A, "ada@acme.test").await;
    let hammock = stack.project_id(TENANT_B, "Hammock district").await;

    for op in ALL_OPS {
        let (project, task) = op.target(&stack, TENANT_A, &format!("Forged {op:?}")).await;
        let before_a = stack.snapshot(TENANT_A).await;
        let before_b = stack.snapshot(TENANT_B).await;
        let (endpoint, body) = op.call(&project, &task, &member);
        let forged = format!("{body}&tenant_id={TENANT_B}");

        let reply = call(&stack, &mut ada, endpoint, &forged).await;

        // Done in the caller's own tenant, as if the field were not there.
        assert_eq!(reply.status, StatusCode::OK, "{op:?}: {}", reply.body);
        assert_ne!(stack.snapshot(TENANT_A).await, before_a, "{op:?}");
        assert_eq!(stack.snapshot(TENANT_B).await, before_b, "{op:?}");
    }

    // Reads too: the list is A's whatever tenant the request names, and B's
    // project stays not found.
    let listed = call(
        &stack,
        &mut ada,
        "list_projects",
        &format!("page=1&tenant_id={TENANT_B}"),
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.body.contains("Rocket skates") && !listed.body.contains("Hammock"));
    let read = call(
        &stack,
        &mut ada,
        "get_project",
        &format!("id={hammock}&tenant_id={TENANT_B}"),
    )
    .await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    let page = ada
        .get(&stack.url(&format!("/projects/{hammock}?tenant_id={TENANT_B}")))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn bad_input_gets_a_clear_message_and_writes_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let (project, task) = stack.seed_project(TENANT_A, "Valid").await;
    let before = stack.snapshot(TENANT_A).await;
    let long_name = "n".repeat(121);
    let long_title = "t".repeat(201);
    let long_text = "d".repeat(4001);

    let cases: Vec<(&str, String, &str, &str)> = vec![
        // (endpoint, body, field, message)
        (
            "update_project",
            format!("id={project}&name=&description=x"),
            "name",
            "cannot be empty",
        ),
        (
            "update_project",
            format!("id={project}&name=%20%09&description=x"),
            "name",
            "cannot be empty",
        ),
        (
            "update_project",
            format!("id={project}&name={long_name}&description=x"),
            "name",
            "at most 120 characters",
        ),
        (
            "update_project",
            format!("id={project}&name=a%00b&description=x"),
            "name",
            "control characters",
        ),
        (
            "update_project",
            format!("id={project}&name=ok&description={long_text}"),
            "description",
            "at most 4000 characters",
        ),
        (
            "update_project",
            format!("id={project}&name=ok&description=a%1Bb"),
            "description",
            "control characters",
        ),
        (
            "create_project",
            "name=a%0Ab&description=".into(),
            "name",
            "control characters",
        ),
        (
            "create_task",
            format!("project_id={project}&title=&description="),
            "title",
            "cannot be empty",
        ),
        (
            "create_task",
            format!("project_id={project}&title={long_title}"),
            "title",
            "at most 200 characters",
        ),
        (
            "create_task",
            format!("project_id={project}&title=a%7Fb"),
            "title",
            "control characters",
        ),
        (
            "update_task",
            format!("id={task}&title=%20&description="),
            "title",
            "cannot be empty",
        ),
        (
            "update_task",
            format!("id={task}&title=ok&description={long_text}"),
            "description",
            "at most 4000 characters",
        ),
        (
            "assign_task",
            format!("id={task}&assignee=not-a-member"),
            "assignee",
            "Choose an active member",
        ),
        (
            "assign_task",
            format!("id={task}&assignee={}", uuid()),
            "assignee",
            "Choose an active member",
        ),
        (
            "list_projects",
            format!("page=1&search={}", "s".repeat(101)),
            "q",
            "at most 100 characters",
        ),
    ];
    for (endpoint, body, field, message) in cases {
        let reply = call(&stack, &mut max, endpoint, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{endpoint} {body}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(message),
            "{endpoint} {body}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(&format!("\"field\":\"{field}\"")),
            "{endpoint} {body}: {}",
            reply.body
        );
    }
    // Malformed or missing ids: the request as a whole is refused.
    for (endpoint, body) in [
        ("update_project", "id=nope&name=ok&description=".to_owned()),
        ("set_task_done", format!("id={task}&done=maybe")),
        ("delete_task", String::new()),
    ] {
        let reply = call(&stack, &mut max, endpoint, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{endpoint} {body}: {}",
            reply.body
        );
        assert!(
            reply.body.contains("malformed"),
            "{endpoint}: {}",
            reply.body
        );
    }
    assert_eq!(stack.snapshot(TENANT_A).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn form_posts_without_javascript_return_to_the_page(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let (project, task) = stack.seed_project(TENANT_A, "Plain forms").await;
    let page = stack.url(&format!("/projects/{project}"));
    let html_form = [
        ("sec-fetch-site", "same-origin"),
        ("accept", "text/html,application/xhtml+xml"),
        ("referer", page.as_str()),
    ];

    // Success: back to the page, which shows the change.
    let reply = ada
        .post(
            &stack.url("/api/set_task_done"),
            &html_form,
            &format!("id={task}&done=true"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    // (Leptos leaves an empty query behind.)
    assert_eq!(reply.location().trim_end_matches('?'), page);
    // The page it lands on says what happened, once.
    assert!(reply.set_cookie("flash").is_some(), "no flash was left");
    let shown = ada.get(&page).await;
    assert!(
        shown.body.contains(r#"data-done="true""#),
        "the task is not shown done"
    );
    assert!(
        shown.body.contains("Completed “First task”."),
        "{}",
        shown.body
    );
    let again = ada.get(&page).await;
    assert!(
        !again.body.contains("Completed “First task”."),
        "shown twice"
    );
    // A script's call leaves none: it shows the outcome itself.
    let scripted = call(
        &stack,
        &mut ada,
        "set_task_done",
        &format!("id={task}&done=false"),
    )
    .await;
    assert_eq!(scripted.status, StatusCode::OK, "{}", scripted.body);
    assert!(scripted.set_cookie("flash").is_none());

    // Refused input: back to the page with the error, which the page shows
    // next to the field.
    let reply = ada
        .post(
            &stack.url("/api/create_task"),
            &html_form,
            &format!("project_id={project}&title=&description="),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    let back = reply.location();
    assert!(back.starts_with(&page) && back.contains("__err="), "{back}");
    let shown = ada.get(&back).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("Title cannot be empty."),
        "{}",
        shown.body
    );

    // Deleting the project: to the list, since its page is gone.
    let reply = ada
        .post(
            &stack.url("/api/delete_project"),
            &html_form,
            &format!("id={project}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(reply.location(), "/projects");
    assert_eq!(ada.get(&page).await.status, StatusCode::NOT_FOUND);
}
