//! Provider approvals, kept as their JSON document, and each recorded status change with who
//! recorded it and when. Whether a replacement may be stored is the core's rule
//! ([`ProviderApproval::extends`]), applied inside the writing transaction.

use chrono::{DateTime, NaiveDate, Utc};
use credence_core::model::{
    ApprovalChange, ApprovalId, ApprovalStatus, ProviderApproval, ProviderId,
};
use serde_json::json;

use crate::db::{sql, Pool};
use crate::decode::{document, signed, to_document};
use crate::error::StoreError;
use crate::types::{ApprovalChangeRecord, Entity, Stamp, Written};
use crate::write::{conditional, Write};
use crate::{providers, specifications};

/// Writes an approval if the store still holds what the caller decided on (`expected` `None`
/// creates it, `Some(stored)` replaces `stored`). Its provider and specification version must
/// exist, and a replacement must extend the stored history ([`ProviderApproval::extends`]).
pub(crate) async fn put(
    w: &mut Write,
    stamp: &Stamp,
    approval: &ProviderApproval,
    expected: Option<&ProviderApproval>,
) -> Result<Written, StoreError> {
    if !providers::exists(w, approval.provider()).await? {
        return Err(StoreError::NotFound {
            what: Entity::Provider,
            id: approval.provider().to_string(),
        });
    }
    if !specifications::exists(w, approval.specification(), approval.version()).await? {
        return Err(StoreError::NotFound {
            what: Entity::Specification,
            id: format!("{} {}", approval.specification(), approval.version()),
        });
    }
    let doc = to_document("approval", approval)?;
    let stored = get_in(w, approval.id()).await?;
    let id = approval.id();
    let written = conditional(
        Entity::Approval,
        || id.to_string(),
        expected,
        stored.as_ref(),
    )?;
    let from = match &stored {
        Some(stored) if !approval.extends(stored) => {
            return Err(StoreError::HistoryRewrite {
                approval: id.clone(),
            })
        }
        Some(stored) => stored.history().len(),
        None => 0,
    };
    let text = match written {
        Written::Created => {
            "INSERT INTO approvals (approval_id, provider, spec_id, version, document, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
        }
        Written::Updated => {
            "UPDATE approvals SET provider = $2, spec_id = $3, version = $4, document = $5, \
             updated_at = $6 WHERE approval_id = $1"
        }
    };
    sql(text)
        .bind(id.as_str())
        .bind(approval.provider().as_str())
        .bind(approval.specification().as_str())
        .bind(approval.version().as_str())
        .bind(doc)
        .bind(stamp.at())
        .execute(&mut w.tx)
        .await?;
    insert_changes(w, stamp, approval, from).await?;
    w.audit(
        stamp,
        "approval.put",
        approval.id().as_str(),
        &json!({ "approval": approval }),
    )?;
    Ok(written)
}

/// Appends one status change (the core checks the result is a valid approval).
pub(crate) async fn add_change(
    w: &mut Write,
    stamp: &Stamp,
    id: &ApprovalId,
    change: ApprovalChange,
) -> Result<ProviderApproval, StoreError> {
    let stored = get_in(w, id).await?.ok_or_else(|| StoreError::NotFound {
        what: Entity::Approval,
        id: id.to_string(),
    })?;
    let from = stored.history().len();
    let new = stored
        .with_change(change.clone())
        .map_err(StoreError::InvalidChange)?;
    sql("UPDATE approvals SET document = $2, updated_at = $3 WHERE approval_id = $1")
        .bind(id.as_str())
        .bind(to_document("approval", &new)?)
        .bind(stamp.at())
        .execute(&mut w.tx)
        .await?;
    insert_changes(w, stamp, &new, from).await?;
    w.audit(
        stamp,
        "approval.change",
        id.as_str(),
        &json!({ "change": change }),
    )?;
    Ok(new)
}

async fn get_in(w: &mut Write, id: &ApprovalId) -> Result<Option<ProviderApproval>, StoreError> {
    let row: Option<(String,)> = sql("SELECT document FROM approvals WHERE approval_id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut w.tx)
        .await?;
    row.map(|(d,)| document("approval", &d)).transpose()
}

/// Records the changes of `approval`'s history from index `from` on.
async fn insert_changes(
    w: &mut Write,
    stamp: &Stamp,
    approval: &ProviderApproval,
    from: usize,
) -> Result<(), StoreError> {
    for (seq, c) in approval.history().iter().enumerate().skip(from) {
        sql(
            "INSERT INTO approval_changes (approval_id, seq, status, effective, note, \
             recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(approval.id().as_str())
        .bind(signed(seq as u64))
        .bind(c.status.as_str())
        .bind(c.effective)
        .bind(c.note.as_deref())
        .bind(stamp.at())
        .bind(stamp.actor().as_str())
        .execute(&mut w.tx)
        .await?;
    }
    Ok(())
}

/// One approval.
pub(crate) async fn get(
    pool: &Pool,
    id: &ApprovalId,
) -> Result<Option<ProviderApproval>, StoreError> {
    let row: Option<(String,)> = sql("SELECT document FROM approvals WHERE approval_id = $1")
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    row.map(|(d,)| document("approval", &d)).transpose()
}

/// Approvals, optionally of one provider only, by id.
pub(crate) async fn list(
    pool: &Pool,
    provider: Option<&ProviderId>,
) -> Result<Vec<ProviderApproval>, StoreError> {
    let rows: Vec<(String,)> = sql(
        "SELECT document FROM approvals WHERE ($1 IS NULL OR provider = $1) ORDER BY approval_id",
    )
    .bind(provider.map(|p| p.as_str()))
    .fetch_all(pool)
    .await?;
    rows.iter().map(|(d,)| document("approval", d)).collect()
}

type ChangeRow = (
    i64,
    String,
    NaiveDate,
    Option<String>,
    DateTime<Utc>,
    String,
);

/// The recorded changes of an approval, oldest first.
pub(crate) async fn history(
    pool: &Pool,
    id: &ApprovalId,
) -> Result<Vec<ApprovalChangeRecord>, StoreError> {
    let rows: Vec<ChangeRow> = sql(
        "SELECT seq, status, effective, note, recorded_at, recorded_by \
         FROM approval_changes WHERE approval_id = $1 ORDER BY seq",
    )
    .bind(id.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(seq, status, effective, note, recorded_at, recorded_by)| {
            let status: ApprovalStatus = serde_json::from_value(serde_json::Value::String(status))
                .map_err(|e| StoreError::corrupt("approval change status", e))?;
            Ok(ApprovalChangeRecord {
                seq: u32::try_from(seq).unwrap_or(u32::MAX),
                change: ApprovalChange {
                    status,
                    effective,
                    note,
                },
                recorded_at,
                recorded_by,
            })
        })
        .collect()
}
