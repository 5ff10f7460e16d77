//! The links under a paged list: "Previous · Page 2 of 5 · Next"; none for a
//! list that fits on one page.

use leptos::prelude::*;

/// `link` gives the query string of a page (keeping the list's filters).
/// `newer_first` words the links for lists that start with the newest.
#[component]
pub fn Pager(
    current: u32,
    pages: u32,
    link: Callback<u32, String>,
    #[prop(optional)] newer_first: bool,
) -> impl IntoView {
    let (back, on) = if newer_first {
        ("Newer", "Older")
    } else {
        ("Previous", "Next")
    };
    // One page and on it: nothing to page through.
    if pages <= 1 && current <= 1 {
        return ().into_any();
    }
    view! {
        <nav class="pager" aria-label="Pages">
            {(current > 1).then(|| view! { <a href=link.run(current - 1) rel="prev">{back}</a> })}
            <span>{format!("Page {current} of {pages}")}</span>
            {(current < pages).then(|| view! { <a href=link.run(current + 1) rel="next">{on}</a> })}
        </nav>
    }
    .into_any()
}

/// `?name=value&…&page=N`, percent-encoded.
pub fn page_query(pairs: &[(&str, &str)], page: u32) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()));
    query.append_pair("page", &page.to_string());
    format!("?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::page_query;

    #[test]
    fn page_links_keep_the_filters_and_drop_empty_ones() {
        assert_eq!(
            page_query(&[("q", "a&b c"), ("archived", "on")], 3),
            "?q=a%26b+c&archived=on&page=3"
        );
        assert_eq!(page_query(&[("q", "")], 1), "?page=1");
    }
}
