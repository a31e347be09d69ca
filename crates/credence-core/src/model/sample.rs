//! The fictional sample data of the domain description, as constructors: specifications, providers,
//! approvals AP-001…AP-006, the seven practitioner completions with their expected outcomes, the
//! Centre's issuer profile and the standard fixture badge (used by tests, `bench` and demos).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use thiserror::Error;

use super::approval::{
    ApprovalChange, ApprovalStatus, Condition, ProviderApproval, RawProviderApproval,
};
use super::completion::{Completion, RawAssessment, RawCompletion};
use super::error::ModelError;
use super::ids::{BadgeId, BaseUrl, ProviderId, Salt, SpecId, SpecVersion};
use super::issuance::{decide, IssuanceInput, Refusal};
use super::practitioner::{RawPractitioner, RawRegistration};
use super::provider::{Provider, RawProvider};
use super::specification::{
    CredentialSpecification, Pillar, RawCredentialSpecification, SpecStatus, StatusChange,
};
use crate::badge::build::UnsignedBadge;
use crate::badge::document::Profile;
use credence_vc::status::{CredentialStatus, StatusPurpose};

/// The salt of the domain's worked hash example, used for fixtures.
pub const FIXTURE_SALT: &str = "fixtureSalt-01";
/// The id of the standard fixture badge.
pub const STANDARD_BADGE_ID: &str = "urn:uuid:3f1c2a94-6d2b-4c1e-9a57-1b8e0d4c7f21";
/// The status list index of the standard fixture badge.
pub const STANDARD_STATUS_INDEX: u64 = 7;
/// The Centre's name in fixtures.
pub const CENTRE_NAME: &str = "Centre for Advancing Practice";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// "Now" for fixtures: 2025-06-01T10:00:00Z, after every sample completion.
pub fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The Centre's issuer profile: id the base URL's `did:web`, url `{base}`.
pub fn centre_issuer(base_url: &BaseUrl) -> Profile {
    Profile {
        url: Some(base_url.to_string()),
        ..Profile::new(base_url.did_web(), CENTRE_NAME)
    }
}

fn spec(
    id: &str,
    version: &str,
    title: &str,
    area: &str,
    pillars: &[Pillar],
    credits: u16,
    history: &[(SpecStatus, NaiveDate)],
) -> Result<CredentialSpecification, ModelError> {
    CredentialSpecification::try_from(RawCredentialSpecification {
        id: id.into(),
        version: version.into(),
        title: title.into(),
        summary: format!(
            "A Centre-endorsed, assessed unit of level 7 learning in {area}, for experienced regulated \
             practitioners working towards or in advanced practice roles."
        ),
        capabilities: vec![
            format!("Undertake comprehensive, person-centred assessment in {area}."),
            format!("Make and justify complex clinical decisions in {area}, managing risk and uncertainty."),
            format!("Lead service improvement and share learning in {area}."),
        ],
        pillars: pillars.to_vec(),
        fheq_level: 7,
        credits: Some(credits),
        entry_requirements: "Current registration with a UK health or care regulator and employer support for \
                             supervised practice in the area."
            .into(),
        professional_activities: vec![],
        history: history.iter().map(|&(status, effective)| StatusChange { status, effective }).collect(),
    })
}

