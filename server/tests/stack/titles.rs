//! Orientation in the server-rendered pages (no JavaScript needed): each
//! page's `<title>` names the page, its section and the caller's
//! organisation, and the main navigation marks the section the page is in.

use crate::support::*;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The text of the page's `<title>`.
fn title(page: &Reply) -> String {
    let start = page.body.find("<title>").expect("a <title>") + "<title>".len();
    let end = start
        + page.body[start..]
            .find("</title>")
            .expect("a closed <title>");
    page.body[start..end].to_owned()
}

/// The main navigation's link marked as the current page, if any.
fn current_nav(page: &Reply) -> Option<String> {
    let nav = page.body.split(r#"class="site-nav""#).nth(1)?;
    let nav = &nav[..nav.find("</nav>")?];
    let marked = nav
        .split("<a ")
        .find(|a| a.contains(r#"aria-current="page""#))?;
    let text = &marked[marked.find('>')? + 1..];
    Some(text[..text.find('<')?].trim().to_owned())
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_page_has_its_own_title_and_the_nav_marks_its_section(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db, Settings::default()).await;
    let project = stack.project_id(TENANT_A, "Rocket skates").await;
    let mut ada = signed_in(&stack, "ada@acme.test", "Admin", TENANT_A).await;
    let mut max = signed_in(&stack, "max@acme.test", "Member", TENANT_A).await;

    let cases = [
        ("/", "Home · Acme Corp", None),
        ("/projects", "Projects · Acme Corp", Some("Projects")),
        (
            &format!("/projects/{project}") as &str,
            "Rocket skates · Projects · Acme Corp",
            Some("Projects"),
        ),
        (
            "/settings",
            "Members · Settings · Acme Corp",
            Some("Settings"),
        ),
        (
            "/settings/profile",
            "Profile · Settings · Acme Corp",
            Some("Settings"),
        ),
        (
            "/settings/organisation",
            "Organisation · Settings · Acme Corp",
            Some("Settings"),
        ),
        (
            "/settings/audit",
            "Audit log · Settings · Acme Corp",
            Some("Settings"),
        ),
        ("/no/such/page", "Page not found · Acme Corp", None),
    ];
    for (path, expected, nav) in cases {
        let page = ada.get(&stack.url(path)).await;
        assert_eq!(title(&page), expected, "{path}");
        assert_eq!(current_nav(&page).as_deref(), nav, "{path}");
    }

    let refused = max.get(&stack.url("/settings")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(title(&refused), "Not allowed · Acme Corp");
    let foreign = max
        .get(&stack.url(&format!(
            "/projects/{}",
            stack.project_id(TENANT_B, "Hammock district").await
        )))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(title(&foreign), "Page not found · Acme Corp");

    let visitor = Browser::default().get(&stack.url("/")).await;
    assert_eq!(title(&visitor), "Welcome · Saas");
    // The skip link comes before the header, and its target exists.
    let skip = visitor.body.find(r##"href="#main""##).expect("a skip link");
    assert!(skip < visitor.body.find("<header").unwrap());
    assert!(visitor.body.contains(r#"<main id="main""#));
}
