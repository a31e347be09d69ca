//! `StoreError`, the one error type of the store, and the helper that maps database errors to it.

use credence_core::model::ModelError;
use credence_ld::jcs::JcsError;
use credence_vc::keys::KeyError;
use sqlx::error::ErrorKind;
use thiserror::Error;

use credence_core::model::{ApprovalId, BadgeId};

use credence_core::status::StatusConflict;

use crate::types::Entity;

/// Why a store operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL's scheme is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL scheme {scheme:?} (expected sqlite:// or postgres://)")]
    UnsupportedUrl {
        /// The scheme found (the rest of the URL is withheld: it may hold a password).
        scheme: String,
    },
    /// The database could not be reached or a statement failed.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Running the embedded migrations failed.
    #[error("database migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A row with the same key (or unique value) already exists.
    #[error("{what} already exists")]
    AlreadyExists {
        /// Which kind of record collided.
        what: Entity,
    },
    /// The record is no longer what the caller read before deciding to write (another writer
    /// changed it in between): read it again and decide again.
    #[error("{what} {id} changed since it was read")]
    Changed {
        /// Which kind of record.
        what: Entity,
        /// Its id.
        id: String,
    },
    /// A referenced record does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// Which kind of record was missing.
        what: Entity,
        /// Its id.
        id: String,
    },
    /// A stored approval's history would be rewritten instead of extended.
    #[error("approval {approval} history can only be extended, never rewritten")]
    HistoryRewrite {
        /// The approval.
        approval: ApprovalId,
    },
    /// A status change would make an approval invalid (e.g. out of order).
    #[error("the change would make the approval invalid")]
    InvalidChange(#[source] ModelError),
    /// A badge's status cannot change as asked (e.g. it is already revoked).
    #[error("badge {badge}: {conflict}")]
    StatusConflict {
        /// The badge.
        badge: BadgeId,
        /// What stands in the way.
        conflict: StatusConflict,
    },
    /// A stored value could not be read back into its domain type.
    #[error("stored {what} is corrupt")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// Why it did not parse.
        #[source]
        source: CorruptError,
    },
}

/// Why a stored value did not parse.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CorruptError {
    /// The JSON document did not parse or validate.
    #[error("invalid JSON document")]
    Json(#[source] serde_json::Error),
    /// An identifier or field failed domain validation.
    #[error("invalid domain value")]
    Model(#[source] ModelError),
    /// A key or verification method id failed to parse.
    #[error("invalid key")]
    Key(#[source] KeyError),
    /// The audit detail could not be canonicalized.
    #[error("detail is not canonicalizable JSON")]
    Jcs(#[source] JcsError),
    /// An enumerated text column held an unknown value.
    #[error("unknown value {value:?}")]
    UnknownValue {
        /// The value found.
        value: String,
    },
}

impl StoreError {
    /// Wraps a parse failure of a stored value.
    pub(crate) fn corrupt(what: &'static str, source: impl Into<CorruptError>) -> Self {
        StoreError::Corrupt {
            what,
            source: source.into(),
        }
    }
}

impl From<serde_json::Error> for CorruptError {
    fn from(e: serde_json::Error) -> Self {
        CorruptError::Json(e)
    }
}
impl From<ModelError> for CorruptError {
    fn from(e: ModelError) -> Self {
        CorruptError::Model(e)
    }
}
impl From<KeyError> for CorruptError {
    fn from(e: KeyError) -> Self {
        CorruptError::Key(e)
    }
}
impl From<JcsError> for CorruptError {
    fn from(e: JcsError) -> Self {
        CorruptError::Jcs(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(e)
    }
}

impl From<sqlx::Error> for StoreError {
    /// The one place database errors are classified: unique violations become
    /// [`StoreError::AlreadyExists`] with the entity named by the constraint or table.
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.kind() == ErrorKind::UniqueViolation {
                let text = db
                    .constraint()
                    .or_else(|| db.table())
                    .unwrap_or_else(|| db.message());
                return StoreError::AlreadyExists {
                    what: Entity::from_db_text(text),
                };
            }
        }
        StoreError::Database(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_from_constraint_text() {
        assert_eq!(
            Entity::from_db_text("UNIQUE constraint failed: api_clients.token_hash"),
            Entity::ApiClient
        );
        assert_eq!(
            Entity::from_db_text("signing_keys_one_active"),
            Entity::SigningKey
        );
        assert_eq!(
            Entity::from_db_text("completions_provider_provider_reference_key"),
            Entity::Completion
        );
        assert_eq!(
            Entity::from_db_text("approval_changes_pkey"),
            Entity::ApprovalChange
        );
        assert_eq!(Entity::from_db_text("zzz"), Entity::Unknown);
    }
}
