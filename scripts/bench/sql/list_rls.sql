-- The project list query as the app runs it: the tenant from the
-- transaction-local setting, row-level security filtering.
begin;
select set_config('app.tenant_id', :tenant, true);
select id, name, description, archived_at is not null as archived, created_at, updated_at
  from projects where archived_at is null order by lower(name), id limit 50;
commit;
