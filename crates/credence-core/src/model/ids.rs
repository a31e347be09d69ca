//! Validated identifier newtypes: specification codes and versions, UKPRNs, approval and badge ids,
//! provider references, salts, base URLs and email addresses.
//!
//! Each is built only through `TryFrom<&str>` / `TryFrom<String>` (also used by serde), so holding one
//! is proof that it is well formed and normalised.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ModelError;

macro_rules! newtype {
    ($(#[$meta:meta])* $name:ident, $parse:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The normalised value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ModelError;
            fn try_from(value: &str) -> Result<Self, ModelError> {
                $parse(value).map($name)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ModelError;
            fn try_from(value: String) -> Result<Self, ModelError> {
                Self::try_from(value.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ModelError;
            fn from_str(value: &str) -> Result<Self, ModelError> {
                Self::try_from(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

newtype!(
    /// A specification code, e.g. `CS-OPF`: upper-case letters, digits and single hyphens, starting with
    /// a letter, at most 32 characters (input is trimmed and upper-cased).
    SpecId,
    parse_spec_id
);
newtype!(
    /// A specification version `MAJOR.MINOR`, e.g. `1.0` (no leading zeros except `0`).
    SpecVersion,
    parse_spec_version
);
newtype!(
    /// A provider's UK Provider Reference Number: exactly 8 ASCII digits, starting with 1.
    ProviderId,
    parse_provider_id
);
newtype!(
    /// The Centre's id for a provider approval, e.g. `AP-001` (upper-cased).
    ApprovalId,
    parse_approval_id
);
newtype!(
    /// A badge id: `urn:uuid:` and a hyphenated UUID, normalised to lower case.
    BadgeId,
    parse_badge_id
);
newtype!(
    /// A provider's own reference for a completion (unique per provider): 1 to 128 printable characters,
    /// trimmed.
    ProviderReference,
    parse_provider_reference
);
newtype!(
    /// A caller-supplied salt for identity hashes (e.g. 32 hex characters): 1 to 128 printable ASCII
    /// characters without whitespace. Used verbatim.
    Salt,
    parse_salt
);
newtype!(
    /// An absolute `https://` (or `http://`, for local demos) URL without query or fragment, stored
    /// without a trailing slash; ids such as `{base}/achievements/CS-OPF/1.0` are built under it.
    BaseUrl,
    parse_base_url
);
newtype!(
    /// An email address, trimmed and lower-cased, with one `@`, a non-empty local part and a dotted
    /// domain. Personal data: never log it.
    Email,
    parse_email
);

impl SpecVersion {
    /// The `(major, minor)` numbers.
    pub fn numbers(&self) -> (u32, u32) {
        let mut parts = self.0.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }
}

impl BaseUrl {
    /// The `did:web` identifier this base URL fixes: the host, a port as `%3A`, path segments as `:`.
    pub fn did_web(&self) -> String {
        let rest = self
            .0
            .split_once("://")
            .map_or(self.0.as_str(), |(_, rest)| rest);
        format!("did:web:{}", rest.replace(':', "%3A").replace('/', ":"))
    }

    /// `{base}/{path}` (the path is given without a leading slash).
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.0, path.trim_start_matches('/'))
    }
}

fn parse_spec_id(value: &str) -> Result<String, ModelError> {
    let v = value.trim().to_ascii_uppercase();
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && !v.ends_with('-')
        && !v.contains("--")
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(v)
    } else {
        Err(ModelError::InvalidSpecId {
            value: value.to_owned(),
        })
    }
}

fn parse_spec_version(value: &str) -> Result<String, ModelError> {
    let v = value.trim();
    let number = |p: &str| {
        !p.is_empty()
            && p.len() <= 4
            && p.chars().all(|c| c.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
    };
    match v.split_once('.') {
        Some((major, minor)) if number(major) && number(minor) => Ok(v.to_owned()),
        _ => Err(ModelError::InvalidSpecVersion {
            value: value.to_owned(),
        }),
    }
}

fn parse_provider_id(value: &str) -> Result<String, ModelError> {
    let v = value.trim();
    if v.len() == 8 && v.starts_with('1') && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err(ModelError::InvalidProviderId {
            value: value.to_owned(),
        })
    }
}

fn parse_approval_id(value: &str) -> Result<String, ModelError> {
    let v = value.trim().to_ascii_uppercase();
    if !v.is_empty()
        && v.len() <= 32
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(v)
    } else {
        Err(ModelError::InvalidApprovalId {
            value: value.to_owned(),
        })
    }
}

fn parse_badge_id(value: &str) -> Result<String, ModelError> {
    let v = value.trim().to_ascii_lowercase();
    let ok = v.strip_prefix("urn:uuid:").is_some_and(|uuid| {
        let groups: Vec<&str> = uuid.split('-').collect();
        groups.len() == 5
            && groups.iter().map(|g| g.len()).eq([8usize, 4, 4, 4, 12])
            && groups
                .iter()
                .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if ok {
        Ok(v)
    } else {
        Err(ModelError::InvalidBadgeId {
            value: value.to_owned(),
        })
    }
}

fn parse_provider_reference(value: &str) -> Result<String, ModelError> {
    let v = value.trim();
    if !v.is_empty() && v.chars().count() <= 128 && !v.chars().any(char::is_control) {
        Ok(v.to_owned())
    } else {
        Err(ModelError::InvalidProviderReference)
    }
}

fn parse_salt(value: &str) -> Result<String, ModelError> {
    if !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(value.to_owned())
    } else {
        Err(ModelError::InvalidSalt)
    }
}

fn parse_base_url(value: &str) -> Result<String, ModelError> {
    let v = value.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        !host.is_empty()
            && !host.contains('@')
            && r.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#')
    });
    if ok {
        Ok(v.to_owned())
    } else {
        Err(ModelError::InvalidBaseUrl {
            value: value.to_owned(),
        })
    }
}

fn parse_email(value: &str) -> Result<String, ModelError> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && v.split_once('@').is_some_and(|(local, domain)| {
            let label_ok = |l: &str| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            };
            !local.is_empty()
                && local.len() <= 64
                && !local.starts_with('.')
                && !local.ends_with('.')
                && !local.contains("..")
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
                && domain.contains('.')
                && domain.split('.').all(label_ok)
        });
    if ok {
        Ok(v)
    } else {
        Err(ModelError::InvalidEmail)
    }
}

/// Trims a required free-text field and checks it is non-empty, at most `max` characters and free
/// of control characters other than newlines and tabs.
pub(crate) fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, ModelError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ModelError::EmptyText { field });
    }
    if v.chars().count() > max {
        return Err(ModelError::TextTooLong { field, max });
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ModelError::ControlCharacters { field });
    }
    Ok(v.to_owned())
}

