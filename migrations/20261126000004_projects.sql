-- Projects: the example domain's top-level object.

create table projects (
    tenant_id   uuid not null references tenants (tenant_id),
    id          uuid not null default gen_random_uuid(),
    name        text not null check (length(name) between 1 and 120),
    description text not null default '' check (length(description) <= 4000),
    archived_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id)
);

-- The list page orders by name within a tenant.
create index projects_by_name on projects (tenant_id, lower(name), id);

alter table projects enable row level security;
alter table projects force row level security;

create policy projects_select on projects for select
    using (tenant_id = (select app.current_tenant()));
create policy projects_insert on projects for insert
    with check (tenant_id = (select app.current_tenant()));
create policy projects_update on projects for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy projects_delete on projects for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert, update, delete on projects to saas_app;
grant select on projects to saas_readonly;
