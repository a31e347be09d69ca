//! Request bodies: the limit every route has ([`limit_bodies`]), and extractors whose failures are
//! problem+json: `ApiJson` (a JSON body of a known shape, unknown fields refused) and `read_body`
//! (bytes under a limit).

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use serde::de::DeserializeOwned;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::ApiError;
use crate::state::AppState;

/// The body limit that refused a request, on its 413 answer (so the answer can name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// Caps the request bodies of `router`'s routes at `bytes`, while they stream: a larger
/// `Content-Length` is refused at once, and a chunked body is cut off (the request refused) as
/// soon as it passes the limit, so no more than `bytes` of it is ever held. Refusals are 413,
/// rendered as problem+json or a page by [`crate::error_page::bare_errors`]. The extractors'
/// own limit (`Form`, `Multipart`) is set to the same.
pub fn limit_bodies<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    bytes: usize,
) -> Router<S> {
    router
        .layer(DefaultBodyLimit::max(bytes))
        .layer(RequestBodyLimitLayer::new(bytes))
        .layer(axum::middleware::map_response(
            move |mut r: Response| async move {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    r.extensions_mut().insert(BodyLimit(bytes));
                }
                r
            },
        ))
}

/// The media type of a request body, lower-cased, without parameters.
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

/// Whether a media type is JSON (`application/json` or `application/*+json`).
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

/// Whether a body error (anywhere in its chain) is a body limit cutting the body off.
pub fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Reads a body of at most `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        if is_length_limit(&e) {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::MalformedBody {
                detail: "the request body could not be read".to_owned(),
            }
        }
    })
}

/// Parses JSON into `T`, with serde's message (which names the line, column and any unknown field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedBody {
        detail: format!("invalid JSON body: {e}"),
    })
}

/// Reads a JSON body (`application/json` or `application/*+json`) of at most `limit` bytes as `T`.
pub async fn json_body<T: DeserializeOwned>(request: Request, limit: usize) -> Result<T, ApiError> {
    match media_type(request.headers()) {
        Some(m) if is_json(&m) => {}
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            })
        }
    }
    let bytes = read_body(request.into_body(), limit).await?;
    parse_json(&bytes)
}

/// A JSON request body of type `T`, within the configured size limit.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        json_body(request, state.config.max_body_bytes)
            .await
            .map(ApiJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/csv"));
        assert!(!is_json("application/jsonx"));
    }
}
