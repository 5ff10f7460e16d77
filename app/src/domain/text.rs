//! Names, titles and descriptions typed by users: trimmed, bounded, and free of
//! control characters.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a piece of text was refused, phrased for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum InputError {
    #[error("{field} cannot be empty.")]
    Empty { field: &'static str },
    #[error("{field} can be at most {max} characters long.")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} cannot contain control characters.")]
    ControlCharacter { field: &'static str },
    #[error("Enter an email address like name@example.com.")]
    NotAnEmail,
}

/// Trims `raw` and checks it against the rules shared by every text field.
/// `multiline` allows line breaks and tabs (descriptions), nothing else.
pub(super) fn clean(
    raw: &str,
    field: &'static str,
    max: usize,
    allow_empty: bool,
    multiline: bool,
) -> Result<String, InputError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() && !allow_empty {
        return Err(InputError::Empty { field });
    }
    // Characters, not bytes: the limit is what a person counts.
    if trimmed.chars().count() > max {
        return Err(InputError::TooLong { field, max });
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(InputError::ControlCharacter { field });
    }
    Ok(trimmed.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, max = $max:literal,
     allow_empty = $empty:literal, multiline = $multi:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, InputError> {
                clean(raw, $field, $max, $empty, $multi).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InputError;
            fn try_from(raw: &str) -> Result<Self, Self::Error> {
                Self::parse(raw)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Deserialising validates too: a value from the wire is untrusted.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_type!(
    /// A project's name: one line, 1 to 120 characters.
    ProjectName, field = "Name", max = 120, allow_empty = false, multiline = false
);
text_type!(
    /// A task's title: one line, 1 to 200 characters.
    TaskTitle, field = "Title", max = 200, allow_empty = false, multiline = false
);
text_type!(
    /// An organisation unit's name (a division, a team): one line, 1 to 80
    /// characters.
    UnitName, field = "Name", max = 80, allow_empty = false, multiline = false
);
text_type!(
    /// An API key's name (what it is for: "Warehouse sync"): one line, 1 to
    /// 80 characters.
    KeyName, field = "Name", max = 80, allow_empty = false, multiline = false
);
text_type!(
    /// A tenant's display name: one line, 1 to 120 characters.
    TenantName, field = "Name", max = 120, allow_empty = false, multiline = false
);
text_type!(
    /// A person's name as a member list shows it: one line, may be empty.
    DisplayName, field = "Name", max = 120, allow_empty = true, multiline = false
);
text_type!(
    /// Free text describing a project or task: may be empty, may span lines.
    Description, field = "Description", max = 4000, allow_empty = true, multiline = true
);

text_type!(
    /// What someone typed into a search box: one line, up to 100
    /// characters, may be empty (no search).
    SearchText, field = "Search", max = 100, allow_empty = true, multiline = false
);
text_type!(
    /// A filter's value (the audit log's actor or action): one line, up to
    /// 320 characters (an email's longest), may be empty (no filter).
    FilterText, field = "Filter", max = 320, allow_empty = true, multiline = false
);

impl SearchText {
    /// `None` for an empty search.
    pub fn non_empty(&self) -> Option<&str> {
        Some(self.as_str()).filter(|s| !s.is_empty())
    }
}

impl FilterText {
    /// `None` for an empty filter.
    pub fn non_empty(&self) -> Option<&str> {
        Some(self.as_str()).filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            ProjectName::parse("  Apollo \n").unwrap().as_str(),
            "Apollo"
        );
    }

    #[test]
    fn an_empty_or_blank_name_is_refused() {
        assert_eq!(
            ProjectName::parse(""),
            Err(InputError::Empty { field: "Name" })
        );
        assert_eq!(
            TaskTitle::parse(" \t "),
            Err(InputError::Empty { field: "Title" })
        );
    }

    #[test]
    fn an_empty_description_is_fine() {
        assert_eq!(Description::parse("   ").unwrap().as_str(), "");
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(ProjectName::MAX_CHARS);
        assert!(ProjectName::parse(&at_limit).is_ok());
        let over = "é".repeat(ProjectName::MAX_CHARS + 1);
        assert_eq!(
            ProjectName::parse(&over),
            Err(InputError::TooLong {
                field: "Name",
                max: 120
            })
        );
    }

    #[test]
    fn control_characters_are_refused_in_names() {
        for bad in ["a\u{0}b", "a\nb", "a\u{1b}[31mb", "tab\there", "a\u{7f}"] {
            assert_eq!(
                ProjectName::parse(bad),
                Err(InputError::ControlCharacter { field: "Name" }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn descriptions_keep_line_breaks_but_not_other_controls() {
        assert!(Description::parse("line one\nline two\r\n\tindented").is_ok());
        assert!(Description::parse("bell\u{7}").is_err());
    }

    #[test]
    fn searches_and_filters_refuse_control_characters() {
        for bad in ["a\u{0}b", "\u{0}", "a\nb", "a\tb", "a\u{1b}b", "a\u{7f}"] {
            assert_eq!(
                SearchText::parse(bad),
                Err(InputError::ControlCharacter { field: "Search" }),
                "{bad:?}"
            );
            assert_eq!(
                FilterText::parse(bad),
                Err(InputError::ControlCharacter { field: "Filter" }),
                "{bad:?}"
            );
        }
        assert_eq!(SearchText::parse("  ").unwrap().non_empty(), None);
        assert_eq!(SearchText::parse(" ab ").unwrap().non_empty(), Some("ab"));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<ProjectName>("\"  ok \"").is_ok());
        assert!(serde_json::from_str::<ProjectName>("\"\"").is_err());
    }

    proptest! {
        #[test]
        fn a_parsed_name_is_trimmed_bounded_and_clean(raw in any::<String>()) {
            if let Ok(name) = ProjectName::parse(&raw) {
                let s = name.as_str();
                prop_assert_eq!(s, s.trim());
                prop_assert!(!s.is_empty());
                prop_assert!(s.chars().count() <= ProjectName::MAX_CHARS);
                prop_assert!(!s.chars().any(char::is_control));
            }
        }

        #[test]
        fn printable_text_within_the_limit_is_accepted(raw in "[a-zA-Z0-9 äöüß€-]{1,120}") {
            prop_assume!(!raw.trim().is_empty());
            let name = ProjectName::parse(&raw).unwrap();
            prop_assert_eq!(name.as_str(), raw.trim());
        }
    }
}
