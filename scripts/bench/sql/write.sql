-- One project changed in a tenant transaction: the write policies compute
-- the units where the member may write once for the statement.
-- -D tenant=… member=… project=….
begin;
select set_config('app.tenant_id', :tenant, true), set_config('app.member_id', :member, true);
update projects set updated_at = updated_at where id = :project;
commit;
