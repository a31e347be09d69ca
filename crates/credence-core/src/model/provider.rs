//! Education providers (almost always universities), identified by UKPRN.

use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::ids::{checked_name, BaseUrl, ProviderId};

/// A provider as stored or received, unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    /// UKPRN, 8 digits.
    pub ukprn: String,
    /// Name, e.g. `University of Leeds`.
    pub name: String,
    /// Public website, if known.
    #[serde(default)]
    pub url: Option<String>,
}

/// A validated education provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProvider", into = "RawProvider")]
pub struct Provider {
    ukprn: ProviderId,
    name: String,
    url: Option<BaseUrl>,
}

impl Provider {
    /// Builds a provider from validated parts.
    pub fn new(ukprn: ProviderId, name: &str, url: Option<BaseUrl>) -> Result<Self, ModelError> {
        Ok(Provider {
            ukprn,
            name: checked_name("provider.name", name, 200)?,
            url,
        })
    }
    /// The UKPRN.
    pub fn ukprn(&self) -> &ProviderId {
        &self.ukprn
    }
    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The public website, if known.
    pub fn url(&self) -> Option<&BaseUrl> {
        self.url.as_ref()
    }
}

impl TryFrom<RawProvider> for Provider {
    type Error = ModelError;
    fn try_from(raw: RawProvider) -> Result<Self, ModelError> {
        let url = raw.url.as_deref().map(BaseUrl::try_from).transpose()?;
        Provider::new(ProviderId::try_from(raw.ukprn.as_str())?, &raw.name, url)
    }
}

impl From<Provider> for RawProvider {
    fn from(p: Provider) -> Self {
        RawProvider {
            ukprn: p.ukprn.into(),
            name: p.name,
            url: p.url.map(Into::into),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let p = Provider::try_from(RawProvider {
            ukprn: "10007795".into(),
            name: " University of Leeds ".into(),
            url: None,
        })
        .unwrap();
        assert_eq!(
            (p.ukprn().as_str(), p.name()),
            ("10007795", "University of Leeds")
        );
        let bad = RawProvider {
            ukprn: "7795".into(),
            name: "X".into(),
            url: None,
        };
        assert!(matches!(
            Provider::try_from(bad),
            Err(ModelError::InvalidProviderId { .. })
        ));
        let unnamed = RawProvider {
            ukprn: "10007795".into(),
            name: " ".into(),
            url: None,
        };
        assert!(matches!(
            Provider::try_from(unnamed),
            Err(ModelError::EmptyText { .. })
        ));
    }

    #[test]
    fn names_with_bidi_controls_are_refused() {
        let p = RawProvider {
            ukprn: "10007795".into(),
            name: "University of \u{200F}Leeds".into(),
            url: None,
        };
        assert_eq!(
            Provider::try_from(p).unwrap_err(),
            ModelError::BidiControl {
                field: "provider.name",
                code_point: 0x200F,
            }
        );
    }
}
