//! Rebuilds the crate when a migration is added or changed: `sqlx::migrate!`
//! embeds the migrations at compile time but does not watch the directory.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
