//! The `cognito-idp` JSON API: `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`, a JSON body,
//! and errors as `{"__type": "<Exception>", "message": "…"}` with status 400,
//! which is what the official SDKs parse.
//!
//! Requests are not checked for a SigV4 signature: the stand-in trusts its
//! loopback callers, as a test double does.

mod client;
mod groups;
mod users;

use crate::SharedPool;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// An API error: Cognito's exception name and message.
#[derive(Debug)]
pub struct ApiError {
    pub kind: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    pub fn user_not_found() -> Self {
        Self::new("UserNotFoundException", "User does not exist.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({ "__type": self.kind, "message": self.message })),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.kind));
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.1"),
        );
        response
    }
}

pub type ApiResult = Result<Value, ApiError>;

/// Parses a request body into an operation's input shape.
pub fn input<T: DeserializeOwned>(body: &Value) -> Result<T, ApiError> {
    serde_json::from_value(body.clone())
        .map_err(|e| ApiError::invalid(format!("Invalid request: {e}")))
}

pub async fn handle(State(pool): State<SharedPool>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(operation) = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(TARGET_PREFIX))
    else {
        return ApiError::new(
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target",
        )
        .into_response();
    };
    let body: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(_) => {
                return ApiError::new("SerializationException", "The request body is not JSON")
                    .into_response();
            }
        }
    };
    let outcome = match operation {
        // These take the user's own access token instead of IAM credentials.
        "UpdateUserAttributes" => users::update_user_attributes(&pool, &body),
        "SignUp" => users::sign_up(&pool, &body),
        _ => {
            if let Err(error) = client::check_pool(&pool, &body) {
                return error.into_response();
            }
            if pool.take_failure(operation) {
                return ApiError::new(
                    "InternalErrorException",
                    "Failure ordered by /_dev/fail-next",
                )
                .into_response();
            }
            match operation {
                "AdminCreateUser" => users::admin_create_user(&pool, &body),
                "AdminGetUser" => users::admin_get_user(&pool, &body),
                "AdminDeleteUser" => users::admin_delete_user(&pool, &body),
                "AdminDisableUser" => users::admin_set_enabled(&pool, &body, false),
                "AdminEnableUser" => users::admin_set_enabled(&pool, &body, true),
                "AdminUserGlobalSignOut" => users::admin_global_sign_out(&pool, &body),
                "AdminSetUserPassword" => users::admin_set_user_password(&pool, &body),
                "ListUsers" => users::list_users(&pool, &body),
                "AdminAddUserToGroup" => groups::add_user(&pool, &body),
                "AdminRemoveUserFromGroup" => groups::remove_user(&pool, &body),
                "AdminListGroupsForUser" => groups::list_for_user(&pool, &body),
                "ListGroups" => groups::list(&pool),
                "DescribeUserPoolClient" => client::describe(&pool, &body),
                "DescribeUserPool" => client::describe_pool(&pool),
                _ => Err(ApiError::new(
                    "UnknownOperationException",
                    format!("Unknown operation {operation}"),
                )),
            }
        }
    };
    match outcome {
        Ok(value) => {
            let mut response = axum::Json(value).into_response();
            response.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            response
        }
        Err(error) => {
            tracing::debug!(operation, kind = error.kind, message = %error.message, "admin API error");
            error.into_response()
        }
    }
}
