-- Bench data set, generated in Postgres (run by scripts/bench/run.sh as the
-- cluster's superuser, which row-level security does not apply to):
--
--   psql -v tenants=N -v projects=P -v tasks=T -f seed.sql
--
-- N tenants named "Bench tenant i", each with one member and P projects;
-- each tenant's first project has T tasks. The tenants the demo seed made
-- (the signed-in bench member's own) get P projects and T tasks too, so
-- the pages measured show full lists: /projects 50 rows, a project with T
-- tasks.

set client_min_messages = warning;

insert into tenants (tenant_id, name)
select gen_random_uuid(), 'Bench tenant ' || i from generate_series(1, :tenants) as i;

insert into members (tenant_id, cognito_sub, email, role)
select tenant_id, 'bench-' || tenant_id, 'owner@' || tenant_id || '.bench.test', 'Admin'
from tenants where name like 'Bench tenant %';

insert into projects (tenant_id, name, description)
select t.tenant_id, 'Project ' || lpad(p::text, 6, '0'), 'Bench project ' || p
from tenants t, generate_series(1, :projects) as p;

insert into tasks (tenant_id, project_id, title)
select p.tenant_id, p.id, 'Task ' || k
from (select distinct on (tenant_id) tenant_id, id from projects order by tenant_id, lower(name), id) p,
     generate_series(1, :tasks) as k;

analyze;
