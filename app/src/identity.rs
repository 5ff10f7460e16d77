//! Who is calling: a verified member of one tenant, with one role.
//!
//! An [`Identity`] is proof. Its fields are private and the only constructor
//! that production code can reach is the one sign-in uses after it has
//! verified the ID token, so holding an `Identity` means the tenant and the
//! role came from Cognito's signed claims, never from the request.

use crate::role::Role;
use uuid::Uuid;

/// A tenant's id: the `custom:tenant_id` claim, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(Uuid);

impl TenantId {
    /// Parses the claim's text. Anything that is not a UUID is no tenant.
    pub fn parse(raw: &str) -> Option<Self> {
        Uuid::parse_str(raw).ok().map(Self)
    }

    pub(crate) fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A signed-in member with access to their tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    sub: String,
    email: String,
    tenant: TenantId,
    role: Role,
}

impl Identity {
    pub fn sub(&self) -> &str {
        &self.sub
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// An identity for tests, which have no sign-in to go through. Compiled
    /// only with the `test-support` feature, which only this crate's own
    /// dev-dependency turns on: no production build contains it.
    #[cfg(feature = "test-support")]
    pub fn for_tests(tenant: TenantId, role: Role, sub: &str) -> Self {
        Self {
            sub: sub.to_owned(),
            email: format!("{sub}@example.test"),
            tenant,
            role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_id_must_be_a_uuid() {
        assert!(TenantId::parse("3f8e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b").is_some());
        assert!(TenantId::parse("").is_none());
        assert!(TenantId::parse("tenant-a").is_none());
        assert!(TenantId::parse("' or 1=1 --").is_none());
    }
}
