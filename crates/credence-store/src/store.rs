//! The `Store` trait: every read and write the service and CLI need, with no SQL in sight.

use async_trait::async_trait;
use credence_core::keys::{PublicKey, VerificationMethodId};
use credence_core::model::{
    ApprovalChange, ApprovalId, BadgeId, CredentialSpecification, Provider, ProviderApproval,
    ProviderId, ProviderReference, SpecId, SpecVersion,
};

use crate::error::StoreError;
use crate::types::{
    Actor, ApiClient, ApiClientId, ApprovalChangeRecord, AuditEntry, BadgeFilter, BadgePage,
    BadgeRecord, ChainCheck, Claim, Cursor, IssueOutcome, NewApiClient, NewIssuance,
    SigningKeyRecord, TokenHash, Written,
};

/// Persistent state of the issuing service. Every write appends to the audit log in the same
/// transaction.
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks the database answers (for readiness probes).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates or replaces one specification version.
    async fn put_specification(
        &self,
        actor: &Actor,
        spec: &CredentialSpecification,
    ) -> Result<Written, StoreError>;
    /// One specification version.
    async fn specification(
        &self,
        id: &SpecId,
        version: &SpecVersion,
    ) -> Result<Option<CredentialSpecification>, StoreError>;
    /// All specification versions, by code then version.
    async fn list_specifications(&self) -> Result<Vec<CredentialSpecification>, StoreError>;

    /// Creates or replaces a provider.
    async fn put_provider(&self, actor: &Actor, provider: &Provider)
        -> Result<Written, StoreError>;
    /// One provider.
    async fn provider(&self, ukprn: &ProviderId) -> Result<Option<Provider>, StoreError>;
    /// All providers, by UKPRN.
    async fn list_providers(&self) -> Result<Vec<Provider>, StoreError>;

    /// Creates or replaces an approval. Its provider and specification version must exist; a
    /// replacement may extend the stored status history but never rewrite it.
    async fn put_approval(
        &self,
        actor: &Actor,
        approval: &ProviderApproval,
    ) -> Result<Written, StoreError>;
    /// Appends one status change to an approval's history and returns the approval.
    async fn add_approval_change(
        &self,
        actor: &Actor,
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
        actor: &Actor,
        client: &NewApiClient,
    ) -> Result<ApiClient, StoreError>;
    /// The unrevoked client holding this token hash.
    async fn client_by_token_hash(&self, hash: &TokenHash)
        -> Result<Option<ApiClient>, StoreError>;
    /// All clients, revoked ones included, by id.
    async fn list_api_clients(&self) -> Result<Vec<ApiClient>, StoreError>;
    /// Revokes a client (idempotent) and returns it.
    async fn revoke_api_client(
        &self,
        actor: &Actor,
        id: ApiClientId,
    ) -> Result<ApiClient, StoreError>;

    /// Adds a key as the active signing key, retiring the previously active one.
    async fn activate_signing_key(
        &self,
        actor: &Actor,
        verification_method: &VerificationMethodId,
        public_key: &PublicKey,
    ) -> Result<SigningKeyRecord, StoreError>;
    /// The active signing key, if any key exists.
    async fn active_signing_key(&self) -> Result<Option<SigningKeyRecord>, StoreError>;
    /// All signing keys, oldest first (retired ones stay published).
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError>;

    /// Records completions and their badges in ONE transaction, each row independently: a new
    /// provider reference is `Issued`; a known reference with the same fingerprint is
    /// `AlreadyIssued` (the stored badge, untouched); with another fingerprint, `Conflict`.
    /// Safe under concurrency: duplicates never produce a second badge or an error.
    async fn record_issuances(
        &self,
        actor: &Actor,
        issuances: &[NewIssuance],
    ) -> Result<Vec<IssueOutcome>, StoreError>;
    /// [`record_issuances`](Self::record_issuances) for one completion.
    async fn record_issuance(
        &self,
        actor: &Actor,
        issuance: &NewIssuance,
    ) -> Result<IssueOutcome, StoreError> {
        let mut outcomes = self
            .record_issuances(actor, std::slice::from_ref(issuance))
            .await?;
        outcomes.pop().ok_or(StoreError::NotFound {
            what: crate::types::Entity::Badge,
            id: issuance.badge_id.to_string(),
        })
    }
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

    /// Audit rows after `after_id` (0 for the start), at most `limit`.
    async fn audit_entries(&self, after_id: i64, limit: u32)
        -> Result<Vec<AuditEntry>, StoreError>;
    /// Walks the whole audit chain and reports the first break, if any.
    async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError>;

    /// Records claim links for badges (the token hashes only), skipping badges that have one.
    /// Returns how many were new.
    async fn put_claims(
        &self,
        actor: &Actor,
        claims: &[(BadgeId, TokenHash)],
    ) -> Result<u64, StoreError>;
    /// The badge a claim token hash opens, with its share setting.
    async fn claim(&self, hash: &TokenHash) -> Result<Option<Claim>, StoreError>;
    /// The share setting of a badge (None if it has no claim link).
    async fn share_enabled(&self, badge: &BadgeId) -> Result<Option<bool>, StoreError>;
    /// Turns a badge's public share page on or off; returns the setting.
    async fn set_share(
        &self,
        actor: &Actor,
        badge: &BadgeId,
        enabled: bool,
    ) -> Result<bool, StoreError>;
}
