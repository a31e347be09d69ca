//! [`SqlStore`]: the [`Store`] on SQLite (the embedded default: one file, WAL, foreign keys on)
//! or PostgreSQL (several replicas on one database). Each method opens what it needs (a pool
//! read, or one [`Write`] transaction) and hands it to the module of its aggregate.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use credence_core::badge::RegistrationDigest;
use credence_core::model::{
    ApprovalChange, ApprovalId, BadgeId, CredentialSpecification, Provider, ProviderApproval,
    ProviderId, ProviderReference, SpecId, SpecVersion,
};
use credence_core::status::{BadgeStatusSlots, StatusAction, StatusListId, StatusReason};
use credence_vc::keys::{PublicKey, VerificationMethodId};
use rand::RngCore;
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::db::Pool;
use crate::error::StoreError;
use crate::store::{Issuance, Store};
use crate::types::{
    ApiClient, ApiClientId, ApprovalChangeRecord, AuditEntry, BadgeFilter, BadgePage, BadgeRecord,
    BadgeStatus, ChainCheck, Claim, Cursor, IssueOutcome, NewApiClient, NewIssuance,
    SigningKeyRecord, Stamp, StatusListRecord, StoreOptions, TokenHash, Written,
};
use crate::write::Write;
use crate::{
    approvals, audit, badges, claims, clients, keys, lists, migrate, providers, slots,
    specifications,
};

/// The store on one database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: Pool,
    options: StoreOptions,
}

impl SqlStore {
    /// Opens the database a URL names and runs the embedded migrations: `sqlite://path`
    /// (created if missing; WAL, foreign keys on, a 30 s busy timeout) or
    /// `postgres://…`/`postgresql://…` (an `options=-c search_path=...` parameter selects a
    /// schema).
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let scheme = url
            .split_once(':')
            .map_or("", |(scheme, _)| scheme)
            .to_ascii_lowercase();
        let pool = match scheme.as_str() {
            "sqlite" => {
                let connect = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(connect)
                    .await?;
                migrate::SQLITE.run(&pool).await?;
                Pool::Sqlite(pool)
            }
            "postgres" | "postgresql" => {
                // Plan each statement for its parameters: a cached generic plan of a look-up
                // with a long `IN (…)` list filters every row of the provider instead of using
                // the index (half a second a query at 10,000 badges, growing with the table).
                let connect = PgConnectOptions::from_str(url)?
                    .options([("plan_cache_mode", "force_custom_plan")]);
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .connect_with(connect)
                    .await?;
                migrate::POSTGRES.run(&pool).await?;
                Pool::Postgres(pool)
            }
            _ => return Err(StoreError::UnsupportedUrl { scheme }),
        };
        Ok(SqlStore { pool, options })
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One chunk of issuance on an [`SqlStore`].
struct SqlIssuance {
    write: Write,
    stamp: Stamp,
    list_len: usize,
}

#[async_trait]
impl Issuance for SqlIssuance {
    async fn allocate_status_slots(
        &mut self,
        badges: &[BadgeId],
        rng: &mut (dyn RngCore + Send),
    ) -> Result<Vec<BadgeStatusSlots>, StoreError> {
        slots::allocate(&mut self.write, self.stamp.at(), self.list_len, rng, badges).await
    }

    async fn record(&mut self, issuances: &[NewIssuance]) -> Result<Vec<IssueOutcome>, StoreError> {
        badges::record(&mut self.write, &self.stamp, issuances).await
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.write.commit().await
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::db::sql("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn put_specification(
        &self,
        stamp: &Stamp,
        spec: &CredentialSpecification,
        expected: Option<&CredentialSpecification>,
    ) -> Result<Written, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = specifications::put(&mut w, stamp, spec, expected).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn specification(
        &self,
        id: &SpecId,
        version: &SpecVersion,
    ) -> Result<Option<CredentialSpecification>, StoreError> {
        specifications::get(&self.pool, id, version).await
    }

    async fn list_specifications(&self) -> Result<Vec<CredentialSpecification>, StoreError> {
        specifications::list(&self.pool).await
    }

    async fn put_provider(
        &self,
        stamp: &Stamp,
        provider: &Provider,
        expected: Option<&Provider>,
    ) -> Result<Written, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = providers::put(&mut w, stamp, provider, expected).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn provider(&self, ukprn: &ProviderId) -> Result<Option<Provider>, StoreError> {
        providers::get(&self.pool, ukprn).await
    }

    async fn list_providers(&self) -> Result<Vec<Provider>, StoreError> {
        providers::list(&self.pool).await
    }

    async fn put_approval(
        &self,
        stamp: &Stamp,
        approval: &ProviderApproval,
        expected: Option<&ProviderApproval>,
    ) -> Result<Written, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = approvals::put(&mut w, stamp, approval, expected).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn add_approval_change(
        &self,
        stamp: &Stamp,
        id: &ApprovalId,
        change: ApprovalChange,
    ) -> Result<ProviderApproval, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = approvals::add_change(&mut w, stamp, id, change).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn approval(&self, id: &ApprovalId) -> Result<Option<ProviderApproval>, StoreError> {
        approvals::get(&self.pool, id).await
    }

    async fn list_approvals(
        &self,
        provider: Option<&ProviderId>,
    ) -> Result<Vec<ProviderApproval>, StoreError> {
        approvals::list(&self.pool, provider).await
    }

    async fn approval_history(
        &self,
        id: &ApprovalId,
    ) -> Result<Vec<ApprovalChangeRecord>, StoreError> {
        approvals::history(&self.pool, id).await
    }

    async fn create_api_client(
        &self,
        stamp: &Stamp,
        client: &NewApiClient,
    ) -> Result<ApiClient, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = clients::create(&mut w, stamp, client).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn client_by_token_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<ApiClient>, StoreError> {
        clients::by_token_hash(&self.pool, hash).await
    }

    async fn list_api_clients(&self) -> Result<Vec<ApiClient>, StoreError> {
        clients::list(&self.pool).await
    }

    async fn record_credential_signed(
        &self,
        stamp: &Stamp,
        credential: &str,
        sha256: &str,
    ) -> Result<(), StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        w.audit(
            stamp,
            "credential.issue",
            credential,
            &json!({ "sha256": sha256 }),
        )?;
        w.commit().await
    }

