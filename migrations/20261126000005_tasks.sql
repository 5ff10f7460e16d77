-- Tasks belong to a project of the same tenant: the foreign keys lead with
-- tenant_id, so a task can never point at another tenant's project or member.

create table tasks (
    tenant_id   uuid not null,
    id          uuid not null default gen_random_uuid(),
    project_id  uuid not null,
    title       text not null check (length(title) between 1 and 200),
    description text not null default '' check (length(description) <= 4000),
    done_at     timestamptz,
    assignee_id uuid,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade,
    -- Removing a member unassigns their tasks; only assignee_id is cleared.
    foreign key (tenant_id, assignee_id) references members (tenant_id, id)
        on delete set null (assignee_id)
);

create index tasks_by_project on tasks (tenant_id, project_id, created_at);
create index tasks_by_assignee on tasks (tenant_id, assignee_id) where assignee_id is not null;

alter table tasks enable row level security;
alter table tasks force row level security;

create policy tasks_select on tasks for select
    using (tenant_id = (select app.current_tenant()));
create policy tasks_insert on tasks for insert
    with check (tenant_id = (select app.current_tenant()));
create policy tasks_update on tasks for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy tasks_delete on tasks for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert, update, delete on tasks to saas_app;
grant select on tasks to saas_readonly;
