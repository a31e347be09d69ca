//! The `Store` trait: every read and write the service and CLI need, with no SQL in sight.

use async_trait::async_trait;
use credence_core::badge::RegistrationDigest;
use credence_core::model::{
    ApprovalChange, ApprovalId, BadgeId, CredentialSpecification, Provider, ProviderApproval,
    ProviderId, ProviderReference, SpecId, SpecVersion,
};
use credence_core::status::{BadgeStatusSlots, StatusAction, StatusListId, StatusReason};
use credence_vc::keys::{PublicKey, VerificationMethodId};

use crate::error::StoreError;
use std::collections::HashMap;

use rand::RngCore;

use crate::types::{
    ApiClient, ApiClientId, ApprovalChangeRecord, AuditEntry, BadgeFilter, BadgePage, BadgeRecord,
    BadgeStatus, ChainCheck, Claim, Cursor, IssueOutcome, NewApiClient, NewIssuance,
    SigningKeyRecord, Stamp, StatusListRecord, TokenHash, Written,
};

/// Persistent state of the issuing service. Every write appends to the audit log in the same
/// transaction, except the two that change nothing a person decided: handing out status list
/// slots ([`allocate_status_slots`](Self::allocate_status_slots)) and caching a signed status list
/// ([`put_signed_status_list`](Self::put_signed_status_list)).
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks the database answers (for readiness probes).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Writes one specification version, if the store still holds what the caller's decision
    /// was based on: `expected` `None` creates it (an
    /// [`AlreadyExists`](StoreError::AlreadyExists) if another writer was first), `Some(stored)`
    /// replaces `stored` (a [`Changed`](StoreError::Changed) if it is no longer that). So two
    /// racing adds of one new key: one wins, the other is refused.
    async fn put_specification(
        &self,
        stamp: &Stamp,
        spec: &CredentialSpecification,
        expected: Option<&CredentialSpecification>,
    ) -> Result<Written, StoreError>;
    /// One specification version.
    async fn specification(
        &self,
        id: &SpecId,
        version: &SpecVersion,
    ) -> Result<Option<CredentialSpecification>, StoreError>;
    /// All specification versions, by code then version.
    async fn list_specifications(&self) -> Result<Vec<CredentialSpecification>, StoreError>;

    /// Writes a provider, conditionally as [`put_specification`](Self::put_specification).
    async fn put_provider(
        &self,
        stamp: &Stamp,
        provider: &Provider,
        expected: Option<&Provider>,
    ) -> Result<Written, StoreError>;
    /// One provider.
    async fn provider(&self, ukprn: &ProviderId) -> Result<Option<Provider>, StoreError>;
    /// All providers, by UKPRN.
    async fn list_providers(&self) -> Result<Vec<Provider>, StoreError>;

    /// Writes an approval, conditionally as [`put_specification`](Self::put_specification). Its
    /// provider and specification version must exist; a replacement may extend the stored status
    /// history but never rewrite it.
    async fn put_approval(
        &self,
        stamp: &Stamp,
        approval: &ProviderApproval,
        expected: Option<&ProviderApproval>,
    ) -> Result<Written, StoreError>;
    /// Appends one status change to an approval's history, if the core accepts the result
    /// ([`ProviderApproval::with_change`]), and returns the approval.
    async fn add_approval_change(
        &self,
        stamp: &Stamp,
        id: &ApprovalId,
        change: ApprovalChange,
    ) -> Result<ProviderApproval, StoreError>;
    /// One approval.
    async fn approval(&self, id: &ApprovalId) -> Result<Option<ProviderApproval>, StoreError>;
    /// Approvals, optionally of one provider only, by id.
    async fn list_approvals(
        &self,
        provider: Option<&ProviderId>,
    ) -> Result<Vec<ProviderApproval>, StoreError>;
    /// The recorded status changes of an approval, oldest first, with who recorded each and when.
    async fn approval_history(
        &self,
        id: &ApprovalId,
    ) -> Result<Vec<ApprovalChangeRecord>, StoreError>;

    /// Registers an API client (the token hash must be new).
    async fn create_api_client(
        &self,
        stamp: &Stamp,
        client: &NewApiClient,
    ) -> Result<ApiClient, StoreError>;
    /// The unrevoked client holding this token hash.
    async fn client_by_token_hash(&self, hash: &TokenHash)
        -> Result<Option<ApiClient>, StoreError>;
    /// Records, in the audit log, that the issuer signed a credential it was handed (the VC-API's
    /// `POST /credentials/issue`): action `credential.issue` on `credential` (its id, or what
    /// names it), with the SHA-256 (hex) of the signed JSON. The credential itself is not kept.
    async fn record_credential_signed(
        &self,
        stamp: &Stamp,
        credential: &str,
        sha256: &str,
    ) -> Result<(), StoreError>;
    /// All clients, revoked ones included, by id.
    async fn list_api_clients(&self) -> Result<Vec<ApiClient>, StoreError>;
    /// Revokes a client (idempotent) and returns it.
    async fn revoke_api_client(
        &self,
        stamp: &Stamp,
        id: ApiClientId,
    ) -> Result<ApiClient, StoreError>;

    /// Adds a key as the active signing key, retiring the previously active one.
    async fn activate_signing_key(
        &self,
        stamp: &Stamp,
        verification_method: &VerificationMethodId,
        public_key: &PublicKey,
    ) -> Result<SigningKeyRecord, StoreError>;
    /// The active signing key, if any key exists.
    async fn active_signing_key(&self) -> Result<Option<SigningKeyRecord>, StoreError>;
    /// All signing keys, oldest first (retired ones stay published).
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError>;

    /// Begins one chunk of issuance: ONE transaction that reserves the badges' status list bits
    /// and records the signed badges with their completions, registration digests, claim links
    /// and audit rows. Dropped without [`Issuance::commit`], nothing of it is stored.
    async fn begin_issuance(&self, stamp: &Stamp) -> Result<Box<dyn Issuance>, StoreError>;

    /// [`Issuance::record`] in a transaction of its own.
    async fn record_issuances(
        &self,
        stamp: &Stamp,
        issuances: &[NewIssuance],
    ) -> Result<Vec<IssueOutcome>, StoreError> {
        let mut issuance = self.begin_issuance(stamp).await?;
        let outcomes = issuance.record(issuances).await?;
        issuance.commit().await?;
        Ok(outcomes)
    }
    /// [`record_issuances`](Self::record_issuances) for one completion.
    async fn record_issuance(
        &self,
        stamp: &Stamp,
        issuance: &NewIssuance,
    ) -> Result<IssueOutcome, StoreError> {
        let mut outcomes = self
            .record_issuances(stamp, std::slice::from_ref(issuance))
            .await?;
        outcomes.pop().ok_or(StoreError::NotFound {
            what: crate::types::Entity::Badge,
            id: issuance.badge_id.to_string(),
        })
    }
    /// The badges already recorded for any of these provider references, by reference: one
    /// query per provider and chunk of references.
    async fn badges_for_references(
        &self,
        references: &[(ProviderId, ProviderReference)],
    ) -> Result<HashMap<(ProviderId, ProviderReference), BadgeRecord>, StoreError>;
    /// The badge already recorded for a provider reference (check before signing anew).
    async fn badge_for_reference(
        &self,
        provider: &ProviderId,
        reference: &ProviderReference,
    ) -> Result<Option<BadgeRecord>, StoreError>;
    /// One badge.
    async fn badge(&self, id: &BadgeId) -> Result<Option<BadgeRecord>, StoreError>;
    /// Badges matching `filter`, oldest first, `limit` (1 to 1000) per page after `cursor`.
    async fn list_badges(
        &self,
        filter: &BadgeFilter,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<BadgePage, StoreError>;

    /// [`Issuance::allocate_status_slots`] in a transaction of its own.
    async fn allocate_status_slots(
        &self,
        stamp: &Stamp,
        badges: &[BadgeId],
        rng: &mut (dyn RngCore + Send),
    ) -> Result<Vec<BadgeStatusSlots>, StoreError> {
        let mut issuance = self.begin_issuance(stamp).await?;
        let slots = issuance.allocate_status_slots(badges, rng).await?;
        issuance.commit().await?;
        Ok(slots)
    }
    /// Where a badge's status bits are, if it has any.
    async fn status_slots(&self, badge: &BadgeId) -> Result<Option<BadgeStatusSlots>, StoreError> {
        Ok(self.badge_status(badge).await?.map(|s| s.slots()))
    }
    /// A badge's current status: both bits, with the reason, note, time and actor of their last
    /// change; `None` if it has no status bits.
    async fn badge_status(&self, badge: &BadgeId) -> Result<Option<BadgeStatus>, StoreError>;
    /// Changes a badge's status as the core's lifecycle allows
    /// ([`status_transition`](credence_core::status::status_transition)): sets or clears one bit,
    /// bumps its list's version and records the change, in one audited transaction.
    ///
    /// A change the lifecycle refuses is a [`StatusConflict`](StoreError::StatusConflict); a badge
    /// without status bits is [`NotFound`](StoreError::NotFound) (`StatusSlot` if it is recorded,
    /// `Badge` if it is unknown). `reason` is recorded for a revocation or suspension only.
    async fn change_badge_status(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        action: StatusAction,
        reason: Option<StatusReason>,
        note: Option<&str>,
    ) -> Result<BadgeStatus, StoreError>;
    /// Revokes a badge for good ([`change_badge_status`](Self::change_badge_status)).
    async fn revoke_badge(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        reason: StatusReason,
        note: Option<&str>,
    ) -> Result<BadgeStatus, StoreError> {
        self.change_badge_status(stamp, badge, StatusAction::Revoke, Some(reason), note)
            .await
    }
    /// Suspends a badge ([`change_badge_status`](Self::change_badge_status)).
    async fn suspend_badge(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        reason: StatusReason,
        note: Option<&str>,
    ) -> Result<BadgeStatus, StoreError> {
        self.change_badge_status(stamp, badge, StatusAction::Suspend, Some(reason), note)
            .await
    }
    /// Lifts a suspension ([`change_badge_status`](Self::change_badge_status)).
    async fn reinstate_badge(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        note: Option<&str>,
    ) -> Result<BadgeStatus, StoreError> {
        self.change_badge_status(stamp, badge, StatusAction::Reinstate, None, note)
            .await
    }
    /// A status list: its purpose, size, version, set bits at that version, and the signed list
    /// credential stored for that version, if any (else sign anew and
    /// [`put_signed_status_list`](Self::put_signed_status_list)).
    async fn status_list(&self, id: StatusListId) -> Result<Option<StatusListRecord>, StoreError>;
    /// The stored signed credential of a list if it is current (signed at the list's version),
    /// with that version: one cheap read for the common case of an unchanged list. `Ok(None)`
    /// when the list is unknown or must be signed anew (then use [`status_list`](Self::status_list)).
    async fn current_signed_status_list(
        &self,
        id: StatusListId,
    ) -> Result<Option<(u64, String)>, StoreError>;
    /// Stores the signed credential of a list made at `version`, only if the list is still at
    /// that version and that version is not stored yet (compare-and-set): returns whether it was
    /// stored. `false` means another replica stored it first, or a bit has changed since, so a
    /// newer list must be made; an older credential never replaces a newer one.
    async fn put_signed_status_list(
        &self,
        id: StatusListId,
        version: u64,
        credential: &str,
    ) -> Result<bool, StoreError>;

    /// Audit rows after `after_id` (0 for the start), at most `limit`.
    async fn audit_entries(&self, after_id: i64, limit: u32)
        -> Result<Vec<AuditEntry>, StoreError>;
    /// Walks the whole audit chain and reports the first break, if any.
    async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError>;

    /// Records claim links for badges (the token hashes only), skipping badges that have one.
    /// Returns how many were new.
    async fn put_claims(
        &self,
        stamp: &Stamp,
        claims: &[(BadgeId, TokenHash)],
    ) -> Result<u64, StoreError>;
    /// The badge a claim token hash opens, with its share setting.
    async fn claim(&self, hash: &TokenHash) -> Result<Option<Claim>, StoreError>;
    /// The keyed digest of a badge holder's registration (None for an unknown badge).
    async fn registration_digest(
        &self,
        badge: &BadgeId,
    ) -> Result<Option<RegistrationDigest>, StoreError>;
    /// Records in the audit log that someone asked whether `badge` belongs to a registration of
    /// `kind` (e.g. `ext:NMCPIN`), and the answer; never the identifier asked about.
    async fn record_recipient_check(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        kind: &str,
        matched: bool,
    ) -> Result<(), StoreError>;
    /// The share setting of a badge (None if it has no claim link).
    async fn share_enabled(&self, badge: &BadgeId) -> Result<Option<bool>, StoreError>;
    /// Turns a badge's public share page on or off; returns the setting.
    async fn set_share(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        enabled: bool,
    ) -> Result<bool, StoreError>;
}

