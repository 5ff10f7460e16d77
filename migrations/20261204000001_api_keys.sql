-- Tenant API keys: machine credentials for /api/v1.
--
-- A key belongs to its tenant and acts there with its own role (ReadOnly or
-- Member), never with its creator's. Only a SHA-256 of its secret is kept:
-- the secret is 32 random bytes, so a fast hash is enough (nothing to
-- brute-force), and the server compares hashes inside the tenant's
-- transaction, so a key presented with another tenant's id finds nothing.
-- A revoked key keeps its row, for the list and the audit trail.

create table api_keys (
    tenant_id     uuid not null references tenants (tenant_id),
    id            uuid not null default gen_random_uuid(),
    name          text not null check (length(name) between 1 and 80),
    -- The start of the secret, shown in the list to tell keys apart.
    prefix        text not null check (length(prefix) between 8 and 32),
    secret_hash   bytea not null check (length(secret_hash) = 32),
    role          text not null check (role in ('Member', 'ReadOnly')),
    -- Who made it, as they were then (a removed member's keys still say).
    created_by    text not null,
    created_by_email text not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    primary key (tenant_id, id),
    check (expires_at is null or expires_at > created_at)
);

-- Names tell a tenant's live keys apart, in any case.
create unique index api_keys_live_name_key on api_keys (tenant_id, lower(name))
    where revoked_at is null;
create index api_keys_list on api_keys (tenant_id, created_at desc, id);

alter table api_keys enable row level security;
alter table api_keys force row level security;

create policy api_keys_select on api_keys for select
    using (tenant_id = (select app.current_tenant()));
create policy api_keys_insert on api_keys for insert
    with check (tenant_id = (select app.current_tenant()));
create policy api_keys_update on api_keys for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy api_keys_delete on api_keys for delete
    using (tenant_id = (select app.current_tenant()));

-- No DELETE: revoking is an update, and the row stays.
grant select, insert, update on api_keys to saas_app;
grant select on api_keys to saas_readonly;

-- The principal a transaction acts as: `app.member_id` names an active
-- member or, for a request made with a key, a live key of the tenant (ids
-- are random UUIDs, so the two never meet). The read policies need nothing
-- new: they test that the setting is there. What a key may write is its
-- role at every unit (a key has no assignments); both functions below
-- learn to read it.
create or replace function app.units_where_caller_is(roles text[]) returns uuid[]
    language sql
    stable
    parallel safe
as $$
    with caller as (
        select m.id, m.role from public.members m
         where m.id = app.current_member() and m.status = 'active'
        union all
        select k.id, k.role from public.api_keys k
         where k.id = app.current_member() and k.revoked_at is null
           and (k.expires_at is null or k.expires_at > pg_catalog.now())
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

create or replace function app.role_at(member uuid, unit uuid, out role text, out source_id uuid)
    language sql
    stable
    parallel safe
as $$
    select coalesce(near.role, c.role), near.unit_id
      from (select m.id, m.role from public.members m
             where m.id = member and m.status = 'active'
            union all
            select k.id, k.role from public.api_keys k
             where k.id = member and k.revoked_at is null
               and (k.expires_at is null or k.expires_at > pg_catalog.now())) c
      join public.org_units u on u.id = unit
      left join lateral (
          select a.role, a.unit_id
            from public.org_unit_paths p
            join public.role_assignments a
              on a.tenant_id = p.tenant_id and a.unit_id = p.ancestor_id
           where p.unit_id = u.id and a.member_id = c.id
           order by p.distance
           limit 1
      ) near on true
$$;

-- app.enter_tenant() for a request made with a key: the tenant's settings,
-- then the key's row — FOR KEY SHARE when the transaction may write, so a
-- revoke (which locks the row FOR UPDATE) waits for writes already under
-- way, and every transaction that starts after it sees the key gone. A
-- live key is named as the acting principal. A ReadOnly key, a dead one,
-- or a transaction that only reads runs as the SELECT-only role.
create function app.enter_tenant_as_key(
    tenant uuid,
    key uuid,
    lock_key boolean,
    read_only boolean,
    wait_for_locks text,
    out key_role text
)
    language plpgsql
    volatile
as $$
begin
    perform pg_catalog.set_config('app.tenant_id', tenant::pg_catalog.text, true);
    perform pg_catalog.set_config('app.member_id', '', true);
    perform pg_catalog.set_config('lock_timeout', wait_for_locks, true);
    if lock_key then
        select k.role into key_role from public.api_keys k
         where k.id = key and k.revoked_at is null
           and (k.expires_at is null or k.expires_at > pg_catalog.now())
           for key share;
    else
        select k.role into key_role from public.api_keys k
         where k.id = key and k.revoked_at is null
           and (k.expires_at is null or k.expires_at > pg_catalog.now());
    end if;
    if key_role is not null then
        perform pg_catalog.set_config('app.member_id', key::pg_catalog.text, true);
    end if;
    if read_only or key_role is distinct from 'Member' then
        set local role saas_readonly;
    end if;
end
$$;

revoke all on function app.enter_tenant_as_key(uuid, uuid, boolean, boolean, text) from public;
grant execute on function app.enter_tenant_as_key(uuid, uuid, boolean, boolean, text) to saas_app;
