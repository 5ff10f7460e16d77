//! An email address as a member is invited with: the pool signs in by email,
//! so it is also the Cognito username.

use super::text::{InputError, clean};
use serde::{Deserialize, Serialize};

/// Trimmed, lower-cased, at most 254 characters, one `@` with something on
/// both sides and a dot in the domain, no spaces or control characters.
/// Deliverability is Cognito's invitation to prove, not this type's.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let cleaned = clean(raw, "Email", Self::MAX_CHARS, false, false)?.to_lowercase();
        let Some((local, domain)) = cleaned.split_once('@') else {
            return Err(InputError::NotAnEmail);
        };
        let well_formed = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !cleaned.chars().any(char::is_whitespace);
        if !well_formed {
            return Err(InputError::NotAnEmail);
        }
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a@b@c.com",
            "ada @x.com",
            "ada@.com",
            "ada@x.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Email::parse("a\u{0}b@x.com"),
            Err(InputError::ControlCharacter { field: "Email" })
        );
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(matches!(
            Email::parse(&long),
            Err(InputError::TooLong { .. })
        ));
    }
}
