-- Fills the measured tenant (by name) so the pages show full lists:
--
--   psql -v tenant_name=NAME -v projects=P -v tasks=T -f fill.sql
--
-- P projects "Project 000001"…, and T tasks in "Project 000001", the
-- project page the load run opens.

set client_min_messages = warning;

insert into projects (tenant_id, name, description)
select t.tenant_id, 'Project ' || lpad(p::text, 6, '0'), 'Bench project ' || p
from tenants t, generate_series(1, :projects) as p
where t.name = :'tenant_name';

insert into tasks (tenant_id, project_id, title)
select p.tenant_id, p.id, 'Task ' || k
from projects p join tenants t using (tenant_id), generate_series(1, :tasks) as k
where t.name = :'tenant_name' and p.name = 'Project 000001';

analyze;
