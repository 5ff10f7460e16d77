//! DescribeUserPool, DescribeUserPoolClient, and the pool-id check every
//! admin call makes.

use super::{ApiError, ApiResult, input};
use crate::Pool;
use serde::Deserialize;
use serde_json::{Value, json};

/// Refuses a call that names another user pool.
pub fn check_pool(pool: &Pool, body: &Value) -> Result<(), ApiError> {
    match body.get("UserPoolId").and_then(Value::as_str) {
        Some(id) if id == pool.config.pool_id => Ok(()),
        Some(id) => Err(ApiError::new(
            "ResourceNotFoundException",
            format!("User pool {id} does not exist."),
        )),
        // ListGroups etc. all require it in Cognito.
        None => Err(ApiError::invalid(
            "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInput {
    client_id: String,
}

pub fn describe(pool: &Pool, body: &Value) -> ApiResult {
    let request: DescribeInput = input(body)?;
    let client = &pool.config.client;
    if request.client_id != client.id {
        return Err(ApiError::new(
            "ResourceNotFoundException",
            format!("User pool client {} does not exist.", request.client_id),
        ));
    }
    Ok(json!({
        "UserPoolClient": {
            "UserPoolId": pool.config.pool_id,
            "ClientName": client.name,
            "ClientId": client.id,
            "ClientSecret": client.secret,
            "ReadAttributes": client.read_attributes,
            "WriteAttributes": client.write_attributes,
            "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
            "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": client.callback_urls,
            "LogoutURLs": client.logout_urls,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": client.allowed_scopes,
            "AllowedOAuthFlowsUserPoolClient": true,
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": true,
            "RefreshTokenValidity": pool.config.tokens.refresh_token_days,
            "AccessTokenValidity": pool.config.tokens.access_token_minutes,
            "IdTokenValidity": pool.config.tokens.id_token_minutes,
            "TokenValidityUnits": { "AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days" },
        }
    }))
}

/// The parts of DescribeUserPool the app reads: who may create users.
pub fn describe_pool(pool: &Pool) -> ApiResult {
    Ok(json!({
        "UserPool": {
            "Id": pool.config.pool_id,
            "AdminCreateUserConfig": {
                "AllowAdminCreateUserOnly": pool.config.policy.allow_admin_create_user_only,
            },
        }
    }))
}
