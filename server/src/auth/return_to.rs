//! Where to send the browser after sign-in: a path on this site, or `/`.

/// A local path that is safe to redirect to. Anything that could leave the
/// site — another origin, a protocol-relative `//host`, a backslash that some
/// browsers read as a slash, an encoded slash, a `javascript:` URL, control
/// characters — becomes `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnTo(String);

impl ReturnTo {
    const MAX_LEN: usize = 2048;

    pub fn parse(raw: Option<&str>) -> Self {
        raw.filter(|path| is_local_path(path))
            .map(|path| Self(path.to_owned()))
            .unwrap_or_else(Self::home)
    }

    pub fn home() -> Self {
        Self("/".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.len() <= ReturnTo::MAX_LEN
        && bytes.first() == Some(&b'/')
        // "//host" and "/\host" are other origins to a browser.
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        // Encoded separators could be decoded into the above by some hop.
        && !contains_encoded_separator(path)
}

fn contains_encoded_separator(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    ["%2f", "%5c", "%09", "%0a", "%0d", "%00"]
        .iter()
        .any(|e| lower.contains(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for path in ["/", "/projects", "/projects/42?tab=tasks#top", "/a/b%20c"] {
            assert_eq!(ReturnTo::parse(Some(path)).as_str(), path);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_becomes_home() {
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "http:/evil.example",
            "/%2F%2Fevil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\tevil",
            "/ok\r\nSet-Cookie: x=1",
            "/path\\..\\..",
        ] {
            assert_eq!(
                ReturnTo::parse(Some(hostile)),
                ReturnTo::home(),
                "{hostile:?}"
            );
        }
        assert_eq!(ReturnTo::parse(None), ReturnTo::home());
        assert_eq!(
            ReturnTo::parse(Some(&format!("/{}", "a".repeat(3000)))),
            ReturnTo::home()
        );
    }
}