/// One chunk of issuance in one transaction ([`Store::begin_issuance`]).
#[async_trait]
pub trait Issuance: Send {
    /// Reserves a revocation bit and a suspension bit for each badge, returned in the order given.
    ///
    /// Each bit is drawn with `rng` among the free entries of the newest list of its purpose
    /// (herd privacy); a new list of
    /// [`StoreOptions::status_list_len`](crate::StoreOptions::status_list_len) entries is started
    /// when that one is full. A badge that already has its bits gets the same bits back. Safe
    /// with several replicas on one database: allocators take turns on a lock row (PostgreSQL)
    /// or the write lock (SQLite), and `(list, index)` is unique.
    async fn allocate_status_slots(
        &mut self,
        badges: &[BadgeId],
        rng: &mut (dyn RngCore + Send),
    ) -> Result<Vec<BadgeStatusSlots>, StoreError>;

    /// Records completions with their badges, each row independently: a new provider reference
    /// is `Issued`; a known reference with the same fingerprint is `AlreadyIssued` (the stored
    /// badge, untouched); with another fingerprint, `Conflict`. Safe under concurrency:
    /// duplicates never produce a second badge or an error.
    async fn record(&mut self, issuances: &[NewIssuance]) -> Result<Vec<IssueOutcome>, StoreError>;

    /// Commits everything reserved and recorded.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
