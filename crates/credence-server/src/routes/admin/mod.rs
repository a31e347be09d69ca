//! The Centre administrators' API under `/api/v1`: specifications, providers, approvals, API
//! clients, signing keys and the audit log. Every handler takes the [`Admin`](crate::auth::Admin)
//! extractor (a provider-scoped client gets 403) and calls [`credence_app::admin`], whose store writes
//! are audited as the calling client.
//!
//! Bodies and answers for specifications, providers and approvals are the core's documents as they
//! are stored (`RawCredentialSpecification`, `RawProvider`, `RawProviderApproval`): what a `GET`
//! returns can be posted again unchanged.

pub mod approvals;
pub mod audit;
pub mod clients;
pub mod providers;
pub mod specifications;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema};
use utoipa::openapi::RefOr;

use crate::state::AppState;
use credence_core::admin::Added;

/// The administration routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(specifications::router())
        .merge(providers::router())
        .merge(approvals::router())
        .merge(clients::router())
        .merge(audit::router())
}

/// The answer to an add: 201 with a `Location` for a new record, else 200; the stored document.
fn added<T: Serialize>(added: Added, location: String, body: T) -> Response {
    let status = match added {
        Added::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    (status, [(header::LOCATION, location)], Json(body)).into_response()
}

/// An object schema described in words, with one example made from the sample data (so the
/// example cannot drift from the core types that actually parse the document).
fn document_schema(description: &str, example: Option<serde_json::Value>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(description))
        .examples(example)
        .into()
}

/// Declares an OpenAPI schema for a core document type (the core does not depend on utoipa).
macro_rules! document_schema {
    ($(#[$doc:meta])* $name:ident, $description:literal, $example:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                document_schema($description, $example)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

fn first_sample<T: Serialize>(
    items: Result<Vec<T>, credence_core::model::ModelError>,
) -> Option<serde_json::Value> {
    items
        .ok()
        .and_then(|v| v.into_iter().next())
        .and_then(|v| serde_json::to_value(v).ok())
}

document_schema!(
    /// Schema of a specification version document.
    SpecificationDoc,
    "A credential specification version: `id` (code, e.g. CS-OPF), `version` (MAJOR.MINOR), \
     `title`, `summary`, `capabilities`, `pillars` (ClinicalPractice, LeadershipAndManagement, \
     Education, Research), `fheq_level` (7), `credits` (optional), `entry_requirements`, \
     `professional_activities`, and `history` (status changes, oldest first: candidate, \
     in_development, endorsed, retired, each with its `effective` date). Unknown fields are refused.",
    first_sample(credence_core::model::sample::specifications())
);

document_schema!(
    /// Schema of a provider document.
    ProviderDoc,
    "An education provider: `ukprn` (8 digits starting with 1), `name`, `url` (optional). \
     Unknown fields are refused.",
    first_sample(credence_core::model::sample::providers())
);

document_schema!(
    /// Schema of an approval document.
    ApprovalDoc,
    "A provider's approval for one specification version: `id` (e.g. AP-001), `provider` \
     (UKPRN), `specification`, `version`, `approved_on`, `next_review_due`, `end_date` \
     (optional), `conditions` (`text`, `due`, `met`), and `history` (status changes, oldest \
     first, the first an approval on `approved_on`). Unknown fields are refused.",
    first_sample(credence_core::model::sample::approvals())
);

document_schema!(
    /// Schema of an approval status change.
    ApprovalChangeDoc,
    "One status change: `status` (approved, approved_with_conditions, suspended, withdrawn, \
     expired), `effective` (the first day it applies, after the last recorded change), `note` \
     (optional, why).",
    Some(serde_json::json!({
        "status": "suspended",
        "effective": "2024-10-01",
        "note": "annual review not returned"
    }))
);
