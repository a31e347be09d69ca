//! A provider's report that a practitioner completed a specification version, and its fingerprint.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ModelError;
use super::ids::{checked_name, parse_date, ProviderId, ProviderReference, SpecId, SpecVersion};
use super::practitioner::{Practitioner, RawPractitioner};

/// How the practitioner came to the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Route {
    /// As an integral part of an advanced practice MSc.
    WithinMsc,
    /// Standalone, after an advanced practice MSc.
    AfterMsc,
    /// Standalone, after the Centre's ePortfolio (supported) route.
    AfterEportfolio,
}

impl Route {
    /// `within_msc`, `after_msc` or `after_eportfolio`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::WithinMsc => "within_msc",
            Route::AfterMsc => "after_msc",
            Route::AfterEportfolio => "after_eportfolio",
        }
    }

    /// The route in words, for the badge evidence.
    pub fn description(self) -> &'static str {
        match self {
            Route::WithinMsc => "Completed as an integral part of an advanced practice MSc.",
            Route::AfterMsc => "Completed as a standalone credential after an advanced practice MSc.",
            Route::AfterEportfolio => {
                "Completed as a standalone credential after the Centre's ePortfolio (supported) route."
            }
        }
    }

    /// Parses the snake_case name (trimmed, case-insensitive).
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "within_msc" => Ok(Route::WithinMsc),
            "after_msc" => Ok(Route::AfterMsc),
            "after_eportfolio" => Ok(Route::AfterEportfolio),
            _ => Err(ModelError::UnknownRoute {
                value: value.to_owned(),
            }),
        }
    }
}

/// Who signed off the assessments, as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssessmentRequest))]
#[serde(deny_unknown_fields)]
pub struct RawAssessment {
    /// The academic assessor (name and role).
    pub academic_assessor: String,
    /// The workplace supervisor (name and role).
    pub workplace_supervisor: String,
}

/// Who signed off the assessments, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentSignOff {
    /// Who signed off workplace-based assessment.
    pub workplace_signed_off_by: String,
    /// Who signed off academic assessment.
    pub academic_signed_off_by: String,
}

/// A completion as an HEI reports it, every field an unchecked string: the body of `POST
/// /api/v1/completions`, a row of a JSON batch, and (flattened) a row of a CSV batch, with the
/// API's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CompletionRequest))]
#[serde(deny_unknown_fields)]
pub struct RawCompletion {
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
    pub practitioner: RawPractitioner,
    /// Who signed off the assessments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<RawAssessment>,
}

/// A validated completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    provider: ProviderId,
    provider_reference: ProviderReference,
    specification: SpecId,
    version: SpecVersion,
    completed_on: NaiveDate,
    route: Route,
    practitioner: Practitioner,
    assessment: Option<AssessmentSignOff>,
}

impl TryFrom<&RawCompletion> for Completion {
    type Error = ModelError;
    fn try_from(raw: &RawCompletion) -> Result<Self, ModelError> {
        Ok(Completion {
            provider: ProviderId::try_from(raw.provider.as_str())?,
            provider_reference: ProviderReference::try_from(raw.provider_reference.as_str())?,
            specification: SpecId::try_from(raw.specification.as_str())?,
            version: SpecVersion::try_from(raw.specification_version.as_str())?,
            completed_on: parse_date("completed_on", &raw.completed_on)?,
            route: Route::parse(&raw.route)?,
            practitioner: Practitioner::try_from(&raw.practitioner)?,
            assessment: raw
                .assessment
                .as_ref()
                .map(|a| -> Result<_, ModelError> {
                    Ok(AssessmentSignOff {
                        workplace_signed_off_by: checked_name(
                            "assessment.workplace_supervisor",
                            &a.workplace_supervisor,
                            200,
                        )?,
                        academic_signed_off_by: checked_name(
                            "assessment.academic_assessor",
                            &a.academic_assessor,
                            200,
                        )?,
                    })
                })
                .transpose()?,
        })
    }
}

impl TryFrom<RawCompletion> for Completion {
    type Error = ModelError;
    fn try_from(raw: RawCompletion) -> Result<Self, ModelError> {
        Completion::try_from(&raw)
    }
}

