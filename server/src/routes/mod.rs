//! Plain axum routes served beside the Leptos pages.

pub mod health;
