//! Credence storage: the [`Store`] trait and [`SqlStore`], its implementation on SQLite
//! (embedded, one WAL file, the default) or PostgreSQL (several replicas on one database).
//!
//! Persistence only: no business rule (where one decides a write, the store calls the core's,
//! inside the transaction), no clock (every write is [`Stamp`]ed by the caller) and no randomness
//! (status list bits are drawn with the caller's RNG). Callers see the core's domain types and
//! the records exported at the root ([`BadgeRecord`], [`ApiClient`]...). One module per aggregate
//! holds its SQL, written once for both databases (see `db`). Every write appends to a
//! hash-chained audit log in the same transaction; [`Store::verify_audit_chain`] finds an
//! altered or deleted row. Migrations (`migrations/sqlite`, `migrations/postgres`, embedded by
//! `sqlx::migrate!`) run at connect; a test checks both describe the same schema.
//!
//! Issuance is one transaction per chunk ([`Store::begin_issuance`]): the badges' status list
//! bits are reserved, then the signed badges recorded with their completions, registration
//! digests, claim links and audit rows, in multi-row statements, idempotently by provider
//! reference; the signed JSON is kept byte for byte.
//!
//! ```no_run
//! # async fn demo() -> Result<(), credence_store::StoreError> {
//! use credence_store::connect;
//! let store = connect("sqlite://credence-data/credence.db").await?;
//! println!("{} providers", store.list_providers().await?.len());
//! # Ok(()) }
//! ```
//!
//! # Types from other crates in this API
//! - `chrono::DateTime<Utc>` in records and [`Stamp`]: the caller's time, the type core uses.
//! - `sqlx::Error` and sqlx's migration error, only as the `source` of [`StoreError`]'s
//!   variants: for the log's message chain; callers match on our variants, which say what went
//!   wrong (already exists, changed, not found, corrupt) in the store's terms.

#![deny(missing_docs)]

mod approvals;
mod audit;
mod badges;
mod claims;
mod clients;
mod db;
mod decode;
mod error;
mod keys;
mod lists;
mod migrate;
mod providers;
mod slots;
mod specifications;
mod sql_store;
mod store;
mod types;
mod write;

use std::sync::Arc;

pub use error::{CorruptError, StoreError};
pub use sql_store::SqlStore;
pub use store::{Issuance, Store};
pub use types::{
    Actor, ApiClient, ApiClientId, ApprovalChangeRecord, AuditBreak, AuditEntry, BadgeFilter,
    BadgePage, BadgeRecord, BadgeStatus, BreakReason, ChainCheck, Claim, Cursor, CursorError,
    Entity, IssueOutcome, KeyState, NewApiClient, NewIssuance, Scope, ScopeError, SigningKeyRecord,
    SlotStatus, Stamp, StatusListRecord, StoreOptions, TokenHash, Written,
};

/// Opens the store a database URL names: `sqlite:…` or `postgres:…`/`postgresql:…`.
pub async fn connect(database_url: &str) -> Result<Arc<dyn Store>, StoreError> {
    connect_with(database_url, StoreOptions::default()).await
}

/// [`connect`] with options.
pub async fn connect_with(
    database_url: &str,
    options: StoreOptions,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::connect(database_url, options).await?))
}
