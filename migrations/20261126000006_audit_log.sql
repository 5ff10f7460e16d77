-- Who did what, per tenant. Append-only for the app: it may insert and read,
-- never update or delete (no grant for either, and no policy either).

create table audit_log (
    tenant_id   uuid not null references tenants (tenant_id),
    id          bigint generated always as identity,
    at          timestamptz not null default now(),
    actor_sub   text not null,
    actor_email text not null,
    action      text not null,
    target_type text not null,
    target_id   text,
    summary     jsonb not null default '{}',
    primary key (tenant_id, id)
);

create index audit_log_by_time on audit_log (tenant_id, at desc, id desc);

alter table audit_log enable row level security;
alter table audit_log force row level security;

create policy audit_log_select on audit_log for select
    using (tenant_id = (select app.current_tenant()));
create policy audit_log_insert on audit_log for insert
    with check (tenant_id = (select app.current_tenant()));
-- Update and delete policies exist so that a grant added by mistake later is
-- still bound to the tenant; the app role has no privilege to use them.
create policy audit_log_update on audit_log for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy audit_log_delete on audit_log for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert on audit_log to saas_app;
grant select on audit_log to saas_readonly;
