//! `GET /api/v1/keys` (the signing keys' public parts and states) and `GET /api/v1/audit...` (the
//! hash-chained audit log and its check).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use credence_store::{AuditEntry, ChainCheck, SigningKeyRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Admin;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// The keys and audit routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/keys", get(keys))
        .route("/api/v1/audit", get(audit))
        .route("/api/v1/audit/verify", get(verify))
}

/// A signing key's public part and state.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeyView {
    /// The verification method id badges name in their proofs.
    pub verification_method: String,
    /// The Ed25519 public key as a Multikey (`z6Mk...`).
    pub public_key_multibase: String,
    /// `active` (signs new badges) or `retired` (still published so earlier badges verify).
    pub state: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it was retired, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<DateTime<Utc>>,
}

impl From<SigningKeyRecord> for KeyView {
    fn from(k: SigningKeyRecord) -> Self {
        KeyView {
            verification_method: k.verification_method.as_str().to_owned(),
            public_key_multibase: k.public_key.to_multibase(),
            state: k.state.as_str().to_owned(),
            created_at: k.created_at,
            retired_at: k.retired_at,
        }
    }
}

/// The signing keys.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeyList {
    /// Oldest first.
    pub items: Vec<KeyView>,
}

/// One audit log row.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    /// Position in the chain, from 1.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who, e.g. `client:3`, `cli:alice`, `system`.
    pub actor: String,
    /// What, e.g. `specification.put`.
    pub action: String,
    /// On what, e.g. `CS-OPF 1.0`.
    pub subject: String,
    /// Details (hashed in their canonical RFC 8785 form).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        // The detail is stored as canonical JSON text; should it not parse, show it as text.
        let detail = serde_json::from_str(&e.detail)
            .unwrap_or_else(|_| serde_json::Value::String(e.detail.clone()));
        AuditEntryView {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            detail,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    /// Rows in chain order.
    pub items: Vec<AuditEntryView>,
    /// Pass as `after` for the next page; absent when this page is not full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

/// Where to read the audit log.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Rows after this id (default 0: from the start).
    after: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<u32>,
}

/// The result of checking the audit chain.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChainReport {
    /// Whether every row links to the one before and hashes to its recorded hash.
    pub intact: bool,
    /// Rows checked (when intact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// The row at which the chain is broken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_id: Option<i64>,
    /// `hash_mismatch`, `prev_hash_mismatch`, `missing_rows` or `truncated_tail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The break in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl From<ChainCheck> for ChainReport {
    fn from(check: ChainCheck) -> Self {
        match check {
            ChainCheck::Intact { rows } => ChainReport {
                intact: true,
                rows: Some(rows),
                row_id: None,
                reason: None,
                detail: None,
            },
            ChainCheck::Broken(b) => ChainReport {
                intact: false,
                rows: None,
                row_id: Some(b.row_id),
                reason: Some(b.reason.code().to_owned()),
                detail: Some(b.reason.to_string()),
            },
        }
    }
}

/// The signing keys' public parts and states.
#[utoipa::path(get, path = "/api/v1/keys", tag = "administration",
    responses(
        (status = 200, body = KeyList),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn keys(State(state): State<AppState>, _admin: Admin) -> Result<Json<KeyList>, ApiError> {
    let items = state.store.signing_keys().await?;
    Ok(Json(KeyList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Read the audit log in chain order, a page at a time.
#[utoipa::path(get, path = "/api/v1/audit", tag = "administration", params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    let invalid = |detail: String| ApiError::InvalidQuery { detail };
    let Query(q) = query.map_err(|e| invalid(e.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(invalid("after must be 0 or more".to_owned()));
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("limit must be between 1 and 1000".to_owned()));
    }
    let rows = state.store.audit_entries(after, limit).await?;
    let full = rows.len() == limit as usize;
    let next_after = rows.last().filter(|_| full).map(|e| e.id);
    Ok(Json(AuditPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

/// Check the whole audit chain: every row links to the one before and hashes to its recorded hash,
/// and the chain reaches the recorded head. Answered 200 either way; `intact` says which.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "administration",
    responses((status = 200, body = ChainReport)),
    security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<ChainReport>, ApiError> {
    Ok(Json(state.store.verify_audit_chain().await?.into()))
}