impl From<&Completion> for RawCompletion {
    fn from(c: &Completion) -> Self {
        RawCompletion {
            provider_reference: c.provider_reference.to_string(),
            provider: c.provider.to_string(),
            specification: c.specification.to_string(),
            specification_version: c.version.to_string(),
            route: c.route.as_str().to_owned(),
            completed_on: c.completed_on.format("%Y-%m-%d").to_string(),
            practitioner: RawPractitioner::from(&c.practitioner),
            assessment: c.assessment.as_ref().map(|a| RawAssessment {
                academic_assessor: a.academic_signed_off_by.clone(),
                workplace_supervisor: a.workplace_signed_off_by.clone(),
            }),
        }
    }
}

/// SHA-256 over a completion's normalised fields: equal fingerprints mean the same completion.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

impl Completion {
    /// Provider UKPRN.
    pub fn provider(&self) -> &ProviderId {
        &self.provider
    }
    /// The provider's own reference.
    pub fn provider_reference(&self) -> &ProviderReference {
        &self.provider_reference
    }
    /// Specification code.
    pub fn specification(&self) -> &SpecId {
        &self.specification
    }
    /// Specification version.
    pub fn version(&self) -> &SpecVersion {
        &self.version
    }
    /// Completion date.
    pub fn completed_on(&self) -> NaiveDate {
        self.completed_on
    }
    /// Route.
    pub fn route(&self) -> Route {
        self.route
    }
    /// The practitioner.
    pub fn practitioner(&self) -> &Practitioner {
        &self.practitioner
    }
    /// Assessment sign-off, if reported.
    pub fn assessment(&self) -> Option<&AssessmentSignOff> {
        self.assessment.as_ref()
    }

