//! `/api/v1/approvals`: providers' approvals to deliver specification versions, and their status
//! changes (suspension, reinstatement, withdrawal...).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use credence_core::model::{ApprovalChange, ApprovalId, ProviderId, RawProviderApproval};
use credence_store::ApprovalChangeRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{added, ApprovalChangeDoc, ApprovalDoc};
use crate::auth::Admin;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;
use credence_app::admin::{add_approval, change_approval};

/// The approval routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/approvals", get(list).post(create))
        .route("/api/v1/approvals/{id}", get(one))
        .route("/api/v1/approvals/{id}/changes", post(add_change))
        .route("/api/v1/approvals/{id}/history", get(history))
}

/// Approvals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalList {
    /// By id.
    #[schema(value_type = Vec<ApprovalDoc>)]
    pub items: Vec<RawProviderApproval>,
}

/// Filters for listing approvals.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApprovalQuery {
    /// Only this provider's approvals (UKPRN).
    provider: Option<String>,
}

/// One recorded status change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApprovalChangeView {
    /// Position in the history, from 0.
    pub seq: u32,
    /// The new status.
    pub status: String,
    /// The first day it applies.
    pub effective: NaiveDate,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it, e.g. `client:3` or `cli:alice`.
    pub recorded_by: String,
}

impl From<ApprovalChangeRecord> for ApprovalChangeView {
    fn from(r: ApprovalChangeRecord) -> Self {
        ApprovalChangeView {
            seq: r.seq,
            status: r.change.status.as_str().to_owned(),
            effective: r.change.effective,
            note: r.change.note,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by,
        }
    }
}

/// An approval's recorded status changes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApprovalHistory {
    /// The approval id.
    pub approval: String,
    /// Oldest first.
    pub items: Vec<ApprovalChangeView>,
}

fn approval_id(segment: &str) -> Result<ApprovalId, ApiError> {
    ApprovalId::try_from(segment).map_err(|_| ApiError::NotFound {
        what: "approval",
        id: segment.to_owned(),
    })
}

/// List approvals, optionally of one provider.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "administration", params(ApprovalQuery),
    responses(
        (status = 200, body = ApprovalList),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<ApprovalQuery>, QueryRejection>,
) -> Result<Json<ApprovalList>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::InvalidQuery {
        detail: e.body_text(),
    })?;
    let provider = q
        .provider
        .as_deref()
        .map(ProviderId::try_from)
        .transpose()
        .map_err(|e| ApiError::InvalidQuery {
            detail: e.to_string(),
        })?;
    let items = state.store.list_approvals(provider.as_ref()).await?;
    Ok(Json(ApprovalList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add an approval of a known provider for a known specification version: 201 when new, 200 when
/// the same document is already stored, 409 when the id is stored with different content (record
/// status changes with `POST /api/v1/approvals/{id}/changes`), 422 for an unknown provider or
/// specification version or an invalid document.
#[utoipa::path(post, path = "/api/v1/approvals", tag = "administration",
    request_body = ApprovalDoc,
    responses(
        (status = 201, description = "Created", body = ApprovalDoc),
        (status = 200, description = "Already stored", body = ApprovalDoc),
        (status = 409, description = "The id exists with different content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid, or unknown provider or specification version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(raw): ApiJson<RawProviderApproval>,
) -> Result<Response, ApiError> {
    let (approval, written) =
        add_approval(state.store.as_ref(), &state.stamp(caller.actor()), raw).await?;
    Ok(added(
        written,
        format!("/api/v1/approvals/{}", approval.id()),
        RawProviderApproval::from(approval),
    ))
}

/// One approval.
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "administration",
    params(("id" = String, Path, description = "The approval id, e.g. AP-001")),
    responses(
        (status = 200, body = ApprovalDoc),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn one(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<RawProviderApproval>, ApiError> {
    let approval = state
        .store
        .approval(&approval_id(&id)?)
        .await?
        .ok_or(ApiError::NotFound {
            what: "approval",
            id,
        })?;
    Ok(Json(approval.into()))
}

/// Record a status change (suspended, approved to reinstate, withdrawn...), effective after the
/// last recorded one: 201 with the approval as it now stands.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/changes", tag = "administration",
    params(("id" = String, Path, description = "The approval id, e.g. AP-001")),
    request_body = ApprovalChangeDoc,
    responses(
        (status = 201, description = "Recorded", body = ApprovalDoc),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The change is invalid (e.g. not after the last change)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn add_change(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<ApprovalChange>,
) -> Result<Response, ApiError> {
    let id = approval_id(&id)?;
    let approval = change_approval(
        state.store.as_ref(),
        &state.stamp(caller.actor()),
        &id,
        change,
    )
    .await?;
    let location = format!("/api/v1/approvals/{id}/history");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(RawProviderApproval::from(approval)),
    )
        .into_response())
}

/// An approval's status changes, oldest first, with who recorded each and when.
#[utoipa::path(get, path = "/api/v1/approvals/{id}/history", tag = "administration",
    params(("id" = String, Path, description = "The approval id, e.g. AP-001")),
    responses(
        (status = 200, body = ApprovalHistory),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<ApprovalHistory>, ApiError> {
    let approval_id = approval_id(&id)?;
    if state.store.approval(&approval_id).await?.is_none() {
        return Err(ApiError::NotFound {
            what: "approval",
            id,
        });
    }
    let items = state.store.approval_history(&approval_id).await?;
    Ok(Json(ApprovalHistory {
        approval: approval_id.to_string(),
        items: items.into_iter().map(Into::into).collect(),
    }))
}
