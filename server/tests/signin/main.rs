//! Sign-in end to end over HTTP: the server and the Cognito stand-in on real
//! sockets, Postgres as the app role. SECURITY.md parts B and C.

mod flow;
mod guard;
mod sessions;
mod support;
