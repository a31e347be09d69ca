//! The issuance rules: [`decide`] judges one completion and either writes the unsigned badge or
//! refuses with a typed [`Refusal`] an API client can act on.
//!
//! Everything is judged as it stood on the completion date (a later suspension or withdrawal does
//! not stop a badge for an earlier completion), except "not in the future", judged against `now`.
//! Idempotency per provider reference is the store's job; see [`Completion::fingerprint`].

use chrono::{DateTime, Duration, NaiveDate, Utc};
use thiserror::Error;

use super::approval::{ApprovalStatus, ProviderApproval};
use super::completion::Completion;
use super::ids::{ApprovalId, BadgeId, BaseUrl, ProviderId, Salt, SpecId, SpecVersion};
use super::provider::Provider;
use super::specification::{CredentialSpecification, SpecStatus};
use crate::badge::build::{self, BadgeDocumentError, BadgeParts, UnsignedBadge};
use crate::badge::document::Profile;
use credence_vc::status::CredentialStatus;

/// Everything [`decide`] needs; the caller looks the records up and supplies time, salt and id.
#[derive(Debug, Clone, Copy)]
pub struct IssuanceInput<'a> {
    /// The Centre's issuer profile (id is a DID or HTTPS URL).
    pub issuer: &'a Profile,
    /// Base URL under which achievement and provider ids are minted.
    pub base_url: &'a BaseUrl,
    /// The specification version the completion names.
    pub specification: &'a CredentialSpecification,
    /// The provider the completion names.
    pub provider: &'a Provider,
    /// The provider's approval for that specification version, if it has one.
    pub approval: Option<&'a ProviderApproval>,
    /// The completion.
    pub completion: &'a Completion,
    /// The current time.
    pub now: DateTime<Utc>,
    /// Salt for the identity hashes (e.g. 16 random bytes in hex).
    pub salt: &'a Salt,
    /// The new badge's id.
    pub badge_id: &'a BadgeId,
    /// Status list entries to embed (revocation, suspension), possibly none.
    pub status: &'a [CredentialStatus],
    /// `validUntil`, if the badge expires.
    pub valid_until: Option<DateTime<Utc>>,
}

/// Why a completion was not badged. Each variant has a stable [`code`](Refusal::code).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The specification version was not endorsed on the completion date.
    #[error("{specification} v{version} was not endorsed on {date} (status: {})", status.map_or("not yet recorded", SpecStatus::as_str))]
    SpecificationNotEndorsed {
        /// Specification code.
        specification: SpecId,
        /// Version.
        version: SpecVersion,
        /// The completion date.
        date: NaiveDate,
        /// Its status on that date, if it had one.
        status: Option<SpecStatus>,
    },
    /// The specification record supplied is not the one the completion names.
    #[error("completion names {completion_spec} v{completion_version} but {given_spec} v{given_version} was supplied")]
    SpecificationMismatch {
        /// What the completion names.
        completion_spec: SpecId,
        /// Its version.
        completion_version: SpecVersion,
        /// What was supplied.
        given_spec: SpecId,
        /// Its version.
        given_version: SpecVersion,
    },
    /// The provider record supplied is not the one the completion names.
    #[error("completion names provider {completion_provider} but {given_provider} was supplied")]
    ProviderMismatch {
        /// What the completion names.
        completion_provider: ProviderId,
        /// What was supplied.
        given_provider: ProviderId,
    },
    /// The provider holds no approval for the specification version.
    #[error("provider {provider} holds no approval for {specification} v{version}")]
    ProviderNotApproved {
        /// The provider.
        provider: ProviderId,
        /// Specification code.
        specification: SpecId,
        /// Version.
        version: SpecVersion,
    },
    /// The approval supplied is for a different provider or specification version.
    #[error("approval {approval} does not cover this provider and specification version")]
    ApprovalMismatch {
        /// The approval supplied.
        approval: ApprovalId,
    },
    /// The approval was suspended on the completion date.
    #[error("approval {approval} was suspended on the completion date (since {since})")]
    ApprovalSuspended {
        /// The approval.
        approval: ApprovalId,
        /// First day of the suspension.
        since: NaiveDate,
    },
    /// The approval had been withdrawn by the completion date.
    #[error("approval {approval} was withdrawn on {since}, before the completion date")]
    ApprovalWithdrawn {
        /// The approval.
        approval: ApprovalId,
        /// Day of withdrawal.
        since: NaiveDate,
    },
    /// The approval had expired by the completion date.
    #[error("approval {approval} had expired on the completion date (since {since})")]
    ApprovalExpired {
        /// The approval.
        approval: ApprovalId,
        /// First day expired.
        since: NaiveDate,
    },
    /// The completion date is after the approval's end date.
    #[error("completion on {completed_on} is after approval {approval} ended on {end_date}")]
    CompletionAfterApprovalEnd {
        /// The approval.
        approval: ApprovalId,
        /// Its last day.
        end_date: NaiveDate,
        /// The completion date.
        completed_on: NaiveDate,
    },
    /// The completion date is before the approval started.
    #[error("completion on {completed_on} is before approval {approval} started on {approved_on}")]
    CompletionBeforeApproval {
        /// The approval.
        approval: ApprovalId,
        /// Its first day.
        approved_on: NaiveDate,
        /// The completion date.
        completed_on: NaiveDate,
    },
    /// The completion date is in the future.
    #[error("completion date {completed_on} is in the future (today is {today})")]
    CompletionInFuture {
        /// The completion date.
        completed_on: NaiveDate,
        /// Today, in the UK.
        today: NaiveDate,
    },
    /// The requested `validUntil` is not after `validFrom` (now).
    #[error("validUntil {valid_until} is not after validFrom {valid_from}")]
    InvalidValidityPeriod {
        /// Now.
        valid_from: DateTime<Utc>,
        /// Requested expiry.
        valid_until: DateTime<Utc>,
    },
    /// Internal defect: the badge written does not serialize or fails the OB 3.0 schema.
    #[error("internal error: the badge document is invalid")]
    InvalidBadgeDocument(#[source] BadgeDocumentError),
}

