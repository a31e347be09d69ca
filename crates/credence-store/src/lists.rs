//! Status lists: their size, version (bumped on every change of a bit), set bits, and the signed
//! list credential stored per version (compare-and-set, so replicas never store an older one).

use chrono::{DateTime, Utc};
use credence_core::status::StatusListId;

use crate::db::{sql, Pool};
use crate::decode::{purpose, size, unsigned};
use crate::error::StoreError;
use crate::types::{Entity, StatusListRecord};

/// A list's current signed credential with its version, if one is stored for the current version.
pub(crate) async fn current_signed(
    pool: &Pool,
    id: StatusListId,
) -> Result<Option<(u64, String)>, StoreError> {
    let Ok(list) = i64::try_from(id.0) else {
        return Ok(None);
    };
    let row: Option<(i64, String)> = sql("SELECT version, signed_credential FROM status_lists \
         WHERE list_id = $1 AND signed_version = version AND signed_credential IS NOT NULL")
    .bind(list)
    .fetch_optional(pool)
    .await?;
    row.map(|(version, signed)| Ok((unsigned("status list version", version)?, signed)))
        .transpose()
}

type ListRow = (String, i64, i64, DateTime<Utc>, Option<i64>, Option<String>);

/// A list with its set bits, read in one snapshot.
pub(crate) async fn get(
    pool: &Pool,
    id: StatusListId,
) -> Result<Option<StatusListRecord>, StoreError> {
    let Ok(list) = i64::try_from(id.0) else {
        return Ok(None);
    };
    let mut tx = pool.begin_read().await?;
    let bits: Vec<(i64, Option<i64>)> = sql(
        "SELECT l.version, s.idx FROM status_lists l LEFT JOIN status_slots s \
         ON s.list_id = l.list_id AND s.is_set WHERE l.list_id = $1 ORDER BY s.idx",
    )
    .bind(list)
    .fetch_all(&mut tx)
    .await?;
    let Some(&(version, _)) = bits.first() else {
        return Ok(None);
    };
    let row: Option<ListRow> = sql(
        "SELECT purpose, size, allocated, created_at, signed_version, signed_credential \
         FROM status_lists WHERE list_id = $1",
    )
    .bind(list)
    .fetch_optional(&mut tx)
    .await?;
    tx.commit().await?;
    let Some((purpose_text, size_n, allocated, created_at, signed_version, signed)) = row else {
        return Ok(None);
    };
    let set_indexes = bits
        .into_iter()
        .filter_map(|(_, index)| index)
        .map(|index| unsigned("status index", index))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(StatusListRecord {
        id,
        purpose: purpose(purpose_text)?,
        size: size("status list size", size_n)?,
        allocated: size("status list count", allocated)?,
        version: unsigned("status list version", version)?,
        created_at,
        set_indexes,
        signed: signed.filter(|_| signed_version == Some(version)),
    }))
}

/// Stores a list credential made at `version`, only if the list is still at that version and it
/// is not stored yet; returns whether it was stored.
pub(crate) async fn put_signed(
    pool: &Pool,
    id: StatusListId,
    version: u64,
    credential: &str,
) -> Result<bool, StoreError> {
    let not_found = || StoreError::NotFound {
        what: Entity::StatusList,
        id: id.to_string(),
    };
    let list = i64::try_from(id.0).map_err(|_| not_found())?;
    let Ok(version) = i64::try_from(version) else {
        return Ok(false);
    };
    let stored = sql(
        "UPDATE status_lists SET signed_version = $2, signed_credential = $3 \
         WHERE list_id = $1 AND version = $2 AND (signed_version IS NULL OR signed_version <> $2)",
    )
    .bind(list)
    .bind(version)
    .bind(credential)
    .execute(pool)
    .await?;
    if stored > 0 {
        return Ok(true);
    }
    let exists: Option<(i64,)> = sql("SELECT list_id FROM status_lists WHERE list_id = $1")
        .bind(list)
        .fetch_optional(pool)
        .await?;
    exists.map(|_| false).ok_or_else(not_found)
}
