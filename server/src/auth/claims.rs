//! From verified ID token claims to the caller's identity (SECURITY.md 15):
//! the tenant from `custom:tenant_id`, the role from `cognito:groups`, both
//! read from the verified token only. No default tenant, no default role.

use super::verifier::IdClaims;
use app::identity::{Identity, TenantId};
use app::role::Role;

/// Why verified claims give no access to the app.
#[derive(Debug, PartialEq, Eq)]
pub enum NoAccess {
    /// `custom:tenant_id` is missing or not a tenant id.
    NoTenant,
    /// None of the user's groups is one of the four roles.
    NoRole,
}

pub fn identity(claims: &IdClaims) -> Result<Identity, NoAccess> {
    let tenant = claims
        .tenant_id
        .as_deref()
        .and_then(TenantId::parse)
        .ok_or(NoAccess::NoTenant)?;
    let role = Role::highest(claims.groups.iter().map(String::as_str)).ok_or(NoAccess::NoRole)?;
    // The pool signs users in by email, so every user has one; the username
    // stands in for a token without it rather than an empty string.
    let email = claims
        .email
        .clone()
        .unwrap_or_else(|| claims.username.clone());
    Ok(Identity::from_verified_claims(
        claims.sub.clone(),
        email,
        tenant,
        role,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(tenant: Option<&str>, groups: &[&str]) -> IdClaims {
        IdClaims {
            sub: "sub-1".into(),
            email: Some("ada@example.test".into()),
            username: "sub-1".into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            tenant_id: tenant.map(str::to_owned),
            token_use: "id".into(),
            nonce: None,
            exp: 0,
            iat: 0,
            auth_time: 0,
        }
    }

    const TENANT: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    #[test]
    fn the_highest_role_wins() {
        let who = identity(&claims(Some(TENANT), &["ReadOnly", "Admin", "Member"])).unwrap();
        assert_eq!(who.role(), Role::Admin);
        assert_eq!(who.tenant_id().to_string(), TENANT);
        assert_eq!(who.email(), "ada@example.test");
    }

    #[test]
    fn no_tenant_or_a_malformed_one_is_no_access() {
        assert_eq!(identity(&claims(None, &["Admin"])), Err(NoAccess::NoTenant));
        assert_eq!(
            identity(&claims(Some(""), &["Admin"])),
            Err(NoAccess::NoTenant)
        );
        assert_eq!(
            identity(&claims(Some("tenant-a"), &["Admin"])),
            Err(NoAccess::NoTenant)
        );
    }

    #[test]
    fn no_group_an_unknown_group_or_another_case_is_no_role() {
        assert_eq!(identity(&claims(Some(TENANT), &[])), Err(NoAccess::NoRole));
        assert_eq!(
            identity(&claims(Some(TENANT), &["admin", "Admins", "Owner"])),
            Err(NoAccess::NoRole)
        );
    }
}
