//! The Centre's administration rules: adding specifications, providers, approvals and API clients,
//! recording approval changes, revoking clients. The HTTP API (`routes::admin`) and
//! `credence admin` call these same functions, so both answer a request the same way.
//!
//! Adding is idempotent: the same document again is [`Added::Unchanged`] and writes nothing. A
//! different document under an existing key is refused with [`ApiError::Conflict`], except that a
//! specification version's status history may be extended (to retire it, say) and a provider may
//! be replaced on purpose ([`replace_provider`]). Approval status changes go through
//! [`change_approval`], which the store checks against the approval's history.

use credence_core::model::{
    ApprovalChange, ApprovalId, CredentialSpecification, ModelError, Provider, ProviderApproval,
    RawCredentialSpecification, RawProvider, RawProviderApproval,
};
use credence_store::{
    Actor, ApiClient, ApiClientId, BreakReason, NewApiClient, Scope, Store, TokenHash,
};

use crate::auth::new_token;
use crate::error::ApiError;

/// What an add did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new record (HTTP 201).
    Created,
    /// The same record was already stored; nothing was written (HTTP 200).
    Unchanged,
    /// The stored record was replaced or its history extended (HTTP 200).
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

fn invalid(subject: &'static str) -> impl FnOnce(ModelError) -> ApiError {
    move |source| ApiError::Invalid { subject, source }
}

/// Adds a specification version. A stored version is fixed: the same document is `Unchanged`;
/// one whose only difference is a longer status history (the stored one a prefix of it) is
/// `Updated`; anything else is a [`ApiError::Conflict`] (publish a new version instead).
pub async fn add_specification(
    store: &dyn Store,
    actor: &Actor,
    raw: RawCredentialSpecification,
) -> Result<(CredentialSpecification, Added), ApiError> {
    let spec = CredentialSpecification::try_from(raw).map_err(invalid("specification"))?;
    let added = match store.specification(spec.id(), spec.version()).await? {
        None => Added::Created,
        Some(old) if old == spec => return Ok((spec, Added::Unchanged)),
        Some(old) if extends_history(&old, &spec) => Added::Updated,
        Some(_) => {
            return Err(ApiError::Conflict {
                what: "specification",
                id: format!("{} {}", spec.id(), spec.version()),
                hint: "a published version is fixed except for extending its status history; \
                       publish a new version instead",
            })
        }
    };
    store.put_specification(actor, &spec).await?;
    Ok((spec, added))
}

/// Whether `new` equals `old` but for a status history that extends `old`'s.
fn extends_history(old: &CredentialSpecification, new: &CredentialSpecification) -> bool {
    let mut old = RawCredentialSpecification::from(old.clone());
    let mut new = RawCredentialSpecification::from(new.clone());
    let old_history = std::mem::take(&mut old.history);
    let new_history = std::mem::take(&mut new.history);
    old == new && new_history.len() > old_history.len() && new_history.starts_with(&old_history)
}

/// Adds a provider: `Created`, `Unchanged` for the same document, [`ApiError::Conflict`] for a
/// different one under the same UKPRN (use [`replace_provider`]).
pub async fn add_provider(
    store: &dyn Store,
    actor: &Actor,
    raw: RawProvider,
) -> Result<(Provider, Added), ApiError> {
    let provider = Provider::try_from(raw).map_err(invalid("provider"))?;
    match store.provider(provider.ukprn()).await? {
        None => {
            store.put_provider(actor, &provider).await?;
            Ok((provider, Added::Created))
        }
        Some(old) if old == provider => Ok((provider, Added::Unchanged)),
        Some(_) => Err(ApiError::Conflict {
            what: "provider",
            id: provider.ukprn().to_string(),
            hint: "replace it with PUT /api/v1/providers/{ukprn} (credence admin provider add --replace)",
        }),
    }
}

/// Creates or replaces a provider (its name or website changed).
pub async fn replace_provider(
    store: &dyn Store,
    actor: &Actor,
    raw: RawProvider,
) -> Result<(Provider, Added), ApiError> {
    let provider = Provider::try_from(raw).map_err(invalid("provider"))?;
    let added = match store.provider(provider.ukprn()).await? {
        None => Added::Created,
        Some(old) if old == provider => return Ok((provider, Added::Unchanged)),
        Some(_) => Added::Updated,
    };
    store.put_provider(actor, &provider).await?;
    Ok((provider, added))
}

