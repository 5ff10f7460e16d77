//! With a state file, a restarted pool keeps its users, groups and keys.

mod common;

use axum::http::StatusCode;
use cognito_local::Pool;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_restart_keeps_users_groups_and_signing_keys() {
    let dir = std::env::temp_dir().join(format!("cognito-local-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");

    let first = Pool::open(config(), BASE.into(), Some(file.clone())).unwrap();
    let username = confirmed_user(
        &first,
        "ada@example.test",
        &["Admin"],
        "4a5b6c7d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    )
    .await;
    let jwks_before = first.keys().jwks();
    drop(first);

    let second = Pool::open(config(), BASE.into(), Some(file.clone())).unwrap();
    let user = admin(
        &second,
        "AdminGetUser",
        json!({ "Username": "ada@example.test" }),
    )
    .await;
    let groups = admin(
        &second,
        "AdminListGroupsForUser",
        json!({ "Username": username }),
    )
    .await;
    let (code, verifier) = sign_in(&second, &mut Browser::default(), "ada@example.test").await;

    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(groups.json()["Groups"][0]["GroupName"], "Admin");
    assert_eq!(
        second.keys().jwks(),
        jwks_before,
        "same keys after the restart"
    );
    assert_eq!(
        exchange(&second, &code, &verifier).await.status,
        StatusCode::OK,
        "the password survived"
    );
    // The file holds no password in the clear.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(PASSWORD));
    std::fs::remove_dir_all(&dir).unwrap();
}