/// The nine specification versions of the sample table.
pub fn specifications() -> Result<Vec<CredentialSpecification>, ModelError> {
    use Pillar::{
        ClinicalPractice as C, Education as E, LeadershipAndManagement as L, Research as R,
    };
    use SpecStatus::{Candidate, Endorsed, InDevelopment, Retired};
    Ok(vec![
        spec(
            "CS-OPF",
            "1.0",
            "Advanced Practice: Older People and Frailty",
            "older people and frailty",
            &[C, L, E, R],
            60,
            &[(Endorsed, d(2023, 1, 1))],
        )?,
        spec(
            "CS-MHA",
            "1.0",
            "Advanced Practice: Adult Mental Health",
            "adult mental health",
            &[C, L, R],
            60,
            &[(Endorsed, d(2023, 6, 1))],
        )?,
        spec(
            "CS-PEOL",
            "1.0",
            "Advanced Practice: Palliative and End of Life Care",
            "palliative and end of life care",
            &[C, E],
            40,
            &[(Endorsed, d(2022, 9, 1))],
        )?,
        spec(
            "CS-PCC",
            "1.0",
            "Advanced Practice: Primary Care Core",
            "primary care",
            &[C, L],
            60,
            &[(Endorsed, d(2021, 9, 1)), (Retired, d(2022, 9, 30))],
        )?,
        spec(
            "CS-PCC",
            "1.1",
            "Advanced Practice: Primary Care Core",
            "primary care",
            &[C, L],
            60,
            &[(Endorsed, d(2022, 10, 1))],
        )?,
        spec(
            "CS-CVR",
            "1.0",
            "Advanced Practice: Cardiovascular and Respiratory Long-term Conditions",
            "cardiovascular and respiratory long-term conditions",
            &[C, R],
            40,
            &[(Endorsed, d(2022, 3, 1))],
        )?,
        spec(
            "CS-CRH",
            "1.0",
            "Advanced Practice: Community Rehabilitation",
            "community rehabilitation",
            &[C, L, R],
            30,
            &[(Endorsed, d(2023, 3, 1))],
        )?,
        spec(
            "CS-PH",
            "1.0",
            "Advanced Practice: Pelvic Health",
            "pelvic health",
            &[C, E],
            30,
            &[(Candidate, d(2023, 10, 1)), (InDevelopment, d(2024, 4, 1))],
        )?,
        spec(
            "CS-AEC",
            "1.0",
            "Advanced Practice: Acute and Emergency Care",
            "acute and emergency care",
            &[C, L, E, R],
            60,
            &[(Candidate, d(2024, 6, 1))],
        )?,
    ])
}

/// The five providers (real names and UKPRNs; every approval attached to them is fictional).
pub fn providers() -> Result<Vec<Provider>, ModelError> {
    [
        ("10007795", "University of Leeds", "https://www.leeds.ac.uk"),
        (
            "10007154",
            "University of Nottingham",
            "https://www.nottingham.ac.uk",
        ),
        ("10003645", "King's College London", "https://www.kcl.ac.uk"),
        (
            "10006840",
            "University of Birmingham",
            "https://www.birmingham.ac.uk",
        ),
        (
            "10007158",
            "University of Southampton",
            "https://www.southampton.ac.uk",
        ),
    ]
    .into_iter()
    .map(|(ukprn, name, url)| {
        Provider::try_from(RawProvider {
            ukprn: ukprn.into(),
            name: name.into(),
            url: Some(url.into()),
        })
    })
    .collect()
}

fn change(status: ApprovalStatus, effective: NaiveDate, note: Option<&str>) -> ApprovalChange {
    ApprovalChange {
        status,
        effective,
        note: note.map(Into::into),
    }
}

/// Approvals AP-001…AP-006 with their histories.
pub fn approvals() -> Result<Vec<ProviderApproval>, ModelError> {
    use ApprovalStatus::{Approved, ApprovedWithConditions, Suspended, Withdrawn};
    let raw = |id: &str,
               provider: &str,
               spec: &str,
               version: &str,
               on: NaiveDate,
               review: NaiveDate,
               history: Vec<ApprovalChange>| {
        RawProviderApproval {
            id: id.into(),
            provider: provider.into(),
            specification: spec.into(),
            version: version.into(),
            approved_on: on,
            next_review_due: review,
            end_date: None,
            conditions: vec![],
            history,
        }
    };
    [
        raw("AP-001", "10007795", "CS-OPF", "1.0", d(2023, 9, 1), d(2025, 9, 1), vec![change(Approved, d(2023, 9, 1), None)]),
        RawProviderApproval {
            conditions: vec![Condition {
                text: "Confirm protected supervision time for every learner's workplace-based assessment.".into(),
                due: d(2024, 7, 15),
                met: Some(d(2024, 5, 20)),
            }],
            ..raw("AP-002", "10007795", "CS-MHA", "1.0", d(2024, 1, 15), d(2025, 1, 15), vec![change(ApprovedWithConditions, d(2024, 1, 15), None)])
        },
        raw("AP-003", "10007154", "CS-PEOL", "1.0", d(2023, 2, 1), d(2025, 2, 1), vec![change(Approved, d(2023, 2, 1), None)]),
        raw("AP-004", "10003645", "CS-PCC", "1.1", d(2022, 10, 1), d(2024, 9, 30), vec![
            change(Approved, d(2022, 10, 1), None),
            change(Suspended, d(2024, 10, 1), Some("annual review not returned")),
        ]),
        raw("AP-005", "10006840", "CS-CVR", "1.0", d(2022, 6, 1), d(2024, 6, 1), vec![
            change(Approved, d(2022, 6, 1), None),
            change(Withdrawn, d(2024, 7, 31), Some("earlier badges stay valid")),
        ]),
        raw("AP-006", "10007158", "CS-OPF", "1.0", d(2024, 9, 1), d(2025, 9, 1), vec![change(Approved, d(2024, 9, 1), None)]),
    ]
    .into_iter()
    .map(ProviderApproval::try_from)
    .collect()
}

