-- One row per customer organisation. The key is named tenant_id, like every
-- tenant-owned table's, so the same policy shape applies: a tenant sees only
-- its own row.

create table tenants (
    tenant_id  uuid primary key,
    name       text not null check (length(name) between 1 and 120),
    created_at timestamptz not null default now()
);

alter table tenants enable row level security;
alter table tenants force row level security;

create policy tenants_select on tenants for select
    using (tenant_id = (select app.current_tenant()));
create policy tenants_insert on tenants for insert
    with check (tenant_id = (select app.current_tenant()));
create policy tenants_update on tenants for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy tenants_delete on tenants for delete
    using (tenant_id = (select app.current_tenant()));

-- Onboarding inserts; a tenant admin may rename. Nobody deletes a tenant
-- through the app.
grant select, insert on tenants to saas_app;
grant update (name) on tenants to saas_app;
grant select on tenants to saas_readonly;
