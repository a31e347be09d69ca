//! Centre-endorsed credential specifications (versioned) and their status history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::ids::{checked_name, optional_text, required_text, SpecId, SpecVersion};

/// One change of status, effective from `effective` (inclusive) until the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange<S> {
    /// The new status.
    pub status: S,
    /// The first day the status applies.
    pub effective: NaiveDate,
}

/// Checks a history is non-empty and strictly increasing in date.
pub(crate) fn check_history<S>(
    record: &'static str,
    history: &[StatusChange<S>],
) -> Result<(), ModelError> {
    if history.is_empty() {
        return Err(ModelError::EmptyHistory { record });
    }
    if history
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.effective >= b.effective))
    {
        return Err(ModelError::HistoryOutOfOrder { record });
    }
    Ok(())
}

/// The change in force on `date`: the last one effective on or before it.
pub(crate) fn change_on<S>(
    history: &[StatusChange<S>],
    date: NaiveDate,
) -> Option<&StatusChange<S>> {
    history.iter().rev().find(|c| c.effective <= date)
}

/// Lifecycle status of a specification version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpecStatus {
    /// Proposed, not yet in development.
    Candidate,
    /// Being developed with the Centre.
    InDevelopment,
    /// Endorsed by the Centre: completions can be badged.
    Endorsed,
    /// No longer endorsed.
    Retired,
}

impl SpecStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecStatus::Candidate => "candidate",
            SpecStatus::InDevelopment => "in_development",
            SpecStatus::Endorsed => "endorsed",
            SpecStatus::Retired => "retired",
        }
    }
}

/// A pillar of the Multi-professional framework for advanced clinical practice in England.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Pillar {
    /// Clinical practice.
    ClinicalPractice,
    /// Leadership and management.
    LeadershipAndManagement,
    /// Education.
    Education,
    /// Research.
    Research,
}

impl Pillar {
    /// All four pillars in framework order.
    pub const ALL: [Pillar; 4] = [
        Pillar::ClinicalPractice,
        Pillar::LeadershipAndManagement,
        Pillar::Education,
        Pillar::Research,
    ];

    /// The pillar's name as the framework writes it.
    pub fn name(self) -> &'static str {
        match self {
            Pillar::ClinicalPractice => "Clinical practice",
            Pillar::LeadershipAndManagement => "Leadership and management",
            Pillar::Education => "Education",
            Pillar::Research => "Research",
        }
    }

    /// A stable code, e.g. `clinical-practice`.
    pub fn code(self) -> &'static str {
        match self {
            Pillar::ClinicalPractice => "clinical-practice",
            Pillar::LeadershipAndManagement => "leadership-and-management",
            Pillar::Education => "education",
            Pillar::Research => "research",
        }
    }
}

/// A specification version as stored or received, unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCredentialSpecification {
    /// Code, e.g. `CS-OPF`.
    pub id: String,
    /// Version, e.g. `1.0`.
    pub version: String,
    /// Title.
    pub title: String,
    /// Summary (becomes the achievement description).
    pub summary: String,
    /// Area-specific capabilities.
    pub capabilities: Vec<String>,
    /// Pillars of the framework the specification aligns to.
    pub pillars: Vec<Pillar>,
    /// FHEQ level; must be 7.
    pub fheq_level: u8,
    /// Credit value, if any.
    #[serde(default)]
    pub credits: Option<u16>,
    /// Entry requirements, in words.
    pub entry_requirements: String,
    /// Professional activities a practitioner can perform on completion.
    #[serde(default)]
    pub professional_activities: Vec<String>,
    /// Status history, oldest first.
    pub history: Vec<StatusChange<SpecStatus>>,
}

/// A validated, versioned credential specification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "RawCredentialSpecification",
    into = "RawCredentialSpecification"
)]
pub struct CredentialSpecification {
    id: SpecId,
    version: SpecVersion,
    title: String,
    summary: String,
    capabilities: Vec<String>,
    pillars: Vec<Pillar>,
    credits: Option<u16>,
    entry_requirements: String,
    professional_activities: Vec<String>,
    history: Vec<StatusChange<SpecStatus>>,
}

