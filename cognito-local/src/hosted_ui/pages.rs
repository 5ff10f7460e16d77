//! The hosted UI's HTML: plain, accessible forms.

use super::AuthorizeParams;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f6f9; margin: 0; color: #1c2430; }}
main {{ max-width: 24rem; margin: 3rem auto; background: #fff; border: 1px solid #d9dee5; border-radius: 8px; padding: 1.5rem; }}
label {{ display: block; margin-top: 1rem; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; padding: .6rem; margin-top: .3rem; font: inherit; }}
button {{ margin-top: 1.5rem; width: 100%; min-height: 44px; background: #2754c5; color: #fff; border: 0; border-radius: 8px; font: inherit; }}
.error {{ color: #b42318; background: #fef3f2; padding: .6rem; border-radius: 6px; }}
.note {{ color: #5b6675; font-size: .9rem; }}
</style>
</head>
<body><main>{body}</main></body>
</html>"#,
        title = escape(title),
    )
}

fn hidden_params(params: &AuthorizeParams) -> String {
    params
        .pairs()
        .into_iter()
        .map(|(name, value)| {
            format!(
                r#"<input type="hidden" name="{name}" value="{}">"#,
                escape(&value)
            )
        })
        .collect()
}

fn error_block(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                r#"<p class="error" role="alert" id="error">{}</p>"#,
                escape(e)
            )
        })
        .unwrap_or_default()
}

fn csrf_field(csrf: &str) -> String {
    format!(
        r#"<input type="hidden" name="_csrf" value="{}">"#,
        escape(csrf)
    )
}

pub fn sign_in(params: &AuthorizeParams, csrf: &str, email: &str, error: Option<&str>) -> String {
    layout(
        "Sign in",
        &format!(
            r#"<h1>Sign in</h1>
{error}
<form method="post" action="/login">
{hidden}{csrf}
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" required value="{email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="note">Local Cognito stand-in: accounts are created by an administrator.</p>"#,
            error = error_block(error),
            hidden = hidden_params(params),
            csrf = csrf_field(csrf),
            email = escape(email),
        ),
    )
}

pub fn new_password(
    params: &AuthorizeParams,
    csrf: &str,
    challenge: &str,
    error: Option<&str>,
) -> String {
    layout(
        "Set a new password",
        &format!(
            r#"<h1>Set a new password</h1>
<p>You signed in with a temporary password. Choose a new one to continue.</p>
{error}
<form method="post" action="/login/new-password">
{hidden}{csrf}
<input type="hidden" name="challenge" value="{challenge}">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required>
<label for="confirm_password">Confirm new password</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
<p class="note">At least 8 characters, with upper and lower case letters, a number and a symbol.</p>
<button type="submit">Set password and sign in</button>
</form>"#,
            error = error_block(error),
            hidden = hidden_params(params),
            csrf = csrf_field(csrf),
            challenge = escape(challenge),
        ),
    )
}

pub fn error(message: &str) -> String {
    layout(
        "Error",
        &format!(
            r#"<h1>Something went wrong</h1><p class="error" role="alert" id="error">{}</p>"#,
            escape(message)
        ),
    )
}
