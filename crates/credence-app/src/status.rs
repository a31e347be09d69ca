//! Changing a badge's status: revoke it (for good), suspend it, or lift a suspension. The API
//! and `credence admin badge` both come here; the store applies the change in one transaction,
//! with its audit row.

use credence_core::model::BadgeId;
use credence_core::status::{status_note, NoteTooLong, StatusReason};
use credence_store::{Actor, BadgeStatus, Store, StoreError};

/// A change to a badge's status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusChange {
    /// Set the revocation bit, for good.
    Revoke {
        /// Why.
        reason: StatusReason,
        /// A note for the record.
        note: Option<String>,
    },
    /// Set the suspension bit until a reinstatement.
    Suspend {
        /// Why.
        reason: StatusReason,
        /// A note for the record.
        note: Option<String>,
    },
    /// Clear the suspension bit (a revocation is never cleared).
    Reinstate {
        /// A note for the record.
        note: Option<String>,
    },
}

/// Why a status change was not made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatusChangeError {
    /// The note is too long.
    #[error(transparent)]
    Note(#[from] NoteTooLong),
    /// The store refused it (no such badge, already revoked, not suspended...) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies `change` to `badge` as `actor`, and returns the badge's status after it.
pub async fn change_status(
    store: &dyn Store,
    actor: &Actor,
    badge: &BadgeId,
    change: &StatusChange,
) -> Result<BadgeStatus, StatusChangeError> {
    Ok(match change {
        StatusChange::Revoke { reason, note } => {
            let note = status_note(note.as_deref())?;
            store.revoke_badge(actor, badge, *reason, note).await?
        }
        StatusChange::Suspend { reason, note } => {
            let note = status_note(note.as_deref())?;
            store.suspend_badge(actor, badge, *reason, note).await?
        }
        StatusChange::Reinstate { note } => {
            let note = status_note(note.as_deref())?;
            store.reinstate_badge(actor, badge, note).await?
        }
    })
}
