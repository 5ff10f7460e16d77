-- The organisation tree: each tenant's divisions, departments and teams.
--
-- One tree per tenant. Its root is the tenant itself: made with the tenant
-- (a trigger on `tenants`), named after it and renamed with it, never moved
-- or deleted. Every other unit has a parent in the same tenant (the foreign
-- key leads with tenant_id), at most 8 levels below the root.
--
-- `org_unit_paths` is the tree's closure: one row for every (ancestor, unit)
-- pair, the unit itself included at distance 0. Row-level security asks
-- "which units lie under this one" once per statement, and the closure
-- answers that with one index range instead of a recursive walk. Triggers
-- keep it in step with `parent_id`, so no code path can leave it stale; the
-- depth limit and "no cycles" are checked there too, as named constraints.

create table org_units (
    tenant_id  uuid not null references tenants (tenant_id),
    id         uuid not null default gen_random_uuid(),
    parent_id  uuid,
    name       text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    -- No cascade: a unit with sub-units cannot be deleted.
    foreign key (tenant_id, parent_id) references org_units (tenant_id, id),
    -- The root carries the tenant's name (up to 120), the rest up to 80.
    constraint org_units_name_length check (
        length(name) between 1 and case when parent_id is null then 120 else 80 end
    )
);

-- One root per tenant.
create unique index org_units_one_root on org_units (tenant_id) where parent_id is null;
-- Sibling names are unique in any case (the constraint name is what the app
-- turns into "already has a unit named …").
create unique index org_units_sibling_name on org_units (tenant_id, parent_id, lower(name));

create table org_unit_paths (
    tenant_id   uuid not null,
    ancestor_id uuid not null,
    unit_id     uuid not null,
    distance    integer not null,
    primary key (tenant_id, ancestor_id, unit_id),
    foreign key (tenant_id, ancestor_id) references org_units (tenant_id, id) on delete cascade,
    foreign key (tenant_id, unit_id) references org_units (tenant_id, id) on delete cascade,
    -- The root's distance to a unit is that unit's depth: 8 at most.
    constraint org_units_depth check (distance between 0 and 8)
);

-- Upwards: a unit's ancestors, nearest first (a unit has one per distance).
create unique index org_unit_paths_up on org_unit_paths (tenant_id, unit_id, distance)
    include (ancestor_id);

alter table org_units enable row level security;
alter table org_units force row level security;
alter table org_unit_paths enable row level security;
alter table org_unit_paths force row level security;

create policy org_units_select on org_units for select
    using (tenant_id = (select app.current_tenant()));
create policy org_units_insert on org_units for insert
    with check (tenant_id = (select app.current_tenant()));
create policy org_units_update on org_units for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy org_units_delete on org_units for delete
    using (tenant_id = (select app.current_tenant()));

create policy org_unit_paths_select on org_unit_paths for select
    using (tenant_id = (select app.current_tenant()));
create policy org_unit_paths_insert on org_unit_paths for insert
    with check (tenant_id = (select app.current_tenant()));
create policy org_unit_paths_update on org_unit_paths for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy org_unit_paths_delete on org_unit_paths for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert, delete on org_units to saas_app;
grant update (name, parent_id, updated_at) on org_units to saas_app;
grant select on org_units to saas_readonly;
-- Written by the triggers below, which run with the app's rights.
grant select, insert, delete on org_unit_paths to saas_app;
grant select on org_unit_paths to saas_readonly;

-- Tree changes run one at a time per tenant: two moves checked side by side
-- could each pass the cycle check and together make a loop. The app takes
-- the tenant's row lock first (a tenant change); the triggers take it again
-- (a no-op then), so no path can skip it.
create function app.lock_tenant_for_tree(tenant uuid) returns void
    language plpgsql
as $$
begin
    perform from public.tenants t where t.tenant_id = tenant for no key update;
end
$$;

-- A new unit: its own path, and its parent's paths one step longer.
create function app.org_units_after_insert() returns trigger
    language plpgsql
