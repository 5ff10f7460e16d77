-- Server-side sessions, kept by tower-sessions' Postgres store (the table
-- has the shape that store reads and writes). Not tenant data: a session
-- exists before its user is known, and is found by its unguessable id, so
-- the table has no tenant_id and no row-level security; the catalog test
-- lists it as such. Only the app role may use it; read-only transactions
-- never do.

create schema tower_sessions;
revoke all on schema tower_sessions from public;

create table tower_sessions.session (
    id          text primary key not null,
    data        bytea not null,
    expiry_date timestamptz not null
);

-- The periodic sweep deletes by expiry.
create index session_expiry on tower_sessions.session (expiry_date);

grant usage on schema tower_sessions to saas_app;
grant select, insert, update, delete on tower_sessions.session to saas_app;
