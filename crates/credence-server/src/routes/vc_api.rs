//! The W3C VC-API's routes, so that the W3C interoperability suites and other VC tools can drive
//! Credence directly: `POST /credentials/verify` (anyone) is the same verification as
//! `POST /api/v1/verify`, asked and answered in the shapes the VC-API defines, and
//! `POST /credentials/issue` (administrators only) signs a credential in the Centre's name.
//!
//! The request is `{"verifiableCredential": ..., "options": {...}}`. The credential is a Data
//! Integrity credential (a JSON object), a compact VC-JWT (a JSON string), or a VC 2.0 enveloped
//! credential (`EnvelopedVerifiableCredential` whose `id` is a `data:application/vc+jwt,` URL).
//! The answer is a verification result, `{verified, checks, warnings, errors}`: 200 when the
//! credential verified, 400 when it did not (its `errors` say why, as VC 2.0 problem details). A
//! body that is not such a request is a 400 problem+json, as on every route.
//!
//! `POST /presentations/verify` (anyone) takes `{"verifiablePresentation": ..., "options":
//! {"challenge": ..., "domain": ...}}`: the presentation's own proof must be an `authentication`
//! proof by a key its holder lists (a `did:key`; the service resolves no other holder DID yet)
//! answering that challenge and domain, and each credential it holds is verified as
//! `POST /credentials/verify` would. The answer is `{verified, checks, warnings, errors,
//! presentationResult, credentialResults}`, 200 when the presentation and every credential
//! verified, 400 when not.
//!
//! `POST /credentials/issue` takes `{"credential": ..., "options": {...}}` and answers 201
//! `{"verifiableCredential": ...}`: the credential must conform to the VC data model and name the
//! Centre as its issuer; it is signed with an `eddsa-rdfc-2022` proof and the signing is audited
//! ([`credence_app::credentials`]).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use credence_core::verify::{Report, MAX_INPUT_BYTES};
use credence_vc::verify::{
    Check, CheckName, Outcome, PresentationOptions, PresentationReport, ProblemDetail,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use credence_app::credentials;

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::{json_body, ApiJson};
use crate::state::AppState;
use crate::verification::verify;

/// The VC-API verifier route (open to any origin, with the verification API's body and rate
/// limits: see [`crate::app`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/credentials/verify", post(verify_credential))
        .route("/presentations/verify", post(verify_presentation))
}

/// The VC-API issuer route (an administrator's bearer token; the ordinary body limit).
pub fn issue_router() -> Router<AppState> {
    Router::new().route("/credentials/issue", post(issue_credential))
}

/// The VC-API's verify-credential request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyCredentialRequest {
    verifiable_credential: Value,
    /// The VC-API defines no option that changes a credential's verification; any given are
    /// accepted and have no effect, as the specification lets a verifier ignore them.
    #[serde(default, rename = "options")]
    _options: Map<String, Value>,
}

/// The VC-API's verify-presentation request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyPresentationRequest {
    verifiable_presentation: Value,
    #[serde(default)]
    options: PresentationRequestOptions,
}

/// What the verifier asked the holder's proof to answer.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresentationRequestOptions {
    challenge: Option<String>,
    domain: Option<String>,
    /// Other options the VC-API lets a verifier ignore.
    #[serde(flatten)]
    _other: Map<String, Value>,
}

/// The VC-API's verify-presentation answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentationVerificationResult {
    /// Whether the presentation's proof and every credential it holds verified.
    verified: bool,
    /// The checks performed on the presentation, by name.
    checks: Vec<CheckName>,
    /// Problems that did not stop it verifying.
    warnings: Vec<ProblemDetail>,
    /// Why the presentation, or one of its credentials, did not verify.
    errors: Vec<ProblemDetail>,
    /// The presentation's own result.
    presentation_result: VerificationResult,
    /// Each credential's result, in the presentation's order.
    credential_results: Vec<VerificationResult>,
}

/// The VC-API's issue-credential request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueCredentialRequest {
    /// The credential to sign, without a proof.
    credential: Value,
    /// Issuance options: none changes what is signed here (the proof is always
    /// `eddsa-rdfc-2022` by the active key); any given are accepted and have no effect.
    #[serde(default, rename = "options")]
    _options: Map<String, Value>,
}

