//! The Centre's approvals of a provider to deliver one specification version, with their history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::ids::{optional_text, required_text, ApprovalId, ProviderId, SpecId, SpecVersion};
use super::specification::{check_history, StatusChange};

/// Status of a provider approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApprovalStatus {
    /// Approved to deliver.
    Approved,
    /// Approved, with conditions to meet.
    ApprovedWithConditions,
    /// Temporarily not approved (e.g. annual review not returned).
    Suspended,
    /// Permanently withdrawn.
    Withdrawn,
    /// Lapsed (past its end date, or recorded as expired).
    Expired,
}

impl ApprovalStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::ApprovedWithConditions => "approved_with_conditions",
            ApprovalStatus::Suspended => "suspended",
            ApprovalStatus::Withdrawn => "withdrawn",
            ApprovalStatus::Expired => "expired",
        }
    }

    /// Whether completions on a day with this status can be badged.
    pub fn permits_issuance(self) -> bool {
        matches!(
            self,
            ApprovalStatus::Approved | ApprovalStatus::ApprovedWithConditions
        )
    }
}

/// A condition attached to an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// What the provider must do.
    pub text: String,
    /// When it is due.
    pub due: NaiveDate,
    /// When it was met, if it has been.
    #[serde(default)]
    pub met: Option<NaiveDate>,
}

/// One status change with an optional note (e.g. `annual review not returned`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalChange {
    /// The new status.
    pub status: ApprovalStatus,
    /// The first day it applies.
    pub effective: NaiveDate,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An approval as stored or received, unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProviderApproval {
    /// Approval id, e.g. `AP-001`.
    pub id: String,
    /// Provider UKPRN.
    pub provider: String,
    /// Specification code.
    pub specification: String,
    /// Specification version.
    pub version: String,
    /// First day of the approval.
    pub approved_on: NaiveDate,
    /// Next annual quality review due.
    pub next_review_due: NaiveDate,
    /// Last day of the approval, if it has one.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Status history, oldest first; starts with an approval on `approved_on`.
    pub history: Vec<ApprovalChange>,
}

/// A validated provider approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProviderApproval", into = "RawProviderApproval")]
pub struct ProviderApproval {
    id: ApprovalId,
    provider: ProviderId,
    specification: SpecId,
    version: SpecVersion,
    approved_on: NaiveDate,
    next_review_due: NaiveDate,
    end_date: Option<NaiveDate>,
    conditions: Vec<Condition>,
    history: Vec<ApprovalChange>,
}

impl TryFrom<RawProviderApproval> for ProviderApproval {
    type Error = ModelError;
    fn try_from(raw: RawProviderApproval) -> Result<Self, ModelError> {
        let plain: Vec<StatusChange<ApprovalStatus>> = raw
            .history
            .iter()
            .map(|c| StatusChange {
                status: c.status,
                effective: c.effective,
            })
            .collect();
        check_history("approval", &plain)?;
        match plain.first() {
            Some(first)
                if first.effective == raw.approved_on && first.status.permits_issuance() => {}
            _ => return Err(ModelError::ApprovalHistoryStart),
        }
        if let Some(end) = raw.end_date {
            if end < raw.approved_on {
                return Err(ModelError::DateOrder {
                    field: "end_date",
                    later: end,
                    earlier_field: "approved_on",
                    earlier: raw.approved_on,
                });
            }
        }
        let mut conditions = Vec::with_capacity(raw.conditions.len());
        for c in raw.conditions {
            conditions.push(Condition {
                text: required_text("condition.text", &c.text, 2000)?,
                ..c
            });
        }
        let mut history = Vec::with_capacity(raw.history.len());
        for c in raw.history {
            let note = optional_text("approval.note", c.note.as_deref(), 2000)?;
            history.push(ApprovalChange { note, ..c });
        }
        Ok(ProviderApproval {
            id: ApprovalId::try_from(raw.id.as_str())?,
            provider: ProviderId::try_from(raw.provider.as_str())?,
            specification: SpecId::try_from(raw.specification.as_str())?,
            version: SpecVersion::try_from(raw.version.as_str())?,
            approved_on: raw.approved_on,
            next_review_due: raw.next_review_due,
            end_date: raw.end_date,
            conditions,
            history,
        })
    }
}

