//! `POST /api/v1/completions` and `POST /api/v1/completions/batch`: HEIs report completions.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{is_json, media_type, read_body, ApiJson};
use crate::routes::badge_path_segment;
use crate::routes::badges::{claim_url, credential_url};
use crate::state::AppState;
use crate::wire::{
    parse_csv_batch, parse_json_batch, BatchAnswer, BatchRequest, BatchRow, CompletionAnswer,
};
use credence_app::{Acting, IssueError, RowOutcome};
use credence_core::model::RawCompletion;

/// Issues badges for the rows through the use case (a row that could not be read is answered
/// with why), and counts the new ones. The API and `credence issue` both come here.
pub async fn submit(
    state: &AppState,
    acting: &Acting,
    rows: Vec<Result<RawCompletion, ApiError>>,
) -> Result<Vec<RowOutcome>, ApiError> {
    let rows = rows
        .into_iter()
        .map(|r| r.map_err(|e| IssueError::Unreadable(e.to_string())))
        .collect();
    let outcomes = state.issuing().issue(acting, rows).await?;
    for o in &outcomes {
        if matches!(o, RowOutcome::Issued(_)) {
            state.metrics.badge_issued();
        }
    }
    Ok(outcomes)
}

/// The completion routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/completions", post(submit_one))
}

/// The batch route (it gets its own, longer, time limit).
pub fn batch_router() -> Router<AppState> {
    Router::new().route("/api/v1/completions/batch", post(submit_batch))
}

/// Submit one completion: 201 with a new badge, 200 with the badge already issued for it.
#[utoipa::path(
    post, path = "/api/v1/completions", tag = "completions",
    request_body = RawCompletion,
    responses(
        (status = 201, description = "Badge issued", body = CompletionAnswer),
        (status = 200, description = "The same completion was already badged", body = CompletionAnswer),
        (status = 409, description = "Provider reference used for a different completion", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by the issuance rules or invalid", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn submit_one(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<RawCompletion>,
) -> Result<Response, ApiError> {
    let outcome = submit(&state, &caller.acting(), vec![Ok(request)])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no outcome")))?;
    let (status, badge) = match outcome {
        RowOutcome::Issued(b) => (StatusCode::CREATED, b),
        RowOutcome::Existing(b) => (StatusCode::OK, b),
        RowOutcome::Failed(e) => return Err(e.into()),
    };
    let answer = CompletionAnswer {
        badge_id: badge.id.to_string(),
        status: "issued".to_owned(),
        credential_url: credential_url(&state, &badge.id),
        claim_url: Some(claim_url(&state, &badge.id)),
    };
    let location = format!("/api/v1/badges/{}", badge_path_segment(&badge.id));
    Ok((status, [(header::LOCATION, location)], Json(answer)).into_response())
}

/// Submit up to 10,000 completions as `{"completions": [...]}` or `text/csv` with a header row;
/// each row is answered as it would be alone, and each row is written whole or not at all.
#[utoipa::path(
    post, path = "/api/v1/completions/batch", tag = "completions",
    request_body(content(
        (BatchRequest = "application/json"),
        (String = "text/csv", example = "provider_reference,provider,specification,specification_version,route,completed_on,given_name,family_name,email,regulator,registration_number,academic_assessor,workplace_supervisor"),
    )),
    responses(
        (status = 200, description = "One result per row", body = BatchAnswer),
        (status = 413, description = "Too many rows or too large", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn submit_batch(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<BatchAnswer>, ApiError> {
    let media = media_type(request.headers()).unwrap_or_default();
    let body = read_body(request.into_body(), state.config.max_batch_body_bytes()).await?;
    let rows = if is_json(&media) {
        parse_json_batch(&body)?
    } else if media == "text/csv" {
        parse_csv_batch(&body)?
    } else {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json or text/csv",
        });
    };
    if rows.len() > state.config.max_batch_rows {
        return Err(ApiError::BatchTooLarge {
            limit: state.config.max_batch_rows,
            given: rows.len(),
        });
    }
    let outcomes = submit(&state, &caller.acting(), rows).await?;
    Ok(Json(batch_answer(&state, outcomes)))
}

/// One result per row, in order, as the batch API answers them.
pub fn batch_answer(state: &AppState, outcomes: Vec<RowOutcome>) -> BatchAnswer {
    let results = outcomes
        .into_iter()
        .enumerate()
        .map(|(i, outcome)| {
            let row = i + 1;
            match outcome {
                RowOutcome::Issued(b) => issued_row(state, row, StatusCode::CREATED, &b),
                RowOutcome::Existing(b) => issued_row(state, row, StatusCode::OK, &b),
                RowOutcome::Failed(e) => failed_row(row, e.into()),
            }
        })
        .collect();
    BatchAnswer { results }
}

fn failed_row(row: usize, e: ApiError) -> BatchRow {
    BatchRow {
        row,
        status: e.status().as_u16(),
        badge_id: None,
        credential_url: None,
        claim_url: None,
        problem: Some(e.problem()),
    }
}

fn issued_row(
    state: &AppState,
    row: usize,
    status: StatusCode,
    badge: &credence_store::BadgeRecord,
) -> BatchRow {
    BatchRow {
        row,
        status: status.as_u16(),
        badge_id: Some(badge.id.to_string()),
        credential_url: Some(credential_url(state, &badge.id)),
        claim_url: Some(claim_url(state, &badge.id)),
        problem: None,
    }
}
