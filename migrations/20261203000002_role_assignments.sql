-- Roles given per unit: (member, unit, role) gives the member that role at
-- the unit and its whole subtree, unless a nearer assignment below says
-- otherwise. A member's role at the root is their Cognito group
-- (members.role), so there is no assignment at the root.
--
-- Kept here rather than as Cognito groups: groups are pool-wide names, and
-- a per-unit role would need a group per unit per tenant in one shared pool.

create table role_assignments (
    tenant_id  uuid not null,
    member_id  uuid not null,
    unit_id    uuid not null,
    role       text not null check (role in ('Admin', 'SuperUser', 'Member', 'ReadOnly')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, member_id, unit_id),
    -- A removed member's assignments go with them; so do a deleted unit's.
    foreign key (tenant_id, member_id) references members (tenant_id, id) on delete cascade,
    foreign key (tenant_id, unit_id) references org_units (tenant_id, id) on delete cascade
);

-- A unit's assignments, for its page and for the unit's delete cascade.
create index role_assignments_by_unit on role_assignments (tenant_id, unit_id);

alter table role_assignments enable row level security;
alter table role_assignments force row level security;

create policy role_assignments_select on role_assignments for select
    using (tenant_id = (select app.current_tenant()));
create policy role_assignments_insert on role_assignments for insert
    with check (tenant_id = (select app.current_tenant()));
create policy role_assignments_update on role_assignments for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy role_assignments_delete on role_assignments for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert, delete on role_assignments to saas_app;
grant update (role, updated_at) on role_assignments to saas_app;
grant select on role_assignments to saas_readonly;

-- Not at the root: there the Cognito group is the role, changed on the
-- members page (and in Cognito).
create function app.role_assignments_not_at_root() returns trigger
    language plpgsql
as $$
begin
    if exists (
        select from public.org_units u
         where u.tenant_id = new.tenant_id and u.id = new.unit_id and u.parent_id is null
    ) then
        raise exception 'no role assignment at the root: the tenant role applies there'
            using errcode = 'check_violation', constraint = 'role_assignments_not_at_root';
    end if;
    return new;
end
$$;

create trigger role_assignments_not_at_root before insert or update of unit_id on role_assignments
    for each row execute function app.role_assignments_not_at_root();

revoke all on function app.role_assignments_not_at_root() from public;
