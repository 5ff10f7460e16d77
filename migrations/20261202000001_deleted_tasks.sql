-- A deleted task waits here for a short while, so the person who deleted it
-- can undo the delete (`tasks::restore`). The row keeps its id and its
-- tenant's foreign keys: deleting the project removes it for good, removing
-- the assignee unassigns it, exactly as for a live task. Older rows are
-- purged by the next delete in the same tenant.

create table deleted_tasks (
    tenant_id   uuid not null,
    id          uuid not null,
    project_id  uuid not null,
    title       text not null check (length(title) between 1 and 200),
    description text not null check (length(description) <= 4000),
    done_at     timestamptz,
    assignee_id uuid,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    deleted_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade,
    foreign key (tenant_id, assignee_id) references members (tenant_id, id)
        on delete set null (assignee_id)
);

create index deleted_tasks_by_age on deleted_tasks (tenant_id, deleted_at);
-- The foreign keys' cascades look rows up by project and assignee.
create index deleted_tasks_by_project on deleted_tasks (tenant_id, project_id);
create index deleted_tasks_by_assignee on deleted_tasks (tenant_id, assignee_id)
    where assignee_id is not null;

alter table deleted_tasks enable row level security;
alter table deleted_tasks force row level security;

create policy deleted_tasks_select on deleted_tasks for select
    using (tenant_id = (select app.current_tenant()));
create policy deleted_tasks_insert on deleted_tasks for insert
    with check (tenant_id = (select app.current_tenant()));
create policy deleted_tasks_update on deleted_tasks for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy deleted_tasks_delete on deleted_tasks for delete
    using (tenant_id = (select app.current_tenant()));

-- Only what the app uses: no UPDATE (the cascades run as the table's owner),
-- and nothing for the read-only role, which never sees the bin.
grant select, insert, delete on deleted_tasks to saas_app;
