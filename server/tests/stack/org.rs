//! The organisation tree and roles per unit through real HTTP requests with
//! real sessions: the example (effective roles, and which project
//! writes each unit allows), the escalation rules per unit, the tree's own
//! limits, and ids of another tenant. Every refused change is checked to
//! leave the tree, the assignments and the audit log as they were.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("not JSON: {}", reply.body))
}

/// Creates a unit as `browser`; returns its id.
async fn unit(stack: &Stack, browser: &mut Browser, parent: &str, name: &str) -> String {
    let reply = call(
        stack,
        browser,
        "create_unit",
        &format!("parent={parent}&name={}", urlencode(name)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
    json(&reply).as_str().unwrap().to_owned()
}

async fn assign(
    stack: &Stack,
    browser: &mut Browser,
    unit: &str,
    member: &str,
    role: &str,
) -> Reply {
    call(
        stack,
        browser,
        "assign_role",
        &format!("unit={unit}&member={member}&role={role}"),
    )
    .await
}

async fn root_of(stack: &Stack, tenant: &str) -> String {
    stack
        .scalar(
            tenant,
            "select id::text from org_units where parent_id is null and $1 = ''",
            "",
        )
        .await
}

/// A project in `unit`, written as the owner (whom only the tenant binds).
async fn project_in(stack: &Stack, tenant: &str, unit: &str) -> String {
    let id = uuid();
    let sql = format!(
        "insert into projects (tenant_id, id, unit_id, name)
         values (app.current_tenant(), $1::uuid, '{unit}', 'In a unit')"
    );
    assert_eq!(stack.as_tenant(tenant, &sql, &id).await, 1);
    id
}

/// The tree Parent → {Child 1, Child 2 → Grandchild}, made by Ada (Admin);
/// returns [root, Parent, Child 1, Child 2, Grandchild].
async fn example_tree(stack: &Stack, ada: &mut Browser) -> [String; 5] {
    let root = root_of(stack, TENANT_A).await;
    let parent = unit(stack, ada, &root, "Parent").await;
    let child_1 = unit(stack, ada, &parent, "Child 1").await;
    let child_2 = unit(stack, ada, &parent, "Child 2").await;
    let grandchild = unit(stack, ada, &child_2, "Grandchild").await;
    [root, parent, child_1, child_2, grandchild]
}

/// Max (tenant role Member) is ReadOnly at Parent and Admin at Child 1: he
/// is Member at the root, Admin in Child 1, ReadOnly in Parent, Child 2 and
/// Grandchild — and may create and change projects exactly where his role
/// there allows it.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_nearest_role_decides_over_http(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = &Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut max = signed_in(stack, "max@acme.test", "Member", TENANT_A).await;
    let units = example_tree(stack, &mut ada).await;
    let max_id = stack.member_id(TENANT_A, "max@acme.test").await;
    for (unit, role) in [(&units[1], "ReadOnly"), (&units[2], "Admin")] {
        let reply = assign(stack, &mut ada, unit, &max_id, role).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    // What the tree says about Max, as Max reads it.
    let tree = json(&call(stack, &mut max, "org_tree", "").await);
    let role_at = |unit: &str| {
        let found = tree
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == unit)
            .unwrap_or_else(|| panic!("{unit} not in {tree}"));
        (
            found["your_role"]["role"].as_str().unwrap().to_owned(),
            found["your_role"]["source"].clone(),
        )
    };
    let expected = ["Member", "ReadOnly", "Admin", "ReadOnly", "ReadOnly"];
    for (unit, role) in units.iter().zip(expected) {
        assert_eq!(role_at(unit).0, role, "{unit}");
    }
    assert_eq!(role_at(&units[0]).1, "Tenant");
    assert_eq!(role_at(&units[2]).1, "Here");
    assert_eq!(
        role_at(&units[4]).1["Inherited"]["unit_name"],
        "Parent",
        "Grandchild's role comes from Parent"
    );

    // The pages say the same: the organisation page at each unit, and the
    // page of a project in each unit.
    let mut projects = Vec::new();
    for (unit, role) in units.iter().zip(expected) {
        let page = max
            .get(&stack.url(&format!("/settings/organisation?unit={unit}")))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let origin = match role_at(unit).1 {
            Value::String(s) if s == "Tenant" => "tenant role".to_owned(),
            Value::String(_) => "assigned here".to_owned(),
            _ => "from Parent".to_owned(),
        };
        let said = format!("Your role here: <strong>{role} — {origin}</strong>");
        assert!(page.body.contains(&said), "{unit}: no {said}");
        let project = project_in(stack, TENANT_A, unit).await;
        let page = max.get(&stack.url(&format!("/projects/{project}"))).await;
        assert!(page.body.contains(&said), "project in {unit}: no {said}");
        // The forms follow the role: the quick-add only where Max writes.
        assert_eq!(
            page.body.contains("aria-label=\"New task\""),
            role != "ReadOnly",
            "project in {unit} as {role}"
        );
        projects.push(project);
    }

    // Moving a project needs write access where it is and where it goes.
    let moves = [
        (&projects[2], &units[0], StatusCode::OK),
        (&projects[0], &units[3], StatusCode::FORBIDDEN),
        (&projects[3], &units[2], StatusCode::FORBIDDEN),
    ];
    for (project, to, status) in moves {
        let before = stack.snapshot(TENANT_A).await;
        let reply = call(
            stack,
            &mut max,
            "move_project",
            &format!("id={project}&unit={to}"),
        )
        .await;
        assert_eq!(reply.status, status, "{project} to {to}: {}", reply.body);
        if status != StatusCode::OK {
            assert_eq!(stack.snapshot(TENANT_A).await, before);
        }
    }
    let moved = "select count(*) from audit_log where action = 'project.move'";
    assert_eq!(stack.count(TENANT_A, moved).await, 1);

    // Creating and changing projects, unit by unit.
    for (unit, role) in units.iter().zip(expected) {
        let writes = role != "ReadOnly";
        let created = call(
            stack,
            &mut max,
            "create_project",
            &format!("name=Mine&description=&unit={unit}"),
        )
        .await;
        let project = project_in(stack, TENANT_A, unit).await;
        let before = stack.snapshot(TENANT_A).await;
        let renamed = call(
            stack,
            &mut max,
            "update_project",
            &format!("id={project}&name=Renamed&description="),
        )
        .await;
        let expected_status = if writes {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(
            created.status, expected_status,
            "create in {role}: {}",
            created.body
        );
        assert_eq!(
            renamed.status, expected_status,
            "rename in {role}: {}",
            renamed.body
        );
        if !writes {
            assert_eq!(stack.snapshot(TENANT_A).await, before, "{role}");
        }
        // Deleting a project needs Admin or SuperUser there.
        let deleted = call(stack, &mut max, "delete_project", &format!("id={project}")).await;
        let deletes = role == "Admin";
        assert_eq!(
            deleted.status == StatusCode::OK,
            deletes,
            "delete in {role}: {}",
            deleted.body
        );
    }

    // Taking the Admin role at Child 1 away shows on Max's next request,
    // in the session he already has: Child 1 is ReadOnly (from Parent).
    let reply = assign(stack, &mut ada, &units[2], &max_id, "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let created = call(
        stack,
        &mut max,
        "create_project",
        &format!("name=Late&description=&unit={}", units[2]),
    )
    .await;
    assert_eq!(created.status, StatusCode::FORBIDDEN, "{}", created.body);
    let unassigned = "select count(*) from audit_log where action = 'role.unassign'";
    assert_eq!(stack.count(TENANT_A, unassigned).await, 1);
}

/// The members page's rules, per unit, and the tree's own limits; each
/// refusal changes nothing.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn refused_tree_and_role_changes_change_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = &Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut sue = signed_in(stack, "sue@acme.test", "SuperUser", TENANT_A).await;
    let mut max = signed_in(stack, "max@acme.test", "Member", TENANT_A).await;
    let _rita = signed_in(stack, "rita@acme.test", "ReadOnly", TENANT_A).await;
    let [root, parent, child_1, child_2, grandchild] = example_tree(stack, &mut ada).await;
    let max_id = stack.member_id(TENANT_A, "max@acme.test").await;
    let ada_id = stack.member_id(TENANT_A, "ada@acme.test").await;
    let sue_id = stack.member_id(TENANT_A, "sue@acme.test").await;
    let rita_id = stack.member_id(TENANT_A, "rita@acme.test").await;
    for (unit, role) in [(&parent, "ReadOnly"), (&child_1, "Admin")] {
        assert_eq!(
            assign(stack, &mut ada, unit, &max_id, role).await.status,
            StatusCode::OK
        );
    }
    let other_root = root_of(stack, TENANT_B).await;
    let _bo = signed_in(stack, "bo@globex.test", "Admin", TENANT_B).await;
    let other_member = stack.member_id(TENANT_B, "bo@globex.test").await;

    // Child 1 has a project, so it cannot be deleted.
    project_in(stack, TENANT_A, &child_1).await;
    let refusals: Vec<(&str, &str, String, StatusCode, &str)> = vec![
        // Roles: nobody above their own, SuperUser never Admin nor an
        // Admin's, nobody their own, not at the root.
        (
            "sue",
            "assign_role",
            format!("unit={child_2}&member={rita_id}&role=Admin"),
            StatusCode::FORBIDDEN,
            "AboveOwnRole",
        ),
        (
            "sue",
            "assign_role",
            format!("unit={child_2}&member={ada_id}&role=ReadOnly"),
            StatusCode::FORBIDDEN,
            "AdminOnly",
        ),
        (
            "max",
            "assign_role",
            format!("unit={child_1}&member={max_id}&role=Member"),
            StatusCode::FORBIDDEN,
            "OwnAccount",
        ),
        (
            "max",
            "assign_role",
            format!("unit={child_2}&member={rita_id}&role=Member"),
            StatusCode::FORBIDDEN,
            "NotAUnitManager",
        ),
        (
            "ada",
            "assign_role",
            format!("unit={root}&member={rita_id}&role=Member"),
            StatusCode::FORBIDDEN,
            "Root",
        ),
        (
            "ada",
            "assign_role",
            format!("unit={child_1}&member={sue_id}&role=Owner"),
            StatusCode::BAD_REQUEST,
            "Choose a role",
        ),
        // The tree: only managers, never out of reach, no cycles, no ninth
        // level, no twin names, never the root.
        (
            "max",
            "create_unit",
            format!("parent={child_2}&name=Mine"),
            StatusCode::FORBIDDEN,
            "NotAUnitManager",
        ),
        (
            "max",
            "move_unit",
            format!("id={child_1}&parent={child_2}"),
            StatusCode::FORBIDDEN,
            "OutOfReach",
        ),
        (
            "ada",
            "move_unit",
            format!("id={parent}&parent={grandchild}"),
            StatusCode::BAD_REQUEST,
            "under itself",
        ),
        (
            "ada",
            "create_unit",
            format!("parent={child_2}&name=GRANDCHILD"),
            StatusCode::CONFLICT,
            "already has this name",
        ),
        (
            "ada",
            "create_unit",
            format!("parent={child_2}&name="),
            StatusCode::BAD_REQUEST,
            "cannot be empty",
        ),
        (
            "ada",
            "rename_unit",
            format!("id={root}&name=Renamed"),
            StatusCode::FORBIDDEN,
            "Root",
        ),
        (
            "ada",
            "delete_unit",
            format!("id={parent}"),
            StatusCode::BAD_REQUEST,
            "units under it",
        ),
        (
            "ada",
            "delete_unit",
            format!("id={child_1}"),
            StatusCode::BAD_REQUEST,
            "still has projects",
        ),
        // Another tenant's ids look like none at all.
        (
            "ada",
            "create_unit",
            format!("parent={other_root}&name=Sneaky"),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            "ada",
            "rename_unit",
            format!("id={other_root}&name=Sneaky"),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            "ada",
            "assign_role",
            format!("unit={child_1}&member={other_member}&role=Member"),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            "ada",
            "move_unit",
            format!("id={child_2}&parent={other_root}"),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
    ];
    for (who, endpoint, body, status, words) in refusals {
        let before_a = stack.snapshot(TENANT_A).await;
        let before_b = stack.snapshot(TENANT_B).await;
        let browser = match who {
            "ada" => &mut ada,
            "sue" => &mut sue,
            _ => &mut max,
        };
        let reply = call(stack, browser, endpoint, &body).await;
        assert_eq!(
            reply.status, status,
            "{who} {endpoint} {body}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(words),
            "{who} {endpoint} {body}: {}",
            reply.body
        );
        assert_eq!(
            stack.snapshot(TENANT_A).await,
            before_a,
            "{who} {endpoint} {body}"
        );
        assert_eq!(
            stack.snapshot(TENANT_B).await,
            before_b,
            "{who} {endpoint} {body}"
        );
    }

    // A ninth level is refused; the eighth is not.
    let mut deepest = grandchild.clone();
    for level in 4..=8 {
        deepest = unit(stack, &mut ada, &deepest, &format!("Level {level}")).await;
    }
    let before = stack.snapshot(TENANT_A).await;
    let reply = call(
        stack,
        &mut ada,
        "create_unit",
        &format!("parent={deepest}&name=Level%209"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("at most 8 levels"), "{}", reply.body);
    assert_eq!(stack.snapshot(TENANT_A).await, before);

    // What Max may do in his own unit, he may: a team under Child 1, a role
    // there for Rita, and every change is in the audit log.
    let team = unit(stack, &mut max, &child_1, "Team").await;
    let reply = assign(stack, &mut max, &team, &rita_id, "Member").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    for action in ["org.create", "role.assign"] {
        let sql = format!(
            "select count(*) from audit_log a join members m on m.cognito_sub = a.actor_sub
             where a.action = '{action}' and m.email = 'max@acme.test'"
        );
        assert_eq!(stack.count(TENANT_A, &sql).await, 1, "{action}");
    }
}

/// The escalation rules per unit as a matrix: a caller whose role at a unit
/// is each of the four roles, a member whose role there is each of the
/// four, and every change of that member's role there (each role, or none).
/// Roles come from assignments at the unit's parent, so the rules are the
/// unit's, not the tenant's. Expected outcomes are the rules written out
/// here independently; a refused change leaves everything as it was.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_escalation_rules_hold_per_unit(_: PgPoolOptions, db: PgConnectOptions) {
    const ROLES: [&str; 4] = ["Admin", "SuperUser", "Member", "ReadOnly"];
    let rank = |role: &str| 3 - ROLES.iter().position(|r| *r == role).unwrap();
    let stack = &Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(stack, "ada@acme.test", "Admin", TENANT_A).await;
    let root = root_of(stack, TENANT_A).await;
    let parent = unit(stack, &mut ada, &root, "Parent").await;
    let team = unit(stack, &mut ada, &parent, "Team").await;
    // Callers and targets: tenant role Member, their role at Team from an
    // assignment at Parent.
    let mut callers = Vec::new();
    let mut targets = Vec::new();
    for role in ROLES {
        for kind in ["caller", "target"] {
            let email = format!("{kind}-{}@acme.test", role.to_lowercase());
            let browser = signed_in(stack, &email, "Member", TENANT_A).await;
            let id = stack.member_id(TENANT_A, &email).await;
            let reply = assign(stack, &mut ada, &parent, &id, role).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let list = if kind == "caller" {
                &mut callers
            } else {
                &mut targets
            };
            list.push((role, browser, id));
        }
    }

    for (caller_role, browser, _) in &mut callers {
        for (target_role, _, target) in &targets {
            for change in ROLES.iter().map(|r| Some(*r)).chain([None]) {
                // The rules: the caller manages the unit, the target's role
                // there is not above the caller's, nor is the new one.
                let allowed = rank(caller_role) >= 2
                    && rank(target_role) <= rank(caller_role)
                    && change.is_none_or(|role| rank(role) <= rank(caller_role));
                // Taking an assignment away needs one there: give one first,
                // keeping the target's role there as it was.
                if change.is_none() {
                    let sql = format!(
                        "insert into role_assignments (tenant_id, member_id, unit_id, role)
                         values (app.current_tenant(), $1::uuid, '{team}', '{target_role}')"
                    );
                    stack.as_tenant(TENANT_A, &sql, target).await;
                }
                let before = stack.snapshot(TENANT_A).await;
                let reply = assign(stack, browser, &team, target, change.unwrap_or("")).await;
                let label = format!("{caller_role} sets {target_role} to {change:?}");
                if allowed {
                    assert_eq!(reply.status, StatusCode::OK, "{label}: {}", reply.body);
                } else {
                    assert_eq!(
                        reply.status,
                        StatusCode::FORBIDDEN,
                        "{label}: {}",
                        reply.body
                    );
                    assert_eq!(stack.snapshot(TENANT_A).await, before, "{label}");
                }
                // Back to no assignment at Team, for the next case.
                let sql = format!(
                    "delete from role_assignments where unit_id = '{team}' and member_id = $1::uuid"
                );
                stack.as_tenant(TENANT_A, &sql, target).await;
            }
        }
    }
}

/// Two managers move two units under each other at the same moment, round
/// after round: the tenant lock makes the second move see the first, so
/// one of them is refused as a cycle and the tree never loops. Every unit
/// keeps one path to the root.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn racing_moves_never_make_a_cycle(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = &Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut sue = signed_in(stack, "sue@acme.test", "SuperUser", TENANT_A).await;
    let root = root_of(stack, TENANT_A).await;
    for round in 0..10 {
        let x = unit(stack, &mut ada, &root, &format!("X {round}")).await;
        let y = unit(stack, &mut ada, &root, &format!("Y {round}")).await;
        let (x_under_y, y_under_x) = (format!("id={x}&parent={y}"), format!("id={y}&parent={x}"));
        let (first, second) = tokio::join!(
            call(stack, &mut ada, "move_unit", &x_under_y),
            call(stack, &mut sue, "move_unit", &y_under_x),
        );
        let statuses = [first.status, second.status];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::BAD_REQUEST),
            "round {round}: {statuses:?} {} {}",
            first.body,
            second.body
        );
    }
    // No unit is its own ancestor, and each has exactly one root above it.
    let loops = "select count(*) from org_unit_paths where ancestor_id = unit_id and distance > 0";
    assert_eq!(stack.count(TENANT_A, loops).await, 0);
    let rootless = "select count(*) from org_units u where not exists (
        select from org_unit_paths p join org_units r on r.id = p.ancestor_id
        where p.unit_id = u.id and r.parent_id is null)";
    assert_eq!(stack.count(TENANT_A, rootless).await, 0);
}
