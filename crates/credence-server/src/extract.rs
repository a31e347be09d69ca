//! Request body extractors whose failures are problem+json: `ApiJson` (a JSON body of a known shape,
//! unknown fields refused) and `read_body` (bytes under a limit).

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

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

/// Reads a body of at most `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = source {
            if s.is::<http_body_util::LengthLimitError>() {
                return ApiError::PayloadTooLarge { limit };
            }
            source = s.source();
        }
        ApiError::MalformedBody {
            detail: "the request body could not be read".to_owned(),
        }
    })
}

/// Parses JSON into `T`, with serde's message (which names the line, column and any unknown field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedBody {
        detail: format!("invalid JSON body: {e}"),
    })
}

/// A JSON request body of type `T`, within the configured size limit.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        match media_type(request.headers()) {
            Some(m) if is_json(&m) => {}
            _ => {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "application/json",
                })
            }
        }
        let bytes = read_body(request.into_body(), state.config.max_body_bytes).await?;
        parse_json(&bytes).map(ApiJson)
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
