//! One module per page.

pub mod forbidden;
pub mod home;
pub mod new_project;
pub mod not_found;
pub mod project;
pub mod projects;
pub mod settings;
