-- Demo tenants and projects for `make dev` and the end-to-end tests; their
-- users are in cognito-local/demo-users.toml. Run by the superuser (the
-- scripts' psql), idempotent.
insert into tenants (tenant_id, name) values
    ('0b9e6a5e-1c1f-4c55-9d3a-acde00000001', 'Acme Corp'),
    ('0b9e6a5e-1c1f-4c55-9d3a-91080e000002', 'Globex')
on conflict (tenant_id) do nothing;

insert into projects (tenant_id, id, name, description) values
    ('0b9e6a5e-1c1f-4c55-9d3a-acde00000001', '5a1e0000-0000-4000-8000-00000000a001',
     'Rocket skates', 'Acme''s fastest product line'),
    ('0b9e6a5e-1c1f-4c55-9d3a-acde00000001', '5a1e0000-0000-4000-8000-00000000a002',
     'Anvil redesign', 'Lighter, still effective'),
    ('0b9e6a5e-1c1f-4c55-9d3a-91080e000002', '5a1e0000-0000-4000-8000-00000000b001',
     'Hammock district', 'Globex''s new campus')
on conflict do nothing;