/// What the domain description expects for a sample completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A badge is issued.
    Issued,
    /// Refused with this [`Refusal::code`].
    Refused(&'static str),
}

/// One row of the practitioner table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleCase {
    /// The practitioner's name.
    pub practitioner: &'static str,
    /// The completion as a provider would submit it.
    pub raw: RawCompletion,
    /// The expected outcome.
    pub expected: Expected,
}

#[allow(clippy::too_many_arguments)]
fn case(
    name: &'static str,
    email: &str,
    regulator: &str,
    number: &str,
    publish_name: bool,
    route: &str,
    provider: &str,
    reference: &str,
    spec: &str,
    version: &str,
    completed_on: &str,
    expected: Expected,
) -> SampleCase {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    let (given_name, family_name) = (Some(given.to_owned()), Some(family.to_owned()));
    SampleCase {
        practitioner: name,
        raw: RawCompletion {
            provider_reference: reference.into(),
            provider: provider.into(),
            specification: spec.into(),
            specification_version: version.into(),
            route: route.into(),
            completed_on: completed_on.into(),
            practitioner: RawPractitioner {
                given_name,
                family_name,
                publish_name,
                email: email.into(),
                registration: RawRegistration {
                    regulator: regulator.into(),
                    number: number.into(),
                },
            },
            assessment: Some(RawAssessment {
                academic_assessor: "Dr Priya Natarajan, programme lead".into(),
                workplace_supervisor:
                    "Dr Morgan Ellis, consultant practitioner (workplace supervisor)".into(),
            }),
        },
        expected,
    }
}

/// A valid completion of CS-OPF 1.0 at the University of Leeds (AP-001), unique per
/// `(prefix, i)`: reference `{prefix}-{i}`, completed between 2023-09-01 and 2025-04-23, an NMC
/// PIN of its own. The workload of `credence bench http` and of tests.
pub fn synthetic(prefix: &str, i: usize) -> RawCompletion {
    let day = u64::try_from(i % 600).unwrap_or_default();
    let completed_on = NaiveDate::from_ymd_opt(2023, 9, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(day)))
        .unwrap_or_default();
    RawCompletion {
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
        practitioner: RawPractitioner {
            given_name: Some("Synthetic".to_owned()),
            family_name: Some(format!("Practitioner {i}")),
            publish_name: false,
            email: format!("practitioner.{i}@{}.example.nhs.uk", prefix.to_lowercase()),
            registration: RawRegistration {
                regulator: "NMC".to_owned(),
                number: format!("9{}A{:04}E", (i / 10_000) % 10, i % 10_000),
            },
        },
        assessment: Some(RawAssessment {
            academic_assessor: "Dr Priya Natarajan, programme lead".to_owned(),
            workplace_supervisor: "Dr Morgan Ellis, consultant practitioner".to_owned(),
        }),
    }
}

/// The seven practitioner completions with their expected outcomes.
pub fn cases() -> Vec<SampleCase> {
    use Expected::{Issued, Refused};
    vec![
        case(
            "Amira Okafor",
            "amira.okafor@example.nhs.uk",
            "NMC",
            "99A9001E",
            false,
            "within_msc",
            "10007795",
            "LEEDS-OPF-2024-0012",
            "CS-OPF",
            "1.0",
            "2024-07-12",
            Issued,
        ),
        case(
            "Tomasz Reid",
            "tomasz.reid@example.nhs.uk",
            "HCPC",
            "PH999002",
            false,
            "after_msc",
            "10007795",
            "LEEDS-CRH-2024-0003",
            "CS-CRH",
            "1.0",
            "2024-06-01",
            Refused("provider_not_approved"),
        ),
        case(
            "Gwen Llewellyn",
            "gwen.llewellyn@example.nhs.uk",
            "HCPC",
            "PA999003",
            true,
            "after_eportfolio",
            "10007154",
            "NOTT-PEOL-24-017",
            "CS-PEOL",
            "1.0",
            "2024-03-01",
            Issued,
        ),
        case(
            "Sunil Varma",
            "sunil.varma@example.nhs.uk",
            "GPhC",
            "2999004",
            false,
            "within_msc",
            "10006840",
            "UOB-CVR-2024-041",
            "CS-CVR",
            "1.0",
            "2024-05-30",
            Issued,
        ),
        case(
            "Keira Mensah",
            "keira.mensah@example.nhs.uk",
            "NMC",
            "99K9005S",
            false,
            "within_msc",
            "10007795",
            "LEEDS-MHA-2024-0007",
            "CS-MHA",
            "1.0",
            "2024-11-20",
            Issued,
        ),
        case(
            "Ollie Brennan",
            "ollie.brennan@example.nhs.uk",
            "HCPC",
            "OT999006",
            false,
            "after_msc",
            "10003645",
            "KCL-PCC-2025-002",
            "CS-PCC",
            "1.1",
            "2025-02-10",
            Refused("approval_suspended"),
        ),
        case(
            "Hana Yusuf",
            "hana.yusuf@example.nhs.uk",
            "HCPC",
            "DT999007",
            false,
            "after_msc",
            "10007795",
            "LEEDS-PH-2025-0001",
            "CS-PH",
            "1.0",
            "2025-03-01",
            Refused("specification_not_endorsed"),
        ),
    ]
}

