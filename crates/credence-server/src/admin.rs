//! The Centre's administration rules: adding specifications, providers, approvals and API clients,
//! recording approval changes, revoking clients. The HTTP API (`routes::admin`) and
//! `credence admin` call these same functions, so both answer a request the same way.
//!
//! Adding is idempotent: the same document again is [`Added::Unchanged`] and writes nothing. A
//! different document under an existing key is refused with [`ApiError::Conflict`], except that a
//! specification version's status history may be extended (to retire it, say) and a provider may
//! be replaced on purpose ([`replace_provider`]). Approval status changes go through
//! [`change_approval`], which the store checks against the approval's history.

pub use credence_core::admin::Added;
use credence_core::admin::{self as rules, AddConflict};
use credence_core::model::{
    ApprovalChange, ApprovalId, CredentialSpecification, ModelError, Provider, ProviderApproval,
    RawCredentialSpecification, RawProvider, RawProviderApproval,
};
use credence_store::{
    ApiClient, ApiClientId, BreakReason, NewApiClient, Scope, Stamp, Store, TokenHash,
};

use crate::auth::new_token;
use crate::error::ApiError;

fn invalid(subject: &'static str) -> impl FnOnce(ModelError) -> ApiError {
    move |source| ApiError::Invalid { subject, source }
}

/// Adds a specification version. A stored version is fixed: the same document is `Unchanged`;
/// one whose only difference is a longer status history (the stored one a prefix of it) is
/// `Updated`; anything else is a [`ApiError::Conflict`] (publish a new version instead).
pub async fn add_specification(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawCredentialSpecification,
) -> Result<(CredentialSpecification, Added), ApiError> {
    let spec = CredentialSpecification::try_from(raw).map_err(invalid("specification"))?;
    let stored = store.specification(spec.id(), spec.version()).await?;
    let added =
        rules::add_specification(stored.as_ref(), &spec).map_err(|c| ApiError::Conflict {
            what: "specification",
            id: format!("{} {}", spec.id(), spec.version()),
            hint: hint(c),
        })?;
    if added != Added::Unchanged {
        store
            .put_specification(stamp, &spec, stored.as_ref())
            .await?;
    }
    Ok((spec, added))
}

/// What to do instead, for each refusal.
fn hint(conflict: AddConflict) -> &'static str {
    match conflict {
        AddConflict::SpecificationFixed => {
            "a published version is fixed except for extending its status history; \
             publish a new version instead"
        }
        AddConflict::ProviderExists => {
            "replace it with PUT /api/v1/providers/{ukprn} (credence admin provider add --replace)"
        }
        AddConflict::ApprovalExists => {
            "record status changes with POST /api/v1/approvals/{id}/changes \
             (credence admin approval change)"
        }
        _ => "the stored record differs",
    }
}

/// Adds a provider: `Created`, `Unchanged` for the same document, [`ApiError::Conflict`] for a
/// different one under the same UKPRN (use [`replace_provider`]).
pub async fn add_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
) -> Result<(Provider, Added), ApiError> {
    add_or_replace_provider(store, stamp, raw, false).await
}

/// Creates or replaces a provider (its name or website changed).
pub async fn replace_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
) -> Result<(Provider, Added), ApiError> {
    add_or_replace_provider(store, stamp, raw, true).await
}

async fn add_or_replace_provider(
    store: &dyn Store,
    stamp: &Stamp,
    raw: RawProvider,
    replace: bool,
) -> Result<(Provider, Added), ApiError> {
    let provider = Provider::try_from(raw).map_err(invalid("provider"))?;
    let stored = store.provider(provider.ukprn()).await?;
    let added = rules::add_provider(stored.as_ref(), &provider, replace).map_err(|c| {
        ApiError::Conflict {
            what: "provider",
            id: provider.ukprn().to_string(),
            hint: hint(c),
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
/// `Unchanged` for the same document, [`ApiError::Conflict`] for a different one under the same id
/// (status changes go through [`change_approval`]).
pub async fn add_approval(
    store: &dyn Store,
    stamp: &Stamp,
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
    let stored = store.approval(approval.id()).await?;
    let added =
        rules::add_approval(stored.as_ref(), &approval).map_err(|c| ApiError::Conflict {
            what: "approval",
            id: approval.id().to_string(),
            hint: hint(c),
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
/// [`ApiError::Invalid`].
pub async fn change_approval(
    store: &dyn Store,
    stamp: &Stamp,
    id: &ApprovalId,
    change: ApprovalChange,
) -> Result<ProviderApproval, ApiError> {
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
) -> Result<ApiClient, ApiError> {
    Ok(store.revoke_api_client(stamp, id).await?)
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
