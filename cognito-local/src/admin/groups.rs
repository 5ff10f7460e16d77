//! Group membership: AdminAddUserToGroup, AdminRemoveUserFromGroup,
//! AdminListGroupsForUser, ListGroups.

use super::{ApiError, ApiResult, input};
use crate::Pool;
use crate::store::now;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MembershipInput {
    username: String,
    group_name: String,
}

fn group_json(pool: &Pool, name: &str) -> Value {
    json!({
        "GroupName": name,
        "UserPoolId": pool.config.pool_id,
        "Description": format!("{name} role"),
        "CreationDate": 0.0,
        "LastModifiedDate": 0.0,
    })
}

fn change(pool: &Pool, body: &Value, add: bool) -> ApiResult {
    let request: MembershipInput = input(body)?;
    // Exact names only: "admin" is not "Admin".
    if !pool.config.policy.groups.contains(&request.group_name) {
        return Err(ApiError::new(
            "ResourceNotFoundException",
            "Group not found.",
        ));
    }
    let mut store = pool.store();
    let user = store
        .find_user_mut(&request.username)
        .ok_or_else(ApiError::user_not_found)?;
    if add {
        user.groups.insert(request.group_name);
    } else {
        user.groups.remove(&request.group_name);
    }
    user.modified = now();
    store.save();
    Ok(json!({}))
}

pub fn add_user(pool: &Pool, body: &Value) -> ApiResult {
    change(pool, body, true)
}

pub fn remove_user(pool: &Pool, body: &Value) -> ApiResult {
    change(pool, body, false)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserInput {
    username: String,
}

pub fn list_for_user(pool: &Pool, body: &Value) -> ApiResult {
    let request: UserInput = input(body)?;
    let store = pool.store();
    let user = store
        .find_user(&request.username)
        .ok_or_else(ApiError::user_not_found)?;
    let groups: Vec<Value> = user.groups.iter().map(|g| group_json(pool, g)).collect();
    Ok(json!({ "Groups": groups }))
}

pub fn list(pool: &Pool) -> ApiResult {
    let groups: Vec<Value> = pool
        .config
        .policy
        .groups
        .iter()
        .map(|g| group_json(pool, g))
        .collect();
    Ok(json!({ "Groups": groups }))
}
