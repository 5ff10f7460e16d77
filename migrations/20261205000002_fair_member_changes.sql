-- An admin's change to a member is not held off by the member's own
-- overlapping writes (as 20261205000001 did for keys).
--
-- A caller's writing transactions lock their member row FOR SHARE and a
-- change to the member locks it FOR NO KEY UPDATE; Postgres lets new share
-- lockers past a waiting update lock, so a member who kept overlapping
-- write requests going could keep their own disable or demotion waiting
-- until its lock timeout, every time. An advisory lock per member (by
-- Cognito sub), taken before the row — shared by the member's writing
-- transactions (in enter_tenant), exclusive by a change to them
-- (app.lock_member_gate) — queues fairly: once a
-- change waits for it, the member's later transactions wait behind it and
-- then see the change.

create function app.lock_member_gate(sub text)
    returns void
    language plpgsql
    volatile
as $$
begin
    if sub is null then
        return;
    end if;
    -- The gate's number: the tenant and the sub, hashed to 64 bits with a
    -- seed of this gate's own ("MEMB" in ASCII), so neither another
    -- tenant's gates nor the keys' ever share it in practice.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        pg_catalog.current_setting('app.tenant_id') || '/' || sub, 1296387394));
end
$$;

revoke all on function app.lock_member_gate(text) from public;
grant execute on function app.lock_member_gate(text) to saas_app;

-- As in 20261203000004, with the member's gate taken before their row when
-- the row is locked (step 3).
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
            -- The gate app.lock_member_gate takes exclusively, shared;
            -- written out, as a nested PL/pgSQL call doubled its cost on
            -- every write.
            perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended(
                tenant::pg_catalog.text || '/' || caller_sub, 1296387394));
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