/// Whether `c` is a bidirectional control character: the embeddings and overrides
/// (U+202A-U+202E), the isolates (U+2066-U+2069), and the marks LRM, RLM and ALM (U+200E,
/// U+200F, U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A name as shown to people (a practitioner's, a specification's title, a provider's, an API
/// client's...): `required_text`'s rules, and no bidirectional control characters, which could
/// make one name display as another.
pub fn checked_name(field: &'static str, value: &str, max: usize) -> Result<String, ModelError> {
    let v = required_text(field, value, max)?;
    match v.chars().find(|&c| is_bidi_control(c)) {
        Some(c) => Err(ModelError::BidiControl {
            field,
            code_point: u32::from(c),
        }),
        None => Ok(v),
    }
}

/// Like [`checked_name`], but `None` or blank gives `None`.
pub(crate) fn optional_name(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ModelError> {
    match value {
        Some(v) if !v.trim().is_empty() => checked_name(field, v, max).map(Some),
        _ => Ok(None),
    }
}

/// Like [`required_text`], but `None` or blank gives `None`.
pub(crate) fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ModelError> {
    match value {
        Some(v) if !v.trim().is_empty() => required_text(field, v, max).map(Some),
        _ => Ok(None),
    }
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(
    field: &'static str,
    value: &str,
) -> Result<chrono::NaiveDate, ModelError> {
    let v = value.trim();
    let shape = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if shape {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            return Ok(d);
        }
    }
    Err(ModelError::InvalidDate {
        field,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_ids() {
        assert_eq!(SpecId::try_from(" cs-opf ").unwrap().as_str(), "CS-OPF");
        for bad in ["", "-CS", "CS-", "CS--OPF", "1CS", "CS OPF", "CS_OPF"] {
            assert!(SpecId::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn spec_versions() {
        assert_eq!(SpecVersion::try_from("1.10").unwrap().numbers(), (1, 10));
        for bad in ["1", "1.", ".1", "01.0", "1.0.0", "a.b", "1.0 beta", "+1.0"] {
            assert!(SpecVersion::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ukprns() {
        assert!(ProviderId::try_from("10007795").is_ok());
        for bad in [
            "20007795",
            "1000779",
            "100077950",
            "1000779X",
            "",
            "+1000779",
        ] {
            assert!(ProviderId::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn badge_ids() {
        let id = BadgeId::try_from("URN:UUID:6B1E0E52-43F7-4B4E-9D5A-0C5D2F6E4A10").unwrap();
        assert_eq!(id.as_str(), "urn:uuid:6b1e0e52-43f7-4b4e-9d5a-0c5d2f6e4a10");
        for bad in [
            "urn:uuid:",
            "6b1e0e52-43f7-4b4e-9d5a-0c5d2f6e4a10",
            "urn:uuid:6b1e0e5243f74b4e9d5a0c5d2f6e4a10",
            "urn:uuid:6b1e0e52-43f7-4b4e-9d5a-0c5d2f6e4a1g",
        ] {
            assert!(BadgeId::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::try_from(" Amira.Okafor@Example.NHS.uk ")
                .unwrap()
                .as_str(),
            "amira.okafor@example.nhs.uk"
        );
        for bad in [
            "", "a", "a@b", "@b.c", "a@.b.c", "a@b..c", "a b@c.d", "a@@b.c", ".a@b.c", "a@-b.c",
        ] {
            assert_eq!(Email::try_from(bad), Err(ModelError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn base_urls_and_salts() {
        let base = BaseUrl::try_from("https://centre.example/").unwrap();
        assert_eq!(
            base.join("/achievements/CS-OPF/1.0"),
            "https://centre.example/achievements/CS-OPF/1.0"
        );
        for bad in [
            "ftp://x",
            "https://",
            "https://a?b",
            "centre.example",
            "https://a b",
        ] {
            assert!(BaseUrl::try_from(bad).is_err(), "{bad}");
        }
        assert!(Salt::try_from("fixtureSalt-01").is_ok());
        assert!(Salt::try_from("with space").is_err());
        assert!(Salt::try_from("").is_err());
    }

    #[test]
    fn dates_and_text() {
        assert!(parse_date("d", "2024-07-12").is_ok());
        for bad in [
            "2024-7-12",
            "2024-02-30",
            "+2024-07-12",
            "2024-07-12T00:00",
            "",
        ] {
            assert!(parse_date("d", bad).is_err(), "{bad}");
        }
        assert_eq!(required_text("t", "  x ", 5).unwrap(), "x");
        assert!(required_text("t", " ", 5).is_err());
        assert!(required_text("t", "abcdef", 5).is_err());
        assert!(required_text("t", "a\u{0}b", 5).is_err());
        assert_eq!(optional_text("t", Some("  "), 5).unwrap(), None);
    }

    #[test]
    fn names_refuse_bidirectional_controls() {
        assert_eq!(
            checked_name("n", " Amira Okafor ", 50).unwrap(),
            "Amira Okafor"
        );
        // Arabic and Hebrew letters are names like any other.
        assert!(checked_name("n", "\u{0623}\u{0645}\u{064A}\u{0631}\u{0629}", 50).is_ok());
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert_eq!(
                checked_name("n", &format!("Amira{c}Okafor"), 50),
                Err(ModelError::BidiControl {
                    field: "n",
                    code_point: u32::from(c),
                }),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(optional_name("n", Some(" "), 5).unwrap(), None);
        assert!(optional_name("n", Some("a\u{202E}b"), 5).is_err());
        // The other rules still apply.
        assert!(matches!(
            checked_name("n", "a\u{7}b", 50),
            Err(ModelError::ControlCharacters { .. })
        ));
    }

    #[test]
    fn serde_goes_through_validation() {
        let id: ProviderId = serde_json::from_str("\"10007795\"").unwrap();
        assert_eq!(id.as_str(), "10007795");
        assert!(serde_json::from_str::<ProviderId>("\"99\"").is_err());
    }
}
