//! Pending invitations: a member invited from the settings page is listed
//! as pending until their first sign-in; resending mails a new temporary
//! password (Cognito's AdminCreateUser with MessageAction=RESEND), within
//! the invitation rules; revoking removes them. Refusals change nothing.

use crate::support::*;
use cognito_local::password;
use cognito_local::store::UserStatus;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The messages the stand-in has sent `to`, oldest first (temporary
/// passwords).
fn sent_to(stack: &Stack, to: &str) -> Vec<String> {
    let store = stack.idp.store();
    let sent = store.outbox.iter().filter(|m| m.to == to);
    sent.map(|m| m.temporary_password.clone()).collect()
}

/// The emails `list_members` shows as pending, and as members.
async fn listed(stack: &Stack, browser: &mut Browser) -> (Vec<String>, Vec<String>) {
    let reply = call(stack, browser, "list_members", "page=1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let emails = |rows: &serde_json::Value| -> Vec<String> {
        let rows = rows.as_array().unwrap();
        rows.iter()
            .map(|m| m["email"].as_str().unwrap().to_owned())
            .collect()
    };
    (emails(&list["pending"]), emails(&list["members"]["items"]))
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_invitation_is_pending_until_first_sign_in_and_can_be_resent(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let reply = call(
        &stack,
        &mut ada,
        "invite_member",
        "email=june@acme.test&name=June&role=Member",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let june = stack.member_id(TENANT_A, "june@acme.test").await;
    let (pending, members) = listed(&stack, &mut ada).await;
    assert_eq!(pending, ["june@acme.test"]);
    assert!(
        !members.contains(&"june@acme.test".to_owned()),
        "{members:?}"
    );
    assert_eq!(sent_to(&stack, "june@acme.test").len(), 1);

    let reply = call(&stack, &mut ada, "resend_invitation", &format!("id={june}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let sent = sent_to(&stack, "june@acme.test");
    assert_eq!(
        sent.len(),
        2,
        "the stand-in's outbox shows the resent message"
    );
    assert_ne!(
        sent[0], sent[1],
        "the same temporary password was sent again"
    );
    let audited = format!(
        "select count(*) from audit_log where action = 'member.resend' and target_id = '{june}'"
    );
    assert_eq!(stack.count(TENANT_A, &audited).await, 1);

    // June sets her password (here, directly in the stand-in) and signs in:
    // she is a member now, with no invitation to resend.
    {
        let mut store = stack.idp.store();
        let user = store.find_user_mut("june@acme.test").unwrap();
        user.password = password::Hash::new(PASSWORD);
        user.status = UserStatus::Confirmed;
    }
    let mut june_browser = Browser::default();
    stack
        .sign_in(&mut june_browser, "june@acme.test", "/")
        .await;
    let (pending, members) = listed(&stack, &mut ada).await;
    assert!(pending.is_empty(), "{pending:?}");
    assert!(
        members.contains(&"june@acme.test".to_owned()),
        "{members:?}"
    );
    let before = stack.members_snapshot(TENANT_A).await;
    let reply = call(&stack, &mut ada, "resend_invitation", &format!("id={june}")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.body.contains("no pending invitation"),
        "{}",
        reply.body
    );
    assert_eq!(sent_to(&stack, "june@acme.test").len(), 2);
    assert_eq!(stack.members_snapshot(TENANT_A).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn resending_follows_the_invitation_rules_and_stays_in_the_tenant(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    for (email, role) in [("al@acme.test", "Admin"), ("mo@acme.test", "Member")] {
        let body = format!("email={email}&name=&role={role}");
        let reply = call(&stack, &mut ada, "invite_member", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let al = stack.member_id(TENANT_A, "al@acme.test").await;
    let mo = stack.member_id(TENANT_A, "mo@acme.test").await;
    let mut sue = signed_in(&stack, "sue@acme.test", "SuperUser", TENANT_A).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;
    let mut bo = signed_in(&stack, "bo@globex.test", "Admin", TENANT_B).await;
    let before = stack.members_snapshot(TENANT_A).await;

    // A SuperUser may not invite an Admin, so not re-invite one either.
    let reply = call(&stack, &mut sue, "resend_invitation", &format!("id={al}")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.body.contains("AboveOwnRole"), "{}", reply.body);
    // A Member manages nobody; another tenant's Admin does not find her.
    let reply = call(&stack, &mut max, "resend_invitation", &format!("id={mo}")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let reply = call(&stack, &mut bo, "resend_invitation", &format!("id={mo}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let reply = call(&stack, &mut bo, "resend_invitation", "id=not-an-id").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(stack.members_snapshot(TENANT_A).await, before);
    assert_eq!(sent_to(&stack, "al@acme.test").len(), 1);
    assert_eq!(sent_to(&stack, "mo@acme.test").len(), 1);

    // The SuperUser may resend the Member's, and revoke it.
    let reply = call(&stack, &mut sue, "resend_invitation", &format!("id={mo}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(sent_to(&stack, "mo@acme.test").len(), 2);
    let reply = call(&stack, &mut sue, "remove_member", &format!("id={mo}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(stack.idp.store().find_user("mo@acme.test").is_none());
    let (pending, _) = listed(&stack, &mut ada).await;
    assert_eq!(pending, ["al@acme.test"]);
    // Revoked: nothing left to resend.
    let reply = call(&stack, &mut ada, "resend_invitation", &format!("id={mo}")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}
