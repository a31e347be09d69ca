//! The JSON shapes of the API, kept apart from the core's domain types.

use credence_core::model::{RawAssessment, RawCompletion, RawPractitioner, RawRegistration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};

/// One CSV row of a batch: the completion's fields, flattened.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvRow {
    provider_reference: String,
    provider: String,
    specification: String,
    specification_version: String,
    route: String,
    completed_on: String,
    #[serde(default)]
    given_name: Option<String>,
    #[serde(default)]
    family_name: Option<String>,
    #[serde(default)]
    publish_name: Option<String>,
    email: String,
    regulator: String,
    registration_number: String,
    #[serde(default)]
    academic_assessor: Option<String>,
    #[serde(default)]
    workplace_supervisor: Option<String>,
}

impl From<CsvRow> for RawCompletion {
    fn from(r: CsvRow) -> Self {
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let assessment = match (
            nonempty(r.academic_assessor),
            nonempty(r.workplace_supervisor),
        ) {
            (None, None) => None,
            (a, w) => Some(RawAssessment {
                academic_assessor: a.unwrap_or_default(),
                workplace_supervisor: w.unwrap_or_default(),
            }),
        };
        RawCompletion {
            provider_reference: r.provider_reference,
            provider: r.provider,
            specification: r.specification,
            specification_version: r.specification_version,
            route: r.route,
            completed_on: r.completed_on,
            practitioner: RawPractitioner {
                given_name: nonempty(r.given_name),
                family_name: nonempty(r.family_name),
                publish_name: r
                    .publish_name
                    .is_some_and(|v| matches!(v.trim(), "true" | "yes" | "1")),
                email: r.email,
                registration: RawRegistration {
                    regulator: r.regulator,
                    number: r.registration_number,
                },
            },
            assessment,
        }
    }
}

/// Reads a `text/csv` batch of completions (header first, fields trimmed) into one result per
/// data row, in order: a row that does not parse is an [`ApiError::MalformedBody`] for that row
/// alone; a header that cannot be read fails the whole batch the same way. Does no I/O and never
/// panics, whatever the bytes (the `csv_batch` fuzz target checks this).
/// Parses a JSON batch, `{"completions": [...]}`: each row that is not a completion is answered
/// on its own.
pub fn parse_json_batch(body: &[u8]) -> Result<Vec<Result<RawCompletion, ApiError>>, ApiError> {
    let batch: BatchRequest = crate::extract::parse_json(body)?;
    Ok(batch
        .completions
        .into_iter()
        .map(|v| {
            serde_json::from_value(v).map_err(|e| ApiError::MalformedBody {
                detail: format!("invalid completion: {e}"),
            })
        })
        .collect())
}

/// Parses a CSV batch with a header row: each row that is not a completion is answered on its
/// own.
pub fn parse_csv_batch(body: &[u8]) -> Result<Vec<Result<RawCompletion, ApiError>>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    reader.headers().map_err(|e| ApiError::MalformedBody {
        detail: format!("invalid CSV header: {e}"),
    })?;
    Ok(reader
        .deserialize::<CsvRow>()
        .map(|r| {
            r.map(RawCompletion::from)
                .map_err(|e| ApiError::MalformedBody {
                    detail: format!("invalid CSV row: {e}"),
                })
        })
        .collect())
}

/// A batch of completions as JSON.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The completions, at most 10,000. Rows that do not parse are answered per row.
    #[schema(value_type = Vec<RawCompletion>)]
    pub completions: Vec<serde_json::Value>,
}

/// The answer to a submitted completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CompletionAnswer {
    /// The badge's id (`urn:uuid:...`).
    pub badge_id: String,
    /// `issued`.
    pub status: String,
    /// The signed credential (admin URL).
    pub credential_url: String,
    /// The practitioner's private claim link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_url: Option<String>,
}

/// One row's answer in a batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchRow {
    /// Row number from 1 (for CSV, the data row after the header).
    pub row: usize,
    /// The HTTP status the row would have had alone: 201, 200, 409, 422...
    pub status: u16,
    /// The badge, for 201 and 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_id: Option<String>,
    /// The signed credential (admin URL), for 201 and 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_url: Option<String>,
    /// The practitioner's private claim link, for 201 and 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_url: Option<String>,
    /// The problem, for anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The answer to a batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchAnswer {
    /// One entry per submitted row, in order.
    pub results: Vec<BatchRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "provider_reference,provider,specification,specification_version,route,\
completed_on,given_name,family_name,email,regulator,registration_number,academic_assessor,\
workplace_supervisor,publish_name";

    #[test]
    fn csv_batch_answers_one_result_per_row_in_order() {
        let body = format!(
            "{HEADER}\n\
             REF-1 , 10007795,CS-OPF,1.0,within_msc,2024-07-12,Amira,Okafor,a@example.org,NMC,99A9001E,Dr A,Ms B,yes\n\
             REF-2,10007795,CS-OPF,1.0,within_msc,2024-07-12\n\
             REF-3,10007795,CS-OPF,1.0,after_msc,2024-07-13,,,c@example.org,GPhC,2123456,,,\n"
        );
        let rows = parse_csv_batch(body.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.provider_reference, "REF-1");
        assert_eq!(first.provider, "10007795");
        assert!(first.practitioner.publish_name);
        assert_eq!(first.practitioner.registration.number, "99A9001E");
        assert_eq!(
            first
                .assessment
                .as_ref()
                .map(|a| a.academic_assessor.as_str()),
            Some("Dr A")
        );
        assert!(matches!(rows[1], Err(ApiError::MalformedBody { .. })));
        let third = rows[2].as_ref().unwrap();
        assert_eq!(third.practitioner.given_name, None);
        assert!(!third.practitioner.publish_name);
        assert_eq!(third.assessment, None);
    }

    #[test]
    fn csv_batch_refuses_an_unreadable_header() {
        let body = b"provider_reference,\xff\xfe\nREF-1,x\n";
        assert!(matches!(
            parse_csv_batch(body),
            Err(ApiError::MalformedBody { .. })
        ));
    }

    #[test]
    fn csv_batch_of_a_header_alone_is_empty() {
        assert!(parse_csv_batch(HEADER.as_bytes()).unwrap().is_empty());
    }
}
