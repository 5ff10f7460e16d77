-- The tenant of the current transaction, as row-level security sees it.
--
-- Reads the transaction-local setting made by TenantTx. A missing setting
-- and an empty one (what a setting reads as after the transaction that set it
-- has ended) both mean "no tenant": the function returns null, and
-- `tenant_id = null` matches no row. There is no fallback and no default.
--
-- Roles saas_app and saas_readonly are created outside migrations, by the
-- cluster bootstrap (scripts/db/bootstrap.sql), because roles belong to the
-- cluster, not to one database.

create schema app;
revoke all on schema app from public;

create function app.current_tenant() returns uuid
    language sql
    stable
    parallel safe
    -- Not SECURITY DEFINER: it runs with the caller's rights, reads only a setting.
    set search_path = pg_catalog
as $$
    select nullif(current_setting('app.tenant_id', true), '')::uuid
$$;

revoke all on function app.current_tenant() from public;

grant usage on schema app to saas_app, saas_readonly;
grant execute on function app.current_tenant() to saas_app, saas_readonly;
