//! The issuer's public profile: who signs the badges, as shown at `/issuer` and in every badge.
//!
//! A service is configured with the Centre's name, website, contact email, description and image
//! ([`RawIssuerProfile`]); one that is not gets [`IssuerProfile::development`], whose name says so
//! in every badge it signs, so that a forgotten configuration cannot pass for the Centre.

use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::ids::{checked_name, BaseUrl, Email};
use crate::badge::document::{Image, Profile};

/// The name of the development profile, used when no issuer name is configured.
pub const DEVELOPMENT_ISSUER_NAME: &str = "Credence development issuer (not configured)";

/// Longest issuer name, in characters.
const MAX_NAME: usize = 200;
/// Longest issuer description, in characters.
const MAX_DESCRIPTION: usize = 2000;

/// The issuer's profile as configured, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawIssuerProfile {
    /// The issuer's name, e.g. "Centre for Advancing Practice".
    pub name: Option<String>,
    /// Its website.
    pub url: Option<String>,
    /// A contact email address.
    pub email: Option<String>,
    /// A sentence or two on who the issuer is.
    pub description: Option<String>,
    /// The URL of its logo.
    pub image: Option<String>,
}

/// A validated issuer profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerProfile {
    name: String,
    url: Option<BaseUrl>,
    email: Option<Email>,
    description: Option<String>,
    image: Option<BaseUrl>,
    development: bool,
}

impl IssuerProfile {
    /// The profile of a service whose issuer is not configured: [`DEVELOPMENT_ISSUER_NAME`].
    pub fn development() -> Self {
        IssuerProfile {
            name: DEVELOPMENT_ISSUER_NAME.to_owned(),
            url: None,
            email: None,
            description: Some(
                "A Credence service whose issuer profile has not been configured: its badges are \
                 for trying the service, not for use."
                    .to_owned(),
            ),
            image: None,
            development: true,
        }
    }

    /// A profile of just a name.
    pub fn named(name: &str) -> Result<Self, ModelError> {
        Self::try_from(RawIssuerProfile {
            name: Some(name.to_owned()),
            ..RawIssuerProfile::default()
        })
    }

    /// Whether this is the [development](Self::development) profile.
    pub fn is_development(&self) -> bool {
        self.development
    }

    /// The issuer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Open Badges profile of the issuer at `base_url`: its id is the base URL's `did:web`,
    /// its `url` the configured website (or the base URL).
    pub fn profile(&self, base_url: &BaseUrl) -> Profile {
        Profile {
            url: Some(
                self.url
                    .as_ref()
                    .map_or_else(|| base_url.to_string(), BaseUrl::to_string),
            ),
            description: self.description.clone(),
            email: self.email.as_ref().map(Email::to_string),
            image: self.image.as_ref().map(|url| Image {
                id: url.to_string(),
                kind: "Image".to_owned(),
                caption: Some(format!("{} logo", self.name)),
            }),
            ..Profile::new(base_url.did_web(), &self.name)
        }
    }
}

/// The trimmed value, if it is not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl TryFrom<RawIssuerProfile> for IssuerProfile {
    type Error = ModelError;

    /// Validates a configured profile: a name is required (no control or bidirectional control
    /// characters, at most 200 characters), the URLs are absolute `https://` (or `http://`)
    /// without query or fragment, the email is an address.
    fn try_from(raw: RawIssuerProfile) -> Result<Self, ModelError> {
        let name = checked_name("issuer name", raw.name.as_deref().unwrap_or(""), MAX_NAME)?;
        Ok(IssuerProfile {
            name,
            url: given(&raw.url).map(BaseUrl::try_from).transpose()?,
            email: given(&raw.email).map(Email::try_from).transpose()?,
            description: given(&raw.description)
                .map(|d| checked_name("issuer description", d, MAX_DESCRIPTION))
                .transpose()?,
            image: given(&raw.image).map(BaseUrl::try_from).transpose()?,
            development: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::try_from("https://badges.example.org").unwrap()
    }

    #[test]
    fn a_configured_profile_is_the_badges_issuer() {
        let profile = IssuerProfile::try_from(RawIssuerProfile {
            name: Some(" Centre for Advancing Practice ".into()),
            url: Some("https://advanced-practice.example/".into()),
            email: Some("Badges@Advanced-Practice.example".into()),
            description: Some("The national body for advanced practice.".into()),
            image: Some("https://advanced-practice.example/logo.png".into()),
        })
        .unwrap();
        assert!(!profile.is_development());
        let p = profile.profile(&base());
        assert_eq!(p.id, "did:web:badges.example.org");
        assert_eq!(p.name.as_deref(), Some("Centre for Advancing Practice"));
        assert_eq!(p.url.as_deref(), Some("https://advanced-practice.example"));
        assert_eq!(p.email.as_deref(), Some("badges@advanced-practice.example"));
        let image = p.image.unwrap();
        assert_eq!(image.id, "https://advanced-practice.example/logo.png");
        assert_eq!(image.kind, "Image");
    }

    #[test]
    fn the_url_defaults_to_the_base_url() {
        let p = IssuerProfile::named("Centre").unwrap().profile(&base());
        assert_eq!(p.url.as_deref(), Some("https://badges.example.org"));
        assert_eq!((p.email, p.image, p.description), (None, None, None));
    }

    #[test]
    fn the_development_profile_says_what_it_is() {
        let dev = IssuerProfile::development();
        assert!(dev.is_development());
        assert_eq!(
            dev.profile(&base()).name.as_deref(),
            Some(DEVELOPMENT_ISSUER_NAME)
        );
    }

    #[test]
    fn bad_profiles_are_refused() {
        let with = |f: fn(&mut RawIssuerProfile)| {
            let mut raw = RawIssuerProfile {
                name: Some("Centre".into()),
                ..RawIssuerProfile::default()
            };
            f(&mut raw);
            IssuerProfile::try_from(raw)
        };
        assert!(with(|_| {}).is_ok());
        assert!(with(|r| r.name = None).is_err());
        assert!(with(|r| r.name = Some("  ".into())).is_err());
        assert!(with(|r| r.name = Some("Centre \u{202E}ecitcarP".into())).is_err());
        assert!(with(|r| r.url = Some("ftp://x.example".into())).is_err());
        assert!(with(|r| r.url = Some("https://x.example/?q".into())).is_err());
        assert!(with(|r| r.email = Some("not an address".into())).is_err());
        assert!(with(|r| r.image = Some("logo.png".into())).is_err());
        assert!(with(|r| r.url = Some("".into())).is_ok());
    }
}
