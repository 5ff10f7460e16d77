//! The Cognito user pool's admin API: the one place the app creates,
//! groups, disables and deletes users. The settings pages and the operator
//! commands go through it; the start-up check reads the app client with it.
//!
//! Users are addressed by their `sub` (the pool's username when sign-in is
//! by email), so a changed email never points a call at someone else.

use crate::identity::TenantId;
use crate::role::Role;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, DeliveryMediumType, MessageActionType,
};
use thiserror::Error;

/// Where the user pool is, and how to reach its admin API.
#[derive(Clone, Debug)]
pub struct DirectoryConfig {
    pub region: String,
    pub user_pool_id: String,
    /// Another endpoint than AWS's (the local stand-in). It signs nothing,
    /// so the client then carries fixed placeholder credentials; otherwise
    /// they come from the usual AWS chain (environment, profile, instance
    /// or task role).
    pub endpoint: Option<String>,
}

/// A handle on the user pool; cheap to clone.
#[derive(Clone, Debug)]
pub struct Directory {
    client: Client,
    pool_id: String,
}

/// What went wrong, in the terms callers act on.
#[derive(Debug, Error)]
pub enum DirectoryError {
    /// The email already has a user somewhere in the pool (maybe in another
    /// tenant: callers must not say which).
    #[error("a user with this email already exists in the pool")]
    EmailTaken,
    /// The user is not in the pool (any more).
    #[error("no such user in the pool")]
    NoSuchUser,
    /// The user has set their own password: there is no invitation to send
    /// again.
    #[error("the user has accepted their invitation")]
    Accepted,
    /// Cognito refused or failed the call; the code and message are for logs.
    #[error("Cognito {operation} failed: {code}: {message}")]
    Failed {
        operation: &'static str,
        code: String,
        message: String,
    },
}

/// The app client's attribute permissions, as DescribeUserPoolClient gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAttributes {
    /// `None`: the client reads every attribute.
    pub read: Option<Vec<String>>,
    /// `None`: the client writes every writable attribute.
    pub write: Option<Vec<String>>,
}

impl Directory {
    pub async fn connect(config: &DirectoryConfig) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(config.region.clone()));
        if let Some(endpoint) = &config.endpoint {
            loader = loader.endpoint_url(endpoint).credentials_provider(
                aws_sdk_cognitoidentityprovider::config::Credentials::new(
                    "local", "local", None, None, "local",
                ),
            );
        }
        let shared = loader.load().await;
        Self {
            client: Client::new(&shared),
            pool_id: config.user_pool_id.clone(),
        }
    }

    /// Creates a user in `tenant` and has Cognito email them a temporary
    /// password. Returns their `sub`.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        tenant: TenantId,
    ) -> Result<String, DirectoryError> {
        let attribute = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .expect("name and value are set")
        };
        let mut request = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .user_attributes(attribute("email", email))
            .user_attributes(attribute("email_verified", "true"))
            .user_attributes(attribute("custom:tenant_id", &tenant.to_string()))
            .desired_delivery_mediums(DeliveryMediumType::Email);
        if !name.is_empty() {
            request = request.user_attributes(attribute("name", name));
        }
        let created = request.send().await.map_err(|e| {
            if e.as_service_error()
                .map(|s| s.is_username_exists_exception())
                == Some(true)
            {
                DirectoryError::EmailTaken
            } else {
                failed("AdminCreateUser", e)
            }
        })?;
        let user = created.user().ok_or_else(|| DirectoryError::Failed {
            operation: "AdminCreateUser",
            code: "NoUser".into(),
            message: "the reply named no user".into(),
        })?;
        // The sub attribute, else the username (which is the sub when users
        // sign in by email).
        let sub = user
            .attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .or(user.username())
            .unwrap_or_default();
        Ok(sub.to_owned())
    }

    /// Emails a user who has not signed in yet a new temporary password
    /// (AdminCreateUser with `MessageAction=RESEND`); the old one stops
    /// working.
    pub async fn resend_invitation(&self, email: &str) -> Result<(), DirectoryError> {
        let sent = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .message_action(MessageActionType::Resend)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) => match e.as_service_error() {
                Some(s) if s.is_user_not_found_exception() => Err(DirectoryError::NoSuchUser),
                Some(s) if s.is_unsupported_user_state_exception() => Err(DirectoryError::Accepted),
                _ => Err(failed("AdminCreateUser", e)),
            },
        }
    }

    pub async fn add_to_group(&self, sub: &str, role: Role) -> Result<(), DirectoryError> {
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .group_name(role.as_str())
            .send()
            .await
            .map_err(|e| failed("AdminAddUserToGroup", e))?;
        Ok(())
    }

    pub async fn remove_from_group(&self, sub: &str, role: Role) -> Result<(), DirectoryError> {
        self.client
            .admin_remove_user_from_group()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .group_name(role.as_str())
            .send()
            .await
            .map_err(|e| failed("AdminRemoveUserFromGroup", e))?;
        Ok(())
    }

    /// Disables the user and signs them out everywhere (their refresh
    /// tokens stop working).
    pub async fn disable(&self, sub: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_disable_user()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .send()
            .await
            .map_err(|e| failed("AdminDisableUser", e))?;
        self.client
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .send()
            .await
            .map_err(|e| failed("AdminUserGlobalSignOut", e))?;
        Ok(())
    }

    pub async fn enable(&self, sub: &str) -> Result<(), DirectoryError> {
        self.client
            .admin_enable_user()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .send()
            .await
            .map_err(|e| failed("AdminEnableUser", e))?;
        Ok(())
    }

    /// Sets a password the user keeps (no change asked at sign-in): for
    /// demo users only, whose passwords are published.
    pub async fn set_permanent_password(
        &self,
        sub: &str,
        password: &str,
    ) -> Result<(), DirectoryError> {
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .password(password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| failed("AdminSetUserPassword", e))?;
        Ok(())
    }

    /// Deletes the user; one already gone counts as deleted.
    pub async fn delete(&self, sub: &str) -> Result<(), DirectoryError> {
        match self
            .client
            .admin_delete_user()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .map(|s| s.is_user_not_found_exception())
                    == Some(true) =>
            {
                Ok(())
            }
            Err(e) => Err(failed("AdminDeleteUser", e)),
        }
    }

    /// Whether only administrators may create users (no self sign-up).
    pub async fn admin_create_only(&self) -> Result<bool, DirectoryError> {
        let described = self
            .client
            .describe_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .map_err(|e| failed("DescribeUserPool", e))?;
        // Cognito's default, when the setting is absent, is open sign-up.
        Ok(described
            .user_pool()
            .and_then(|pool| pool.admin_create_user_config())
            .is_some_and(|config| config.allow_admin_create_user_only()))
    }

    /// The app client's attribute permissions.
    pub async fn client_attributes(
        &self,
        client_id: &str,
    ) -> Result<ClientAttributes, DirectoryError> {
        let described = self
            .client
            .describe_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(client_id)
            .send()
            .await
            .map_err(|e| failed("DescribeUserPoolClient", e))?;
        let client = described
            .user_pool_client()
            .ok_or_else(|| DirectoryError::Failed {
                operation: "DescribeUserPoolClient",
                code: "NoClient".into(),
                message: "the reply named no client".into(),
            })?;
        // Cognito leaves a list out (or empty) to mean "all attributes".
        let listed = |list: &[String]| (!list.is_empty()).then(|| list.to_vec());
        Ok(ClientAttributes {
            read: listed(client.read_attributes()),
            write: listed(client.write_attributes()),
        })
    }
}

