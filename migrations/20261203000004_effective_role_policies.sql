-- Row-level security by effective role: what a caller may do to a project
-- and its tasks is decided by their role at the project's unit, here in
-- Postgres as well as in the server.
--
-- The effective role of a member at a unit is the role of the nearest of
-- their assignments on the path from the unit up to the root; with none on
-- the path, their tenant role (members.role, their Cognito group). The
-- caller is the member TenantTx names in `app.member_id` (transaction-local,
-- set by app.enter_tenant below from the caller's verified sub).
--
-- What each role may do is today's table:
--   read a project and its tasks        every role
--   create, change tasks and projects   Admin, SuperUser, Member
--   delete a project                    Admin, SuperUser
--
-- Cost: each policy calls its function inside `(select …)`, which Postgres
-- runs once per statement (an InitPlan), never once per row. (The `::uuid[]`
-- makes `any ((select …))` read as an array, not as a subquery of rows.)
--
-- Reading needs no per-unit work at all: every role reads, and every
-- active member has a role at every unit (at least their tenant role), so
-- "may read here" is "the transaction names an active member". TenantTx
-- names one only after reading their row in the same transaction and
-- finding it active (app.enter_tenant, below), so the read policies test
-- the setting itself: app.current_member() is inlined like the tenant's,
-- and costs no lookup. (A lookup of the member row in the policy — a SQL
-- function Postgres cannot inline — halved the list query's throughput.)
-- Writing checks the row's unit against the array of units where the
-- caller's role allows it, computed once per statement from the closure
-- table (no recursive walk).

create function app.current_member() returns uuid
    language sql
    stable
    parallel safe
as $$
    select nullif(pg_catalog.current_setting('app.member_id', true), '')::pg_catalog.uuid
$$;

-- The caller's tenant role, if the caller is an active member of the
-- current tenant; null otherwise.
create function app.caller_tenant_role() returns text
    language sql
    stable
    parallel safe
as $$
    select m.role from public.members m
     where m.id = app.current_member() and m.status = 'active'
$$;

-- The units of the current tenant where the caller's effective role is one
-- of `roles`.
create function app.units_where_caller_is(roles text[]) returns uuid[]
    language sql
    stable
    parallel safe
as $$
    with caller as (
        select m.id, m.role from public.members m
         where m.id = app.current_member() and m.status = 'active'
    ),
    -- Every unit under one of the caller's assignments, with the role of
    -- the nearest one.
    assigned as (
        select distinct on (p.unit_id) p.unit_id, a.role
          from caller
          join public.role_assignments a on a.member_id = caller.id
          join public.org_unit_paths p
            on p.tenant_id = a.tenant_id and p.ancestor_id = a.unit_id
         order by p.unit_id, p.distance
    )
    select coalesce(pg_catalog.array_agg(u.id), '{}')
      from caller
     cross join public.org_units u
      left join assigned on assigned.unit_id = u.id
     where coalesce(assigned.role, caller.role) = any (roles)
$$;

-- A member's effective role at one unit, and the unit of the assignment it
-- comes from (null: the tenant role). No row for a unit or member the
-- tenant does not have, or a member who is not active.
create function app.role_at(member uuid, unit uuid, out role text, out source_id uuid)
    language sql
    stable
    parallel safe
as $$
    select coalesce(near.role, m.role), near.unit_id
      from public.members m
      join public.org_units u on u.id = unit
      left join lateral (
          select a.role, a.unit_id
            from public.org_unit_paths p
            join public.role_assignments a
              on a.tenant_id = p.tenant_id and a.unit_id = p.ancestor_id
           where p.unit_id = u.id and a.member_id = m.id
           order by p.distance
           limit 1
      ) near on true
     where m.id = member and m.status = 'active'
$$;

revoke all on function app.current_member() from public;
revoke all on function app.caller_tenant_role() from public;
revoke all on function app.units_where_caller_is(text[]) from public;
revoke all on function app.role_at(uuid, uuid) from public;
grant execute on function app.current_member() to saas_app, saas_readonly;
grant execute on function app.caller_tenant_role() to saas_app, saas_readonly;
grant execute on function app.units_where_caller_is(text[]) to saas_app, saas_readonly;
grant execute on function app.role_at(uuid, uuid) to saas_app, saas_readonly;

drop policy projects_select on projects;
drop policy projects_insert on projects;
drop policy projects_update on projects;
drop policy projects_delete on projects;

create policy projects_select on projects for select to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and (select app.current_member()) is not null);
create policy projects_insert on projects for insert to saas_app, saas_readonly
    with check (tenant_id = (select app.current_tenant())
                and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]));
