//! Badge status: administrators revoke, suspend and reinstate badges
//! (`POST /api/v1/badges/{id}/revoke|suspend|reinstate`), administrators and the owning provider
//! read a badge's status (`GET /api/v1/badges/{id}/status`), and anyone fetches the published
//! status lists (`GET /status/{list}`, CORS open, ETag and `Cache-Control: max-age`).

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use credence_core::model::BadgeId;
use credence_core::status::StatusReason;
use credence_store::{BadgeStatus, SlotStatus};
use credence_vc::status::StatusPurpose;
use serde::{Deserialize, Serialize};
use tower_http::cors::CorsLayer;
use utoipa::ToSchema;

use credence_app::status as app;

use crate::auth::{Admin, Caller};
use crate::error::ApiError;
use crate::extract::{is_json, media_type, parse_json, read_body, ApiJson};
use crate::routes::badge_id_from_path;
use crate::routes::badges::{visible, VC_LD_JSON};
use crate::state::AppState;
use crate::status_lists;

/// The status routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/badges/{id}/revoke", post(revoke))
        .route("/api/v1/badges/{id}/suspend", post(suspend))
        .route("/api/v1/badges/{id}/reinstate", post(reinstate))
        .route("/api/v1/badges/{id}/status", get(badge_status))
        .merge(
            Router::new()
                .route("/status/{list}", get(status_list))
                .layer(CorsLayer::permissive()),
        )
}

/// A revocation or suspension.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// Why: `issued_in_error`, `completion_withdrawn`, `academic_misconduct`,
    /// `under_investigation` or `other`.
    #[schema(value_type = String, example = "issued_in_error")]
    pub reason: StatusReason,
    /// Free text kept with the change (at most 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// A reinstatement (the body may be empty).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reinstatement {
    /// Free text kept with the change (at most 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// One of a badge's two status bits.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatusBitView {
    /// Whether the bit is set (revoked, or suspended).
    pub set: bool,
    /// Why, while set.
    #[schema(value_type = Option<String>, example = "issued_in_error")]
    pub reason: Option<StatusReason>,
    /// The note given with the last change.
    pub note: Option<String>,
    /// When the bit was set, while it is.
    pub since: Option<DateTime<Utc>>,
    /// When the bit last changed (set, or cleared by a reinstatement).
    pub changed_at: Option<DateTime<Utc>>,
    /// Who changed it last (`client:<id>`).
    pub changed_by: Option<String>,
    /// The status list holding the bit.
    pub status_list_credential: String,
    /// The bit's index in the list.
    pub status_list_index: u64,
}

/// A badge's status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BadgeStatusView {
    /// `urn:uuid:...`.
    pub badge_id: String,
    /// `active`, `suspended` or `revoked` (revocation decides over a suspension).
    pub status: String,
    /// Since when the badge has been revoked or suspended (absent while active).
    pub since: Option<DateTime<Utc>>,
    /// The revocation bit.
    pub revocation: StatusBitView,
    /// The suspension bit.
    pub suspension: StatusBitView,
}

impl BadgeStatusView {
    fn new(state: &AppState, s: &BadgeStatus) -> Self {
        let bit = |b: &SlotStatus| StatusBitView {
            set: b.set,
            reason: b.reason,
            note: b.note.clone(),
            since: b.changed_at.filter(|_| b.set),
            changed_at: b.changed_at,
            changed_by: b.changed_by.clone(),
            status_list_credential: b.slot.list.url(state.issuer.base_url()),
            status_list_index: b.slot.index,
        };
        let (status, since) = if s.is_revoked() {
            ("revoked", s.revocation.changed_at)
        } else if s.is_suspended() {
            ("suspended", s.suspension.changed_at)
        } else {
            ("active", None)
        };
        BadgeStatusView {
            badge_id: s.badge.to_string(),
            status: status.to_owned(),
            since,
            revocation: bit(&s.revocation),
            suspension: bit(&s.suspension),
        }
    }
}

/// A note as kept: trimmed, absent when blank, refused when too long.
fn badge_id(id: &str) -> Result<BadgeId, ApiError> {
    badge_id_from_path(id)
}

/// Sets a badge's revocation or suspension bit, with the change's reason and note.
async fn set_bit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    change: &StatusChange,
    purpose: StatusPurpose,
) -> Result<Json<BadgeStatusView>, ApiError> {
    let badge = badge_id(id)?;
    let (reason, note) = (change.reason, change.note.clone());
    let change = match purpose {
        StatusPurpose::Revocation => app::StatusChange::Revoke { reason, note },
        StatusPurpose::Suspension => app::StatusChange::Suspend { reason, note },
    };
    let status = app::change_status(
        state.store.as_ref(),
        &state.stamp(caller.actor()),
        &badge,
        &change,
    )
    .await?;
    Ok(Json(BadgeStatusView::new(state, &status)))
}