/// Adds an approval of a known provider for a known specification version: `Created`,
/// `Unchanged` for the same document, [`ApiError::Conflict`] for a different one under the same id
/// (status changes go through [`change_approval`]).
pub async fn add_approval(
    store: &dyn Store,
    actor: &Actor,
    raw: RawProviderApproval,
) -> Result<(ProviderApproval, Added), ApiError> {
    let approval = ProviderApproval::try_from(raw).map_err(invalid("approval"))?;
    if store.provider(approval.provider()).await?.is_none() {
        return Err(ApiError::UnknownProvider(approval.provider().clone()));
    }
    if store
        .specification(approval.specification(), approval.version())
        .await?
        .is_none()
    {
        return Err(ApiError::UnknownSpecification {
            specification: approval.specification().clone(),
            version: approval.version().clone(),
        });
    }
    match store.approval(approval.id()).await? {
        None => {
            store.put_approval(actor, &approval).await?;
            Ok((approval, Added::Created))
        }
        Some(old) if old == approval => Ok((approval, Added::Unchanged)),
        Some(_) => Err(ApiError::Conflict {
            what: "approval",
            id: approval.id().to_string(),
            hint: "record status changes with POST /api/v1/approvals/{id}/changes \
                   (credence admin approval change)",
        }),
    }
}

/// Appends a status change (suspension, reinstatement, withdrawal...) to an approval's history.
/// A change that is not after the last one, or otherwise makes the approval invalid, is
/// [`ApiError::Invalid`].
pub async fn change_approval(
    store: &dyn Store,
    actor: &Actor,
    id: &ApprovalId,
    change: ApprovalChange,
) -> Result<ProviderApproval, ApiError> {
    Ok(store.add_approval_change(actor, id, change).await?)
}

/// Checks an API client's label: trimmed, 1 to 200 characters, no control characters (nor
/// bidirectional controls, as every name).
pub fn client_name(name: &str) -> Result<String, ModelError> {
    const FIELD: &str = "client.name";
    let name = credence_core::model::checked_name(FIELD, name, 200)?;
    // Names may hold newlines and tabs; a label is one line.
    if name.chars().any(char::is_control) {
        return Err(ModelError::ControlCharacters { field: FIELD });
    }
    Ok(name)
}

/// Registers an API client with a new random token and returns the client and the token, which is
/// stored only as its hash (show it once). A provider scope must name a known provider.
pub async fn create_client(
    store: &dyn Store,
    actor: &Actor,
    name: &str,
    scope: &str,
) -> Result<(ApiClient, String), ApiError> {
    let name = client_name(name).map_err(invalid("API client"))?;
    let scope: Scope = scope.parse().map_err(ApiError::InvalidScope)?;
    if let Scope::Provider(ukprn) = &scope {
        if store.provider(ukprn).await?.is_none() {
            return Err(ApiError::UnknownProvider(ukprn.clone()));
        }
    }
    let token = new_token();
    let client = store
        .create_api_client(
            actor,
            &NewApiClient {
                name,
                token_hash: TokenHash::of_token(&token),
                scope,
            },
        )
        .await?;
    Ok((client, token))
}

/// Revokes an API client (idempotent): its token stops working at once.
pub async fn revoke_client(
    store: &dyn Store,
    actor: &Actor,
    id: ApiClientId,
) -> Result<ApiClient, ApiError> {
    Ok(store.revoke_api_client(actor, id).await?)
}

/// A stable snake_case code for an audit chain break.
pub fn break_code(reason: BreakReason) -> &'static str {
    match reason {
        BreakReason::HashMismatch => "hash_mismatch",
        BreakReason::PrevHashMismatch => "prev_hash_mismatch",
        BreakReason::MissingRows => "missing_rows",
        BreakReason::TruncatedTail => "truncated_tail",
        _ => "broken",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_core::model::sample;
    use credence_core::model::{SpecStatus, StatusChange};

    #[test]
    fn client_names() {
        assert_eq!(client_name("  Leeds registry ").unwrap(), "Leeds registry");
        assert!(matches!(
            client_name(" "),
            Err(ModelError::EmptyText { .. })
        ));
        assert!(matches!(
            client_name("a\u{7}b"),
            Err(ModelError::ControlCharacters { .. })
        ));
        assert!(matches!(
            client_name(&"x".repeat(201)),
            Err(ModelError::TextTooLong { .. })
        ));
        assert!(matches!(
            client_name("Leeds\nregistry"),
            Err(ModelError::ControlCharacters { .. })
        ));
        assert_eq!(
            client_name("Leeds \u{202E}yrtsiger"),
            Err(ModelError::BidiControl {
                field: "client.name",
                code_point: 0x202E,
            })
        );
    }

    #[test]
    fn only_a_longer_history_extends_a_specification() {
        let spec = sample::specifications().unwrap().remove(0);
        let mut raw = RawCredentialSpecification::from(spec.clone());
        raw.history.push(StatusChange {
            status: SpecStatus::Retired,
            effective: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        });
        let retired = CredentialSpecification::try_from(raw.clone()).unwrap();
        assert!(extends_history(&spec, &retired));
        assert!(!extends_history(&retired, &spec));
        assert!(!extends_history(&spec, &spec));
        raw.title = "Another title".into();
        let retitled = CredentialSpecification::try_from(raw).unwrap();
        assert!(!extends_history(&spec, &retitled));
    }
}
