-- Cluster-level set-up, run once per Postgres cluster by a superuser (the
-- local scripts do it for you; on a managed database an administrator runs
-- it). Idempotent. Migrations then run as saas_owner and grant to the others.
--
--   psql -v owner_password=… -v app_password=… -f scripts/db/bootstrap.sql
--
-- saas_owner    runs migrations and owns every object. CREATEDB lets the
--               test suite make one database per test.
-- saas_app      what the server connects as: not superuser, no BYPASSRLS,
--               owns nothing; table privileges come from the migrations.
-- saas_readonly SELECT only; ReadOnly callers' transactions switch to it with
--               SET LOCAL ROLE, so the database itself refuses their writes.

set client_min_messages = warning;

select format('create role saas_owner login createdb password %L', :'owner_password')
where not exists (select from pg_roles where rolname = 'saas_owner')
\gexec
select format('create role saas_app login nosuperuser nobypassrls nocreatedb nocreaterole password %L', :'app_password')
where not exists (select from pg_roles where rolname = 'saas_app')
\gexec
select 'create role saas_readonly nologin nosuperuser nobypassrls nocreatedb nocreaterole'
where not exists (select from pg_roles where rolname = 'saas_readonly')
\gexec

-- Keep the passwords in step with what the caller passed.
select format('alter role saas_owner password %L', :'owner_password') \gexec
select format('alter role saas_app password %L', :'app_password') \gexec

-- Membership lets saas_app SET ROLE saas_readonly; it gains nothing by it,
-- since saas_readonly can only read what saas_app can read already.
grant saas_readonly to saas_app;
