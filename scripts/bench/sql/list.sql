-- The project list's first page (app/src/db/projects.rs) in a tenant
-- transaction, as the app runs it: the tenant and the member from the
-- transaction-local settings, row-level security filtering. pgbench -M
-- prepared, -D tenant=… member=… (a member id).
-- (The app binds a null search; pgbench variables cannot be null, so it is
-- written in.)
begin;
select set_config('app.tenant_id', :tenant, true), set_config('app.member_id', :member, true);
select id, name, description, archived_at is not null as archived, created_at, updated_at,
       (select count(*) from projects
         where (null::text is null or name ilike null) and (false or archived_at is null)) as total
  from projects
 where (null::text is null or name ilike null) and (false or archived_at is null)
 order by lower(name), id limit 50 offset 0;
commit;
