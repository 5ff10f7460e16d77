-- When an admin last changed the member's role or state (not when the
-- member last signed in): a token issued before it cannot bring back the
-- role it names, at sign-in or at refresh.
alter table members
    add column changed_by_admin_at timestamptz not null default '-infinity';