    /// SHA-256 of the normalised fields, each length-prefixed, in a fixed order. A resubmission with
    /// the same provider reference and the same fingerprint is the same completion (return the badge
    /// already issued); a different fingerprint is a conflict.
    pub fn fingerprint(&self) -> Fingerprint {
        let p = &self.practitioner;
        let date = self.completed_on.format("%Y-%m-%d").to_string();
        let (workplace, academic) = self.assessment.as_ref().map_or(("", ""), |a| {
            (
                a.workplace_signed_off_by.as_str(),
                a.academic_signed_off_by.as_str(),
            )
        });
        let fields: [&str; 14] = [
            "credence-completion-v1",
            self.provider.as_str(),
            self.provider_reference.as_str(),
            self.specification.as_str(),
            self.version.as_str(),
            &date,
            self.route.as_str(),
            p.email().as_str(),
            p.registration().regulator().as_str(),
            p.registration().number(),
            p.name().unwrap_or(""),
            if p.publish_name() { "1" } else { "0" },
            workplace,
            academic,
        ];
        let mut h = Sha256::new();
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        Fingerprint(h.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::practitioner::RawRegistration;
    use proptest::prelude::*;

    pub(crate) fn raw() -> RawCompletion {
        RawCompletion {
            provider: "10007795".into(),
            provider_reference: "LEEDS-2024-0001".into(),
            specification: "cs-opf".into(),
            specification_version: "1.0".into(),
            completed_on: "2024-07-12".into(),
            route: "within_msc".into(),
            practitioner: RawPractitioner {
                given_name: Some("Amira".into()),
                family_name: Some("Okafor".into()),
                publish_name: false,
                email: "Amira.Okafor@example.nhs.uk".into(),
                registration: RawRegistration {
                    regulator: "NMC".into(),
                    number: "99a9001e".into(),
                },
            },
            assessment: Some(RawAssessment {
                academic_assessor: "Prof. Sam Lee, programme lead".into(),
                workplace_supervisor: "Dr Jo Marsh, consultant practitioner".into(),
            }),
        }
    }

    #[test]
    fn parses_and_normalises() {
        let c = Completion::try_from(&raw()).unwrap();
        assert_eq!(c.specification().as_str(), "CS-OPF");
        assert_eq!(
            c.practitioner().email().as_str(),
            "amira.okafor@example.nhs.uk"
        );
        assert_eq!(c.practitioner().registration().number(), "99A9001E");
        assert_eq!(c.route(), Route::WithinMsc);
        let round = Completion::try_from(&RawCompletion::from(&c)).unwrap();
        assert_eq!(round, c);
    }

    #[test]
    fn rejects_each_bad_field() {
        type Check = fn(&ModelError) -> bool;
        let cases: Vec<(RawCompletion, Check)> = vec![
            (
                RawCompletion {
                    provider: "1234".into(),
                    ..raw()
                },
                |e| matches!(e, ModelError::InvalidProviderId { .. }),
            ),
            (
                RawCompletion {
                    completed_on: "12/07/2024".into(),
                    ..raw()
                },
                |e| matches!(e, ModelError::InvalidDate { .. }),
            ),
            (
                RawCompletion {
                    route: "msc".into(),
                    ..raw()
                },
                |e| matches!(e, ModelError::UnknownRoute { .. }),
            ),
            (
                RawCompletion {
                    provider_reference: "".into(),
                    ..raw()
                },
                |e| *e == ModelError::InvalidProviderReference,
            ),
            (
                RawCompletion {
                    specification_version: "v1".into(),
                    ..raw()
                },
                |e| matches!(e, ModelError::InvalidSpecVersion { .. }),
            ),
        ];
        for (input, expect) in cases {
            let err = Completion::try_from(&input).unwrap_err();
            assert!(expect(&err), "{err:?}");
        }
        let mut bad_reg = raw();
        bad_reg.practitioner.registration.number = "PH999002".into();
        assert!(matches!(
            Completion::try_from(&bad_reg),
            Err(ModelError::InvalidRegistration { .. })
        ));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut json = serde_json::to_value(raw()).unwrap();
        json["extra"] = "x".into();
        assert!(serde_json::from_value::<RawCompletion>(json).is_err());
    }

    #[test]
    fn fingerprint_is_stable_under_normalisation_and_sensitive_to_content() {
        let a = Completion::try_from(&raw()).unwrap();
        let mut same = raw();
        same.practitioner.email = "  amira.okafor@EXAMPLE.nhs.uk".into();
        same.practitioner.registration.number = "99A 9001E".into();
        assert_eq!(
            Completion::try_from(&same).unwrap().fingerprint(),
            a.fingerprint()
        );
        let later = RawCompletion {
            completed_on: "2024-07-13".into(),
            ..raw()
        };
        assert_ne!(
            Completion::try_from(&later).unwrap().fingerprint(),
            a.fingerprint()
        );
        let mut assessor = raw();
        if let Some(a) = assessor.assessment.as_mut() {
            a.academic_assessor = "Someone else".into();
        }
        assert_ne!(
            Completion::try_from(&assessor).unwrap().fingerprint(),
            a.fingerprint()
        );
        let mut unreported = raw();
        unreported.assessment = None;
        assert_ne!(
            Completion::try_from(&unreported).unwrap().fingerprint(),
            a.fingerprint()
        );
        assert_eq!(a.fingerprint().to_hex().len(), 64);
    }

    proptest! {
        #[test]
        fn try_from_never_panics(
            provider in ".{0,12}", reference in ".{0,20}", spec in ".{0,10}", version in ".{0,6}",
            date in ".{0,12}", route in ".{0,18}", email in ".{0,30}", regulator in ".{0,6}",
            number in ".{0,12}", given in proptest::option::of(".{0,20}"),
            family in proptest::option::of(".{0,20}"), publish in any::<bool>(),
            workplace in ".{0,10}", academic in ".{0,10}",
        ) {
            let input = RawCompletion {
                provider, provider_reference: reference, specification: spec, specification_version: version, completed_on: date, route,
                practitioner: RawPractitioner { given_name: given, family_name: family, publish_name: publish, email, registration: RawRegistration { regulator, number } },
                assessment: Some(RawAssessment { academic_assessor: academic, workplace_supervisor: workplace }),
            };
            let _ = Completion::try_from(&input);
        }

        #[test]
        fn near_valid_inputs_never_panic(date in "[0-9+-]{8,12}", number in "[0-9A-Za-z ]{0,10}", email in "[a-zA-Z.@-]{0,20}") {
            let mut input = raw();
            input.completed_on = date;
            input.practitioner.registration.number = number;
            input.practitioner.email = email;
            if let Ok(c) = Completion::try_from(&input) {
                prop_assert_eq!(c.practitioner().registration().number().len(), 8);
            }
        }
    }

    #[test]
    fn sign_off_names_with_bidi_controls_are_refused() {
        let mut r = raw();
        r.assessment = Some(RawAssessment {
            academic_assessor: "Prof. Sam Lee, programme lead".into(),
            workplace_supervisor: "Dr Jo Marsh\u{061C}".into(),
        });
        assert_eq!(
            Completion::try_from(&r).unwrap_err(),
            ModelError::BidiControl {
                field: "assessment.workplace_supervisor",
                code_point: 0x061C,
            }
        );
    }
}
