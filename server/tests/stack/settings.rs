//! The settings pages' member management through real HTTP requests with
//! real sessions, against the Cognito stand-in: the escalation matrix, other
//! tenants, forged tenant ids, a Cognito failure half way, and the start-up
//! guard. A refused call must leave the stand-in's users and both tenants'
//! member and audit rows exactly as they were.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const ROLES: [&str; 4] = ["Admin", "SuperUser", "Member", "ReadOnly"];

/// Everything a member change could touch.
async fn state(stack: &Stack) -> String {
    format!(
        "{}\n{}\n{}",
        stack.idp_snapshot(),
        stack.members_snapshot(TENANT_A).await,
        stack.members_snapshot(TENANT_B).await
    )
}

fn rank(role: &str) -> usize {
    3 - ROLES.iter().position(|r| *r == role).unwrap()
}

/// The issue's rules, written out on their own (not through the server's
/// `policy` module): who may make which change to whom.
fn allowed(caller: &str, target: &str, change: &Change) -> bool {
    let manages = matches!(caller, "Admin" | "SuperUser");
    let touches_admin = target == "Admin" || matches!(change, Change::Role(r) if *r == "Admin");
    let above_own = matches!(change, Change::Role(r) if rank(r) > rank(caller));
    manages && !above_own && !(caller == "SuperUser" && touches_admin)
}

