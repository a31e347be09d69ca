//! Changing a badge's status: revoke it (for good), suspend it, or lift a suspension. The API
//! and `credence admin badge` both come here; the store applies the change in one transaction,
//! with its audit row.

use credence_core::model::BadgeId;
use credence_core::status::{status_note, NoteTooLong, StatusAction, StatusReason};
use credence_store::{BadgeStatus, Stamp, Store, StoreError};

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

impl StatusChange {
    /// The lifecycle's name of the change, its reason and its note.
    fn parts(&self) -> (StatusAction, Option<StatusReason>, Option<&str>) {
        match self {
            StatusChange::Revoke { reason, note } => {
                (StatusAction::Revoke, Some(*reason), note.as_deref())
            }
            StatusChange::Suspend { reason, note } => {
                (StatusAction::Suspend, Some(*reason), note.as_deref())
            }
            StatusChange::Reinstate { note } => (StatusAction::Reinstate, None, note.as_deref()),
        }
    }
}

/// Applies `change` to `badge`, stamped with who and when, and returns the badge's status after
/// it. The core's lifecycle decides whether it may be made (inside the store's transaction).
pub async fn change_status(
    store: &dyn Store,
    stamp: &Stamp,
    badge: &BadgeId,
    change: &StatusChange,
) -> Result<BadgeStatus, StatusChangeError> {
    let (action, reason, note) = change.parts();
    let note = status_note(note)?;
    Ok(store
        .change_badge_status(stamp, badge, action, reason, note)
        .await?)
}