impl ClientAttributes {
    /// What is wrong with these permissions for a multi-tenant app, if
    /// anything: users must not be able to write their own tenant, and the
    /// app must be able to read it.
    pub fn tenant_claim_problem(&self) -> Option<String> {
        const TENANT: &str = "custom:tenant_id";
        let has = |list: &Option<Vec<String>>| {
            list.as_ref().is_none_or(|l| l.iter().any(|a| a == TENANT))
        };
        if self.write.is_none() {
            return Some(format!(
                "the app client lists no WriteAttributes, so users can write every mutable attribute; \
                 list the ones they may change, without {TENANT}"
            ));
        }
        if has(&self.write) {
            return Some(format!(
                "the app client lets users write {TENANT}: remove it from the client's WriteAttributes"
            ));
        }
        if !has(&self.read) {
            return Some(format!(
                "the app client cannot read {TENANT}: add it to the client's ReadAttributes"
            ));
        }
        None
    }
}

fn failed<E, R>(operation: &'static str, error: SdkError<E, R>) -> DirectoryError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (code, message) = match error.as_service_error() {
        Some(service) => (
            service.code().unwrap_or("Unknown").to_owned(),
            service.message().unwrap_or_default().to_owned(),
        ),
        // Not an answer from Cognito: timeout, connection, signing. The
        // SDK's own Display says only "dispatch failure"; the context
        // names the cause (connection refused, timed out, …).
        None => (
            "Unreachable".to_owned(),
            DisplayErrorContext(&error).to_string(),
        ),
    };
    if code == "UserNotFoundException" {
        return DirectoryError::NoSuchUser;
    }
    DirectoryError::Failed {
        operation,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::ClientAttributes;

    fn attrs(read: Option<&[&str]>, write: Option<&[&str]>) -> ClientAttributes {
        let own = |l: Option<&[&str]>| l.map(|l| l.iter().map(|s| s.to_string()).collect());
        ClientAttributes {
            read: own(read),
            write: own(write),
        }
    }

    #[test]
    fn a_client_that_may_write_the_tenant_is_refused() {
        let tenant = "custom:tenant_id";
        assert!(
            attrs(None, Some(&["name", tenant]))
                .tenant_claim_problem()
                .is_some()
        );
        // No list means every writable attribute.
        assert!(attrs(None, None).tenant_claim_problem().is_some());
    }

    #[test]
    fn a_client_that_cannot_read_the_tenant_is_refused() {
        let problem = attrs(Some(&["email"]), Some(&["name"])).tenant_claim_problem();
        assert!(problem.unwrap().contains("ReadAttributes"));
    }

    #[test]
    fn a_client_that_reads_but_does_not_write_the_tenant_passes() {
        assert_eq!(
            attrs(Some(&["email", "custom:tenant_id"]), Some(&["name"])).tenant_claim_problem(),
            None
        );
        assert_eq!(attrs(None, Some(&["name"])).tenant_claim_problem(), None);
    }
}
