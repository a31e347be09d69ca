//! Credence storage: the [`Store`] trait and its two implementations, [`SqliteStore`] (embedded,
//! one WAL file, the default) and [`PgStore`] (PostgreSQL, for several replicas on one database).
//!
//! All SQL lives in the two backends (statements shared through one macro in `sql`); callers see
//! only the core's domain types ([`credence_core::model`]) and the records in [`types`]. Every
//! write appends a row to a hash-chained audit log in the same transaction;
//! [`Store::verify_audit_chain`] finds an altered or deleted row. Badges are recorded with their
//! completion in one idempotent transaction ([`Store::record_issuance`]): the signed JSON is kept
//! byte for byte. Embedded migrations (`migrations/sqlite`, `migrations/postgres`) run at connect.
//!
//! Status lists: [`Store::allocate_status_slots`] hands each badge a random revocation and
//! suspension bit ([`credence_core::status::BadgeStatusSlots`], turned into the badge's
//! `credentialStatus` by the core) before it is signed; [`Store::revoke_badge`],
//! [`Store::suspend_badge`] and [`Store::reinstate_badge`] change a bit (audited) and bump the
//! list's version; [`Store::status_list`] gives a list's set bits for the core to write the list
//! credential, and caches the signed one per version ([`Store::put_signed_status_list`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), credence_store::StoreError> {
//! use credence_store::{connect, Actor};
//! let store = connect("sqlite://credence-data/credence.db").await?;
//! for provider in credence_core::model::sample::providers().unwrap_or_default() {
//!     store.put_provider(&Actor::system(), &provider).await?;
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod audit;
mod error;
mod migrations;
mod postgres;
mod sql;
mod sqlite;
mod store;
pub mod types;

use std::sync::Arc;

pub use error::{CorruptError, StoreError};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use store::Store;
pub use types::{
    Actor, ApiClient, ApiClientId, ApprovalChangeRecord, AuditBreak, AuditEntry, BadgeFilter,
    BadgePage, BadgeRecord, BadgeStatus, BreakReason, ChainCheck, Claim, Cursor, Entity,
    IssueOutcome, KeyState, NewApiClient, NewIssuance, Scope, SigningKeyRecord, SlotStatus,
    StatusConflict, StatusListRecord, StoreOptions, TokenHash, Written,
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
    let scheme = database_url
        .split_once(':')
        .map_or("", |(scheme, _)| scheme)
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Ok(Arc::new(
            SqliteStore::connect_with(database_url, options).await?,
        )),
        "postgres" | "postgresql" => Ok(Arc::new(
            PgStore::connect_with(database_url, options).await?,
        )),
        _ => Err(StoreError::UnsupportedUrl { scheme }),
    }
}
