//! The whole stack over HTTP: the server and the Cognito stand-in on real
//! sockets, Postgres as the app role, real sign-ins and sessions.
//! Sign-in is SECURITY.md parts B and C (`flow`, `sessions`, `guard`);
//! `projects` and `workspace` are the workspace's pages and writes.

mod api;
mod api_keys_page;
mod api_limits;
mod dashboard;
mod drills;
mod flow;
mod guard;
mod input;
mod invitations;
mod leak_hunt;
mod logs;
mod operator;
mod org;
mod projects;
mod races;
mod sessions;
mod settings;
mod start_up_guard;
mod streaming;
mod support;
mod titles;
mod undo;
mod workspace;