as $$
begin
    perform app.lock_tenant_for_tree(new.tenant_id);
    insert into public.org_unit_paths (tenant_id, ancestor_id, unit_id, distance)
    select new.tenant_id, new.id, new.id, 0
    union all
    select p.tenant_id, p.ancestor_id, new.id, p.distance + 1
      from public.org_unit_paths p
     where p.tenant_id = new.tenant_id and p.unit_id = new.parent_id;
    return null;
end
$$;

-- A move: the subtree's paths to its old ancestors go, paths to the new
-- ones come. Refused if the new parent lies inside the subtree (a cycle).
create function app.org_units_after_move() returns trigger
    language plpgsql
as $$
begin
    perform app.lock_tenant_for_tree(new.tenant_id);
    if exists (
        select from public.org_unit_paths p
         where p.tenant_id = new.tenant_id and p.ancestor_id = new.id
           and p.unit_id = new.parent_id
    ) then
        raise exception 'a unit cannot move under itself or one of its own sub-units'
            using errcode = 'check_violation', constraint = 'org_units_no_cycle';
    end if;
    delete from public.org_unit_paths d
     using public.org_unit_paths sub, public.org_unit_paths above
     where sub.tenant_id = new.tenant_id and sub.ancestor_id = new.id
       and above.tenant_id = new.tenant_id and above.unit_id = new.id and above.distance > 0
       and d.tenant_id = new.tenant_id and d.ancestor_id = above.ancestor_id
       and d.unit_id = sub.unit_id;
    insert into public.org_unit_paths (tenant_id, ancestor_id, unit_id, distance)
    select new.tenant_id, above.ancestor_id, sub.unit_id, above.distance + 1 + sub.distance
      from public.org_unit_paths above, public.org_unit_paths sub
     where above.tenant_id = new.tenant_id and above.unit_id = new.parent_id
       and sub.tenant_id = new.tenant_id and sub.ancestor_id = new.id;
    return null;
end
$$;

-- The root goes only with its tenant (which the app never deletes).
create function app.org_units_before_delete() returns trigger
    language plpgsql
as $$
begin
    if old.parent_id is null then
        raise exception 'the root of the organisation cannot be deleted'
            using errcode = 'check_violation', constraint = 'org_units_keep_root';
    end if;
    perform app.lock_tenant_for_tree(old.tenant_id);
    return old;
end
$$;

create trigger org_units_paths after insert on org_units
    for each row execute function app.org_units_after_insert();
create trigger org_units_move after update of parent_id on org_units
    for each row when (old.parent_id is distinct from new.parent_id)
    execute function app.org_units_after_move();
create trigger org_units_keep_root before delete on org_units
    for each row execute function app.org_units_before_delete();

-- The root comes with its tenant and keeps its name.
create function app.tenants_root_unit() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        insert into public.org_units (tenant_id, parent_id, name)
        values (new.tenant_id, null, new.name);
    elsif new.name is distinct from old.name then
        update public.org_units u set name = new.name, updated_at = pg_catalog.now()
         where u.tenant_id = new.tenant_id and u.parent_id is null;
    end if;
    return null;
end
$$;

create trigger tenants_root_unit after insert or update of name on tenants
    for each row execute function app.tenants_root_unit();

revoke all on function app.lock_tenant_for_tree(uuid) from public;
revoke all on function app.org_units_after_insert() from public;
revoke all on function app.org_units_after_move() from public;
revoke all on function app.org_units_before_delete() from public;
revoke all on function app.tenants_root_unit() from public;
grant execute on function app.lock_tenant_for_tree(uuid) to saas_app;

-- Existing tenants get their root now. The migration runs as the owner,
-- whom forced row-level security binds too; it is lifted for this
-- transaction's backfill only and forced again below.
alter table tenants no force row level security;
alter table org_units no force row level security;
alter table org_unit_paths no force row level security;

insert into org_units (tenant_id, parent_id, name)
select tenant_id, null, name from tenants;

alter table tenants force row level security;
alter table org_units force row level security;
alter table org_unit_paths force row level security;