impl Refusal {
    /// A stable machine code, e.g. `specification_not_endorsed`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::SpecificationNotEndorsed { .. } => "specification_not_endorsed",
            Refusal::SpecificationMismatch { .. } => "specification_mismatch",
            Refusal::ProviderMismatch { .. } => "provider_mismatch",
            Refusal::ProviderNotApproved { .. } => "provider_not_approved",
            Refusal::ApprovalMismatch { .. } => "approval_mismatch",
            Refusal::ApprovalSuspended { .. } => "approval_suspended",
            Refusal::ApprovalWithdrawn { .. } => "approval_withdrawn",
            Refusal::ApprovalExpired { .. } => "approval_expired",
            Refusal::CompletionAfterApprovalEnd { .. } => "completion_after_approval_end",
            Refusal::CompletionBeforeApproval { .. } => "completion_before_approval",
            Refusal::CompletionInFuture { .. } => "completion_in_future",
            Refusal::InvalidValidityPeriod { .. } => "invalid_validity_period",
            Refusal::InvalidBadgeDocument(_) => "internal_invalid_badge_document",
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// Whether this is a defect in Credence (or in how the caller looked records up), not a
    /// decision about the completion: `InvalidBadgeDocument`, and the three mismatch variants.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Refusal::InvalidBadgeDocument(_)
                | Refusal::SpecificationMismatch { .. }
                | Refusal::ProviderMismatch { .. }
                | Refusal::ApprovalMismatch { .. }
        )
    }
}

/// The latest calendar date it can be in the UK at `now` (UK time is UTC or UTC+1).
pub fn uk_today(now: DateTime<Utc>) -> NaiveDate {
    (now + Duration::hours(1)).date_naive()
}

/// The approval to judge a completion on `date` by: of the approvals covering provider and
/// specification version, the latest one started on or before `date`, else the earliest (so a
/// refusal can say it had not started yet).
pub fn select_approval<'a>(
    approvals: &'a [ProviderApproval],
    provider: &ProviderId,
    spec: &SpecId,
    version: &SpecVersion,
    date: NaiveDate,
) -> Option<&'a ProviderApproval> {
    let covering = || {
        approvals
            .iter()
            .filter(|a| a.covers(provider, spec, version))
    };
    covering()
        .filter(|a| a.approved_on() <= date)
        .max_by_key(|a| a.approved_on())
        .or_else(|| covering().min_by_key(|a| a.approved_on()))
}

/// Applies the issuance rules and, if they pass, writes the unsigned badge and checks it against the
/// OB 3.0 schema.
pub fn decide(input: IssuanceInput<'_>) -> Result<UnsignedBadge, Refusal> {
    let approval_id = judge(&input)?;
    let parts = BadgeParts {
        issuer: input.issuer,
        base_url: input.base_url,
        specification: input.specification,
        provider: input.provider,
        approval: &approval_id,
        completion: input.completion,
        issued_at: input.now,
        salt: input.salt,
        badge_id: input.badge_id,
        status: input.status,
        valid_until: input.valid_until,
    };
    UnsignedBadge::new(build::credential(&parts), input.completion.fingerprint())
        .map_err(Refusal::InvalidBadgeDocument)
}