impl From<ProviderApproval> for RawProviderApproval {
    fn from(a: ProviderApproval) -> Self {
        RawProviderApproval {
            id: a.id.into(),
            provider: a.provider.into(),
            specification: a.specification.into(),
            version: a.version.into(),
            approved_on: a.approved_on,
            next_review_due: a.next_review_due,
            end_date: a.end_date,
            conditions: a.conditions,
            history: a.history,
        }
    }
}

impl ProviderApproval {
    /// The approval id.
    pub fn id(&self) -> &ApprovalId {
        &self.id
    }
    /// The approved provider.
    pub fn provider(&self) -> &ProviderId {
        &self.provider
    }
    /// The specification code.
    pub fn specification(&self) -> &SpecId {
        &self.specification
    }
    /// The specification version.
    pub fn version(&self) -> &SpecVersion {
        &self.version
    }
    /// First day of the approval.
    pub fn approved_on(&self) -> NaiveDate {
        self.approved_on
    }
    /// Next annual quality review due.
    pub fn next_review_due(&self) -> NaiveDate {
        self.next_review_due
    }
    /// Last day of the approval, if any.
    pub fn end_date(&self) -> Option<NaiveDate> {
        self.end_date
    }
    /// Conditions.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
    /// Status history, oldest first.
    pub fn history(&self) -> &[ApprovalChange] {
        &self.history
    }
    /// Whether this approval may replace `stored`: its status history only extends the stored one
    /// (a recorded change is never rewritten or removed).
    pub fn extends(&self, stored: &ProviderApproval) -> bool {
        self.history.get(..stored.history.len()) == Some(stored.history.as_slice())
    }

    /// This approval with one more status change, if the result is a valid approval (e.g. the
    /// change is not dated before the last one).
    pub fn with_change(self, change: ApprovalChange) -> Result<ProviderApproval, ModelError> {
        let mut raw = RawProviderApproval::from(self);
        raw.history.push(change);
        ProviderApproval::try_from(raw)
    }

    /// Whether this approval covers the given provider and specification version.
    pub fn covers(
        &self,
        provider: &ProviderId,
        specification: &SpecId,
        version: &SpecVersion,
    ) -> bool {
        &self.provider == provider
            && &self.specification == specification
            && &self.version == version
    }

    /// The status as it stood on `date`: `None` before the approval started; `Expired` after the end
    /// date (effective the day after it); otherwise the last change effective on or before `date`.
    pub fn status_on(&self, date: NaiveDate) -> Option<ApprovalStatus> {
        self.change_on(date).map(|(status, _)| status)
    }

    /// Like [`status_on`](Self::status_on), with the day that status took effect.
    pub fn change_on(&self, date: NaiveDate) -> Option<(ApprovalStatus, NaiveDate)> {
        if date < self.approved_on {
            return None;
        }
        let recorded = self
            .history
            .iter()
            .rev()
            .find(|c| c.effective <= date)
            .map(|c| (c.status, c.effective));
        if let Some(end) = self.end_date.filter(|end| date > *end) {
            // An explicit withdrawal/suspension before the end date still explains the refusal better.
            if let Some((status, since)) = recorded.filter(|(s, _)| !s.permits_issuance()) {
                return Some((status, since));
            }
            return Some((ApprovalStatus::Expired, end.succ_opt().unwrap_or(end)));
        }
        recorded
    }

    /// The status today's records give (the last change, or expired after the end date).
    pub fn current_status(&self, today: NaiveDate) -> Option<ApprovalStatus> {
        self.status_on(today)
    }