/// Revoke a badge, for good: its revocation bit is set in its status list, so every verifier
/// reports it revoked from now on (this service's own at once; others within the list's ttl).
#[utoipa::path(post, path = "/api/v1/badges/{id}/revoke", tag = "status",
    params(("id" = String, Path, description = "The badge's UUID")),
    request_body = StatusChange,
    responses(
        (status = 200, body = BadgeStatusView),
        (status = 404, description = "No such badge", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<BadgeStatusView>, ApiError> {
    set_bit(&state, &caller, &id, &change, StatusPurpose::Revocation).await
}

/// Suspend a badge: its suspension bit is set until it is reinstated.
#[utoipa::path(post, path = "/api/v1/badges/{id}/suspend", tag = "status",
    params(("id" = String, Path, description = "The badge's UUID")),
    request_body = StatusChange,
    responses(
        (status = 200, body = BadgeStatusView),
        (status = 404, description = "No such badge", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already suspended, or revoked", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn suspend(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<BadgeStatusView>, ApiError> {
    set_bit(&state, &caller, &id, &change, StatusPurpose::Suspension).await
}

/// Lift a badge's suspension (a revocation is final and cannot be lifted). The body, with an
/// optional note, may be left out.
#[utoipa::path(post, path = "/api/v1/badges/{id}/reinstate", tag = "status",
    params(("id" = String, Path, description = "The badge's UUID")),
    request_body(content = Option<Reinstatement>),
    responses(
        (status = 200, body = BadgeStatusView),
        (status = 404, description = "No such badge", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended, or revoked", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn reinstate(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
    request: Request,
) -> Result<Json<BadgeStatusView>, ApiError> {
    let media = media_type(request.headers());
    let body = read_body(request.into_body(), state.config.max_body_bytes).await?;
    let change: Reinstatement = if body.iter().all(u8::is_ascii_whitespace) {
        Reinstatement::default()
    } else if media.as_deref().is_some_and(is_json) {
        parse_json(&body)?
    } else {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    };
    let badge = badge_id(&id)?;
    let change = app::StatusChange::Reinstate { note: change.note };
    let status = app::change_status(
        state.store.as_ref(),
        &state.stamp(caller.actor()),
        &badge,
        &change,
    )
    .await?;
    Ok(Json(BadgeStatusView::new(&state, &status)))
}

/// A badge's status (administrators, and the provider whose badge it is).
#[utoipa::path(get, path = "/api/v1/badges/{id}/status", tag = "status",
    params(("id" = String, Path, description = "The badge's UUID")),
    responses(
        (status = 200, body = BadgeStatusView),
        (status = 404, description = "No such badge, or it has no status entries", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn badge_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BadgeStatusView>, ApiError> {
    let badge = visible(&state, &caller, &id).await?;
    let status = state
        .store
        .badge_status(&badge.id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "badge status",
            id: id.clone(),
        })?;
    Ok(Json(BadgeStatusView::new(&state, &status)))
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison, `*` matches anything).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// A published status list: the signed `BitstringStatusListCredential` (eddsa-rdfc-2022, by the
/// active key), made again only when one of its bits changed. Cacheable for its `ttl` (300 s);
/// `If-None-Match` with its ETag answers 304.
#[utoipa::path(get, path = "/status/{list}", tag = "public",
    params(("list" = u64, Path, description = "The list's number")),
    responses(
        (status = 200, description = "BitstringStatusListCredential", content_type = "application/vc+ld+json"),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "status list",
        id: list.clone(),
    };
    let id = status_lists::list_id_of_segment(&list).ok_or_else(not_found)?;
    let published = status_lists::published(&state, id)
        .await?
        .ok_or_else(not_found)?;
    let etag = HeaderValue::from_str(&published.etag).map_err(|e| ApiError::Internal(e.into()))?;
    let cache = HeaderValue::from_str(&format!("public, max-age={}", status_lists::TTL.as_secs()))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut response = if none_match(&headers, &published.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, VC_LD_JSON)], published.credential).into_response()
    };
    let out = response.headers_mut();
    out.insert(header::ETAG, etag);
    out.insert(header::CACHE_CONTROL, cache);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_forms() {
        let etag = "\"1.2.abcd\"";
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            none_match(&h, etag)
        };
        assert!(with("\"1.2.abcd\""));
        assert!(with("W/\"1.2.abcd\""));
        assert!(with("\"x\", \"1.2.abcd\""));
        assert!(with("*"));
        assert!(!with("\"1.3.abcd\""));
        assert!(!none_match(&HeaderMap::new(), etag));
    }
}
