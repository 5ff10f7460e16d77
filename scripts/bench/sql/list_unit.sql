-- list.sql filtered to one unit and the units under it, as /projects?unit=…
-- asks (app/src/db/projects.rs). -D tenant=… member=… unit=….
begin;
select set_config('app.tenant_id', :tenant, true), set_config('app.member_id', :member, true);
select id, name, description, archived_at is not null as archived, created_at, updated_at,
       (select count(*) from projects
         where (null::text is null or name ilike null) and (false or archived_at is null)
           and unit_id in (select unit_id from org_unit_paths where ancestor_id = :unit)) as total
  from projects
 where (null::text is null or name ilike null) and (false or archived_at is null)
   and unit_id in (select unit_id from org_unit_paths where ancestor_id = :unit)
 order by lower(name), id limit 50 offset 0;
commit;
