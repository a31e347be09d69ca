//! `/api/v1/providers`: the education providers the Centre knows, by UKPRN.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use credence_core::model::{ProviderId, RawProvider};
use serde::Serialize;
use utoipa::ToSchema;

use super::{added, ProviderDoc};
use crate::auth::Admin;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;
use credence_app::admin::{add_provider, replace_provider};

/// The provider routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/providers", get(list).post(create))
        .route("/api/v1/providers/{ukprn}", get(one).put(replace))
}

/// All providers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderList {
    /// By UKPRN.
    #[schema(value_type = Vec<ProviderDoc>)]
    pub items: Vec<RawProvider>,
}

fn location(ukprn: &ProviderId) -> String {
    format!("/api/v1/providers/{ukprn}")
}

/// List every provider.
#[utoipa::path(get, path = "/api/v1/providers", tag = "administration",
    responses(
        (status = 200, body = ProviderList),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<ProviderList>, ApiError> {
    let items = state.store.list_providers().await?;
    Ok(Json(ProviderList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add a provider: 201 when new, 200 when the same document is already stored, 409 when the UKPRN
/// is stored with a different name or website (replace it with `PUT`).
#[utoipa::path(post, path = "/api/v1/providers", tag = "administration",
    request_body = ProviderDoc,
    responses(
        (status = 201, description = "Created", body = ProviderDoc),
        (status = 200, description = "Already stored", body = ProviderDoc),
        (status = 409, description = "The UKPRN exists with different content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(raw): ApiJson<RawProvider>,
) -> Result<Response, ApiError> {
    let (provider, written) =
        add_provider(state.store.as_ref(), &state.stamp(caller.actor()), raw).await?;
    Ok(added(
        written,
        location(provider.ukprn()),
        RawProvider::from(provider),
    ))
}

/// Create or replace a provider (its name or website changed): 201 when new, else 200. The body's
/// `ukprn` must be the one in the path.
#[utoipa::path(put, path = "/api/v1/providers/{ukprn}", tag = "administration",
    params(("ukprn" = String, Path, description = "The provider's UKPRN")),
    request_body = ProviderDoc,
    responses(
        (status = 201, description = "Created", body = ProviderDoc),
        (status = 200, description = "Replaced, or already stored", body = ProviderDoc),
        (status = 400, description = "The body names another UKPRN", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn replace(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(ukprn): Path<String>,
    ApiJson(raw): ApiJson<RawProvider>,
) -> Result<Response, ApiError> {
    if raw.ukprn.trim() != ukprn {
        return Err(ApiError::MalformedBody {
            detail: format!(
                "the body's ukprn {:?} is not the one in the path ({ukprn:?})",
                raw.ukprn
            ),
        });
    }
    let (provider, written) =
        replace_provider(state.store.as_ref(), &state.stamp(caller.actor()), raw).await?;
    Ok(added(
        written,
        location(provider.ukprn()),
        RawProvider::from(provider),
    ))
}

/// One provider.
#[utoipa::path(get, path = "/api/v1/providers/{ukprn}", tag = "administration",
    params(("ukprn" = String, Path, description = "The provider's UKPRN")),
    responses(
        (status = 200, body = ProviderDoc),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn one(
    State(state): State<AppState>,
    _admin: Admin,
    Path(ukprn): Path<String>,
) -> Result<Json<RawProvider>, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "provider",
        id: ukprn.clone(),
    };
    let id = ProviderId::try_from(ukprn.as_str()).map_err(|_| not_found())?;
    let provider = state.store.provider(&id).await?.ok_or_else(not_found)?;
    Ok(Json(provider.into()))
}