/// Applies the issuance rules only, without writing the badge: the approval it would be issued
/// under, or the refusal [`decide`] would give. Cheap; lets a caller reserve resources (status
/// list slots) only for completions that will be badged.
pub fn judge(input: &IssuanceInput<'_>) -> Result<ApprovalId, Refusal> {
    let c = input.completion;
    let spec = input.specification;
    let date = c.completed_on();

    if c.provider() != input.provider.ukprn() {
        return Err(Refusal::ProviderMismatch {
            completion_provider: c.provider().clone(),
            given_provider: input.provider.ukprn().clone(),
        });
    }
    if c.specification() != spec.id() || c.version() != spec.version() {
        return Err(Refusal::SpecificationMismatch {
            completion_spec: c.specification().clone(),
            completion_version: c.version().clone(),
            given_spec: spec.id().clone(),
            given_version: spec.version().clone(),
        });
    }
    if let Some(until) = input.valid_until {
        if until.timestamp() <= input.now.timestamp() {
            return Err(Refusal::InvalidValidityPeriod {
                valid_from: input.now,
                valid_until: until,
            });
        }
    }
    let today = uk_today(input.now);
    if date > today {
        return Err(Refusal::CompletionInFuture {
            completed_on: date,
            today,
        });
    }
    if !spec.is_endorsed_on(date) {
        return Err(Refusal::SpecificationNotEndorsed {
            specification: spec.id().clone(),
            version: spec.version().clone(),
            date,
            status: spec.status_on(date),
        });
    }
    let not_approved = || Refusal::ProviderNotApproved {
        provider: c.provider().clone(),
        specification: spec.id().clone(),
        version: spec.version().clone(),
    };
    let approval = input.approval.ok_or_else(not_approved)?;
    let approval_id = approval.id().clone();
    if !approval.covers(c.provider(), spec.id(), spec.version()) {
        return Err(Refusal::ApprovalMismatch {
            approval: approval_id,
        });
    }
    if date < approval.approved_on() {
        return Err(Refusal::CompletionBeforeApproval {
            approval: approval_id,
            approved_on: approval.approved_on(),
            completed_on: date,
        });
    }
    match approval.change_on(date) {
        Some((status, _)) if status.permits_issuance() => {}
        Some((ApprovalStatus::Suspended, since)) => {
            return Err(Refusal::ApprovalSuspended {
                approval: approval_id,
                since,
            })
        }
        Some((ApprovalStatus::Withdrawn, since)) => {
            return Err(Refusal::ApprovalWithdrawn {
                approval: approval_id,
                since,
            })
        }
        Some((_, since)) => {
            return Err(match approval.end_date().filter(|end| date > *end) {
                Some(end_date) => Refusal::CompletionAfterApprovalEnd {
                    approval: approval_id,
                    end_date,
                    completed_on: date,
                },
                None => Refusal::ApprovalExpired {
                    approval: approval_id,
                    since,
                },
            })
        }
        None => return Err(not_approved()),
    }

    Ok(approval_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::schema;
    use crate::model::approval::{ApprovalChange, RawProviderApproval};
    use crate::model::completion::RawCompletion;
    use crate::model::sample::{self, Catalog, Expected, SampleError};
    use chrono::TimeZone;

    const BADGE: &str = "urn:uuid:00000000-0000-4000-8000-000000000001";

    fn base() -> BaseUrl {
        BaseUrl::try_from("https://centre.example").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Runs `decide` on a raw completion against the sample catalog (optionally overriding the approval).
    fn run(
        raw: &RawCompletion,
        now: DateTime<Utc>,
        approval: Option<Option<&ProviderApproval>>,
    ) -> Result<UnsignedBadge, Refusal> {
        let catalog = Catalog::sample().unwrap();
        let c = Completion::try_from(raw).unwrap();
        let spec = catalog
            .specification(c.specification(), c.version())
            .unwrap();
        let provider = catalog.provider(c.provider()).unwrap();
        let approval = approval.unwrap_or_else(|| {
            catalog.approval_for(
                c.provider(),
                c.specification(),
                c.version(),
                c.completed_on(),
            )
        });
        let issuer = sample::centre_issuer(&base());
        decide(IssuanceInput {
            issuer: &issuer,
            base_url: &base(),
            specification: spec,
            provider,
            approval,
            completion: &c,
            now,
            salt: &Salt::try_from("0123456789abcdef0123456789abcdef").unwrap(),
            badge_id: &BadgeId::try_from(BADGE).unwrap(),
            status: &[],
            valid_until: None,
        })
    }

    fn amira() -> RawCompletion {
        sample::cases()
            .into_iter()
            .find(|c| c.practitioner == "Amira Okafor")
            .unwrap()
            .raw
    }

    #[test]
    fn every_sample_row_gets_its_expected_outcome() {
        let cases = sample::cases();
        assert_eq!(cases.len(), 7);
        for case in cases {
            let outcome = run(&case.raw, sample::fixture_now(), None);
            match (case.expected, outcome) {
                (Expected::Issued, Ok(badge)) => {
                    schema::validate(badge.as_json()).unwrap();
                    assert_eq!(badge.id(), BADGE);
                }
                (Expected::Refused(code), Err(r)) => {
                    assert_eq!(r.code(), code, "{}: {r}", case.practitioner);
                    assert!(!r.is_internal());
                }
                (expected, outcome) => panic!(
                    "{}: expected {expected:?}, got {outcome:?}",
                    case.practitioner
                ),
            }
        }
    }

    #[test]
    fn refusal_payloads_name_the_reason() {
        let by_name = |n: &str| {
            sample::cases()
                .into_iter()
                .find(|c| c.practitioner == n)
                .unwrap()
                .raw
        };
        match run(&by_name("Ollie Brennan"), sample::fixture_now(), None) {
            Err(Refusal::ApprovalSuspended { approval, since }) => {
                assert_eq!((approval.as_str(), since), ("AP-004", d("2024-10-01")));
            }
            other => panic!("{other:?}"),
        }
        match run(&by_name("Hana Yusuf"), sample::fixture_now(), None) {
            Err(
                r @ Refusal::SpecificationNotEndorsed {
                    status: Some(SpecStatus::InDevelopment),
                    ..
                },
            ) => {
                assert!(r.message().contains("CS-PH"), "{r}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            run(&by_name("Tomasz Reid"), sample::fixture_now(), None),
            Err(Refusal::ProviderNotApproved { .. })
        ));
    }

    #[test]
    fn withdrawal_judged_as_it_stood() {
        let sunil = sample::cases()
            .into_iter()
            .find(|c| c.practitioner == "Sunil Varma")
            .unwrap()
            .raw;
        assert!(run(&sunil, sample::fixture_now(), None).is_ok());
        // The day before the withdrawal is fine; the withdrawal day is not.
        let eve = RawCompletion {
            completed_on: "2024-07-30".into(),
            ..sunil.clone()
        };
        assert!(run(&eve, sample::fixture_now(), None).is_ok());
        let on = RawCompletion {
            completed_on: "2024-07-31".into(),
            ..sunil
        };
        match run(&on, sample::fixture_now(), None) {
            Err(Refusal::ApprovalWithdrawn { since, .. }) => assert_eq!(since, d("2024-07-31")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn approval_start_date_edges() {
        // AP-001 started 2023-09-01.
        let start = RawCompletion {
            completed_on: "2023-09-01".into(),
            ..amira()
        };
        assert!(run(&start, sample::fixture_now(), None).is_ok());
        let before = RawCompletion {
            completed_on: "2023-08-31".into(),
            ..amira()
        };
        match run(&before, sample::fixture_now(), None) {
            Err(r @ Refusal::CompletionBeforeApproval { .. }) => {
                assert_eq!(r.code(), "completion_before_approval")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn future_completions_are_refused() {
        let now = Utc.with_ymd_and_hms(2024, 7, 11, 12, 0, 0).unwrap();
        match run(&amira(), now, None) {
            Err(Refusal::CompletionInFuture {
                completed_on,
                today,
            }) => {
                assert_eq!((completed_on, today), (d("2024-07-12"), d("2024-07-11")));
            }
            other => panic!("{other:?}"),
        }
        // Completed "today" in the UK (BST) while it is still the day before in UTC: accepted.
        assert!(run(&amira(), at("2024-07-11T23:30:00Z"), None).is_ok());
        assert!(run(&amira(), at("2024-07-12T00:00:00Z"), None).is_ok());
    }

    #[test]
    fn retired_specification_is_refused_after_retirement() {
        // A test-only approval for CS-PCC 1.0 at King's College London.
        let approval = ProviderApproval::try_from(RawProviderApproval {
            id: "AP-T01".into(),
            provider: "10003645".into(),
            specification: "CS-PCC".into(),
            version: "1.0".into(),
            approved_on: d("2021-10-01"),
            next_review_due: d("2022-10-01"),
            end_date: None,
            conditions: vec![],
            history: vec![ApprovalChange {
                status: ApprovalStatus::Approved,
                effective: d("2021-10-01"),
                note: None,
            }],
        })
        .unwrap();
        let ollie = sample::cases()
            .into_iter()
            .find(|c| c.practitioner == "Ollie Brennan")
            .unwrap()
            .raw;
        let pcc10 = |date: &str| RawCompletion {
            specification_version: "1.0".into(),
            completed_on: date.into(),
            ..ollie.clone()
        };
        assert!(run(
            &pcc10("2022-09-29"),
            sample::fixture_now(),
            Some(Some(&approval))
        )
        .is_ok());
        for date in ["2022-09-30", "2022-11-01"] {
            match run(&pcc10(date), sample::fixture_now(), Some(Some(&approval))) {
                Err(Refusal::SpecificationNotEndorsed { status, .. }) => {
                    assert_eq!(status, Some(SpecStatus::Retired))
                }
                other => panic!("{date}: {other:?}"),
            }
        }
    }

    #[test]
    fn approval_end_date_and_expiry() {
        let mut raw: RawProviderApproval = Catalog::sample().unwrap().approvals[0].clone().into();
        raw.end_date = Some(d("2024-07-11"));
        let ended = ProviderApproval::try_from(raw.clone()).unwrap();
        match run(&amira(), sample::fixture_now(), Some(Some(&ended))) {
            Err(r @ Refusal::CompletionAfterApprovalEnd { .. }) => {
                assert_eq!(r.code(), "completion_after_approval_end")
            }
            other => panic!("{other:?}"),
        }
        raw.end_date = Some(d("2024-07-12"));
        assert!(run(
            &amira(),
            sample::fixture_now(),
            Some(Some(&ProviderApproval::try_from(raw.clone()).unwrap()))
        )
        .is_ok());
        raw.end_date = None;
        raw.history.push(ApprovalChange {
            status: ApprovalStatus::Expired,
            effective: d("2024-07-01"),
            note: None,
        });
        match run(
            &amira(),
            sample::fixture_now(),
            Some(Some(&ProviderApproval::try_from(raw).unwrap())),
        ) {
            Err(r @ Refusal::ApprovalExpired { .. }) => assert_eq!(r.code(), "approval_expired"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_approval_and_wrong_approval() {
        assert_eq!(
            run(&amira(), sample::fixture_now(), Some(None))
                .unwrap_err()
                .code(),
            "provider_not_approved"
        );
        let catalog = Catalog::sample().unwrap();
        let ap003 = catalog
            .approvals
            .iter()
            .find(|a| a.id().as_str() == "AP-003")
            .unwrap();
        let r = run(&amira(), sample::fixture_now(), Some(Some(ap003))).unwrap_err();
        assert_eq!(r.code(), "approval_mismatch");
        assert!(r.is_internal());
    }

    #[test]
    fn mismatched_records_are_refused() {
        let catalog = Catalog::sample().unwrap();
        let c = Completion::try_from(&amira()).unwrap();
        let issuer = sample::centre_issuer(&base());
        let salt = Salt::try_from("s").unwrap();
        let id = BadgeId::try_from(BADGE).unwrap();
        let input = IssuanceInput {
            issuer: &issuer,
            base_url: &base(),
            specification: &catalog.specifications[1],
            provider: &catalog.providers[0],
            approval: None,
            completion: &c,
            now: sample::fixture_now(),
            salt: &salt,
            badge_id: &id,
            status: &[],
            valid_until: None,
        };
        assert_eq!(decide(input).unwrap_err().code(), "specification_mismatch");
        let input = IssuanceInput {
            specification: &catalog.specifications[0],
            provider: &catalog.providers[1],
            ..input
        };
        assert_eq!(decide(input).unwrap_err().code(), "provider_mismatch");
        let input = IssuanceInput {
            provider: &catalog.providers[0],
            valid_until: Some(sample::fixture_now()),
            ..input
        };
        assert_eq!(decide(input).unwrap_err().code(), "invalid_validity_period");
    }

    #[test]
    fn codes_are_distinct() {
        let codes = [
            "specification_not_endorsed",
            "specification_mismatch",
            "provider_mismatch",
            "provider_not_approved",
            "approval_mismatch",
            "approval_suspended",
            "approval_withdrawn",
            "approval_expired",
            "completion_after_approval_end",
            "completion_before_approval",
            "completion_in_future",
            "invalid_validity_period",
            "internal_invalid_badge_document",
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn standard_badge_builds() {
        let badge = sample::standard_badge(&base()).unwrap();
        assert_eq!(badge.id(), sample::STANDARD_BADGE_ID);
        assert!(
            matches!(sample::standard_badge(&base()), Ok(b) if b == badge),
            "deterministic"
        );
        let _: Option<SampleError> = None;
    }
}
