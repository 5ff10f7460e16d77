//! Each page's document title: what the page shows, where it sits, then the
//! caller's organisation ("Launch pad · Projects · Acme Corp"), so tabs,
//! history and screen readers tell pages apart.

use crate::components::session::use_current_user;
use leptos::prelude::*;
use leptos_meta::Title;

/// The product's name: the title's last part for a visitor not signed in.
pub const PRODUCT: &str = "Saas";

/// Sets the document title to `parts`, most specific first, then the
/// caller's organisation. The caller is a blocking resource, so the server
/// knows the whole title before it sends the page's head.
#[component]
pub fn PageTitle(parts: Vec<String>) -> impl IntoView {
    let user = use_current_user();
    let parts = StoredValue::new(parts);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let organisation = match user.await {
                    Ok(Some(me)) => me.tenant_name,
                    _ => PRODUCT.to_owned(),
                };
                let text = title(&parts.get_value(), &organisation);
                view! { <Title text /> }
            })}
        </Suspense>
    }
}

/// `parts` and `organisation`, joined as the title shows them.
pub fn title(parts: &[String], organisation: &str) -> String {
    let mut all: Vec<&str> = parts.iter().map(String::as_str).collect();
    all.push(organisation);
    all.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::title;

    #[test]
    fn most_specific_first_and_the_organisation_last() {
        let parts = ["Launch pad".to_owned(), "Projects".to_owned()];
        assert_eq!(
            title(&parts, "Acme Corp"),
            "Launch pad · Projects · Acme Corp"
        );
        assert_eq!(title(&[], "Saas"), "Saas");
    }
}
