//! The project list's pages: the rows of each page in name order and the
//! total on every page, past the last one included (which has no row to
//! carry the total and counts apart).

use crate::fixtures::{app_db, two_tenants};
use app::db::{TenantTx, org, projects};
use app::domain::{Description, ProjectName};
use app::model::PageRequest;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn every_page_carries_the_total_even_past_the_end(_: PgPoolOptions, opts: PgConnectOptions) {
    let db = app_db(&opts, 2);
    let (a, b) = two_tenants(&db).await;
    // Tenant A has one project already; four more make five. B's one is
    // never counted.
    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    let root = org::root(&mut tx).await.unwrap();
    for name in ["delta", "Bravo", "echo", "charlie"] {
        let name = ProjectName::parse(name).unwrap();
        projects::create(&mut tx, root, &name, &Description::parse("").unwrap())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = TenantTx::begin_for_tests(&db, &a.member()).await.unwrap();
    let mut names = Vec::new();
    for number in 1..=4 {
        let page = projects::list(&mut tx, &Default::default(), PageRequest::new(number, 2))
            .await
            .unwrap();
        assert_eq!(page.total, 5, "page {number}");
        assert_eq!(page.page_count(), 3, "page {number}");
        names.extend(page.items.into_iter().map(|p| p.name.to_lowercase()));
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert_eq!(names, sorted);
    assert!(!names.contains(&b.project.name.to_lowercase()));

    // A search narrows the total too, past its end as well.
    let filter = projects::ProjectFilter {
        search: Some("E".into()),
        include_archived: false,

        ..Default::default()
    };
    let matching = projects::list(&mut tx, &filter, PageRequest::new(1, 2))
        .await
        .unwrap();
    let past = projects::list(&mut tx, &filter, PageRequest::new(9, 2))
        .await
        .unwrap();
    let expected = names.iter().filter(|n| n.contains('e')).count() as u64;
    assert_eq!(matching.total, expected);
    assert_eq!(past.total, expected);
    assert!(past.items.is_empty());
}
