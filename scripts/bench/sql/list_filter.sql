-- The same list with an explicit tenant filter, for a role that row-level
-- security does not apply to: the baseline of the RLS overhead.
begin;
select set_config('app.tenant_id', :tenant, true);
select id, name, description, archived_at is not null as archived, created_at, updated_at
  from projects where tenant_id = :tenant and archived_at is null order by lower(name), id limit 50;
commit;
