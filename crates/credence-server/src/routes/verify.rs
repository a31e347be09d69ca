//! `POST /api/v1/verify`: anyone may verify a badge (JSON, JWT, PNG or SVG; raw body, a VC-API
//! style `{"verifiableCredential": ...}` wrapper, or a multipart upload) and get the core's report.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::routing::post;
use axum::{Json, Router};
use credence_core::verify::{Report, MAX_INPUT_BYTES};
use credence_vc::verify::{CheckName, Outcome};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{is_json, is_length_limit, media_type, read_body};
use crate::routes::vc_api::credential_input;
use crate::state::AppState;
use crate::verification::verify;

/// The verification API (open to any origin, body limit and rate limit: see [`crate::app`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/verify", post(verify_api))
}

/// What was submitted for verification.
#[derive(Debug, Default)]
pub struct VerifyInput {
    /// The badge bytes.
    pub bytes: Vec<u8>,
    /// An identifier to match against the badge's hashed identifiers, e.g. `email:a@b.org`.
    pub identifier: Option<String>,
}

/// The VC-API style JSON wrapper.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wrapped {
    verifiable_credential: Value,
    #[serde(default)]
    options: WrappedOptions,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WrappedOptions {
    #[serde(default)]
    known_identifier: Option<String>,
}

/// Reads the input from a raw body, a JSON wrapper or a multipart form (fields `file` or
/// `credential`, and `identifier`).
pub async fn read_input(request: Request, state: &AppState) -> Result<VerifyInput, ApiError> {
    let media = media_type(request.headers()).unwrap_or_default();
    if media == "multipart/form-data" {
        let mut form =
            Multipart::from_request(request, state)
                .await
                .map_err(|e| ApiError::MalformedBody {
                    detail: e.body_text(),
                })?;
        let mut input = VerifyInput::default();
        while let Some(field) = form.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or("").to_owned();
            let data = read_field(field).await?;
            match name.as_str() {
                "file" | "credential" if input.bytes.is_empty() && !data.is_empty() => {
                    input.bytes = data
                }
                "identifier" => {
                    let text = String::from_utf8_lossy(&data).trim().to_owned();
                    input.identifier = (!text.is_empty()).then_some(text);
                }
                _ => {}
            }
        }
        return Ok(input);
    }
    let body = read_body(request.into_body(), MAX_INPUT_BYTES).await?;
    if is_json(&media) {
        if let Ok(w) = serde_json::from_slice::<Wrapped>(&body) {
            return Ok(VerifyInput {
                bytes: credential_input(w.verifiable_credential)?,
                identifier: w.options.known_identifier,
            });
        }
    }
    Ok(VerifyInput {
        bytes: body.to_vec(),
        identifier: None,
    })
}

/// A form field's bytes, at most [`MAX_INPUT_BYTES`]: its chunks are kept as they arrive and
/// joined once at the end, so a field cut off at the limit never held more than the limit (a
/// growing buffer would have held up to twice as much while it doubled).
async fn read_field(mut field: axum::extract::multipart::Field<'_>) -> Result<Vec<u8>, ApiError> {
    let mut chunks = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        total += chunk.len();
        if total > MAX_INPUT_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit: MAX_INPUT_BYTES,
            });
        }
        chunks.push(chunk);
    }
    Ok(chunks.concat())
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE || is_length_limit(&e) {
        ApiError::PayloadTooLarge {
            limit: MAX_INPUT_BYTES,
        }
    } else {
        ApiError::MalformedBody {
            detail: e.body_text(),
        }
    }
}

/// Verifies the input; an input that is not a readable badge is a problem, anything else (valid
/// or not) is a report.
pub async fn verify_input(state: &AppState, input: VerifyInput) -> Result<Report, ApiError> {
    let known = input
        .identifier
        .as_deref()
        .map(crate::web::parse_identifier)
        .transpose()?;
    if input.bytes.is_empty() {
        return Err(ApiError::MalformedBody {
            detail: "nothing to verify: send a badge as JSON, a JWT, or a PNG or SVG image"
                .to_owned(),
        });
    }
    let report = verify(state, input.bytes, known).await?;
    if report.outcome(CheckName::Parsed) == Outcome::Fail {
        let detail = report
            .checks
            .iter()
            .find(|c| c.check == CheckName::Parsed)
            .map_or_else(|| "not a badge".to_owned(), |c| c.reason.clone());
        return Err(ApiError::UnreadableBadge {
            detail,
            unknown_format: matches!(report.format, "unknown" | "json"),
            report: Box::new(report),
        });
    }
    Ok(report)
}

/// Verify a badge and return the verification report. JSON bodies are the credential itself or
/// `{"verifiableCredential": ..., "options": {"knownIdentifier": "email:..."}}`; multipart forms
/// carry the fields `file` (or `credential`) and `identifier`.
#[utoipa::path(post, path = "/api/v1/verify", tag = "verification",
    request_body(content(
        (Object = "application/json"),
        (String = "application/jwt"),
        (Vec<u8> = "image/png"),
        (String = "image/svg+xml"),
        (Object = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The verification report: verified, verdict, checks, credential facts, errors", body = Object),
        (status = 400, description = "Not a badge format", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 16 MiB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A broken badge (no badge in the image, unreadable JWT)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_api(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<Report>, ApiError> {
    let input = read_input(request, &state).await?;
    Ok(Json(verify_input(&state, input).await?))
}
