//! Components that more than one page uses.

pub mod feedback;
pub mod fields;
pub mod focus;
pub mod header;
pub mod moment;
pub mod pager;
pub mod projects;
pub mod session;
pub mod tasks;
pub mod title;
pub mod toast;