#[derive(Debug)]
enum Change {
    Role(&'static str),
    Disable,
    Enable,
    Remove,
}

impl Change {
    fn call(&self, member: &str) -> (&'static str, String) {
        match self {
            Change::Role(role) => ("change_member_role", format!("id={member}&role={role}")),
            Change::Disable => ("set_member_active", format!("id={member}&active=false")),
            Change::Enable => ("set_member_active", format!("id={member}&active=true")),
            Change::Remove => ("remove_member", format!("id={member}")),
        }
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn each_role_may_change_exactly_whom_the_rules_allow(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut n = 0;
    for caller in ROLES {
        let mut browser = signed_in(
            &stack,
            &format!("{}@acme.test", caller.to_lowercase()),
            caller,
            TENANT_A,
        )
        .await;
        for target in ROLES {
            let changes = [
                Change::Role("Admin"),
                Change::Role("SuperUser"),
                Change::Role("Member"),
                Change::Role("ReadOnly"),
                Change::Disable,
                Change::Enable,
                Change::Remove,
            ];
            for change in changes {
                n += 1;
                // Enabling needs someone disabled; everything else someone active.
                let active = !matches!(change, Change::Enable);
                let email = format!("target{n}@acme.test");
                let member = stack.add_member(TENANT_A, &email, target, active).await;
                let before = state(&stack).await;
                let (endpoint, body) = change.call(&member);

                let reply = call(&stack, &mut browser, endpoint, &body).await;

                let case = format!("{caller} → {target}: {change:?}");
                let no_op = matches!(change, Change::Role(r) if r == target);
                if allowed(caller, target, &change) && no_op {
                    assert_eq!(reply.status, StatusCode::OK, "{case}: {}", reply.body);
                    assert_eq!(state(&stack).await, before, "{case}: a no-op wrote");
                } else if allowed(caller, target, &change) {
                    assert_eq!(reply.status, StatusCode::OK, "{case}: {}", reply.body);
                    assert_ne!(state(&stack).await, before, "{case}: nothing changed");
                    let user = stack.idp.store().find_user(&email).cloned();
                    match change {
                        Change::Role(role) => {
                            let groups = user.unwrap().groups;
                            assert_eq!(
                                groups.into_iter().collect::<Vec<_>>(),
                                vec![role],
                                "{case}"
                            );
                        }
                        Change::Disable => assert!(!user.unwrap().enabled, "{case}"),
                        Change::Enable => assert!(user.unwrap().enabled, "{case}"),
                        Change::Remove => assert!(user.is_none(), "{case}"),
                    }
                } else {
                    assert_eq!(
                        reply.status,
                        StatusCode::FORBIDDEN,
                        "{case}: {}",
                        reply.body
                    );
                    assert_eq!(state(&stack).await, before, "{case}: changed something");
                }
            }
        }
        // Adding a member with each role.
        for role in ROLES {
            n += 1;
            let email = format!("new{n}@acme.test");
            let before = state(&stack).await;
            let reply = call(
                &stack,
                &mut browser,
                "invite_member",
                &format!("email={email}&name=New&role={role}"),
            )
            .await;
            let case = format!("{caller} adds a {role}");
            let may = matches!(caller, "Admin" | "SuperUser") && rank(role) <= rank(caller);
            if may {
                assert_eq!(reply.status, StatusCode::OK, "{case}: {}", reply.body);
                let user = stack.idp.store().find_user(&email).cloned().unwrap();
                assert_eq!(user.attributes["custom:tenant_id"], TENANT_A, "{case}");
                assert!(user.groups.contains(role), "{case}");
                let sql = format!(
                    "select count(*) from members where email = '{email}' and role = '{role}'"
                );
                assert_eq!(stack.count(TENANT_A, &sql).await, 1, "{case}");
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{case}: {}",
                    reply.body
                );
                assert_eq!(state(&stack).await, before, "{case}: changed something");
            }
        }
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn nobody_changes_their_own_account(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    for role in ["Admin", "SuperUser"] {
        let email = format!("self-{}@acme.test", role.to_lowercase());
        let mut browser = signed_in(&stack, &email, role, TENANT_A).await;
        let me = stack.member_id(TENANT_A, &email).await;
        for body in [
            format!("id={me}&role=ReadOnly"),
            format!("id={me}&role={role}"),
        ] {
            let reply = call(&stack, &mut browser, "change_member_role", &body).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{role}: {}",
                reply.body
            );
            assert!(
                reply.body.contains(r#""Refused":"OwnAccount""#),
                "{}",
                reply.body
            );
        }
        let before = state(&stack).await;
        for (endpoint, body) in [
            ("set_member_active", format!("id={me}&active=false")),
            ("remove_member", format!("id={me}")),
        ] {
            let reply = call(&stack, &mut browser, endpoint, &body).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {endpoint}");
        }
        assert_eq!(state(&stack).await, before);
    }
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_forged_tenant_id_still_adds_to_the_admins_own_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let before_b = stack.members_snapshot(TENANT_B).await;

    let reply = call(
        &stack,
        &mut ada,
        "invite_member",
        &format!("email=planted@globex.test&name=Plant&role=Member&tenant_id={TENANT_B}&custom%3Atenant_id={TENANT_B}"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let user = stack
        .idp
        .store()
        .find_user("planted@globex.test")
        .cloned()
        .unwrap();
    assert_eq!(user.attributes["custom:tenant_id"], TENANT_A);
    let sql = "select count(*) from members where email = 'planted@globex.test'";
    assert_eq!(stack.count(TENANT_A, sql).await, 1);
    assert_eq!(stack.members_snapshot(TENANT_B).await, before_b);
    // The invitation went out with a temporary password.
    let outbox = stack.idp.store().outbox.clone();
    assert!(outbox.iter().any(|m| m.to == "planted@globex.test"));
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_admin_cannot_act_on_another_tenants_member(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let bo = stack
        .add_member(TENANT_B, "bob@globex.test", "Member", true)
        .await;
    let before = state(&stack).await;

    for change in [
        Change::Role("ReadOnly"),
        Change::Disable,
        Change::Enable,
        Change::Remove,
    ] {
        let (endpoint, body) = change.call(&bo);
        let reply = call(&stack, &mut ada, endpoint, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{change:?}: {}",
            reply.body
        );
    }
    let listed = call(&stack, &mut ada, "list_members", "page=1").await;
    assert!(!listed.body.contains("globex"), "{}", listed.body);
    assert_eq!(state(&stack).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_failed_group_add_leaves_no_user_and_no_row(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let before = state(&stack).await;
    stack.idp.fail_next("AdminAddUserToGroup");

    let reply = call(
        &stack,
        &mut ada,
        "invite_member",
        "email=half@acme.test&name=Half&role=Member",
    )
    .await;

    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert!(stack.idp.store().find_user("half@acme.test").is_none());
    assert_eq!(
        stack
            .count(
                TENANT_A,
                "select count(*) from members where email = 'half@acme.test'"
            )
            .await,
        0
    );
    assert_eq!(state(&stack).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_used_email_gets_one_message_that_names_no_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    stack
        .add_member(TENANT_B, "taken@globex.test", "Member", true)
        .await;
    stack
        .add_member(TENANT_A, "taken@acme.test", "Member", true)
        .await;
    let before = state(&stack).await;

    let elsewhere = call(
        &stack,
        &mut ada,
        "invite_member",
        "email=TAKEN@globex.test&role=Member",
    )
    .await;
    let here = call(
        &stack,
        &mut ada,
        "invite_member",
        "email=taken@acme.test&role=Member",
    )
    .await;

    assert_eq!(elsewhere.status, StatusCode::CONFLICT, "{}", elsewhere.body);
    assert_eq!(here.status, StatusCode::CONFLICT);
    assert_eq!(elsewhere.body, here.body, "the two messages differ");
    assert!(!elsewhere.body.to_lowercase().contains("globex"));
    assert_eq!(state(&stack).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn bad_member_input_gets_a_clear_message(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let before = state(&stack).await;
    for (body, field, message) in [
        ("email=&role=Member", "email", "Email cannot be empty."),
        (
            "email=not-an-email&role=Member",
            "email",
            "like name@example.com",
        ),
        (
            "email=a%0Ab@x.com&role=Member",
            "email",
            "control characters",
        ),
        (
            "email=ok@acme.test&name=a%07&role=Member",
            "name",
            "control characters",
        ),
        ("email=ok@acme.test&role=admin", "role", "Choose a role."),
        ("email=ok@acme.test&role=Owner", "role", "Choose a role."),
    ] {
        let reply = call(&stack, &mut ada, "invite_member", body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.body
        );
        assert!(reply.body.contains(message), "{body}: {}", reply.body);
        assert!(
            reply.body.contains(&format!("\"field\":\"{field}\"")),
            "{body}"
        );
    }
    assert_eq!(state(&stack).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn disabling_a_member_ends_their_session(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    assert_eq!(
        max.get(&stack.url("/projects")).await.status,
        StatusCode::OK
    );
    let id = stack.member_id(TENANT_A, "max@acme.test").await;

    let reply = call(
        &stack,
        &mut ada,
        "set_member_active",
        &format!("id={id}&active=false"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let next = max.get(&stack.url("/projects")).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
    assert!(
        next.location().starts_with("/auth/login"),
        "{}",
        next.location()
    );
    let audit = "select count(*) from audit_log where action = 'member.disable' \
                 and actor_email = 'ada@acme.test'";
    assert_eq!(stack.count(TENANT_A, audit).await, 1);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
/// Two Admins each demote the other, with the requests sent together: they
/// must not both succeed.
async fn two_admins_demoting_each_other_leave_one_admin(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut al = signed_in(&stack, "al@acme.test", "Admin", TENANT_A).await;
    let ada_id = stack.member_id(TENANT_A, "ada@acme.test").await;
    let al_id = stack.member_id(TENANT_A, "al@acme.test").await;
    let demote = |id: &str| format!("id={id}&role=Member");
    let (ada_body, al_body) = (demote(&al_id), demote(&ada_id));

    let (by_ada, by_al) = tokio::join!(
        call(&stack, &mut ada, "change_member_role", &ada_body),
        call(&stack, &mut al, "change_member_role", &al_body),
    );

    // One wins. The other is refused either by the last-Admin rule (it got
    // past the session check before the first committed) or because the
    // first demotion ended its caller's session (it did not).
    let (won, lost) = if by_ada.status == StatusCode::OK {
        (&by_ada, &by_al)
    } else {
        (&by_al, &by_ada)
    };
    assert_eq!(won.status, StatusCode::OK, "{}", won.body);
    match lost.status {
        StatusCode::FORBIDDEN => {
            assert!(
                lost.body.contains(r#""Refused":"LastAdmin""#),
                "{}",
                lost.body
            )
        }
        StatusCode::UNAUTHORIZED => {}
        other => panic!("{other}: {}", lost.body),
    }
    let admins = "select count(*) from members where role = 'Admin' and status = 'active'";
    assert_eq!(stack.count(TENANT_A, admins).await, 1);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn only_an_admin_renames_the_tenant(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut sue = signed_in(&stack, "sue@acme.test", "SuperUser", TENANT_A).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let name = "select name from tenants";

    let refused = call(&stack, &mut sue, "rename_tenant", "name=Sue+Corp").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = sue.get(&stack.url("/settings/profile")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("Not allowed"));

    let blank = call(&stack, &mut ada, "rename_tenant", "name=%20").await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.body);
    let done = call(
        &stack,
        &mut ada,
        "rename_tenant",
        &format!("name=Acme+Unlimited&tenant_id={TENANT_B}"),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    for (tenant, expected) in [(TENANT_A, "Acme Unlimited"), (TENANT_B, "Globex")] {
        let got: Vec<(String,)> = stack.rows(tenant, name).await;
        assert_eq!(got, vec![(expected.to_owned(),)]);
    }
    let audit = "select count(*) from audit_log where action = 'tenant.rename' \
                 and summary->>'before' = 'Acme Corp' and summary->>'after' = 'Acme Unlimited'";
    assert_eq!(stack.count(TENANT_A, audit).await, 1);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_audit_log_filters_by_actor_and_action(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut sue = signed_in(&stack, "sue@acme.test", "SuperUser", TENANT_A).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let target = stack
        .add_member(TENANT_A, "t@acme.test", "Member", true)
        .await;
    call(
        &stack,
        &mut ada,
        "change_member_role",
        &format!("id={target}&role=ReadOnly"),
    )
    .await;
    call(
        &stack,
        &mut sue,
        "set_member_active",
        &format!("id={target}&active=false"),
    )
    .await;
    call(
        &stack,
        &mut max,
        "create_project",
        "name=Audited&description=",
    )
    .await;

    let all = call(&stack, &mut ada, "list_audit", "page=1").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.body.contains("\"total\":3"), "{}", all.body);
    let by_sue = call(&stack, &mut ada, "list_audit", "page=1&actor=SUE@acme.test").await;
    assert!(
        by_sue.body.contains("\"total\":1") && by_sue.body.contains("member.disable"),
        "{}",
        by_sue.body
    );
    let members = call(&stack, &mut ada, "list_audit", "page=1&action=member.").await;
    assert!(members.body.contains("\"total\":2"), "{}", members.body);
    let exact = call(
        &stack,
        &mut ada,
        "list_audit",
        "page=1&action=project.create",
    )
    .await;
    assert!(
        exact.body.contains("\"total\":1") && exact.body.contains("max@acme.test"),
        "{}",
        exact.body
    );
    // Newest first.
    let first_disable = all.body.find("member.disable").unwrap();
    let first_role = all.body.find("member.role").unwrap();
    assert!(first_disable < first_role, "{}", all.body);

    // Not for a Member, and another tenant's log is not there to see.
    let refused = call(&stack, &mut max, "list_audit", "page=1").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut bo = signed_in(&stack, "bo@globex.test", "Admin", TENANT_B).await;
    let theirs = call(&stack, &mut bo, "list_audit", "page=1").await;
    assert!(theirs.body.contains("\"total\":0"), "{}", theirs.body);
}
