//! The status check: each entry's bit, from a status list whose own proof verifies, and the
//! cache of lists verified before.

use std::sync::{Arc, PoisonError};

use chrono::{DateTime, Utc};
use credence_ld::budget::Budget;
use serde_json::Value;

use super::claims::{Claims, SignedList};
use super::failure::{EntryFailure, ListFailure, StatusFailure, Unknowns};
use super::report::{CheckName, Checks, Verdict};
use super::resolve::ResolvedLists;
use super::{Verifier, STATUS_CACHE_ENTRIES};
use crate::keys::{DidDocument, PublicKey};
use crate::status::{StatusEntry, StatusPurpose};

/// A status list credential whose proof verified with `key`, exactly as it was resolved.
///
/// The cache answers only when the resolved list is a JSON value equal to `credential` and the
/// key resolves to the same `key`, so a changed (re-signed) list or a rotated key is verified anew.
#[derive(Debug)]
pub(crate) struct VerifiedList {
    credential: Value,
    key: PublicKey,
    list: Arc<SignedList>,
}

/// A status list is only evidence while it is itself valid (its signed dates).
fn check_list_window(list: &SignedList, at: DateTime<Utc>) -> Result<(), ListFailure> {
    if list.valid_from.as_ref().is_some_and(|from| at < from.at) {
        return Err(ListFailure::NotYetValid);
    }
    if list
        .valid_until
        .as_ref()
        .is_some_and(|until| at >= until.at)
    {
        return Err(ListFailure::Expired);
    }
    Ok(())
}

impl Verifier {
    /// The status check of a genuine credential of `claims`, whose issuer's controller document
    /// (resolved in round one) is `issuer`, over the status lists resolved in round two.
    pub(crate) fn check_status(
        &self,
        claims: &Claims,
        issuer: &DidDocument,
        lists: &ResolvedLists,
        at: DateTime<Utc>,
        budget: &Budget,
        checks: &mut Checks,
    ) -> Option<Verdict> {
        if claims.statuses.is_empty() {
            checks.skip(CheckName::Status, "the badge carries no status entry");
            return None;
        }
        // Every entry is checked: a revoked bit decides even when another list is unreachable.
        let mut revoked = false;
        let mut suspended = false;
        let mut unknown = Unknowns::default();
        for entry in &claims.statuses {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    unknown.0.push(EntryFailure::Unreadable(e.clone()));
                    continue;
                }
            };
            match self.status_bit(entry, &claims.issuer, issuer, lists, at, budget) {
                Ok(true) => match entry.purpose {
                    StatusPurpose::Revocation => revoked = true,
                    StatusPurpose::Suspension => suspended = true,
                },
                Ok(false) => {}
                Err(reason) => unknown.0.push(EntryFailure::Unknown {
                    purpose: entry.purpose,
                    reason,
                }),
            }
        }
        if revoked {
            checks.fail(CheckName::Status, StatusFailure::Revoked(unknown));
            Some(Verdict::Revoked)
        } else if suspended {
            checks.fail(CheckName::Status, StatusFailure::Suspended(unknown));
            Some(Verdict::Suspended)
        } else if !unknown.0.is_empty() {
            checks.fail(CheckName::Status, StatusFailure::Unknown(unknown));
            Some(Verdict::StatusUnknown)
        } else {
            checks.pass(CheckName::Status, "neither revoked nor suspended");
            None
        }
    }

    /// The status bit for one entry, from a status list whose own proof verifies.
    fn status_bit(
        &self,
        entry: &StatusEntry,
        issuer: &str,
        document: &DidDocument,
        lists: &ResolvedLists,
        at: DateTime<Utc>,
        budget: &Budget,
    ) -> Result<bool, ListFailure> {
        let list = lists
            .status_list(&entry.list_url)
            .map_err(ListFailure::Unresolved)?;
        let list = self.verified_list(&entry.list_url, list, issuer, document, budget)?;
        check_list_window(&list, at)?;
        list.list.status_of(entry).map_err(ListFailure::Bit)
    }

    /// The status list credential `credential` (resolved at `url`), read from the RDF its proof
    /// covers once that proof verifies with an assertion key of the credential's `issuer`, as
    /// its controller `document` lists them.
    ///
    /// A list verified before (an equal JSON value, whose method still resolves to the key that
    /// signed it) is taken from the cache; anything else is verified again, so a changed list is
    /// seen at once.
    fn verified_list(
        &self,
        url: &str,
        credential: &Value,
        issuer: &str,
        document: &DidDocument,
        budget: &Budget,
    ) -> Result<Arc<SignedList>, ListFailure> {
        let proof = self
            .di
            .proof_of(credential)
            .map_err(ListFailure::Unreadable)?;
        if proof.proof_purpose() != Some("assertionMethod") {
            return Err(ListFailure::NotAssertion);
        }
        // The list is the issuer's only when signed with the issuer's own key: the issuer is
        // trusted already (its credential's proof verified with a key of this document).
        let key = || {
            let vm = proof.verification_method();
            if vm.controller() != issuer {
                return Err(ListFailure::NotIssuersKey);
            }
            document
                .assertion_key(vm)
                .map_err(|_| ListFailure::NotIssuersKey)
        };
        {
            let cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(hit) = cache.get(url) {
                if hit.credential == *credential && hit.list.list.issuer == issuer {
                    // The same list as before: only the key must still resolve to the same one.
                    let hit = (Arc::clone(&hit.list), hit.key);
                    drop(cache);
                    if key().is_ok_and(|k| k == hit.1) {
                        return Ok(hit.0);
                    }
                }
            }
        }
        let quads = self
            .di
            .document_rdf(credential, budget)
            .map_err(ListFailure::Unreadable)?;
        let list = SignedList::read(&quads).map_err(ListFailure::Malformed)?;
        if list.list.issuer != issuer {
            return Err(ListFailure::OtherIssuer);
        }
        let key = key()?;
        self.di
            .verify_rdf(credential, &quads, &proof, &key, budget)
            .map_err(ListFailure::DoesNotVerify)?;
        let list = Arc::new(list);
        let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= STATUS_CACHE_ENTRIES && !cache.contains_key(url) {
            cache.clear();
        }
        cache.insert(
            url.to_owned(),
            VerifiedList {
                credential: credential.clone(),
                key,
                list: Arc::clone(&list),
            },
        );
        Ok(list)
    }
}
