//! `/api/v1/specifications`: the Centre's credential specification versions.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use credence_core::model::{RawCredentialSpecification, SpecId, SpecVersion};
use serde::Serialize;
use utoipa::ToSchema;

use super::{added, SpecificationDoc};
use crate::auth::Admin;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;
use credence_app::admin::add_specification;

/// The specification routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/specifications", get(list).post(create))
        .route("/api/v1/specifications/{code}/{version}", get(one))
}

/// All specification versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecificationList {
    /// By code, then version (1.10 after 1.9).
    #[schema(value_type = Vec<SpecificationDoc>)]
    pub items: Vec<RawCredentialSpecification>,
}

/// List every specification version.
#[utoipa::path(get, path = "/api/v1/specifications", tag = "administration",
    responses(
        (status = 200, body = SpecificationList),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<SpecificationList>, ApiError> {
    let items = state.store.list_specifications().await?;
    Ok(Json(SpecificationList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add a specification version: 201 when new; 200 when the same document is already stored, or
/// when it only extends the stored status history (e.g. to retire the version); 409 when it
/// differs otherwise (a published version is fixed: publish a new version).
#[utoipa::path(post, path = "/api/v1/specifications", tag = "administration",
    request_body = SpecificationDoc,
    responses(
        (status = 201, description = "Created", body = SpecificationDoc),
        (status = 200, description = "Already stored, or its status history extended", body = SpecificationDoc),
        (status = 409, description = "The version exists with different content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(raw): ApiJson<RawCredentialSpecification>,
) -> Result<Response, ApiError> {
    let (spec, written) =
        add_specification(state.store.as_ref(), &state.stamp(caller.actor()), raw).await?;
    let location = format!("/api/v1/specifications/{}/{}", spec.id(), spec.version());
    Ok(added(
        written,
        location,
        RawCredentialSpecification::from(spec),
    ))
}

/// One specification version.
#[utoipa::path(get, path = "/api/v1/specifications/{code}/{version}", tag = "administration",
    params(
        ("code" = String, Path, description = "Specification code, e.g. CS-OPF"),
        ("version" = String, Path, description = "Version, e.g. 1.0"),
    ),
    responses(
        (status = 200, body = SpecificationDoc),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn one(
    State(state): State<AppState>,
    _admin: Admin,
    Path((code, version)): Path<(String, String)>,
) -> Result<Json<RawCredentialSpecification>, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "specification",
        id: format!("{code} {version}"),
    };
    let id = SpecId::try_from(code.as_str()).map_err(|_| not_found())?;
    let v = SpecVersion::try_from(version.as_str()).map_err(|_| not_found())?;
    let spec = state
        .store
        .specification(&id, &v)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(spec.into()))
}