impl TryFrom<RawCredentialSpecification> for CredentialSpecification {
    type Error = ModelError;
    fn try_from(raw: RawCredentialSpecification) -> Result<Self, ModelError> {
        if raw.fheq_level != 7 {
            return Err(ModelError::FheqLevel {
                level: raw.fheq_level,
            });
        }
        let mut pillars = raw.pillars.clone();
        pillars.sort();
        pillars.dedup();
        if pillars.is_empty() || pillars.len() != raw.pillars.len() {
            return Err(ModelError::Pillars);
        }
        if let Some(c) = raw.credits {
            if !(1..=360).contains(&c) {
                return Err(ModelError::Credits { credits: c });
            }
        }
        check_history("specification", &raw.history)?;
        let list = |field: &'static str, items: &[String]| -> Result<Vec<String>, ModelError> {
            items
                .iter()
                .map(|s| required_text(field, s, 2000))
                .collect()
        };
        Ok(CredentialSpecification {
            id: SpecId::try_from(raw.id.as_str())?,
            version: SpecVersion::try_from(raw.version.as_str())?,
            title: checked_name("specification.title", &raw.title, 200)?,
            summary: required_text("specification.summary", &raw.summary, 4000)?,
            capabilities: list("specification.capabilities", &raw.capabilities)?,
            pillars,
            credits: raw.credits,
            entry_requirements: optional_text(
                "specification.entry_requirements",
                Some(&raw.entry_requirements),
                4000,
            )?
            .unwrap_or_default(),
            professional_activities: list(
                "specification.professional_activities",
                &raw.professional_activities,
            )?,
            history: raw.history,
        })
    }
}

impl From<CredentialSpecification> for RawCredentialSpecification {
    fn from(s: CredentialSpecification) -> Self {
        RawCredentialSpecification {
            id: s.id.into(),
            version: s.version.into(),
            title: s.title,
            summary: s.summary,
            capabilities: s.capabilities,
            pillars: s.pillars,
            fheq_level: 7,
            credits: s.credits,
            entry_requirements: s.entry_requirements,
            professional_activities: s.professional_activities,
            history: s.history,
        }
    }
}

