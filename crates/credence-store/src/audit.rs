//! The audit chain's hashing and checking, shared by both backends: each row's hash is SHA-256 over
//! the previous row's hash and the row's own fields, so an altered or deleted row is detectable.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::types::{Actor, AuditBreak, AuditEntry, BreakReason, ChainCheck};

/// The `prev_hash` of the first row.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The current time, truncated to microseconds so it survives both databases unchanged.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The chain head as locked at the start of a write transaction.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// The id of the last row (0 when empty).
    pub last_id: i64,
    /// The hash of the last row ([`GENESIS`] when empty).
    pub last_hash: String,
}

impl Head {
    /// Builds the next row and advances the head to it.
    pub(crate) fn append(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: String,
    ) -> AuditEntry {
        let id = self.last_id + 1;
        let at = now();
        let hash = row_hash(
            &self.last_hash,
            id,
            at,
            actor.as_str(),
            action,
            subject,
            &detail,
        );
        let entry = AuditEntry {
            id,
            at,
            actor: actor.as_str().to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> (Vec<AuditEntry>, Head) {
        let mut head = Head {
            last_id: 0,
            last_hash: GENESIS.into(),
        };
        let rows = (0..n)
            .map(|i| head.append(&Actor::system(), "test", &format!("s{i}"), "{}".into()))
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
