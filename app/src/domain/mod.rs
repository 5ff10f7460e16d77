//! Validated input: each type can only hold a value that passed its checks,
//! so code that receives one need not check again.

mod text;

pub use text::{Description, InputError, ProjectName, TaskTitle, TenantName};
