//! Credential specifications, one row per version, kept as their JSON document.

use credence_core::model::{CredentialSpecification, SpecId, SpecVersion};
use serde_json::json;

use crate::db::{sql, On, Pool};
use crate::decode::{document, to_document};
use crate::error::StoreError;
use crate::types::{Entity, Stamp, Written};
use crate::write::{conditional, Write};

/// Writes one specification version if the store still holds what the caller decided on:
/// `expected` `None` creates it (an [`AlreadyExists`](StoreError::AlreadyExists) if another
/// writer created it first); `Some(stored)` replaces `stored` (a
/// [`Changed`](StoreError::Changed) if it is no longer that).
pub(crate) async fn put(
    w: &mut Write,
    stamp: &Stamp,
    spec: &CredentialSpecification,
    expected: Option<&CredentialSpecification>,
) -> Result<Written, StoreError> {
    let doc = to_document("specification", spec)?;
    let stored = get(&mut w.tx, spec.id(), spec.version()).await?;
    let subject = format!("{} {}", spec.id(), spec.version());
    let written = conditional(
        Entity::Specification,
        || subject.clone(),
        expected,
        stored.as_ref(),
    )?;
    let text = match written {
        Written::Created => {
            "INSERT INTO specifications (spec_id, version, title, document, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
        }
        Written::Updated => {
            "UPDATE specifications SET title = $3, document = $4, updated_at = $5 \
             WHERE spec_id = $1 AND version = $2"
        }
    };
    sql(text)
        .bind(spec.id().as_str())
        .bind(spec.version().as_str())
        .bind(spec.title())
        .bind(doc)
        .bind(stamp.at())
        .execute(&mut w.tx)
        .await?;
    w.audit(
        stamp,
        "specification.put",
        &subject,
        &json!({ "specification": spec }),
    )?;
    Ok(written)
}

/// Whether a specification version exists (inside a transaction).
pub(crate) async fn exists(
    w: &mut Write,
    id: &SpecId,
    version: &SpecVersion,
) -> Result<bool, StoreError> {
    let row: Option<(String,)> =
        sql("SELECT spec_id FROM specifications WHERE spec_id = $1 AND version = $2")
            .bind(id.as_str())
            .bind(version.as_str())
            .fetch_optional(&mut w.tx)
            .await?;
    Ok(row.is_some())
}

/// One specification version.
pub(crate) async fn get<'a>(
    on: impl Into<On<'a>>,
    id: &SpecId,
    version: &SpecVersion,
) -> Result<Option<CredentialSpecification>, StoreError> {
    let row: Option<(String,)> =
        sql("SELECT document FROM specifications WHERE spec_id = $1 AND version = $2")
            .bind(id.as_str())
            .bind(version.as_str())
            .fetch_optional(on)
            .await?;
    row.map(|(d,)| document("specification", &d)).transpose()
}

/// All specification versions, by code then version number (1.10 after 1.9).
pub(crate) async fn list(pool: &Pool) -> Result<Vec<CredentialSpecification>, StoreError> {
    let rows: Vec<(String,)> = sql("SELECT document FROM specifications ORDER BY spec_id, version")
        .fetch_all(pool)
        .await?;
    let mut specs: Vec<CredentialSpecification> = rows
        .iter()
        .map(|(d,)| document("specification", d))
        .collect::<Result<_, _>>()?;
    specs.sort_by(|a, b| (a.id(), a.version().numbers()).cmp(&(b.id(), b.version().numbers())));
    Ok(specs)
}
