//! Validated input: each type can only hold a value that passed its checks,
//! so code that receives one need not check again.

mod email;
mod text;

pub use email::Email;
pub use text::{
    Description, DisplayName, FilterText, InputError, KeyName, ProjectName, SearchText, TaskTitle,
    TenantName, UnitName,
};
