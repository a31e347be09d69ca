//! The audit chain's hashing and checking, shared by both backends: each row's hash is SHA-256 over
//! the previous row's hash and the row's own fields, so an altered or deleted row is detectable.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::db::{insert_values, sql, Param, Pool, Tx};
use crate::error::StoreError;
use crate::types::{AuditBreak, AuditEntry, BreakReason, ChainCheck, Stamp};
use crate::write::CHUNK;

/// The `prev_hash` of the first row.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain head as locked at the start of a write transaction.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// The id of the last row (0 when empty).
    pub last_id: i64,
    /// The hash of the last row ([`GENESIS`] when empty).
    pub last_hash: String,
}

impl Head {
    /// Builds the next row, stamped with who and when, and advances the head to it.
    pub(crate) fn append(
        &mut self,
        stamp: &Stamp,
        action: &str,
        subject: &str,
        detail: String,
    ) -> AuditEntry {
        let id = self.last_id + 1;
        let at = stamp.at();
        let actor = stamp.actor().as_str();
        let hash = row_hash(&self.last_hash, id, at, actor, action, subject, &detail);
        let entry = AuditEntry {
            id,
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail,
            prev_hash: std::mem::replace(&mut self.last_hash, hash.clone()),
            hash,
        };
        self.last_id = id;
        entry
    }
}

/// SHA-256 (hex) over a version tag, `prev_hash` and the row's fields, each length-prefixed.
pub(crate) fn row_hash(
    prev_hash: &str,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let id = id.to_string();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let mut h = Sha256::new();
    for field in [
        "credence-audit-v1",
        prev_hash,
        &id,
        &at,
        actor,
        action,
        subject,
        detail,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Checks rows (in id order) against each other and against the recorded head.
pub(crate) fn check_chain(rows: &[AuditEntry], head: &Head) -> ChainCheck {
    let mut prev_id = 0;
    let mut prev_hash = GENESIS;
    for row in rows {
        let broken = |reason| {
            ChainCheck::Broken(AuditBreak {
                row_id: row.id,
                reason,
            })
        };
        if row.id != prev_id + 1 {
            return broken(BreakReason::MissingRows);
        }
        if row.prev_hash != prev_hash {
            return broken(BreakReason::PrevHashMismatch);
        }
        let expected = row_hash(
            &row.prev_hash,
            row.id,
            row.at,
            &row.actor,
            &row.action,
            &row.subject,
            &row.detail,
        );
        if row.hash != expected {
            return broken(BreakReason::HashMismatch);
        }
        prev_id = row.id;
        prev_hash = &row.hash;
    }
    if prev_id != head.last_id || prev_hash != head.last_hash {
        return ChainCheck::Broken(AuditBreak {
            row_id: prev_id + 1,
            reason: BreakReason::TruncatedTail,
        });
    }
    ChainCheck::Intact {
        rows: rows.len() as u64,
    }
}

/// Raw audit columns, in [`AUDIT_COLUMNS`] order.
type AuditRow = (
    i64,
    DateTime<Utc>,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// The columns of an audit row.
const AUDIT_COLUMNS: &str = "id, at, actor, action, subject, detail, prev_hash, hash";

fn entry_from(row: AuditRow) -> AuditEntry {
    let (id, at, actor, action, subject, detail, prev_hash, hash) = row;
    AuditEntry {
        id,
        at,
        actor,
        action,
        subject,
        detail,
        prev_hash,
        hash,
    }
}

/// Inserts audit rows (already chained) in as few statements as the parameter limit allows.
pub(crate) async fn insert(tx: &mut Tx, entries: &[AuditEntry]) -> Result<(), StoreError> {
    for chunk in entries.chunks(CHUNK) {
        let text = insert_values(tx, &format!("audit_log ({AUDIT_COLUMNS})"), chunk.len(), 8);
        let params = chunk.iter().flat_map(|e| {
            [
                Param::from(e.id),
                e.at.into(),
                e.actor.as_str().into(),
                e.action.as_str().into(),
                e.subject.as_str().into(),
                e.detail.as_str().into(),
                e.prev_hash.as_str().into(),
                e.hash.as_str().into(),
            ]
        });
        sql(text).bind_all(params).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Audit rows after `after_id`, at most `limit`.
pub(crate) async fn entries(
    pool: &Pool,
    after_id: i64,
    limit: u32,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows: Vec<AuditRow> = sql(format!(
        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after_id)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(entry_from).collect())
}

/// Reads the chain head, locking it on PostgreSQL (`FOR UPDATE`), which serialises writers
/// across processes so the chain stays linear (SQLite's write lock does that already).
pub(crate) async fn head(tx: &mut Tx) -> Result<Head, StoreError> {
    let text = if tx.is_postgres() {
        "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT last_id, last_hash FROM audit_head WHERE id = 1"
    };
    let (last_id, last_hash): (i64, String) = sql(text).fetch_one(&mut *tx).await?;
    Ok(Head { last_id, last_hash })
}

/// Records the new chain head (inside the transaction that appended to it).
pub(crate) async fn set_head(tx: &mut Tx, head: &Head) -> Result<(), StoreError> {
    sql("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
        .bind(head.last_id)
        .bind(head.last_hash.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Walks the whole chain in one read transaction (so the head and the rows are one snapshot).
pub(crate) async fn verify(pool: &Pool) -> Result<ChainCheck, StoreError> {
    let mut tx = pool.begin_read().await?;
    let (last_id, last_hash): (i64, String) =
        sql("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut tx)
            .await?;
    let rows: Vec<AuditRow> = sql(format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id"))
        .fetch_all(&mut tx)
        .await?;
    tx.commit().await?;
    let rows: Vec<AuditEntry> = rows.into_iter().map(entry_from).collect();
    Ok(check_chain(&rows, &Head { last_id, last_hash }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Actor;

    fn chain(n: usize) -> (Vec<AuditEntry>, Head) {
        let stamp = Stamp::new(Actor::system(), chrono::DateTime::UNIX_EPOCH);
        let mut head = Head {
            last_id: 0,
            last_hash: GENESIS.into(),
        };
        let rows = (0..n)
            .map(|i| head.append(&stamp, "test", &format!("s{i}"), "{}".into()))
            .collect();
        (rows, head)
    }

    #[test]
    fn intact_chain_verifies() {
        let (rows, head) = chain(3);
        assert_eq!(check_chain(&rows, &head), ChainCheck::Intact { rows: 3 });
    }

    #[test]
    fn detects_alteration_deletion_and_truncation() {
        let (mut rows, head) = chain(4);
        rows[1].subject = "other".into();
        assert_eq!(
            check_chain(&rows, &head),
            ChainCheck::Broken(AuditBreak {
                row_id: 2,
                reason: BreakReason::HashMismatch
            })
        );
        let (mut rows, head) = chain(4);
        rows.remove(1);
        assert_eq!(
            check_chain(&rows, &head),
            ChainCheck::Broken(AuditBreak {
                row_id: 3,
                reason: BreakReason::MissingRows
            })
        );
        let (mut rows, head) = chain(4);
        rows.pop();
        assert_eq!(
            check_chain(&rows, &head),
            ChainCheck::Broken(AuditBreak {
                row_id: 4,
                reason: BreakReason::TruncatedTail
            })
        );
    }
}
