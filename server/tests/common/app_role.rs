//! The app role's database URL, shared by the test binaries (`#[path]`
//! modules: each test binary is its own crate).

/// The app role's URL (from `APP_DATABASE_URL`), pointed at `database`.
pub fn app_url_for(database: &str) -> String {
    let url = std::env::var("APP_DATABASE_URL")
        .expect("APP_DATABASE_URL must name the app role (make test sets it)");
    let (base, _) = url.rsplit_once('/').expect("a URL with a database path");
    format!("{base}/{database}")
}
