//! `GET /api/v1/badges...`: stored badges for administrators (and a provider's own badges).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use credence_core::model::{BadgeId, ProviderId, SpecId, SpecVersion};
use credence_store::{BadgeFilter, BadgeRecord, Cursor};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::{badge_id_from_path, badge_path_segment};
use crate::state::AppState;

/// The media type of a Data Integrity secured credential.
pub const VC_LD_JSON: &str = "application/vc+ld+json";

/// The badge routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/badges", get(list))
        .route("/api/v1/badges/{id}", get(one))
        .route("/api/v1/badges/{id}/credential", get(credential))
        .route("/api/v1/badges/{id}/jwt", get(jwt))
}

/// The admin URL of a badge's signed credential.
pub fn credential_url(state: &AppState, id: &BadgeId) -> String {
    state.issuer.base_url().join(&format!(
        "api/v1/badges/{}/credential",
        badge_path_segment(id)
    ))
}

/// The practitioner's private claim link of a badge.
pub fn claim_url(state: &AppState, id: &BadgeId) -> String {
    state
        .issuer
        .base_url()
        .join(&format!("claim/{}", state.claims.token_for(id)))
}

/// A stored badge, as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BadgeView {
    /// `urn:uuid:...`.
    pub id: String,
    /// Provider UKPRN.
    pub provider: String,
    /// The provider's reference.
    pub provider_reference: String,
    /// Specification code.
    pub specification: String,
    /// Specification version.
    pub specification_version: String,
    /// Completion date.
    pub completed_on: NaiveDate,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The key that signed it.
    pub verification_method: String,
    /// The signed credential (exact bytes at this URL).
    pub credential_url: String,
    /// The completion's fingerprint (hex SHA-256 of its normalised fields).
    pub fingerprint: String,
}

impl BadgeView {
    fn new(state: &AppState, b: &BadgeRecord) -> Self {
        BadgeView {
            id: b.id.to_string(),
            provider: b.provider.to_string(),
            provider_reference: b.provider_reference.to_string(),
            specification: b.specification.to_string(),
            specification_version: b.version.to_string(),
            completed_on: b.completed_on,
            issued_at: b.issued_at,
            verification_method: b.verification_method.as_str().to_owned(),
            credential_url: credential_url(state, &b.id),
            fingerprint: b.fingerprint.to_hex(),
        }
    }
}

/// A page of badges.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BadgeList {
    /// The badges, oldest first.
    pub items: Vec<BadgeView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Filters for listing badges.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// Only this provider (UKPRN).
    provider: Option<String>,
    /// Only this specification code.
    specification: Option<String>,
    /// Only this version (with `specification`).
    specification_version: Option<String>,
    /// Issued at or after (RFC 3339).
    issued_from: Option<DateTime<Utc>>,
    /// Issued before (RFC 3339).
    issued_before: Option<DateTime<Utc>>,
    /// Where to continue (from `next_cursor`).
    cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<u32>,
}

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::InvalidQuery {
        detail: detail.into(),
    }
}

/// Loads a badge the caller may see (a provider sees only its own; others are "not found").
pub(crate) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<BadgeRecord, ApiError> {
    let badge_id = badge_id_from_path(id)?;
    let not_found = || ApiError::NotFound {
        what: "badge",
        id: id.to_owned(),
    };
    let badge = state.store.badge(&badge_id).await?.ok_or_else(not_found)?;
    if caller.may_act_for(&badge.provider).is_err() {
        return Err(not_found());
    }
    Ok(badge)
}

/// List badges, filtered, oldest first, with cursor pagination.
#[utoipa::path(get, path = "/api/v1/badges", tag = "badges", params(BadgeQuery),
    responses((status = 200, body = BadgeList)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<BadgeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<BadgeList>, ApiError> {
    let Query(q) = query.map_err(|e| invalid(e.body_text()))?;
    let mut provider = q
        .provider
        .as_deref()
        .map(ProviderId::try_from)
        .transpose()
        .map_err(|e| invalid(e.to_string()))?;
    if let Some(own) = caller.provider() {
        if let Some(p) = &provider {
            caller.may_act_for(p)?;
        }
        provider = Some(own.clone());
    }
    let filter = BadgeFilter {
        provider,
        specification: q
            .specification
            .as_deref()
            .map(SpecId::try_from)
            .transpose()
            .map_err(|e| invalid(e.to_string()))?,
        version: q
            .specification_version
            .as_deref()
            .map(SpecVersion::try_from)
            .transpose()
            .map_err(|e| invalid(e.to_string()))?,
        issued_from: q.issued_from,
        issued_before: q.issued_before,
    };
    let cursor = q
        .cursor
        .as_deref()
        .map(str::parse::<Cursor>)
        .transpose()
        .map_err(|_| invalid("cursor is not one this service gave out"))?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("limit must be between 1 and 1000"));
    }
    let page = state.store.list_badges(&filter, cursor, limit).await?;
    Ok(Json(BadgeList {
        items: page
            .items
            .iter()
            .map(|b| BadgeView::new(&state, b))
            .collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// One stored badge.
#[utoipa::path(get, path = "/api/v1/badges/{id}", tag = "badges",
    params(("id" = String, Path, description = "The badge's UUID")),
    responses((status = 200, body = BadgeView), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BadgeView>, ApiError> {
    let badge = visible(&state, &caller, &id).await?;
    Ok(Json(BadgeView::new(&state, &badge)))
}

/// The signed credential, byte for byte as issued.
#[utoipa::path(get, path = "/api/v1/badges/{id}/credential", tag = "badges",
    params(("id" = String, Path, description = "The badge's UUID")),
    responses(
        (status = 200, description = "The signed credential", content_type = "application/vc+ld+json"),
        (status = 404, description = "No such badge (or not the caller's)", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn credential(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let badge = visible(&state, &caller, &id).await?;
    Ok(([(header::CONTENT_TYPE, VC_LD_JSON)], badge.credential).into_response())
}

/// The same credential as a compact VC-JWT.
#[utoipa::path(get, path = "/api/v1/badges/{id}/jwt", tag = "badges",
    params(("id" = String, Path, description = "The badge's UUID")),
    responses(
        (status = 200, description = "The VC-JWT", content_type = "application/jwt"),
        (status = 404, description = "No such badge (or not the caller's), or it has no VC-JWT", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn jwt(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let badge = visible(&state, &caller, &id).await?;
    let token = badge_jwt(&badge)?;
    Ok(([(header::CONTENT_TYPE, "application/jwt")], token).into_response())
}

/// A badge's VC-JWT, whole: the store keeps it without its payload, which is the credential.
pub(crate) fn badge_jwt(badge: &BadgeRecord) -> Result<String, ApiError> {
    let stored = badge.jwt.as_deref().ok_or_else(|| ApiError::NotFound {
        what: "badge JWT",
        id: badge.id.to_string(),
    })?;
    credence_app::badge_jwt(&badge.credential, stored).map_err(|e| ApiError::Internal(e.into()))
}
