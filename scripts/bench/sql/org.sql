-- Two tenants for the organisation benchmark, :projects projects each:
--
--   psql -v projects=P -f org.sql
--
-- "Org Deep": 2,000 units in six levels below its root, the projects
-- spread over all of them, and the member deep@bench.test: ReadOnly by
-- tenant role, Admin of three second-level subtrees, ReadOnly again at two
-- fourth-level units (roles given per unit, as the list must honour).
-- "Org Flat": its root only, every project there, and flat@bench.test with
-- the tenant role Member and no assignments. Run as a superuser.

set client_min_messages = warning;

insert into tenants (tenant_id, name) values
    ('0b9e6a5e-1c1f-4c55-9d3a-de0000000001', 'Org Deep'),
    ('0b9e6a5e-1c1f-4c55-9d3a-f1a700000001', 'Org Flat');
insert into members (tenant_id, cognito_sub, email, role) values
    ('0b9e6a5e-1c1f-4c55-9d3a-de0000000001', 'bench-deep', 'deep@bench.test', 'ReadOnly'),
    ('0b9e6a5e-1c1f-4c55-9d3a-f1a700000001', 'bench-flat', 'flat@bench.test', 'Member');

do $$
declare
    deep constant uuid := '0b9e6a5e-1c1f-4c55-9d3a-de0000000001';
    sizes int[] := array[3, 9, 27, 81, 243, 1637];
    previous uuid[];
    made_ids uuid[];
begin
    select array_agg(id) into previous from org_units where tenant_id = deep and parent_id is null;
    for level in 1 .. array_length(sizes, 1) loop
        with made as (
            insert into org_units (tenant_id, parent_id, name)
            select deep, previous[1 + g % array_length(previous, 1)], 'Unit ' || level || '.' || g
            from generate_series(1, sizes[level]) g
            returning id)
        select array_agg(id) into made_ids from made;
        previous := made_ids;
    end loop;
end $$;

insert into projects (tenant_id, unit_id, name, description)
select u.tenant_id, u.id, 'Project ' || lpad(g::text, 6, '0'), 'Bench project ' || g
from generate_series(1, :projects) g
join (select tenant_id, id, row_number() over (order by id) - 1 as n
      from org_units where tenant_id = '0b9e6a5e-1c1f-4c55-9d3a-de0000000001') u
  on u.n = g % 2001;

insert into projects (tenant_id, name, description)
select '0b9e6a5e-1c1f-4c55-9d3a-f1a700000001', 'Project ' || lpad(g::text, 6, '0'), 'Bench project ' || g
from generate_series(1, :projects) g;

insert into role_assignments (tenant_id, member_id, unit_id, role)
select m.tenant_id, m.id, u.id, case when u.name like 'Unit 2.%' then 'Admin' else 'ReadOnly' end
from members m join org_units u using (tenant_id)
where m.email = 'deep@bench.test'
  and u.name in ('Unit 2.1', 'Unit 2.2', 'Unit 2.3', 'Unit 4.1', 'Unit 4.2');

analyze;
