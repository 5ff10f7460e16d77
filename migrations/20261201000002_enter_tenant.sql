-- app.enter_tenant(): the start of a tenant transaction in one round trip.
--
-- TenantTx used to send BEGIN, then set_config, then (for tenant changes)
-- the tenant row lock, then the caller's member row check, then, for a
-- ReadOnly caller, SET LOCAL ROLE: up to five round trips before the first
-- query. This function does all but BEGIN in one call, in the same order:
--
--   1. app.tenant_id and lock_timeout, transaction-local (set_config(…, true));
--   2. the tenant's row FOR NO KEY UPDATE, if `lock_tenant`;
--   3. the caller's member row (by Cognito sub), FOR SHARE if `lock_caller`,
--      returned so the server can compare it with the session;
--   4. SET LOCAL ROLE saas_readonly, if `read_only` (after the locks: the
--      read-only role may not lock rows).
--
-- Called outside a transaction block (the per-request session check), the
-- statement is its own transaction: the settings end with it.
--
-- SECURITY INVOKER, like every function here: row-level security applies to
-- what it reads, under the tenant it has just set. It grants nothing the
-- app role could not do with set_config itself. No SET clause (that would
-- confine the transaction-local settings to the function); names are
-- schema-qualified instead.

create function app.enter_tenant(
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
begin
    perform pg_catalog.set_config('app.tenant_id', tenant::pg_catalog.text, true);
    perform pg_catalog.set_config('lock_timeout', wait_for_locks, true);
    if lock_tenant then
        perform from public.tenants for no key update;
    end if;
    if caller_sub is not null then
        if lock_caller then
            select m.role, m.status = 'active', m.auth_epoch
              into caller_role, caller_active, caller_epoch
              from public.members m where m.cognito_sub = caller_sub
              for share;
        else
            select m.role, m.status = 'active', m.auth_epoch
              into caller_role, caller_active, caller_epoch
              from public.members m where m.cognito_sub = caller_sub;
        end if;
    end if;
    if read_only then
        set local role saas_readonly;
    end if;
end
$$;

revoke all on function app.enter_tenant(uuid, text, boolean, boolean, boolean, text) from public;
grant execute on function app.enter_tenant(uuid, text, boolean, boolean, boolean, text) to saas_app;
