//! Administering: adding specifications, providers, approvals and API clients, recording approval
//! changes, revoking clients. The HTTP API and `credence admin` call these same functions, so
//! both answer a request the same way.
//!
//! Each add reads what is stored, lets the core's rules ([`credence_core::admin`]) decide, and
//! writes on condition that the store still holds what was read: adding is idempotent (the same
//! document again is [`Added::Unchanged`] and writes nothing), a different document under a
//! stored key is [`AdminError::Conflict`], and two racing adds of one new key store one and
//! refuse the other ([`StoreError::AlreadyExists`]). Approval status changes go through
//! [`change_approval`], which the store checks with the core against the approval's history.

use credence_core::admin::Added;
use credence_core::admin::{self as rules, AddConflict};
use credence_core::model::{
    ApprovalChange, ApprovalId, CredentialSpecification, ModelError, Provider, ProviderApproval,
    RawCredentialSpecification, RawProvider, RawProviderApproval,
};
use credence_core::model::{ProviderId, SpecId, SpecVersion};
use credence_store::{
    ApiClient, ApiClientId, NewApiClient, Scope, ScopeError, Stamp, Store, StoreError, TokenHash,
};

/// Why an administration request was not carried out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// The document is not valid.
    #[error("invalid {subject}")]
    Invalid {
        /// What was being read.
        subject: &'static str,
        /// Why.
        #[source]
        source: ModelError,
    },
    /// A different record is stored under the same key.
    #[error("{what} {id} already exists with different content: {conflict}")]
    Conflict {
        /// What kind of record.
        what: &'static str,
        /// Its key.
        id: String,
        /// Which rule refused it.
        conflict: AddConflict,
    },
    /// The provider is not known.
    #[error("unknown provider {0}")]
    UnknownProvider(ProviderId),
    /// The specification version is not known.
    #[error("unknown credential specification {specification} version {version}")]
    UnknownSpecification {
        /// The code.
        specification: SpecId,
        /// The version.
        version: SpecVersion,
    },
    /// An API client scope that does not parse.
    #[error("invalid API client scope")]
    InvalidScope(#[source] ScopeError),
    /// The store refused the write (e.g. another writer was first) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(subject: &'static str) -> impl FnOnce(ModelError) -> AdminError {
    move |source| AdminError::Invalid { subject, source }
}

/// A new random bearer token: `cred_` and 256 random bits in hex.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("cred_{}", hex::encode(bytes))
}

/// Adds a specification version. A stored version is fixed: the same document is `Unchanged`;
/// one whose only difference is a longer status history (the stored one a prefix of it) is
/// `Updated`; anything else is a [`AdminError::Conflict`] (publish a new version instead).
pub async fn add_specification(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawCredentialSpecification,
) -> Result<(CredentialSpecification, Added), AdminError> {
    let spec = CredentialSpecification::try_from(raw).map_err(invalid("specification"))?;
    let stored = store.specification(spec.id(), spec.version()).await?;
    let added =
        rules::add_specification(stored.as_ref(), &spec).map_err(|c| AdminError::Conflict {
            what: "specification",
            id: format!("{} {}", spec.id(), spec.version()),
            conflict: c,
        })?;
    if added != Added::Unchanged {
        store
            .put_specification(stamp, &spec, stored.as_ref())
            .await?;
    }
    Ok((spec, added))
}

/// Adds a provider: `Created`, `Unchanged` for the same document, [`AdminError::Conflict`] for a
/// different one under the same UKPRN (use [`replace_provider`]).
pub async fn add_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
) -> Result<(Provider, Added), AdminError> {
    add_or_replace_provider(store, stamp, raw, false).await
}

/// Creates or replaces a provider (its name or website changed).
pub async fn replace_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
) -> Result<(Provider, Added), AdminError> {
    add_or_replace_provider(store, stamp, raw, true).await
}

async fn add_or_replace_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
    replace: bool,
) -> Result<(Provider, Added), AdminError> {
    let provider = Provider::try_from(raw).map_err(invalid("provider"))?;
    let stored = store.provider(provider.ukprn()).await?;
    let added = rules::add_provider(stored.as_ref(), &provider, replace).map_err(|c| {
        AdminError::Conflict {
            what: "provider",
            id: provider.ukprn().to_string(),
            conflict: c,
        }
    })?;
    if added != Added::Unchanged {
        store
            .put_provider(stamp, &provider, stored.as_ref())
            .await?;
    }
    Ok((provider, added))
}

/// Adds an approval of a known provider for a known specification version: `Created`,
/// `Unchanged` for the same document, [`AdminError::Conflict`] for a different one under the same id
/// (status changes go through [`change_approval`]).
pub async fn add_approval(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProviderApproval,
) -> Result<(ProviderApproval, Added), AdminError> {
    let approval = ProviderApproval::try_from(raw).map_err(invalid("approval"))?;
    if store.provider(approval.provider()).await?.is_none() {
        return Err(AdminError::UnknownProvider(approval.provider().clone()));
    }
    if store
        .specification(approval.specification(), approval.version())
        .await?
        .is_none()
    {
        return Err(AdminError::UnknownSpecification {
            specification: approval.specification().clone(),
            version: approval.version().clone(),
        });
    }
    let stored = store.approval(approval.id()).await?;
    let added =
        rules::add_approval(stored.as_ref(), &approval).map_err(|c| AdminError::Conflict {
            what: "approval",
            id: approval.id().to_string(),
            conflict: c,
        })?;
    if added != Added::Unchanged {
        store
            .put_approval(stamp, &approval, stored.as_ref())
            .await?;
    }
    Ok((approval, added))
}

/// Appends a status change (suspension, reinstatement, withdrawal...) to an approval's history.
/// A change that is not after the last one, or otherwise makes the approval invalid, is
/// [`AdminError::Invalid`].
pub async fn change_approval(
    store: &dyn Store,
    stamp: &Stamp,
    id: &ApprovalId,
    change: ApprovalChange,
) -> Result<ProviderApproval, AdminError> {
    Ok(store.add_approval_change(stamp, id, change).await?)
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
    stamp: &Stamp,
    name: &str,
    scope: &str,
) -> Result<(ApiClient, String), AdminError> {
    let name = client_name(name).map_err(invalid("API client"))?;
    let scope: Scope = scope.parse().map_err(AdminError::InvalidScope)?;
    if let Scope::Provider(ukprn) = &scope {
        if store.provider(ukprn).await?.is_none() {
            return Err(AdminError::UnknownProvider(ukprn.clone()));
        }
    }
    let token = new_token();
    let client = store
        .create_api_client(
            stamp,
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
    stamp: &Stamp,
    id: ApiClientId,
) -> Result<ApiClient, AdminError> {
    Ok(store.revoke_api_client(stamp, id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