impl CredentialSpecification {
    /// The code, e.g. `CS-OPF`.
    pub fn id(&self) -> &SpecId {
        &self.id
    }
    /// The version, e.g. `1.0`.
    pub fn version(&self) -> &SpecVersion {
        &self.version
    }
    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The summary.
    pub fn summary(&self) -> &str {
        &self.summary
    }
    /// Area-specific capabilities.
    pub fn capabilities(&self) -> &[String] {
        &self.capabilities
    }
    /// Pillars, in framework order, each once.
    pub fn pillars(&self) -> &[Pillar] {
        &self.pillars
    }
    /// FHEQ level (always 7).
    pub fn fheq_level(&self) -> u8 {
        7
    }
    /// Credit value, if any.
    pub fn credits(&self) -> Option<u16> {
        self.credits
    }
    /// Entry requirements (may be empty).
    pub fn entry_requirements(&self) -> &str {
        &self.entry_requirements
    }
    /// Professional activities a practitioner can perform on completion.
    pub fn professional_activities(&self) -> &[String] {
        &self.professional_activities
    }
    /// Status history, oldest first.
    pub fn history(&self) -> &[StatusChange<SpecStatus>] {
        &self.history
    }
    /// The status on `date`, or `None` before the first recorded status.
    pub fn status_on(&self, date: NaiveDate) -> Option<SpecStatus> {
        change_on(&self.history, date).map(|c| c.status)
    }
    /// The latest status.
    pub fn current_status(&self) -> Option<SpecStatus> {
        self.history.last().map(|c| c.status)
    }
    /// Whether the version was endorsed on `date`.
    pub fn is_endorsed_on(&self, date: NaiveDate) -> bool {
        self.status_on(date) == Some(SpecStatus::Endorsed)
    }
    /// The first day it was endorsed, if ever.
    pub fn endorsed_from(&self) -> Option<NaiveDate> {
        self.history
            .iter()
            .find(|c| c.status == SpecStatus::Endorsed)
            .map(|c| c.effective)
    }
    /// The day it became retired (first day not endorsed), if it is retired.
    pub fn retired_on(&self) -> Option<NaiveDate> {
        self.history
            .last()
            .filter(|c| c.status == SpecStatus::Retired)
            .map(|c| c.effective)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn raw() -> RawCredentialSpecification {
        RawCredentialSpecification {
            id: "CS-PCC".into(),
            version: "1.0".into(),
            title: "Advanced Practice: Primary Care Core".into(),
            summary: "Core primary care.".into(),
            capabilities: vec!["Manage undifferentiated presentations".into()],
            pillars: vec![Pillar::LeadershipAndManagement, Pillar::ClinicalPractice],
            fheq_level: 7,
            credits: Some(60),
            entry_requirements: "Registered".into(),
            professional_activities: vec![],
            history: vec![
                StatusChange {
                    status: SpecStatus::Endorsed,
                    effective: d("2021-09-01"),
                },
                StatusChange {
                    status: SpecStatus::Retired,
                    effective: d("2022-09-30"),
                },
            ],
        }
    }

    #[test]
    fn status_on_dates() {
        let s = CredentialSpecification::try_from(raw()).unwrap();
        assert_eq!(
            s.pillars(),
            &[Pillar::ClinicalPractice, Pillar::LeadershipAndManagement]
        );
        assert_eq!(s.status_on(d("2021-08-31")), None);
        assert!(s.is_endorsed_on(d("2021-09-01")));
        assert!(s.is_endorsed_on(d("2022-09-29")));
        assert!(!s.is_endorsed_on(d("2022-09-30")));
        assert_eq!(s.endorsed_from(), Some(d("2021-09-01")));
        assert_eq!(s.retired_on(), Some(d("2022-09-30")));
    }

    #[test]
    fn rejects_bad_specifications() {
        let level = RawCredentialSpecification {
            fheq_level: 6,
            ..raw()
        };
        assert_eq!(
            CredentialSpecification::try_from(level),
            Err(ModelError::FheqLevel { level: 6 })
        );
        let dup = RawCredentialSpecification {
            pillars: vec![Pillar::Research, Pillar::Research],
            ..raw()
        };
        assert_eq!(
            CredentialSpecification::try_from(dup),
            Err(ModelError::Pillars)
        );
        let mut order = raw();
        order.history.reverse();
        assert!(matches!(
            CredentialSpecification::try_from(order),
            Err(ModelError::HistoryOutOfOrder { .. })
        ));
        let empty = RawCredentialSpecification {
            history: vec![],
            ..raw()
        };
        assert!(matches!(
            CredentialSpecification::try_from(empty),
            Err(ModelError::EmptyHistory { .. })
        ));
    }

    #[test]
    fn serde_round_trip_validates() {
        let s = CredentialSpecification::try_from(raw()).unwrap();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["history"][1]["status"], "retired");
        let back: CredentialSpecification = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, s);
        let mut bad = json;
        bad["fheq_level"] = 6.into();
        assert!(serde_json::from_value::<CredentialSpecification>(bad).is_err());
    }

    #[test]
    fn titles_with_bidi_controls_are_refused() {
        let s = RawCredentialSpecification {
            title: "Older People\u{2067} Frailty".into(),
            ..raw()
        };
        assert_eq!(
            CredentialSpecification::try_from(s),
            Err(ModelError::BidiControl {
                field: "specification.title",
                code_point: 0x2067,
            })
        );
    }
}
