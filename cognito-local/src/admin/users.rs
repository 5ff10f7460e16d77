//! Users: AdminCreateUser, AdminGetUser, AdminDeleteUser, Admin{Disable,Enable}User,
//! AdminUserGlobalSignOut, AdminSetUserPassword, ListUsers, and the two calls
//! made with a user's own token: UpdateUserAttributes and SignUp.

use super::{ApiError, ApiResult, input};
use crate::store::{OutboxMessage, User, UserStatus, now};
use crate::tokens::{self, AccessTokenError};
use crate::{Pool, password};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Attribute {
    name: String,
    value: String,
}

fn attributes_json(user: &User) -> Vec<Value> {
    let mut out = vec![json!({ "Name": "sub", "Value": user.sub })];
    out.extend(
        user.attributes
            .iter()
            .map(|(name, value)| json!({ "Name": name, "Value": value })),
    );
    out
}

/// Cognito's UserType, as ListUsers and AdminCreateUser return it.
fn user_json(user: &User) -> Value {
    json!({
        "Username": user.username,
        "Attributes": attributes_json(user),
        "UserCreateDate": user.created as f64,
        "UserLastModifiedDate": user.modified as f64,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    })
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !text.contains(char::is_whitespace)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    username: String,
    #[serde(default)]
    user_attributes: Vec<Attribute>,
    temporary_password: Option<String>,
    message_action: Option<String>,
}

