-- A revoke is not held off by the key's own overlapping writes.
--
-- A key's writing transactions lock its row FOR KEY SHARE and a revoke
-- locks it FOR UPDATE. Postgres lets a new KEY SHARE locker past a waiting
-- FOR UPDATE (row locks held only in share modes grant more of them without
-- looking at who waits), so a key kept busy by overlapping writes could
-- keep its revoke waiting until the lock timeout. An advisory lock per key,
-- taken before the row lock — shared by writers (in enter_tenant_as_key),
-- exclusive by a revoke (app.lock_key_gate) — queues fairly: once a revoke
-- waits for it, writers that come later wait behind the revoke, then find
-- the key revoked.

create function app.lock_key_gate(key uuid)
    returns void
    language plpgsql
    volatile
as $$
begin
    if key is null then
        return;
    end if;
    -- The gate's number: the tenant and the key, hashed to 64 bits with a
    -- seed of this gate's own ("KEYS" in ASCII), so neither another
    -- tenant's gates nor the members' ever share it in practice.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        pg_catalog.current_setting('app.tenant_id') || '/' || key::pg_catalog.text,
        1262836051));
end
$$;

revoke all on function app.lock_key_gate(uuid) from public;
grant execute on function app.lock_key_gate(uuid) to saas_app;

-- As in 20261204000001, with the gate taken before the key's row.
create or replace function app.enter_tenant_as_key(
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
        -- The gate app.lock_key_gate takes exclusively, shared; written
        -- out, as a nested PL/pgSQL call doubled its cost on every write.
        perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended(
            tenant::pg_catalog.text || '/' || key::pg_catalog.text, 1262836051));
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