    /// Conditions not met by `date` whose due date has passed.
    pub fn overdue_conditions(&self, date: NaiveDate) -> impl Iterator<Item = &Condition> {
        self.conditions
            .iter()
            .filter(move |c| c.due < date && c.met.is_none_or(|m| m > date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn raw() -> RawProviderApproval {
        RawProviderApproval {
            id: "ap-004".into(),
            provider: "10003645".into(),
            specification: "CS-PCC".into(),
            version: "1.1".into(),
            approved_on: d("2022-10-01"),
            next_review_due: d("2024-09-30"),
            end_date: None,
            conditions: vec![],
            history: vec![
                ApprovalChange {
                    status: ApprovalStatus::Approved,
                    effective: d("2022-10-01"),
                    note: None,
                },
                ApprovalChange {
                    status: ApprovalStatus::Suspended,
                    effective: d("2024-10-01"),
                    note: Some("annual review not returned".into()),
                },
            ],
        }
    }

    #[test]
    fn judged_as_it_stood() {
        let a = ProviderApproval::try_from(raw()).unwrap();
        assert_eq!(a.id().as_str(), "AP-004");
        assert_eq!(a.status_on(d("2022-09-30")), None);
        assert_eq!(a.status_on(d("2022-10-01")), Some(ApprovalStatus::Approved));
        assert_eq!(a.status_on(d("2024-09-30")), Some(ApprovalStatus::Approved));
        assert_eq!(
            a.change_on(d("2025-02-10")),
            Some((ApprovalStatus::Suspended, d("2024-10-01")))
        );
    }

    #[test]
    fn end_date_expires_the_day_after() {
        let a = ProviderApproval::try_from(RawProviderApproval {
            end_date: Some(d("2024-08-31")),
            history: vec![ApprovalChange {
                status: ApprovalStatus::Approved,
                effective: d("2022-10-01"),
                note: None,
            }],
            ..raw()
        })
        .unwrap();
        assert_eq!(a.status_on(d("2024-08-31")), Some(ApprovalStatus::Approved));
        assert_eq!(
            a.change_on(d("2024-09-01")),
            Some((ApprovalStatus::Expired, d("2024-09-01")))
        );
    }

    #[test]
    fn rejects_bad_histories() {
        let starts_late = RawProviderApproval {
            history: vec![ApprovalChange {
                status: ApprovalStatus::Approved,
                effective: d("2022-10-02"),
                note: None,
            }],
            ..raw()
        };
        assert_eq!(
            ProviderApproval::try_from(starts_late),
            Err(ModelError::ApprovalHistoryStart)
        );
        let starts_suspended = RawProviderApproval {
            history: vec![ApprovalChange {
                status: ApprovalStatus::Suspended,
                effective: d("2022-10-01"),
                note: None,
            }],
            ..raw()
        };
        assert_eq!(
            ProviderApproval::try_from(starts_suspended),
            Err(ModelError::ApprovalHistoryStart)
        );
        let mut same_day = raw();
        same_day.history[1].effective = d("2022-10-01");
        assert!(matches!(
            ProviderApproval::try_from(same_day),
            Err(ModelError::HistoryOutOfOrder { .. })
        ));
        let inverted = RawProviderApproval {
            end_date: Some(d("2022-09-01")),
            ..raw()
        };
        assert!(matches!(
            ProviderApproval::try_from(inverted),
            Err(ModelError::DateOrder { .. })
        ));
    }

    #[test]
    fn overdue_conditions() {
        let a = ProviderApproval::try_from(RawProviderApproval {
            conditions: vec![Condition {
                text: "Submit placement audit".into(),
                due: d("2024-04-30"),
                met: Some(d("2024-05-20")),
            }],
            ..raw()
        })
        .unwrap();
        assert_eq!(a.overdue_conditions(d("2024-05-01")).count(), 1);
        assert_eq!(a.overdue_conditions(d("2024-05-20")).count(), 0);
    }
}
