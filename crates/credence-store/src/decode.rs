//! Reading stored values back into domain types: each failure is a [`StoreError::Corrupt`].

use credence_vc::status::StatusPurpose;

use crate::error::{CorruptError, StoreError};

/// Parses a stored JSON document into a domain type.
pub(crate) fn document<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(what, e))
}

/// Serializes a domain type for storage.
pub(crate) fn to_document<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, e))
}

/// An unknown stored value of `what`.
pub(crate) fn unknown(what: &'static str, value: impl ToString) -> StoreError {
    StoreError::corrupt(
        what,
        CorruptError::UnknownValue {
            value: value.to_string(),
        },
    )
}

/// A stored status purpose.
pub(crate) fn purpose(text: String) -> Result<StatusPurpose, StoreError> {
    StatusPurpose::parse(&text).map_err(|_| unknown("status purpose", text))
}

/// A stored count or index (never negative).
pub(crate) fn unsigned(what: &'static str, n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| unknown(what, n))
}

/// A stored size or count as `usize`.
pub(crate) fn size(what: &'static str, n: i64) -> Result<usize, StoreError> {
    usize::try_from(unsigned(what, n)?).map_err(|_| unknown(what, n))
}

/// A count or index to store (`i64::MAX` for the impossible larger ones, which no row matches).
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
