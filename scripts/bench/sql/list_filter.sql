-- list.sql with an explicit tenant filter in both places, for a role that
-- row-level security does not bind (BYPASSRLS): the baseline of the RLS
-- overhead. Same transaction, same setting, same rows.
begin;
select set_config('app.tenant_id', :tenant, true);
select id, name, description, archived_at is not null as archived, created_at, updated_at,
       (select count(*) from projects
         where tenant_id = :tenant and (null::text is null or name ilike null) and (false or archived_at is null)) as total
  from projects
 where tenant_id = :tenant and (null::text is null or name ilike null) and (false or archived_at is null)
 order by lower(name), id limit 50 offset 0;
commit;
