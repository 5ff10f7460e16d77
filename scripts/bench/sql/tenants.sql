-- More tenants for the load figures, made in Postgres by the cluster's
-- superuser (row-level security does not bind it):
--
--   psql -v tenants=N -v projects=P -f tenants.sql
--
-- N tenants, each with one Admin member and P projects. They only make the
-- tables bigger: the measured pages belong to a demo tenant.

set client_min_messages = warning;

begin;
create temp table fresh as select gen_random_uuid() as tenant_id from generate_series(1, :tenants);
insert into tenants (tenant_id, name) select tenant_id, 'Bench tenant ' || tenant_id from fresh;
insert into members (tenant_id, cognito_sub, email, role)
select tenant_id, 'bench-' || tenant_id, 'owner@' || tenant_id || '.bench.test', 'Admin' from fresh;
insert into projects (tenant_id, name, description)
select f.tenant_id, 'Project ' || lpad(p::text, 6, '0'), 'Bench project ' || p
from fresh f, generate_series(1, :projects) as p;
drop table fresh;
commit;

-- Settle before measuring: statistics, the visibility map (else the first
-- runs pay for autovacuum and hint bits) and a checkpoint.
vacuum analyze;
checkpoint;
