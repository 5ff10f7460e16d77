//! The plain pages sign-in ends on when it cannot finish: each says what
//! happened and offers a way on. Rendered without Leptos, so they work even
//! when the app's pages cannot.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A way on from the page.
pub struct Action<'a> {
    pub label: &'a str,
    pub href: &'a str,
}

pub fn render(status: StatusCode, title: &str, message: &str, actions: &[Action<'_>]) -> Response {
    let links: String = actions
        .iter()
        .map(|a| {
            format!(
                r#"<a class="button" href="{}">{}</a> "#,
                escape(a.href),
                escape(a.label)
            )
        })
        .collect();
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Saas</title>
<link rel="stylesheet" href="/pkg/saas.css">
</head>
<body>
<main>
<section class="page page--narrow" aria-labelledby="title">
<h1 id="title">{title}</h1>
<p class="lead">{message}</p>
<p>{links}</p>
</section>
</main>
</body>
</html>
"#,
        title = escape(title),
        message = escape(message),
    );
    (status, Html(body)).into_response()
}

/// "Try again": a fresh sign-in.
pub const TRY_AGAIN: Action<'static> = Action {
    label: "Try again",
    href: "/auth/login",
};

pub const HOME: Action<'static> = Action {
    label: "Go to the home page",
    href: "/",
};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
