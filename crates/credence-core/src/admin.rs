//! The Centre's administration rules: what adding a specification version, a provider or an
//! approval does given what is stored. Adding is idempotent (the same document again is
//! [`Added::Unchanged`]); a different document under a stored key is refused
//! ([`AddConflict`]), except that a specification version's status history may be extended (to
//! retire it, say), a provider may be replaced on purpose, and an approval's history may only be
//! extended ([`ProviderApproval::extends`]).

use crate::model::{
    CredentialSpecification, Provider, ProviderApproval, RawCredentialSpecification,
};

/// What an add does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Added {
    /// A new record.
    Created,
    /// The same record is already stored: nothing to write.
    Unchanged,
    /// The stored record is replaced, or its history extended.
    Updated,
}

impl Added {
    /// `created`, `unchanged` or `updated`.
    pub fn as_str(self) -> &'static str {
        match self {
            Added::Created => "created",
            Added::Unchanged => "unchanged",
            Added::Updated => "updated",
        }
    }
}

/// Why an add is refused: another record is stored under the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddConflict {
    /// A published specification version is fixed except for extending its status history.
    #[error("a published version is fixed except for extending its status history; publish a new version instead")]
    SpecificationFixed,
    /// A different provider is stored under the UKPRN: replace it on purpose.
    #[error("a different provider is stored under this UKPRN; replace it on purpose")]
    ProviderExists,
    /// A different approval is stored under the id: record status changes instead.
    #[error("a different approval is stored under this id; record status changes instead")]
    ApprovalExists,
}

/// Adding specification version `new` when `stored` is what the store holds under its key.
pub fn add_specification(
    stored: Option<&CredentialSpecification>,
    new: &CredentialSpecification,
) -> Result<Added, AddConflict> {
    match stored {
        None => Ok(Added::Created),
        Some(old) if old == new => Ok(Added::Unchanged),
        Some(old) if new.extends(old) => Ok(Added::Updated),
        Some(_) => Err(AddConflict::SpecificationFixed),
    }
}

/// Adding provider `new` (`replace`: on purpose, over a different stored one).
pub fn add_provider(
    stored: Option<&Provider>,
    new: &Provider,
    replace: bool,
) -> Result<Added, AddConflict> {
    match stored {
        None => Ok(Added::Created),
        Some(old) if old == new => Ok(Added::Unchanged),
        Some(_) if replace => Ok(Added::Updated),
        Some(_) => Err(AddConflict::ProviderExists),
    }
}

/// Adding approval `new` (status changes are recorded one by one, not by adding).
pub fn add_approval(
    stored: Option<&ProviderApproval>,
    new: &ProviderApproval,
) -> Result<Added, AddConflict> {
    match stored {
        None => Ok(Added::Created),
        Some(old) if old == new => Ok(Added::Unchanged),
        Some(_) => Err(AddConflict::ApprovalExists),
    }
}

impl CredentialSpecification {
    /// Whether this version equals `stored` but for a status history that strictly extends it.
    pub fn extends(&self, stored: &CredentialSpecification) -> bool {
        let mut old = RawCredentialSpecification::from(stored.clone());
        let mut new = RawCredentialSpecification::from(self.clone());
        let old_history = std::mem::take(&mut old.history);
        let new_history = std::mem::take(&mut new.history);
        old == new && new_history.len() > old_history.len() && new_history.starts_with(&old_history)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, SpecStatus, StatusChange};

    #[test]
    fn only_a_longer_history_extends_a_specification() {
        let spec = sample::specifications().unwrap_or_default().remove(0);
        let mut raw = RawCredentialSpecification::from(spec.clone());
        raw.history.push(StatusChange {
            status: SpecStatus::Retired,
            effective: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default(),
        });
        let retired = CredentialSpecification::try_from(raw.clone()).ok();
        let retired = retired.as_ref();
        assert!(retired.is_some_and(|r| r.extends(&spec)));
        assert!(retired.is_some_and(|r| !spec.extends(r)));
        assert!(!spec.extends(&spec));
        raw.title = "Another title".into();
        let retitled = CredentialSpecification::try_from(raw).ok();
        assert!(retitled.is_some_and(|r| !r.extends(&spec)));
        assert_eq!(add_specification(None, &spec), Ok(Added::Created));
        assert_eq!(add_specification(Some(&spec), &spec), Ok(Added::Unchanged));
        if let Some(retired) = retired {
            assert_eq!(add_specification(Some(&spec), retired), Ok(Added::Updated));
            assert_eq!(
                add_specification(Some(retired), &spec),
                Err(AddConflict::SpecificationFixed)
            );
        }
    }

    #[test]
    fn providers_are_replaced_only_on_purpose() {
        let mut providers = sample::providers().unwrap_or_default();
        let (a, b) = (providers.remove(0), providers.remove(0));
        assert_eq!(add_provider(Some(&a), &a, false), Ok(Added::Unchanged));
        assert_eq!(
            add_provider(Some(&a), &b, false),
            Err(AddConflict::ProviderExists)
        );
        assert_eq!(add_provider(Some(&a), &b, true), Ok(Added::Updated));
        assert_eq!(add_provider(None, &b, false), Ok(Added::Created));
    }
}
