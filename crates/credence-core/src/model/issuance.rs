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
use crate::badge::document::{CredentialStatus, Profile};

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
    /// Status list entry to embed, if any.
    pub status: Option<&'a CredentialStatus>,
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

/// Applies the issuance rules and, if they pass, writes the unsigned badge and checks it against the
/// OB 3.0 schema.
pub fn decide(input: IssuanceInput<'_>) -> Result<UnsignedBadge, Refusal> {
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

    let parts = BadgeParts {
        issuer: input.issuer,
        base_url: input.base_url,
        specification: spec,
        provider: input.provider,
        approval: &approval_id,
        completion: c,
        issued_at: input.now,
        salt: input.salt,
        badge_id: input.badge_id,
        status: input.status,
        valid_until: input.valid_until,
    };
    UnsignedBadge::new(build::credential(&parts), c.fingerprint())
        .map_err(Refusal::InvalidBadgeDocument)
}
