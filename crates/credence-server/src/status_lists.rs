//! Published status lists: a list's signed `BitstringStatusListCredential`, made by the core from
//! the store's bits and signed by the active key only when a bit has changed since the last one
//! was stored. Shared by `GET /status/{list}` and the service's own verifier, so both see a
//! change as soon as the store has it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use credence_core::badge::utc_seconds;
use credence_core::model::BaseUrl;
use credence_core::status::StatusListId;
use credence_store::StatusListRecord;
use credence_vc::status::{list_credential_with_set, StatusError};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;
use credence_app::{Issuer, SignError};

/// How long a fetched list may be cached: the credential's `ttl` and the response's
/// `Cache-Control: max-age`. Short, so outside verifiers see a revocation within minutes; the
/// service's own verifier never caches a list by time.
pub const TTL: Duration = Duration::from_secs(300);

/// How many times a list is made again when its bits change while it is being signed.
const ATTEMPTS: usize = 4;

/// Why a list could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The stored bits do not make a list (a corrupt record).
    #[error("the stored status list does not make a list")]
    List(#[from] StatusError),
    /// Signing failed.
    #[error("signing the status list")]
    Sign(#[from] SignError),
}

/// A list's signed credential, as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedList {
    /// The list.
    pub id: StatusListId,
    /// The list's version the credential was made at.
    pub version: u64,
    /// The signed credential JSON.
    pub credential: String,
    /// Its entity tag (quoted): list, version and a hash of the bytes.
    pub etag: String,
}

impl PublishedList {
    fn new(id: StatusListId, version: u64, credential: String) -> Self {
        let digest = Sha256::digest(credential.as_bytes());
        let mut digest = hex::encode(digest);
        digest.truncate(16);
        let etag = format!("\"{id}.{version}.{digest}\"");
        PublishedList {
            id,
            version,
            credential,
            etag,
        }
    }
}

/// The list a URL names, if it is one of this service's: `{base}/status/{n}`, `n` written as
/// the service writes it.
pub fn list_id_of_url(base_url: &BaseUrl, url: &str) -> Option<StatusListId> {
    url.strip_prefix(&base_url.join("status/"))
        .and_then(list_id_of_segment)
}

/// The list a path segment names: a number without sign or leading zeros.
pub fn list_id_of_segment(segment: &str) -> Option<StatusListId> {
    let n: u64 = segment.parse().ok()?;
    (n.to_string() == segment).then_some(StatusListId(n))
}

/// The unsigned credential of `record` made and signed now: `validFrom` and the proof's
/// `created` are `now`, `ttl` is [`TTL`].
pub fn make_signed(
    issuer: &Issuer,
    record: &StatusListRecord,
    now: DateTime<Utc>,
) -> Result<String, PublishError> {
    let url = record.id.url(issuer.base_url());
    let unsigned = list_credential_with_set(
        &url,
        issuer.did(),
        record.purpose,
        record.size,
        record.set_indexes.iter().copied(),
        &utc_seconds::format(&now),
        u64::try_from(TTL.as_millis()).ok(),
    )?;
    let signed = issuer.sign_credential(&unsigned, now)?;
    Ok(serde_json::to_string(&signed).map_err(SignError::from)?)
}

/// The current signed credential of list `id` (`None` if there is no such list).
///
/// The store's copy when it is current; otherwise the list is made and signed on the blocking
/// pool and stored (compare-and-set on the version, so replicas agree on one credential per
/// version). When another replica stored first, or a bit changed meanwhile, the list is read
/// again.
pub async fn published(
    state: &AppState,
    id: StatusListId,
) -> Result<Option<PublishedList>, ApiError> {
    if let Some((version, signed)) = state.store.current_signed_status_list(id).await? {
        return Ok(Some(PublishedList::new(id, version, signed)));
    }
    let mut made = None;
    for _ in 0..ATTEMPTS {
        let Some(record) = state.store.status_list(id).await? else {
            return Ok(None);
        };
        if let Some(signed) = record.signed {
            return Ok(Some(PublishedList::new(id, record.version, signed)));
        }
        let issuer = state.issuer.clone();
        let now = state.clock.now();
        let version = record.version;
        let credential = tokio::task::spawn_blocking(move || make_signed(&issuer, &record, now))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(|e| ApiError::Internal(e.into()))?;
        if state
            .store
            .put_signed_status_list(id, version, &credential)
            .await?
        {
            return Ok(Some(PublishedList::new(id, version, credential)));
        }
        made = Some((version, credential));
    }
    // The bits keep changing: serve the newest list made, true as of its version.
    Ok(made.map(|(version, credential)| PublishedList::new(id, version, credential)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_urls_of_this_service_only() {
        let base = BaseUrl::try_from("https://b.example").unwrap();
        assert_eq!(
            list_id_of_url(&base, "https://b.example/status/12"),
            Some(StatusListId(12))
        );
        for other in [
            "https://b.example/status/012",
            "https://b.example/status/+1",
            "https://b.example/status/1/x",
            "https://b.example/status/",
            "https://c.example/status/1",
            "https://b.example.evil/status/1",
        ] {
            assert_eq!(list_id_of_url(&base, other), None, "{other}");
        }
    }

    #[test]
    fn etags_name_list_version_and_bytes() {
        let a = PublishedList::new(StatusListId(3), 7, "{}".to_owned());
        let b = PublishedList::new(StatusListId(3), 7, "{ }".to_owned());
        assert!(a.etag.starts_with("\"3.7.") && a.etag.ends_with('"'));
        assert_ne!(a.etag, b.etag);
    }
}