-- Both the unit it was in and the unit it goes to (a move needs both).
create policy projects_update on projects for update to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]))
    with check (tenant_id = (select app.current_tenant())
                and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]));
create policy projects_delete on projects for delete to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser}'))::uuid[]));

drop policy tasks_select on tasks;
drop policy tasks_insert on tasks;
drop policy tasks_update on tasks;
drop policy tasks_delete on tasks;

create policy tasks_select on tasks for select to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and (select app.current_member()) is not null);
create policy tasks_insert on tasks for insert to saas_app, saas_readonly
    with check (tenant_id = (select app.current_tenant())
                and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]));
create policy tasks_update on tasks for update to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]))
    with check (tenant_id = (select app.current_tenant())
                and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]));
create policy tasks_delete on tasks for delete to saas_app, saas_readonly
    using (tenant_id = (select app.current_tenant())
           and unit_id = any ((select app.units_where_caller_is('{Admin,SuperUser,Member}'))::uuid[]));

-- The owner role (migrations, an operator's psql session) is no member and
-- has no role at any unit; it keeps the tenant-only rule it had, so that it
-- too sees and writes one tenant at a time. (It owns the tables and could
-- lift row-level security altogether; forcing it is a guard against
-- mistakes, not against the owner.) Permissive policies OR together per
-- role, which is why the ones above name the app's roles and this one names
-- only the owner: no tenant-only policy reaches the app.
create policy projects_owner on projects for all to saas_owner
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy tasks_owner on tasks for all to saas_owner
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));

-- app.enter_tenant() now also names the caller for the policies above, and
-- decides itself whether the transaction runs as the SELECT-only role: when
-- asked to (`read_only`), and whenever the caller may write nowhere — a
-- ReadOnly tenant role and no assignment above ReadOnly — or is not an
-- active member at all. Steps, in order:
--
--   1. app.tenant_id, app.member_id (empty until step 3) and lock_timeout,
--      transaction-local;
--   2. the tenant's row FOR NO KEY UPDATE, if `lock_tenant`;
--   3. the caller's member row by Cognito sub (FOR SHARE if `lock_caller`),
--      returned; app.member_id set to it if it is active;
--   4. SET LOCAL ROLE saas_readonly, as above (after the locks: the
--      read-only role may not lock rows).
--
-- Without a caller (the session check, sign-in, onboarding) no member is
-- set, so no project or task is visible or writable in that transaction.
create or replace function app.enter_tenant(
    tenant uuid,
    caller_sub text,
    lock_tenant boolean,
    lock_caller boolean,
    read_only boolean,
    wait_for_locks text,
    out caller_role text,
    out caller_active boolean,
    out caller_epoch bigint
)
    language plpgsql
    volatile
as $$
declare
    caller_id uuid;
    writes_somewhere boolean := false;
begin
    perform pg_catalog.set_config('app.tenant_id', tenant::pg_catalog.text, true);
    perform pg_catalog.set_config('app.member_id', '', true);
    perform pg_catalog.set_config('lock_timeout', wait_for_locks, true);
    if lock_tenant then
        perform from public.tenants for no key update;
    end if;
    if caller_sub is not null then
        if lock_caller then
            select m.id, m.role, m.status = 'active', m.auth_epoch
              into caller_id, caller_role, caller_active, caller_epoch
              from public.members m where m.cognito_sub = caller_sub
              for share;
        else
            select m.id, m.role, m.status = 'active', m.auth_epoch
              into caller_id, caller_role, caller_active, caller_epoch
              from public.members m where m.cognito_sub = caller_sub;
        end if;
        if caller_active then
            perform pg_catalog.set_config('app.member_id', caller_id::pg_catalog.text, true);
            writes_somewhere := caller_role <> 'ReadOnly' or exists (
                select from public.role_assignments a
                 where a.member_id = caller_id and a.role <> 'ReadOnly'
            );
        end if;
    end if;
    if read_only or (caller_sub is not null and not writes_somewhere) then
        set local role saas_readonly;
    end if;
end
$$;