pub fn admin_create_user(pool: &Pool, body: &Value) -> ApiResult {
    let request: CreateInput = input(body)?;
    let policy = &pool.config.policy;
    // The pool signs in by email, so the Username parameter is the email.
    let email = request.username.trim().to_owned();
    if !looks_like_email(&email) {
        return Err(ApiError::invalid("Username should be an email."));
    }
    let mut attributes = BTreeMap::new();
    for attribute in request.user_attributes {
        if attribute.name == "sub" || !pool.config.knows_attribute(&attribute.name) {
            return Err(ApiError::invalid(format!(
                "Attributes did not conform to the schema: {}: Attribute does not exist in the schema.",
                attribute.name
            )));
        }
        attributes.insert(attribute.name, attribute.value);
    }
    if attributes
        .get("email")
        .is_some_and(|e| !e.eq_ignore_ascii_case(&email))
    {
        return Err(ApiError::invalid(
            "The email attribute must match the username.",
        ));
    }
    attributes.insert("email".into(), email.clone());
    let message_action = request.message_action.as_deref();
    if !matches!(message_action, None | Some("SUPPRESS") | Some("RESEND")) {
        return Err(ApiError::invalid(
            "MessageAction must be SUPPRESS or RESEND.",
        ));
    }
    let temporary = match request.temporary_password {
        Some(given) => {
            password::check_policy(&given, policy.password_min_length)
                .map_err(|m| ApiError::new("InvalidPasswordException", m))?;
            given
        }
        None => password::temporary(policy.password_min_length),
    };

    let mut store = pool.store();
    let now = now();
    let expires = Some(now + policy.temporary_password_days * 86_400);
    let user = if message_action == Some("RESEND") {
        // A new invitation for an existing user who has not signed in yet.
        let user = store
            .find_user_mut(&email)
            .ok_or_else(ApiError::user_not_found)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(ApiError::new(
                "UnsupportedUserStateException",
                "User is already confirmed.",
            ));
        }
        user.password = password::Hash::new(&temporary);
        user.temporary_password_expires = expires;
        user.modified = now;
        user.clone()
    } else {
        if store.find_user(&email).is_some() {
            return Err(ApiError::new(
                "UsernameExistsException",
                "An account with the given email already exists.",
            ));
        }
        let sub = uuid::Uuid::new_v4().to_string();
        let user = User {
            username: sub.clone(),
            sub,
            attributes,
            password: password::Hash::new(&temporary),
            temporary_password_expires: expires,
            status: UserStatus::ForceChangePassword,
            enabled: true,
            groups: BTreeSet::new(),
            created: now,
            modified: now,
            sign_out_epoch: 0,
        };
        store.users.insert(user.username.clone(), user.clone());
        user
    };
    if message_action != Some("SUPPRESS") {
        store.outbox.push(OutboxMessage {
            to: email,
            username: user.username.clone(),
            temporary_password: temporary,
            sent_at: now,
        });
    }
    store.save();
    Ok(json!({ "User": user_json(&user) }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserInput {
    username: String,
}

pub fn admin_get_user(pool: &Pool, body: &Value) -> ApiResult {
    let request: UserInput = input(body)?;
    let store = pool.store();
    let user = store
        .find_user(&request.username)
        .ok_or_else(ApiError::user_not_found)?;
    Ok(json!({
        "Username": user.username,
        "UserAttributes": attributes_json(user),
        "UserCreateDate": user.created as f64,
        "UserLastModifiedDate": user.modified as f64,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    }))
}

pub fn admin_delete_user(pool: &Pool, body: &Value) -> ApiResult {
    let request: UserInput = input(body)?;
    let mut store = pool.store();
    let username = store
        .find_user(&request.username)
        .ok_or_else(ApiError::user_not_found)?
        .username
        .clone();
    store.sign_out_everywhere(&username);
    store.users.remove(&username);
    store.save();
    Ok(json!({}))
}

/// AdminDisableUser also ends the user's tokens and sessions, as Cognito's
/// does; enabling again does not bring them back.
pub fn admin_set_enabled(pool: &Pool, body: &Value, enabled: bool) -> ApiResult {
    let request: UserInput = input(body)?;
    let mut store = pool.store();
    let user = store
        .find_user_mut(&request.username)
        .ok_or_else(ApiError::user_not_found)?;
    user.enabled = enabled;
    user.modified = now();
    let username = user.username.clone();
    if !enabled {
        store.sign_out_everywhere(&username);
    }
    store.save();
    Ok(json!({}))
}

pub fn admin_global_sign_out(pool: &Pool, body: &Value) -> ApiResult {
    let request: UserInput = input(body)?;
    let mut store = pool.store();
    let username = store
        .find_user(&request.username)
        .ok_or_else(ApiError::user_not_found)?
        .username
        .clone();
    store.sign_out_everywhere(&username);
    store.save();
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SetPasswordInput {
    username: String,
    password: String,
    #[serde(default)]
    permanent: bool,
}

pub fn admin_set_user_password(pool: &Pool, body: &Value) -> ApiResult {
    let request: SetPasswordInput = input(body)?;
    let policy = &pool.config.policy;
    password::check_policy(&request.password, policy.password_min_length)
        .map_err(|m| ApiError::new("InvalidPasswordException", m))?;
    let mut store = pool.store();
    let user = store
        .find_user_mut(&request.username)
        .ok_or_else(ApiError::user_not_found)?;
    user.password = password::Hash::new(&request.password);
    if request.permanent {
        user.status = UserStatus::Confirmed;
        user.temporary_password_expires = None;
    } else {
        user.status = UserStatus::ForceChangePassword;
        user.temporary_password_expires = Some(now() + policy.temporary_password_days * 86_400);
    }
    user.modified = now();
    store.save();
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    filter: Option<String>,
    limit: Option<usize>,
    pagination_token: Option<String>,
}

/// A ListUsers filter: `attribute = "value"` (exact) or `attribute ^= "value"`
/// (prefix), as Cognito's syntax has it. Email compares case-insensitively.
struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

impl Filter {
    fn parse(text: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::invalid(format!("Invalid search filter: {text}"));
        let (attribute, rest, prefix) = if let Some((a, r)) = text.split_once("^=") {
            (a, r, true)
        } else if let Some((a, r)) = text.split_once('=') {
            (a, r, false)
        } else {
            return Err(bad());
        };
        let attribute = attribute.trim();
        let value = rest
            .trim()
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(bad)?;
        const SEARCHABLE: &[&str] = &[
            "username",
            "email",
            "sub",
            "name",
            "status",
            "cognito:user_status",
        ];
        if !SEARCHABLE.contains(&attribute) {
            return Err(bad());
        }
        Ok(Self {
            attribute: attribute.to_owned(),
            prefix,
            value: value.to_owned(),
        })
    }

    fn matches(&self, user: &User) -> bool {
        let field = match self.attribute.as_str() {
            "username" => user.username.clone(),
            "sub" => user.sub.clone(),
            "status" => if user.enabled { "Enabled" } else { "Disabled" }.to_owned(),
            "cognito:user_status" => user.status.as_str().to_owned(),
            other => user.attributes.get(other).cloned().unwrap_or_default(),
        };
        let (field, value) = if self.attribute == "email" {
            (field.to_lowercase(), self.value.to_lowercase())
        } else {
            (field, self.value.clone())
        };
        if self.prefix {
            field.starts_with(&value)
        } else {
            field == value
        }
    }
}

pub fn list_users(pool: &Pool, body: &Value) -> ApiResult {
    let request: ListInput = input(body)?;
    let filter = request
        .filter
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(Filter::parse)
        .transpose()?;
    let limit = request.limit.unwrap_or(60);
    if !(1..=60).contains(&limit) {
        return Err(ApiError::invalid("Limit must be between 1 and 60."));
    }
    let start: usize = match &request.pagination_token {
        Some(token) => token
            .parse()
            .map_err(|_| ApiError::invalid("Invalid pagination token."))?,
        None => 0,
    };
    let store = pool.store();
    let matching: Vec<&User> = store
        .users
        .values()
        .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|u| user_json(u))
        .collect();
    let mut out = json!({ "Users": page });
    if start + limit < matching.len() {
        out["PaginationToken"] = json!((start + limit).to_string());
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateInput {
    access_token: String,
    user_attributes: Vec<Attribute>,
}

/// A user changing their own attributes. Only what the app client may write,
/// and never an immutable attribute: this is what keeps a user from moving
/// themselves into another tenant.
pub fn update_user_attributes(pool: &Pool, body: &Value) -> ApiResult {
    let request: UpdateInput = input(body)?;
    let username =
        tokens::check_access_token(pool, &request.access_token).map_err(|e| match e {
            AccessTokenError::Expired => {
                ApiError::new("NotAuthorizedException", "Access Token has expired")
            }
            AccessTokenError::Revoked => {
                ApiError::new("NotAuthorizedException", "Access Token has been revoked")
            }
            AccessTokenError::Invalid => {
                ApiError::new("NotAuthorizedException", "Invalid Access Token")
            }
        })?;
    for attribute in &request.user_attributes {
        if !pool
            .config
            .client
            .write_attributes
            .contains(&attribute.name)
        {
            return Err(ApiError::new(
                "NotAuthorizedException",
                "A client attempted to write unauthorized attribute",
            ));
        }
        if pool.config.is_immutable(&attribute.name) {
            return Err(ApiError::invalid(format!(
                "Cannot modify an immutable attribute: {}",
                attribute.name
            )));
        }
    }
    let mut store = pool.store();
    let user = store
        .users
        .get_mut(&username)
        .ok_or_else(ApiError::user_not_found)?;
    for attribute in request.user_attributes {
        user.attributes.insert(attribute.name, attribute.value);
    }
    user.modified = now();
    store.save();
    Ok(json!({ "CodeDeliveryDetailsList": [] }))
}

/// Self-service sign-up, refused as a pool with AllowAdminCreateUserOnly does.
pub fn sign_up(pool: &Pool, _body: &Value) -> ApiResult {
    if pool.config.policy.allow_admin_create_user_only {
        return Err(ApiError::new(
            "NotAuthorizedException",
            "SignUp is not permitted for this user pool",
        ));
    }
    Err(ApiError::new(
        "UnknownOperationException",
        "SignUp is not emulated",
    ))
}
