//! The JSON shapes of the API, kept apart from the core's domain types.

use chrono::{Days, NaiveDate};
use credence_core::model::{RawAssessment, RawCompletion, RawPractitioner, RawRegistration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};

/// A completion as an HEI submits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionRequest {
    /// The provider's own reference, unique per provider, e.g. `LEEDS-2024-0001`.
    pub provider_reference: String,
    /// The provider's UKPRN.
    pub provider: String,
    /// Specification code, e.g. `CS-OPF`.
    pub specification: String,
    /// Specification version, e.g. `1.0`.
    pub specification_version: String,
    /// `within_msc`, `after_msc` or `after_eportfolio`.
    pub route: String,
    /// Completion date, `YYYY-MM-DD`.
    pub completed_on: String,
    /// The practitioner.
    pub practitioner: PractitionerRequest,
    /// Who signed off the assessments.
    #[serde(default)]
    pub assessment: Option<AssessmentRequest>,
}

/// The practitioner of a completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PractitionerRequest {
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Whether the practitioner agreed to their name appearing in the badge (default: no).
    #[serde(default)]
    pub publish_name: bool,
    /// Email address (stored in the badge only as a salted hash).
    pub email: String,
    /// Professional registration.
    pub registration: RegistrationRequest,
}

/// A professional registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    /// `NMC`, `HCPC` or `GPhC`.
    pub regulator: String,
    /// The registration number.
    pub number: String,
}

/// Who signed off the assessments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// The academic assessor (name and role).
    pub academic_assessor: String,
    /// The workplace supervisor (name and role).
    pub workplace_supervisor: String,
}

impl CompletionRequest {
    /// A valid completion of the demo data's CS-OPF 1.0 at the University of Leeds (AP-001),
    /// unique per `(prefix, i)`: reference `{prefix}-{i}`, completed between 2023-09-01 and
    /// 2025-04-23, an NMC PIN of its own. The workload of `credence bench http` and of tests.
    pub fn synthetic(prefix: &str, i: usize) -> CompletionRequest {
        let day = u64::try_from(i % 600).unwrap_or_default();
        let completed_on = NaiveDate::from_ymd_opt(2023, 9, 1)
            .and_then(|d| d.checked_add_days(Days::new(day)))
            .unwrap_or_default();
        CompletionRequest {
            provider_reference: format!("{prefix}-{i:07}"),
            provider: "10007795".to_owned(),
            specification: "CS-OPF".to_owned(),
            specification_version: "1.0".to_owned(),
            route: match i % 3 {
                0 => "within_msc",
                1 => "after_msc",
                _ => "after_eportfolio",
            }
            .to_owned(),
            completed_on: completed_on.to_string(),
            practitioner: PractitionerRequest {
                given_name: Some("Synthetic".to_owned()),
                family_name: Some(format!("Practitioner {i}")),
                publish_name: false,
                email: format!("practitioner.{i}@{}.example.nhs.uk", prefix.to_lowercase()),
                registration: RegistrationRequest {
                    regulator: "NMC".to_owned(),
                    number: format!("9{}A{:04}E", (i / 10_000) % 10, i % 10_000),
                },
            },
            assessment: Some(AssessmentRequest {
                academic_assessor: "Dr Priya Natarajan, programme lead".to_owned(),
                workplace_supervisor: "Dr Morgan Ellis, consultant practitioner".to_owned(),
            }),
        }
    }
}

impl From<CompletionRequest> for RawCompletion {
    fn from(r: CompletionRequest) -> Self {
        let p = r.practitioner;
        let name = [p.given_name, p.family_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        RawCompletion {
            provider: r.provider,
            provider_reference: r.provider_reference,
            specification: r.specification,
            version: r.specification_version,
            completed_on: r.completed_on,
            route: r.route,
            practitioner: RawPractitioner {
                name: (!name.is_empty()).then_some(name),
                publish_name: p.publish_name,
                email: p.email,
                registration: RawRegistration {
                    regulator: p.registration.regulator,
                    number: p.registration.number,
                },
            },
            assessment: r.assessment.map(|a| RawAssessment {
                workplace_signed_off_by: a.workplace_supervisor,
                academic_signed_off_by: a.academic_assessor,
            }),
        }
    }
}

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

impl From<CsvRow> for CompletionRequest {
    fn from(r: CsvRow) -> Self {
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let assessment = match (
            nonempty(r.academic_assessor),
            nonempty(r.workplace_supervisor),
        ) {
            (None, None) => None,
            (a, w) => Some(AssessmentRequest {
                academic_assessor: a.unwrap_or_default(),
                workplace_supervisor: w.unwrap_or_default(),
            }),
        };
        CompletionRequest {
            provider_reference: r.provider_reference,
            provider: r.provider,
            specification: r.specification,
            specification_version: r.specification_version,
            route: r.route,
            completed_on: r.completed_on,
            practitioner: PractitionerRequest {
                given_name: nonempty(r.given_name),
                family_name: nonempty(r.family_name),
                publish_name: r
                    .publish_name
                    .is_some_and(|v| matches!(v.trim(), "true" | "yes" | "1")),
                email: r.email,
                registration: RegistrationRequest {
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
pub fn parse_json_batch(body: &[u8]) -> Result<Vec<Result<CompletionRequest, ApiError>>, ApiError> {
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
pub fn parse_csv_batch(body: &[u8]) -> Result<Vec<Result<CompletionRequest, ApiError>>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    reader.headers().map_err(|e| ApiError::MalformedBody {
        detail: format!("invalid CSV header: {e}"),
    })?;
    Ok(reader
        .deserialize::<CsvRow>()
        .map(|r| {
            r.map(CompletionRequest::from)
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
    #[schema(value_type = Vec<CompletionRequest>)]
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
