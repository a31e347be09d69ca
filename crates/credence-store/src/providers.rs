//! Providers (HEIs), by UKPRN, kept as their JSON document.

use credence_core::model::{Provider, ProviderId};
use serde_json::json;

use crate::db::{sql, On, Pool};
use crate::decode::{document, to_document};
use crate::error::StoreError;
use crate::types::{Entity, Stamp, Written};
use crate::write::{conditional, Write};

/// Writes a provider if the store still holds what the caller decided on: `expected` `None`
/// creates it, `Some(stored)` replaces `stored` (as for specifications).
pub(crate) async fn put(
    w: &mut Write,
    stamp: &Stamp,
    provider: &Provider,
    expected: Option<&Provider>,
) -> Result<Written, StoreError> {
    let doc = to_document("provider", provider)?;
    let stored = get(&mut w.tx, provider.ukprn()).await?;
    let ukprn = provider.ukprn();
    let written = conditional(
        Entity::Provider,
        || ukprn.to_string(),
        expected,
        stored.as_ref(),
    )?;
    let text = match written {
        Written::Created => {
            "INSERT INTO providers (ukprn, name, document, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)"
        }
        Written::Updated => {
            "UPDATE providers SET name = $2, document = $3, updated_at = $4 WHERE ukprn = $1"
        }
    };
    sql(text)
        .bind(ukprn.as_str())
        .bind(provider.name())
        .bind(doc)
        .bind(stamp.at())
        .execute(&mut w.tx)
        .await?;
    w.audit(
        stamp,
        "provider.put",
        provider.ukprn().as_str(),
        &json!({ "provider": provider }),
    )?;
    Ok(written)
}

/// Whether a provider exists (inside a transaction).
pub(crate) async fn exists(w: &mut Write, ukprn: &ProviderId) -> Result<bool, StoreError> {
    let row: Option<(String,)> = sql("SELECT ukprn FROM providers WHERE ukprn = $1")
        .bind(ukprn.as_str())
        .fetch_optional(&mut w.tx)
        .await?;
    Ok(row.is_some())
}

/// One provider.
pub(crate) async fn get<'a>(
    on: impl Into<On<'a>>,
    ukprn: &ProviderId,
) -> Result<Option<Provider>, StoreError> {
    let row: Option<(String,)> = sql("SELECT document FROM providers WHERE ukprn = $1")
        .bind(ukprn.as_str())
        .fetch_optional(on)
        .await?;
    row.map(|(d,)| document("provider", &d)).transpose()
}

/// All providers, by UKPRN.
pub(crate) async fn list(pool: &Pool) -> Result<Vec<Provider>, StoreError> {
    let rows: Vec<(String,)> = sql("SELECT document FROM providers ORDER BY ukprn")
        .fetch_all(pool)
        .await?;
    rows.iter().map(|(d,)| document("provider", d)).collect()
}
