//! `/api/v1/clients`: API clients and their bearer tokens (shown once, stored as a hash).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use credence_store::{ApiClient, ApiClientId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::state::AppState;
use credence_app::admin::{create_client, revoke_client};

/// The API client routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clients", get(list).post(create))
        .route("/api/v1/clients/{id}/revoke", post(revoke))
}

/// A new API client.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientRequest {
    /// A label, e.g. `University of Leeds registry`.
    pub name: String,
    /// `admin`, or `provider:<UKPRN>` for a known provider.
    #[schema(example = "provider:10007795")]
    pub scope: String,
}

/// An API client (never its token).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientView {
    /// Its id.
    pub id: i64,
    /// Its label.
    pub name: String,
    /// `admin` or `provider:<UKPRN>`.
    pub scope: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiClient> for ClientView {
    fn from(c: ApiClient) -> Self {
        ClientView {
            id: c.id.0,
            name: c.name,
            scope: c.scope.to_string(),
            created_at: c.created_at,
            revoked_at: c.revoked_at,
        }
    }
}

/// A client just created, with its token: the only time the token is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewClientAnswer {
    /// Its id.
    pub id: i64,
    /// Its label.
    pub name: String,
    /// `admin` or `provider:<UKPRN>`.
    pub scope: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The bearer token (`cred_` and 64 hex digits). Keep it: only its hash is stored.
    pub token: String,
}

/// API clients.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientList {
    /// By id, revoked ones included.
    pub items: Vec<ClientView>,
}

/// List API clients, revoked ones included.
#[utoipa::path(get, path = "/api/v1/clients", tag = "administration",
    responses(
        (status = 200, body = ClientList),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<ClientList>, ApiError> {
    let items = state.store.list_api_clients().await?;
    Ok(Json(ClientList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create an API client: 201 with its bearer token, shown this once (only its hash is stored).
#[utoipa::path(post, path = "/api/v1/clients", tag = "administration",
    request_body = NewClientRequest,
    responses(
        (status = 201, description = "Created; the token is shown once", body = NewClientAnswer),
        (status = 422, description = "Invalid name or scope, or unknown provider", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(request): ApiJson<NewClientRequest>,
) -> Result<Response, ApiError> {
    let (client, token) = create_client(
        state.store.as_ref(),
        &state.stamp(caller.actor()),
        &request.name,
        &request.scope,
    )
    .await?;
    let answer = NewClientAnswer {
        id: client.id.0,
        name: client.name,
        scope: client.scope.to_string(),
        created_at: client.created_at,
        token,
    };
    Ok((
        StatusCode::CREATED,
        [
            (header::LOCATION, "/api/v1/clients".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Json(answer),
    )
        .into_response())
}

/// Revoke an API client (idempotent): its token stops working at once.
#[utoipa::path(post, path = "/api/v1/clients/{id}/revoke", tag = "administration",
    params(("id" = i64, Path, description = "The client id")),
    responses(
        (status = 200, description = "Revoked", body = ClientView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
) -> Result<Json<ClientView>, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError::NotFound {
        what: "API client",
        id: id.clone(),
    })?;
    let client = revoke_client(
        state.store.as_ref(),
        &state.stamp(caller.actor()),
        ApiClientId(id),
    )
    .await?;
    Ok(Json(client.into()))
}
