//! The badge report: credence-vc's report with the facts an employer reads off a badge.

use serde::Serialize;

use super::claims::BadgeClaims;

/// The verification report of a badge.
pub type Report = credence_vc::verify::Report<Facts>;

/// The facts an employer reads off a badge, as its proof covers them (read from the signed RDF,
/// never from the JSON keys); unverified when the report's verdict is not valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// The credential id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The issuer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The issuer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// The achievement (specification) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement: Option<String>,
    /// The achievement's human code (specification id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    /// The achievement's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The provider (the subject's `source`) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// How the credential was completed (the narrative of the evidence whose genre is `Route`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The award date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<String>,
    /// `validFrom`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `validUntil`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

impl Facts {
    /// The VC data model's facts and the badge's own.
    pub(crate) fn of(vc: credence_vc::verify::Facts, badge: BadgeClaims) -> Self {
        Self {
            id: vc.id,
            issuer: vc.issuer,
            issuer_name: vc.issuer_name,
            achievement: badge.achievement,
            human_code: badge.human_code,
            version: badge.version,
            provider: badge.provider,
            route: badge.route,
            awarded_date: badge.awarded_date,
            valid_from: vc.valid_from,
            valid_until: vc.valid_until,
        }
    }
}