/// The VC-API's issue-credential answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueCredentialResponse {
    /// The secured credential.
    verifiable_credential: Value,
}

/// The VC-API's verification result.
#[derive(Debug, Serialize)]
pub struct VerificationResult {
    /// Whether the credential verified: its proof, issuer, validity period and status.
    pub verified: bool,
    /// The checks performed (passed or failed), by name.
    pub checks: Vec<CheckName>,
    /// Problems that did not stop the credential verifying.
    pub warnings: Vec<ProblemDetail>,
    /// Why it did not verify.
    pub errors: Vec<ProblemDetail>,
}

impl From<Report> for VerificationResult {
    fn from(report: Report) -> Self {
        VerificationResult {
            verified: report.verified,
            checks: performed(&report.checks),
            warnings: report.warnings,
            errors: report.errors,
        }
    }
}

impl VerificationResult {
    /// A presentation's own result.
    fn from_presentation(report: &PresentationReport) -> Self {
        VerificationResult {
            verified: report.verified,
            checks: performed(&report.checks),
            warnings: Vec::new(),
            errors: report.errors.clone(),
        }
    }
}

/// The checks that ran (passed or failed), by name.
fn performed(checks: &[Check]) -> Vec<CheckName> {
    checks
        .iter()
        .filter(|c| c.outcome != Outcome::NotChecked)
        .map(|c| c.check)
        .collect()
}

/// The bytes to verify of a request's `verifiableCredential` (here and in the wrapper
/// `POST /api/v1/verify` takes): a credential object as JSON text, a VC-JWT as itself. A credential
/// is a JSON object; the only string one may be is a VC-JWT (a Data Integrity credential given as
/// JSON text is not a secured document).
pub fn credential_input(credential: Value) -> Result<Vec<u8>, ApiError> {
    let malformed = |detail: &str| ApiError::MalformedBody {
        detail: detail.to_owned(),
    };
    match credential {
        Value::String(jwt) if credence_vc::jwt::is_compact(jwt.trim()) => Ok(jwt.into_bytes()),
        Value::String(_) => Err(malformed(
            "verifiableCredential is a string but not a compact JWT: send the credential as a \
             JSON object, or its VC-JWT as the string",
        )),
        object @ Value::Object(_) if credence_vc::jwt::enveloped(&object).is_some() => {
            credence_vc::jwt::enveloped(&object)
                .flatten()
                .map(|jwt| jwt.as_bytes().to_vec())
                .ok_or_else(|| {
                    malformed(
                        "an EnvelopedVerifiableCredential's id must be a \
                         data:application/vc+jwt, URL holding a compact JWT",
                    )
                })
        }
        object @ Value::Object(_) => {
            serde_json::to_vec(&object).map_err(|e| ApiError::Internal(e.into()))
        }
        _ => Err(malformed(
            "verifiableCredential must be a credential (a JSON object) or a VC-JWT (a string)",
        )),
    }
}

/// Verify a credential (W3C VC-API). The body is `{"verifiableCredential": ..., "options": {}}`;
/// the answer is `{verified, checks, warnings, errors}`, 200 when it verified and 400 when not.
#[utoipa::path(post, path = "/credentials/verify", tag = "verification",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "Verified: {verified: true, checks, warnings, errors: []}", body = Object),
        (status = 400, description = "Not verified ({verified: false, checks, warnings, errors}), or not a VC-API request (problem+json)", content(
            (Object = "application/json"),
            (crate::error::Problem = "application/problem+json"),
        )),
        (status = 413, description = "Larger than 16 MiB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_credential(
    State(state): State<AppState>,
    request: Request,
) -> Result<(StatusCode, Json<VerificationResult>), ApiError> {
    let asked: VerifyCredentialRequest = json_body(request, MAX_INPUT_BYTES).await?;
    let report = verify(&state, credential_input(asked.verifiable_credential)?, None).await?;
    let status = if report.verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Json(report.into())))
}