/// Why a sample decision could not be made or was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SampleError {
    /// Sample data failed validation (a defect in the fixtures).
    #[error("sample data is invalid")]
    Model(#[from] ModelError),
    /// The completion names a specification version not in the catalog.
    #[error("unknown specification {specification} v{version}")]
    UnknownSpecification {
        /// Code.
        specification: SpecId,
        /// Version.
        version: SpecVersion,
    },
    /// The completion names a provider not in the catalog.
    #[error("unknown provider {provider}")]
    UnknownProvider {
        /// UKPRN.
        provider: ProviderId,
    },
    /// The rules refused the completion.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
}

/// The sample specifications, providers and approvals, with the look-ups a store would do.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Specification versions.
    pub specifications: Vec<CredentialSpecification>,
    /// Providers.
    pub providers: Vec<Provider>,
    /// Approvals.
    pub approvals: Vec<ProviderApproval>,
}

impl Catalog {
    /// The sample catalog.
    pub fn sample() -> Result<Self, ModelError> {
        Ok(Catalog {
            specifications: specifications()?,
            providers: providers()?,
            approvals: approvals()?,
        })
    }

    /// A specification version.
    pub fn specification(
        &self,
        id: &SpecId,
        version: &SpecVersion,
    ) -> Option<&CredentialSpecification> {
        self.specifications
            .iter()
            .find(|s| s.id() == id && s.version() == version)
    }

    /// A provider.
    pub fn provider(&self, ukprn: &ProviderId) -> Option<&Provider> {
        self.providers.iter().find(|p| p.ukprn() == ukprn)
    }

    /// The approval to judge a completion on `date` by: of those covering provider and version, the
    /// latest one started on or before `date`, else the earliest (so a refusal can say it had not
    /// started).
    pub fn approval_for(
        &self,
        provider: &ProviderId,
        spec: &SpecId,
        version: &SpecVersion,
        date: NaiveDate,
    ) -> Option<&ProviderApproval> {
        super::issuance::select_approval(&self.approvals, provider, spec, version, date)
    }

    /// Looks up the records for `completion` and runs [`decide`].
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        issuer: &Profile,
        base_url: &BaseUrl,
        completion: &Completion,
        now: DateTime<Utc>,
        salt: &Salt,
        badge_id: &BadgeId,
        status: &[CredentialStatus],
    ) -> Result<UnsignedBadge, SampleError> {
        let specification = self
            .specification(completion.specification(), completion.version())
            .ok_or_else(|| SampleError::UnknownSpecification {
                specification: completion.specification().clone(),
                version: completion.version().clone(),
            })?;
        let provider =
            self.provider(completion.provider())
                .ok_or_else(|| SampleError::UnknownProvider {
                    provider: completion.provider().clone(),
                })?;
        let approval = self.approval_for(
            completion.provider(),
            completion.specification(),
            completion.version(),
            completion.completed_on(),
        );
        Ok(decide(IssuanceInput {
            issuer,
            base_url,
            specification,
            provider,
            approval,
            completion,
            now,
            salt,
            badge_id,
            status,
            valid_until: None,
        })?)
    }
}

/// The status list entry of the standard badge: index 7 of `{base}/status/1`, revocation.
pub fn standard_status(base_url: &BaseUrl) -> CredentialStatus {
    CredentialStatus::bitstring(
        &base_url.join("status/1"),
        STANDARD_STATUS_INDEX,
        StatusPurpose::Revocation,
    )
}

