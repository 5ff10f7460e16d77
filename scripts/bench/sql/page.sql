-- Every statement one signed-in GET /projects sends, in order (the run's
-- statement log shows the same list): the session row, the per-request
-- member check, then the page's tenant transaction. pgbench -M prepared as
-- the app role, -D sid=… tenant=… sub=…: how many such pages the database
-- alone could serve.
select data from tower_sessions.session where id = :sid and expiry_date > now();
select caller_role, caller_active, caller_epoch from app.enter_tenant(:tenant, :sub, false, false, false, '5s');
begin;
select caller_role, caller_active, caller_epoch from app.enter_tenant(:tenant, :sub, false, true, false, '5s');
select id, name, description, archived_at is not null as archived, created_at, updated_at,
       (select count(*) from projects
         where (null::text is null or name ilike null) and (false or archived_at is null)) as total
  from projects
 where (null::text is null or name ilike null) and (false or archived_at is null)
 order by lower(name), id limit 50 offset 0;
commit;