/// Verify a presentation (W3C VC-API). The body is `{"verifiablePresentation": ..., "options":
/// {"challenge": ..., "domain": ...}}`; the answer is `{verified, checks, warnings, errors,
/// presentationResult, credentialResults}`, 200 when the presentation and each credential it
/// holds verified and 400 when not.
#[utoipa::path(post, path = "/presentations/verify", tag = "verification",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "Verified: {verified: true, checks, warnings, errors: [], presentationResult, credentialResults}", body = Object),
        (status = 400, description = "Not verified ({verified: false, ...}), or not a VC-API request (problem+json)", content(
            (Object = "application/json"),
            (crate::error::Problem = "application/problem+json"),
        )),
        (status = 413, description = "Larger than 16 MiB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_presentation(
    State(state): State<AppState>,
    request: Request,
) -> Result<(StatusCode, Json<PresentationVerificationResult>), ApiError> {
    let asked: VerifyPresentationRequest = json_body(request, MAX_INPUT_BYTES).await?;
    if !asked.verifiable_presentation.is_object() {
        return Err(ApiError::MalformedBody {
            detail: "verifiablePresentation must be a presentation (a JSON object)".to_owned(),
        });
    }
    let presentation = crate::verification::verify_presentation(
        &state,
        asked.verifiable_presentation,
        PresentationOptions::from_parts(asked.options.challenge, asked.options.domain),
    )
    .await?;
    let mut credential_results = Vec::with_capacity(presentation.credentials.len());
    for credential in presentation.credentials.iter().cloned() {
        let input = credential_input(credential)?;
        credential_results.push(VerificationResult::from(verify(&state, input, None).await?));
    }
    let presentation_result = VerificationResult::from_presentation(&presentation);
    let verified = presentation_result.verified && credential_results.iter().all(|r| r.verified);
    // The answer's problems: the presentation's, then each credential's.
    let all = |of: fn(&VerificationResult) -> &Vec<ProblemDetail>| -> Vec<ProblemDetail> {
        std::iter::once(&presentation_result)
            .chain(&credential_results)
            .flat_map(of)
            .cloned()
            .collect()
    };
    let (errors, warnings) = (all(|r| &r.errors), all(|r| &r.warnings));
    let status = if verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((
        status,
        Json(PresentationVerificationResult {
            verified,
            checks: presentation_result.checks.clone(),
            warnings,
            errors,
            presentation_result,
            credential_results,
        }),
    ))
}

/// Sign a credential in the Centre's name (W3C VC-API). The body is `{"credential": ...,
/// "options": {}}`; the answer is 201 `{"verifiableCredential": ...}` with an `eddsa-rdfc-2022`
/// proof by the active key. The credential must conform to the VC data model and name the Centre
/// as issuer; the signing is recorded in the audit log.
#[utoipa::path(post, path = "/credentials/issue", tag = "verification",
    request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The signed credential: {verifiableCredential}", body = Object),
        (status = 400, description = "Not a conforming credential, or another issuer's", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue_credential(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(asked): ApiJson<IssueCredentialRequest>,
) -> Result<(StatusCode, Json<IssueCredentialResponse>), ApiError> {
    let signed = credentials::issue_credential(
        &state.issuing(),
        &state.stamp(caller.actor()),
        &asked.credential,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssueCredentialResponse {
            verifiable_credential: signed,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_enveloped_vc_jwt_is_its_token() {
        let token = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";
        let enveloped = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": "EnvelopedVerifiableCredential",
            "id": format!("data:application/vc+jwt,{token}"),
        });
        assert_eq!(credential_input(enveloped).unwrap(), token.as_bytes());
        assert_eq!(credential_input(json!(token)).unwrap(), token.as_bytes());
    }

    #[test]
    fn other_values_are_refused_as_malformed() {
        let bad_envelope = json!({
            "type": ["EnvelopedVerifiableCredential"],
            "id": "data:application/vc+jwt,not-a-jwt",
        });
        for value in [
            bad_envelope,
            json!("{\"@context\": []}"),
            json!(42),
            json!(null),
        ] {
            assert!(
                matches!(
                    credential_input(value.clone()),
                    Err(ApiError::MalformedBody { .. })
                ),
                "{value}"
            );
        }
    }
}
