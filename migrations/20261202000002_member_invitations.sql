-- When the member's invitation (an emailed temporary password) was last
-- sent. Null once they have signed in, and for members given a password
-- directly (the operator's demo seed). A member with it set is a pending
-- invitation: the members page offers to resend or revoke it.
alter table members add column invited_at timestamptz;
