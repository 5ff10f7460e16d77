-- Which tenant a Cognito user belongs to, for Cognito access tokens.
--
-- An access token names its user (`sub`) but carries no custom attribute,
-- so no `custom:tenant_id`: the API finds the tenant from the user's member
-- row. Row-level security hides every members row until a tenant is chosen,
-- so the answer comes from this pool-wide index instead, which only the two
-- SECURITY DEFINER functions below touch: the app roles have no privilege
-- on the table itself, and the one function they may call answers one
-- question — "the tenant of this sub", for a sub the server has just read
-- from a verified token — and nothing else. Everything after that (the
-- member is active, their role, their auth_epoch) is checked in the
-- tenant's own transaction as for any caller.

create table member_homes (
    cognito_sub text not null,
    tenant_id   uuid not null,
    primary key (cognito_sub, tenant_id)
);

revoke all on member_homes from public;

-- Existing members. The owner is subject to row-level security on members
-- (forced), so it is lifted for this one statement, as earlier migrations do.
alter table members no force row level security;
insert into member_homes (cognito_sub, tenant_id)
    select distinct cognito_sub, tenant_id from members;
alter table members force row level security;

-- Kept by a trigger on members. SECURITY DEFINER (owned by the owner) so
-- that the app role's inserts and deletes of members can write an index it
-- may not read; search_path empty and every name qualified, so nothing the
-- caller puts on the path is run with the owner's rights.
create function app.track_member_home() returns trigger
    language plpgsql
    security definer
    set search_path = ''
as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        delete from public.member_homes h
         where h.cognito_sub = old.cognito_sub and h.tenant_id = old.tenant_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into public.member_homes (cognito_sub, tenant_id)
            values (new.cognito_sub, new.tenant_id)
            on conflict do nothing;
    end if;
    return null;
end
$$;

create trigger members_home after insert or delete or update of cognito_sub, tenant_id
    on members for each row execute function app.track_member_home();

-- The tenant of a Cognito user; null when none — or more than one, which a
-- pool where each user has one `custom:tenant_id` never makes, and which is
-- refused rather than guessed.
create function app.tenant_of_sub(sub text) returns uuid
    language sql
    stable
    security definer
    set search_path = ''
as $$
    select case when pg_catalog.count(*) = 1 then pg_catalog.min(h.tenant_id::pg_catalog.text)::pg_catalog.uuid end
      from public.member_homes h
     where h.cognito_sub = sub
$$;

revoke all on function app.track_member_home() from public;
revoke all on function app.tenant_of_sub(text) from public;
grant execute on function app.tenant_of_sub(text) to saas_app;
