//! Signing keys: the public half of each key that has signed, one of them active.

use chrono::{DateTime, Utc};
use credence_vc::keys::{PublicKey, VerificationMethodId};
use serde_json::json;

use crate::db::{sql, Pool};
use crate::decode::unknown;
use crate::error::StoreError;
use crate::types::{KeyState, SigningKeyRecord, Stamp};
use crate::write::Write;

type KeyRow = (String, String, String, DateTime<Utc>, Option<DateTime<Utc>>);

const KEY_COLUMNS: &str =
    "verification_method, public_key_multibase, state, created_at, retired_at";

fn key_from(row: KeyRow) -> Result<SigningKeyRecord, StoreError> {
    let (vm, multibase, state, created_at, retired_at) = row;
    let state = match state.as_str() {
        "active" => KeyState::Active,
        "retired" => KeyState::Retired,
        _ => return Err(unknown("signing key state", state)),
    };
    Ok(SigningKeyRecord {
        verification_method: VerificationMethodId::new(vm)
            .map_err(|e| StoreError::corrupt("signing key", e))?,
        public_key: PublicKey::from_multibase(&multibase)
            .map_err(|e| StoreError::corrupt("signing key", e))?,
        state,
        created_at,
        retired_at,
    })
}

/// Adds a key as the active one, retiring the one active before.
pub(crate) async fn activate(
    w: &mut Write,
    stamp: &Stamp,
    verification_method: &VerificationMethodId,
    public_key: &PublicKey,
) -> Result<SigningKeyRecord, StoreError> {
    let retired: Vec<(String,)> = sql(
        "UPDATE signing_keys SET state = 'retired', retired_at = $1 WHERE state = 'active' \
         RETURNING verification_method",
    )
    .bind(stamp.at())
    .fetch_all(&mut w.tx)
    .await?;
    let row: KeyRow = sql(format!(
        "INSERT INTO signing_keys (verification_method, public_key_multibase, state, created_at) \
         VALUES ($1, $2, 'active', $3) RETURNING {KEY_COLUMNS}"
    ))
    .bind(verification_method.as_str())
    .bind(public_key.to_multibase())
    .bind(stamp.at())
    .fetch_one(&mut w.tx)
    .await?;
    let key = key_from(row)?;
    let retired: Vec<String> = retired.into_iter().map(|(v,)| v).collect();
    w.audit(
        stamp,
        "signing_key.activate",
        verification_method.as_str(),
        &json!({ "public_key_multibase": public_key.to_multibase(), "retired": retired }),
    )?;
    Ok(key)
}

/// The active key, if any key exists.
pub(crate) async fn active(pool: &Pool) -> Result<Option<SigningKeyRecord>, StoreError> {
    let row: Option<KeyRow> = sql(format!(
        "SELECT {KEY_COLUMNS} FROM signing_keys WHERE state = 'active'"
    ))
    .fetch_optional(pool)
    .await?;
    row.map(key_from).transpose()
}

/// All keys, oldest first.
pub(crate) async fn all(pool: &Pool) -> Result<Vec<SigningKeyRecord>, StoreError> {
    let rows: Vec<KeyRow> = sql(format!(
        "SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY created_at, verification_method"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(key_from).collect()
}
