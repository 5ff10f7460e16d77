//! Components that more than one page uses.

pub mod header;
pub mod projects;
pub mod session;
