//! The operator's commands: a new tenant with its first Admin, and the demo
//! tenants for development. Cognito's pool allows admin-created users only,
//! so this is how the first person of every tenant gets in; after that the
//! tenant's Admins add the rest from the settings pages — through the same
//! [`membership::invite`].

use crate::db::audit::Actor;
use crate::db::{Db, members, org, projects, system};
use crate::directory::Directory;
use crate::domain::{Description, DisplayName, Email, ProjectName, TenantName, UnitName};
use crate::identity::TenantId;
use crate::membership::{self, MembershipError, Requester};
use crate::role::Role;

const OPERATOR: Requester<'static> = Requester {
    role: Role::Admin,
    actor: Actor::OPERATOR,
};

/// Creates a tenant and invites its first Admin (Cognito emails them a
/// temporary password). Nothing is kept if any step fails.
pub async fn create_tenant(
    db: &Db,
    directory: &Directory,
    name: &TenantName,
    admin_email: &Email,
    admin_name: &DisplayName,
) -> Result<(TenantId, members::Record), MembershipError> {
    let tenant = system::new_tenant_id();
    let tx = system::begin_new_tenant(db, tenant, name).await?;
    let admin = membership::invite(
        directory,
        tx,
        OPERATOR,
        admin_email,
        admin_name,
        Role::Admin,
    )
    .await?;
    Ok((tenant, admin))
}

/// A demo tenant: fixed id, a user of each role, a small organisation
/// tree, a few projects.
struct Demo {
    id: &'static str,
    name: &'static str,
    users: [(&'static str, &'static str, Role); 4],
    /// (name, parent's name; `None` under the root), parents first.
    units: &'static [(&'static str, Option<&'static str>)],
    /// (name, description, unit's name; `None` for the root).
    projects: &'static [(&'static str, &'static str, Option<&'static str>)],
}

const DEMOS: [Demo; 2] = [
    Demo {
        id: "0b9e6a5e-1c1f-4c55-9d3a-acde00000001",
        name: "Acme Corp",
        users: [
            ("ada@acme.test", "Ada Admin", Role::Admin),
            ("sue@acme.test", "Sue Super", Role::SuperUser),
            ("max@acme.test", "Max Member", Role::Member),
            ("rita@acme.test", "Rita Reader", Role::ReadOnly),
        ],
        units: &[
            ("Engineering", None),
            ("Platform", Some("Engineering")),
            ("Mobile", Some("Engineering")),
            ("Sales", None),
        ],
        projects: &[
            (
                "Rocket skates",
                "Acme's fastest product line",
                Some("Mobile"),
            ),
            ("Anvil redesign", "Lighter, still effective", None),
        ],
    },
    Demo {
        id: "0b9e6a5e-1c1f-4c55-9d3a-91080e000002",
        name: "Globex",
        users: [
            ("bo@globex.test", "Bo Boss", Role::Admin),
            ("hank@globex.test", "Hank Super", Role::SuperUser),
            ("frank@globex.test", "Frank Member", Role::Member),
            ("lil@globex.test", "Lil Reader", Role::ReadOnly),
        ],
        units: &[("Facilities", None)],
        projects: &[(
            "Hammock district",
            "Globex's new campus",
            Some("Facilities"),
        )],
    },
];

/// A demo sign-in, for printing.
#[derive(Debug)]
pub struct DemoUser {
    pub email: &'static str,
    pub tenant: &'static str,
    pub role: Role,
    /// False if the user was already in the pool (and keeps their password).
    pub created: bool,
}

/// Creates the demo tenants, their users (with `password`, kept at sign-in)
/// and projects. Tenants that exist already are left as they are, so it can
/// run on every start.
pub async fn seed_demo(
    db: &Db,
    directory: &Directory,
    password: &str,
) -> Result<Vec<DemoUser>, MembershipError> {
    let mut seeded = Vec::new();
    for demo in DEMOS {
        let tenant = TenantId::parse(demo.id).expect("the demo ids are UUIDs");
        if let Some(tx) = system::operator_tx(db, tenant).await? {
            tx.rollback().await?;
            tracing::info!(tenant = demo.name, "demo tenant exists already");
            continue;
        }
        let name = TenantName::parse(demo.name).expect("valid demo name");
        let mut pending = Some(system::begin_new_tenant(db, tenant, &name).await?);
        let mut first_admin = None;
        for (email, person, role) in demo.users {
            // The first Admin is added with the tenant row; the rest after.
            let first = pending.is_some();
            let tx = match pending.take() {
                Some(tx) => tx,
                None => system::operator_tx(db, tenant)
                    .await?
                    .expect("the tenant was just committed"),
            };
            let address = Email::parse(email).expect("valid demo email");
            let shown = DisplayName::parse(person).expect("valid demo name");
            let created =
                match membership::invite(directory, tx, OPERATOR, &address, &shown, role).await {
                    Ok(member) => {
                        if first {
                            first_admin = Some(member.cognito_sub.clone());
                        }
                        directory
                            .set_permanent_password(&member.cognito_sub, password)
                            .await
                            .map_err(MembershipError::Directory)?;
                        true
                    }
                    // Left in the local pool by an earlier run: the member row
                    // comes back at their first sign-in. (Not for the first
                    // Admin, without whom the tenant is not created.)
                    Err(MembershipError::EmailTaken) if !first => false,
                    Err(error) => return Err(error),
                };
            seeded.push(DemoUser {
                email,
                tenant: demo.name,
                role,
                created,
            });
        }
        // The projects are made as the first Admin: row-level security
        // allows a project only to somebody who may write in its unit.
        let admin = first_admin.expect("the first Admin was just added");
        let mut tx = system::operator_tx_as(db, tenant, &admin)
            .await?
            .expect("the tenant was just committed");
        let root = org::root(&mut tx).await?;
        let mut units = std::collections::HashMap::new();
        for (name, parent) in demo.units {
            let parent = parent.map_or(root, |parent| units[parent]);
            let unit = UnitName::parse(name).expect("valid demo unit");
            units.insert(*name, org::create(&mut tx, parent, &unit).await?);
        }
        for (project, description, unit) in demo.projects {
            projects::create(
                &mut tx,
                unit.map_or(root, |unit| units[unit]),
                &ProjectName::parse(project).expect("valid demo project"),
                &Description::parse(description).expect("valid demo description"),
            )
            .await?;
        }
        // The demo users have passwords already: nothing is pending.
        members::clear_invitations(&mut tx).await?;
        tx.commit().await?;
    }
    Ok(seeded)
}