    async fn revoke_api_client(
        &self,
        stamp: &Stamp,
        id: ApiClientId,
    ) -> Result<ApiClient, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = clients::revoke(&mut w, stamp, id).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn activate_signing_key(
        &self,
        stamp: &Stamp,
        verification_method: &VerificationMethodId,
        public_key: &PublicKey,
    ) -> Result<SigningKeyRecord, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = keys::activate(&mut w, stamp, verification_method, public_key).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn active_signing_key(&self) -> Result<Option<SigningKeyRecord>, StoreError> {
        keys::active(&self.pool).await
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        keys::all(&self.pool).await
    }

    async fn begin_issuance(&self, stamp: &Stamp) -> Result<Box<dyn Issuance>, StoreError> {
        Ok(Box::new(SqlIssuance {
            write: Write::begin(&self.pool).await?,
            stamp: stamp.clone(),
            list_len: self.options.status_list_len(),
        }))
    }

    async fn badges_for_references(
        &self,
        references: &[(ProviderId, ProviderReference)],
    ) -> Result<HashMap<(ProviderId, ProviderReference), BadgeRecord>, StoreError> {
        let mut tx = self.pool.begin_read().await?;
        let found = badges::for_references(&mut tx, references.iter().map(|(p, r)| (p, r))).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn badge_for_reference(
        &self,
        provider: &ProviderId,
        reference: &ProviderReference,
    ) -> Result<Option<BadgeRecord>, StoreError> {
        badges::for_reference(&self.pool, provider, reference).await
    }

    async fn badge(&self, id: &BadgeId) -> Result<Option<BadgeRecord>, StoreError> {
        badges::get(&self.pool, id).await
    }

    async fn list_badges(
        &self,
        filter: &BadgeFilter,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<BadgePage, StoreError> {
        badges::list(&self.pool, filter, cursor, limit).await
    }

    async fn badge_status(&self, badge: &BadgeId) -> Result<Option<BadgeStatus>, StoreError> {
        slots::status(&self.pool, badge).await
    }

    async fn change_badge_status(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        action: StatusAction,
        reason: Option<StatusReason>,
        note: Option<&str>,
    ) -> Result<BadgeStatus, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = slots::change(&mut w, stamp, badge, action, reason, note).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn status_list(&self, id: StatusListId) -> Result<Option<StatusListRecord>, StoreError> {
        lists::get(&self.pool, id).await
    }

    async fn current_signed_status_list(
        &self,
        id: StatusListId,
    ) -> Result<Option<(u64, String)>, StoreError> {
        lists::current_signed(&self.pool, id).await
    }

    async fn put_signed_status_list(
        &self,
        id: StatusListId,
        version: u64,
        credential: &str,
    ) -> Result<bool, StoreError> {
        lists::put_signed(&self.pool, id, version, credential).await
    }

    async fn audit_entries(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        audit::entries(&self.pool, after_id, limit).await
    }

    async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError> {
        audit::verify(&self.pool).await
    }

    async fn put_claims(
        &self,
        stamp: &Stamp,
        claims: &[(BadgeId, TokenHash)],
    ) -> Result<u64, StoreError> {
        if claims.is_empty() {
            return Ok(0);
        }
        let mut w = Write::begin(&self.pool).await?;
        let out = claims::put(&mut w, stamp, claims).await?;
        w.commit().await?;
        Ok(out)
    }

    async fn claim(&self, hash: &TokenHash) -> Result<Option<Claim>, StoreError> {
        claims::get(&self.pool, hash).await
    }

    async fn registration_digest(
        &self,
        badge: &BadgeId,
    ) -> Result<Option<RegistrationDigest>, StoreError> {
        claims::registration_digest(&self.pool, badge).await
    }

    async fn record_recipient_check(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        kind: &str,
        matched: bool,
    ) -> Result<(), StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        w.audit(
            stamp,
            "badge.recipient_check",
            badge.as_str(),
            &json!({ "identity_type": kind, "matched": matched }),
        )?;
        w.commit().await
    }

    async fn share_enabled(&self, badge: &BadgeId) -> Result<Option<bool>, StoreError> {
        claims::share_enabled(&self.pool, badge).await
    }

    async fn set_share(
        &self,
        stamp: &Stamp,
        badge: &BadgeId,
        enabled: bool,
    ) -> Result<bool, StoreError> {
        let mut w = Write::begin(&self.pool).await?;
        let out = claims::set_share(&mut w, stamp, badge, enabled).await?;
        w.commit().await?;
        Ok(out)
    }
}