/// The standard fixture badge: Amira Okafor's CS-OPF 1.0 badge from the University of Leeds, with
/// hashed email and NMC PIN (salt [`FIXTURE_SALT`]), id [`STANDARD_BADGE_ID`], issued at
/// [`fixture_now`], with a revocation status entry.
pub fn standard_badge(base_url: &BaseUrl) -> Result<UnsignedBadge, SampleError> {
    let catalog = Catalog::sample()?;
    let amira = cases()
        .into_iter()
        .next()
        .map(|c| c.raw)
        .ok_or(SampleError::Model(ModelError::EmptyText {
            field: "sample cases",
        }))?;
    let completion = Completion::try_from(&amira)?;
    let salt = Salt::try_from(FIXTURE_SALT)?;
    let badge_id = BadgeId::try_from(STANDARD_BADGE_ID)?;
    let status = standard_status(base_url);
    catalog.decide(
        &centre_issuer(base_url),
        base_url,
        &completion,
        fixture_now(),
        &salt,
        &badge_id,
        std::slice::from_ref(&status),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_matches_the_tables() {
        let c = Catalog::sample().unwrap();
        assert_eq!(
            (c.specifications.len(), c.providers.len(), c.approvals.len()),
            (9, 5, 6)
        );
        let spec = |id: &str, v: &str| {
            c.specification(
                &SpecId::try_from(id).unwrap(),
                &SpecVersion::try_from(v).unwrap(),
            )
            .unwrap()
        };
        assert_eq!(spec("CS-OPF", "1.0").credits(), Some(60));
        assert_eq!(spec("CS-OPF", "1.0").pillars().len(), 4);
        assert_eq!(spec("CS-PCC", "1.0").retired_on(), Some(d(2022, 9, 30)));
        assert_eq!(spec("CS-PCC", "1.1").endorsed_from(), Some(d(2022, 10, 1)));
        assert_eq!(
            spec("CS-PH", "1.0").current_status(),
            Some(SpecStatus::InDevelopment)
        );
        assert_eq!(
            spec("CS-AEC", "1.0").current_status(),
            Some(SpecStatus::Candidate)
        );
        let status = |id: &str, on: NaiveDate| {
            c.approvals
                .iter()
                .find(|a| a.id().as_str() == id)
                .unwrap()
                .status_on(on)
        };
        assert_eq!(
            status("AP-002", d(2024, 11, 20)),
            Some(ApprovalStatus::ApprovedWithConditions)
        );
        assert_eq!(
            status("AP-004", d(2024, 9, 30)),
            Some(ApprovalStatus::Approved)
        );
        assert_eq!(
            status("AP-004", d(2024, 10, 1)),
            Some(ApprovalStatus::Suspended)
        );
        assert_eq!(
            status("AP-005", d(2024, 7, 31)),
            Some(ApprovalStatus::Withdrawn)
        );
        assert_eq!(status("AP-006", d(2024, 8, 31)), None);
        let leeds = ProviderId::try_from("10007795").unwrap();
        assert_eq!(c.provider(&leeds).unwrap().name(), "University of Leeds");
    }

    #[test]
    fn approval_lookup_prefers_the_one_in_force() {
        let c = Catalog::sample().unwrap();
        let (southampton, opf, v1) = (
            ProviderId::try_from("10007158").unwrap(),
            SpecId::try_from("CS-OPF").unwrap(),
            SpecVersion::try_from("1.0").unwrap(),
        );
        let a = c
            .approval_for(&southampton, &opf, &v1, d(2024, 1, 1))
            .unwrap();
        assert_eq!(
            a.id().as_str(),
            "AP-006",
            "earliest, so the refusal can say it had not started"
        );
        let leeds = ProviderId::try_from("10007795").unwrap();
        assert!(c
            .approval_for(
                &leeds,
                &SpecId::try_from("CS-CRH").unwrap(),
                &v1,
                d(2024, 6, 1)
            )
            .is_none());
    }

    #[test]
    fn sample_completions_parse_and_fixture_time_is_set() {
        for case in cases() {
            Completion::try_from(&case.raw).unwrap();
        }
        assert_eq!(fixture_now().to_rfc3339(), "2025-06-01T10:00:00+00:00");
        let base = BaseUrl::try_from("https://centre.example").unwrap();
        assert_eq!(centre_issuer(&base).id, "did:web:centre.example");
        let local = BaseUrl::try_from("http://127.0.0.1:8080/badges").unwrap();
        assert_eq!(local.did_web(), "did:web:127.0.0.1%3A8080:badges");
        assert_eq!(
            standard_status(&base).id,
            "https://centre.example/status/1#7"
        );
    }
}
