//! A write transaction: the database's write lock, the audit chain head read under it, and the
//! audit rows appended as the transaction goes; [`Write::commit`] stores the rows and the new head
//! with everything else, or nothing is stored.

use serde::Serialize;

use crate::audit::{self, Head};
use crate::db::{Pool, Tx};
use crate::error::StoreError;
use crate::types::{AuditEntry, Entity, Stamp, Written};

/// Rows per multi-row `INSERT` or `IN (…)` list: at most 8 parameters a row keeps a statement
/// far below both databases' limits on bound parameters.
pub(crate) const CHUNK: usize = 1000;

/// An open write transaction with its audit chain head.
#[derive(Debug)]
pub(crate) struct Write {
    /// The transaction.
    pub(crate) tx: Tx,
    head: Head,
    /// The head's row id when the transaction began.
    began_at: i64,
    pending: Vec<AuditEntry>,
}

impl Write {
    /// Begins a write transaction and reads (on PostgreSQL: locks) the audit chain head.
    pub(crate) async fn begin(pool: &Pool) -> Result<Self, StoreError> {
        let mut tx = pool.begin_write().await?;
        let head = audit::head(&mut tx).await?;
        Ok(Write {
            tx,
            began_at: head.last_id,
            head,
            pending: Vec::new(),
        })
    }

    /// Appends one audit row: `detail` is stored as canonical JSON (JCS).
    pub(crate) fn audit(
        &mut self,
        stamp: &Stamp,
        action: &str,
        subject: &str,
        detail: &impl Serialize,
    ) -> Result<(), StoreError> {
        let detail =
            serde_json::to_value(detail).map_err(|e| StoreError::corrupt("audit detail", e))?;
        let detail = credence_ld::jcs::canonicalize(&detail)
            .map_err(|e| StoreError::corrupt("audit detail", e))?;
        let entry = self.head.append(stamp, action, subject, detail);
        self.pending.push(entry);
        Ok(())
    }

    /// Writes the audit rows appended so far (so a large transaction does not hold them all).
    pub(crate) async fn flush_audit(&mut self) -> Result<(), StoreError> {
        if !self.pending.is_empty() {
            audit::insert(&mut self.tx, &self.pending).await?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Writes the audit rows and the new chain head, and commits.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        self.flush_audit().await?;
        if self.head.last_id != self.began_at {
            audit::set_head(&mut self.tx, &self.head).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// What a conditional write does, given what the caller's decision was based on (`expected`)
/// and what the store holds now (`stored`): create a record that is still absent, replace one
/// that is still as read; else [`AlreadyExists`](StoreError::AlreadyExists) (another writer
/// created it first) or [`Changed`](StoreError::Changed).
pub(crate) fn conditional<T: PartialEq>(
    what: Entity,
    id: impl FnOnce() -> String,
    expected: Option<&T>,
    stored: Option<&T>,
) -> Result<Written, StoreError> {
    match (expected, stored) {
        (None, None) => Ok(Written::Created),
        (None, Some(_)) => Err(StoreError::AlreadyExists { what }),
        (Some(expected), Some(stored)) if expected == stored => Ok(Written::Updated),
        (Some(_), _) => Err(StoreError::Changed { what, id: id() }),
    }
}
