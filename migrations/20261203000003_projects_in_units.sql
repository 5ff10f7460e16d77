-- Every project belongs to one unit of its tenant's tree; existing projects
-- (and a project inserted without one) belong to the root.
--
-- Tasks carry their project's unit too, so that their row-level security
-- can read it from the row itself rather than look the project up for every
-- task. The copy cannot drift: the foreign key to the project includes the
-- unit and cascades its updates, so moving a project moves its tasks in the
-- same statement. (Foreign-key actions run as the table owner and bypass
-- row-level security by design, so the cascade never fails a policy.)

alter table projects no force row level security;
alter table tasks no force row level security;
alter table org_units no force row level security;

alter table projects add column unit_id uuid;
update projects p set unit_id = u.id
  from org_units u
 where u.tenant_id = p.tenant_id and u.parent_id is null;
alter table projects alter column unit_id set not null;
-- No cascade: a unit that still has projects cannot be deleted.
alter table projects add constraint projects_unit_fkey
    foreign key (tenant_id, unit_id) references org_units (tenant_id, id);
alter table projects add constraint projects_unit_key unique (tenant_id, id, unit_id);
-- A unit's projects (its delete check, the list filtered by unit), by name.
create index projects_by_unit on projects (tenant_id, unit_id, lower(name), id);

alter table tasks add column unit_id uuid;
update tasks t set unit_id = p.unit_id
  from projects p
 where p.tenant_id = t.tenant_id and p.id = t.project_id;
alter table tasks alter column unit_id set not null;
alter table tasks drop constraint tasks_tenant_id_project_id_fkey;
alter table tasks add constraint tasks_project_fkey
    foreign key (tenant_id, project_id, unit_id) references projects (tenant_id, id, unit_id)
    on update cascade on delete cascade;

alter table projects force row level security;
alter table tasks force row level security;
alter table org_units force row level security;

-- A project inserted without a unit goes to the root.
create function app.projects_default_unit() returns trigger
    language plpgsql
as $$
begin
    if new.unit_id is null then
        select u.id into new.unit_id
          from public.org_units u
         where u.tenant_id = new.tenant_id and u.parent_id is null;
    end if;
    return new;
end
$$;

-- A task's unit is its project's, whatever the insert said. A project the
-- transaction cannot see is answered as the foreign key would answer a
-- missing one, so another tenant's project looks like no project at all.
-- (A row naming another tenant is left to the policy, which refuses it.)
create function app.tasks_project_unit() returns trigger
    language plpgsql
as $$
begin
    select p.unit_id into new.unit_id
      from public.projects p
     where p.tenant_id = new.tenant_id and p.id = new.project_id;
    if not found and new.tenant_id = app.current_tenant() then
        raise exception 'the task''s project does not exist'
            using errcode = 'foreign_key_violation', constraint = 'tasks_project_fkey';
    end if;
    return new;
end
$$;

create trigger projects_default_unit before insert on projects
    for each row execute function app.projects_default_unit();
create trigger tasks_project_unit before insert on tasks
    for each row execute function app.tasks_project_unit();

revoke all on function app.projects_default_unit() from public;
revoke all on function app.tasks_project_unit() from public;
