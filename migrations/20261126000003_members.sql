-- The app's mirror of each tenant's Cognito users. Cognito cannot list users
-- by a custom attribute, so the members pages read this table.
-- auth_epoch moves on whenever a member's access changes (role, disable,
-- removal); a session signed in under an older epoch is ended.

create table members (
    tenant_id       uuid not null references tenants (tenant_id),
    id              uuid not null default gen_random_uuid(),
    cognito_sub     text not null,
    email           text not null check (length(email) between 3 and 320),
    display_name    text not null default '' check (length(display_name) <= 120),
    role            text not null check (role in ('Admin', 'SuperUser', 'Member', 'ReadOnly')),
    status          text not null default 'active' check (status in ('active', 'disabled')),
    auth_epoch      bigint not null default 0,
    last_sign_in_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (tenant_id, id),
    -- Unique within the tenant only: a pool-wide unique index would let one
    -- tenant learn, from a constraint error, that an email exists in another.
    constraint members_sub_key unique (tenant_id, cognito_sub)
);

create unique index members_email_key on members (tenant_id, lower(email));

alter table members enable row level security;
alter table members force row level security;

create policy members_select on members for select
    using (tenant_id = (select app.current_tenant()));
create policy members_insert on members for insert
    with check (tenant_id = (select app.current_tenant()));
create policy members_update on members for update
    using (tenant_id = (select app.current_tenant()))
    with check (tenant_id = (select app.current_tenant()));
create policy members_delete on members for delete
    using (tenant_id = (select app.current_tenant()));

grant select, insert, update, delete on members to saas_app;
grant select on members to saas_readonly;
