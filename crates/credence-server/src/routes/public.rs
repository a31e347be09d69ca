//! Public, unauthenticated documents: the issuer's did:web document and JWKS, its OB Profile, each
//! Achievement and provider profile a badge names.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use credence_core::badge::{achievement, provider_profile};
use credence_core::badge::{OB_V3P0_CONTEXT, VC_V2_CONTEXT};
use credence_core::model::{ProviderId, SpecId, SpecVersion};
use credence_vc::keys::{DidDocument, Jwks};
use serde::Serialize;
use tower_http::cors::CorsLayer;

use crate::error::ApiError;
use crate::state::AppState;

/// The public routes, with CORS open to any origin (these documents are meant to be fetched by
/// verifiers anywhere).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/did.json", get(did_document))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/issuer", get(issuer))
        .route("/issuer/image", get(issuer_image))
        .route("/achievements/{spec}/{version}", get(achievement_doc))
        .route("/providers/{ukprn}", get(provider_doc))
        .layer(CorsLayer::permissive())
}

const LD_JSON: &str = "application/ld+json";

/// Serializes `value` as a JSON-LD document with the VC 2.0 and OB 3.0 contexts.
fn json_ld<T: Serialize>(value: &T, media_type: &'static str) -> Result<Response, ApiError> {
    let mut doc = serde_json::to_value(value).map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(map) = doc.as_object_mut() {
        map.shift_insert(
            0,
            "@context".to_owned(),
            serde_json::json!([VC_V2_CONTEXT, OB_V3P0_CONTEXT]),
        );
    }
    json_response(&doc, media_type)
}

fn json_response<T: Serialize>(value: &T, media_type: &'static str) -> Result<Response, ApiError> {
    let body = serde_json::to_vec_pretty(value).map_err(|e| ApiError::Internal(e.into()))?;
    let mut response = ([(header::CONTENT_TYPE, media_type)], body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}

/// The did:web document: every signing key, active and retired, as Multikey assertion methods.
#[utoipa::path(get, path = "/.well-known/did.json", tag = "public",
    responses((status = 200, description = "DID document", content_type = "application/did+json")))]
pub async fn did_document(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = state.store.signing_keys().await?;
    let doc = DidDocument::from_keys(
        state.issuer.did(),
        keys.iter().map(|k| (&k.verification_method, &k.public_key)),
    )
    .map_err(|e| ApiError::Internal(e.into()))?;
    json_response(&doc, "application/did+json")
}

/// The signing keys as a JSON Web Key Set (`kid` = verification method id).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "public",
    responses((status = 200, description = "JWK Set", content_type = "application/jwk-set+json")))]
pub async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = state.store.signing_keys().await?;
    let set = Jwks::from_keys(keys.iter().map(|k| (&k.verification_method, &k.public_key)));
    json_response(&set, "application/jwk-set+json")
}

/// The Centre's Open Badges issuer Profile.
#[utoipa::path(get, path = "/issuer", tag = "public",
    responses((status = 200, description = "OB 3.0 Profile", content_type = "application/ld+json")))]
pub async fn issuer(State(state): State<AppState>) -> Result<Response, ApiError> {
    json_ld(state.issuer.profile(), LD_JSON)
}

/// The issuer's logo, when it is configured as a file.
#[utoipa::path(get, path = "/issuer/image", tag = "public",
    responses((status = 200, description = "The issuer's logo (PNG or SVG)"),
              (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn issuer_image(State(state): State<AppState>) -> Result<Response, ApiError> {
    let image = state
        .config
        .issuer_image
        .as_ref()
        .ok_or_else(|| ApiError::NotFound {
            what: "issuer image",
            id: "image".to_owned(),
        })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(image.media_type),
            ),
            // An SVG is shown as an image, never run as a document.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        image.bytes.clone(),
    )
        .into_response())
}

/// One specification version as an OB 3.0 Achievement.
#[utoipa::path(get, path = "/achievements/{spec}/{version}", tag = "public",
    params(("spec" = String, Path, description = "Specification code, e.g. CS-OPF"),
           ("version" = String, Path, description = "Version, e.g. 1.0")),
    responses((status = 200, description = "OB 3.0 Achievement", content_type = "application/ld+json"),
              (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn achievement_doc(
    State(state): State<AppState>,
    Path((spec, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "achievement",
        id: format!("{spec}/{version}"),
    };
    let (Ok(id), Ok(v)) = (
        SpecId::try_from(spec.as_str()),
        SpecVersion::try_from(version.as_str()),
    ) else {
        return Err(not_found());
    };
    let found = state
        .store
        .specification(&id, &v)
        .await?
        .ok_or_else(not_found)?;
    json_ld(&achievement(state.issuer.base_url(), &found), LD_JSON)
}

/// An approved provider's profile (the `source` of its badges).
#[utoipa::path(get, path = "/providers/{ukprn}", tag = "public",
    params(("ukprn" = String, Path, description = "The provider's UKPRN")),
    responses((status = 200, description = "OB 3.0 Profile", content_type = "application/ld+json"),
              (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn provider_doc(
    State(state): State<AppState>,
    Path(ukprn): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "provider",
        id: ukprn.clone(),
    };
    let id = ProviderId::try_from(ukprn.as_str()).map_err(|_| not_found())?;
    let found = state.store.provider(&id).await?.ok_or_else(not_found)?;
    json_ld(&provider_profile(state.issuer.base_url(), &found), LD_JSON)
}
