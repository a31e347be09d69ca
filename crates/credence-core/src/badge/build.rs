//! Builds the unsigned OB 3.0 credential from validated domain values (no rule checks here: those
//! are in [`crate::model::issuance`]), and holds the result as an [`UnsignedBadge`].

use chrono::{DateTime, NaiveTime, Utc};
use credence_vc::status::CredentialStatus;
use serde_json::Value;
use thiserror::Error;

use super::document::{
    badge_context, Achievement, AchievementCredential, AchievementSubject, Alignment,
    CredentialSchema, Criteria, Evidence, IdentifierEntry, Profile, ACP_FRAMEWORK,
};
use super::identity::{hashed_identity, plain_name_identity, IdentityType};
use super::schema::{self, SchemaError};
use crate::model::{
    ApprovalId, BadgeId, BaseUrl, Completion, CredentialSpecification, Fingerprint, Provider, Salt,
};

/// The OB `achievementType` Credence uses: the badge records completion of an assessed credential.
pub const ACHIEVEMENT_TYPE: &str = "CertificateOfCompletion";
/// The alignment `targetType` for framework pillars.
pub const PILLAR_TARGET_TYPE: &str = "ext:FrameworkPillar";

/// Everything needed to write a badge, already judged issuable.
#[derive(Debug, Clone, Copy)]
pub struct BadgeParts<'a> {
    /// The Centre's profile.
    pub issuer: &'a Profile,
    /// Where the Centre publishes achievements and provider profiles.
    pub base_url: &'a BaseUrl,
    /// The specification version completed.
    pub specification: &'a CredentialSpecification,
    /// The provider.
    pub provider: &'a Provider,
    /// The approval under which the provider delivered it.
    pub approval: &'a ApprovalId,
    /// The completion.
    pub completion: &'a Completion,
    /// Issuance time (`validFrom`).
    pub issued_at: DateTime<Utc>,
    /// Salt for the identity hashes.
    pub salt: &'a Salt,
    /// Credential id.
    pub badge_id: &'a BadgeId,
    /// Status list entries (revocation, suspension), possibly none.
    pub status: &'a [CredentialStatus],
    /// `validUntil`, if any.
    pub valid_until: Option<DateTime<Utc>>,
}

/// Who delivered and assessed the completion, as evidence narrative. The assessors' and
/// supervisors' names are third parties' personal data: they stay in the Centre's records.
fn assessment_narrative(parts: &BadgeParts<'_>) -> String {
    let c = parts.completion;
    let mut text = format!(
        "Delivered and assessed by {} (UKPRN {}) under Centre approval {}; completed on {}.",
        parts.provider.name(),
        parts.provider.ukprn(),
        parts.approval,
        c.completed_on().format("%Y-%m-%d"),
    );
    if c.assessment().is_some() {
        text.push_str(
            " Workplace-based and academic assessment were signed off by the provider's assessors.",
        );
    }
    text
}

/// The stable achievement id of a specification version: `{base}/achievements/{code}/{version}`.
pub fn achievement_id(base_url: &BaseUrl, spec: &CredentialSpecification) -> String {
    base_url.join(&format!("achievements/{}/{}", spec.id(), spec.version()))
}

/// The provider's profile id: `{base}/providers/{ukprn}`.
pub fn provider_profile_id(base_url: &BaseUrl, provider: &Provider) -> String {
    base_url.join(&format!("providers/{}", provider.ukprn()))
}

/// The specification version as an OB `Achievement`.
pub fn achievement(base_url: &BaseUrl, spec: &CredentialSpecification) -> Achievement {
    let credits = spec
        .credits()
        .map(|c| format!(", {c} credits"))
        .unwrap_or_default();
    let mut narrative = format!(
        "Completed the Centre-endorsed credential {} version {} (FHEQ level {}{credits}), delivered and \
         assessed by an education provider approved by the Centre.",
        spec.id(),
        spec.version(),
        spec.fheq_level()
    );
    if !spec.entry_requirements().is_empty() {
        narrative.push_str(&format!(
            "\n\nEntry requirements: {}",
            spec.entry_requirements()
        ));
    }
    let bullets = |title: &str, items: &[String]| {
        let mut s = format!("\n\n{title}:\n");
        for i in items {
            s.push_str(&format!("\n- {i}"));
        }
        s
    };
    if !spec.capabilities().is_empty() {
        narrative.push_str(&bullets("Capabilities", spec.capabilities()));
    }
    if !spec.professional_activities().is_empty() {
        narrative.push_str(&bullets(
            "Professional activities on completion",
            spec.professional_activities(),
        ));
    }
    let framework_url = base_url.join("frameworks/acp-england");
    Achievement {
        id: achievement_id(base_url, spec),
        types: vec!["Achievement".to_owned()],
        name: spec.title().to_owned(),
        description: spec.summary().to_owned(),
        criteria: Criteria {
            id: None,
            narrative: Some(narrative),
        },
        achievement_type: Some(ACHIEVEMENT_TYPE.to_owned()),
        credits_available: spec.credits(),
        alignment: spec
            .pillars()
            .iter()
            .map(|p| Alignment {
                types: vec!["Alignment".to_owned()],
                target_name: p.name().to_owned(),
                target_url: format!("{framework_url}#{}", p.code()),
                target_description: None,
                target_code: Some(p.code().to_owned()),
                target_framework: Some(ACP_FRAMEWORK.to_owned()),
                target_type: Some(PILLAR_TARGET_TYPE.to_owned()),
            })
            .collect(),
        field_of_study: Some("Advanced clinical practice".to_owned()),
        human_code: Some(spec.id().to_string()),
        other_identifier: Vec::new(),
        version: Some(spec.version().to_string()),
    }
}

/// The provider as an OB `Profile` with its UKPRN as `otherIdentifier`.
pub fn provider_profile(base_url: &BaseUrl, provider: &Provider) -> Profile {
    Profile {
        url: provider.url().map(ToString::to_string),
        other_identifier: vec![IdentifierEntry::ukprn(provider.ukprn().as_str())],
        ..Profile::new(provider_profile_id(base_url, provider), provider.name())
    }
}

/// Writes the credential. Pure assembly: call only after the issuance rules passed.
pub fn credential(parts: &BadgeParts<'_>) -> AchievementCredential {
    let c = parts.completion;
    let p = c.practitioner();
    let salt = parts.salt.as_str();
    // The email only: a regulator registration has so few possible values that a salted hash
    // published beside its salt gives it away. The Centre keeps a keyed hash of it instead.
    let mut identifier = vec![hashed_identity(
        IdentityType::EmailAddress,
        p.email().as_str(),
        salt,
    )];
    if let Some(name) = p.published_name() {
        identifier.push(plain_name_identity(name));
    }
    let spec = parts.specification;
    let provider = parts.provider;
    let evidence = vec![
        Evidence {
            id: None,
            types: vec!["Evidence".to_owned()],
            name: Some("Route".to_owned()),
            narrative: Some(c.route().description().to_owned()),
            description: None,
            genre: Some("Route".to_owned()),
        },
        Evidence {
            id: None,
            types: vec!["Evidence".to_owned()],
            name: Some("Assessment sign-off".to_owned()),
            narrative: Some(assessment_narrative(parts)),
            description: None,
            genre: Some("Assessment".to_owned()),
        },
    ];
    AchievementCredential {
        context: badge_context(),
        id: parts.badge_id.to_string(),
        types: vec!["VerifiableCredential".to_owned(), "OpenBadgeCredential".to_owned()],
        name: format!("{} ({} v{})", spec.title(), spec.id(), spec.version()),
        description: Some(
            "Completed a Centre-endorsed credential, delivered and assessed by an approved provider.".to_owned(),
        ),
        issuer: parts.issuer.clone(),
        valid_from: trunc_seconds(parts.issued_at),
        valid_until: parts.valid_until.map(trunc_seconds),
        awarded_date: Some(c.completed_on().and_time(NaiveTime::MIN).and_utc()),
        credential_subject: AchievementSubject {
            id: None,
            types: vec!["AchievementSubject".to_owned()],
            identifier,
            achievement: achievement(parts.base_url, spec),
            source: Some(provider_profile(parts.base_url, provider)),
        },
        evidence,
        credential_schema: vec![CredentialSchema::achievement_credential()],
        credential_status: parts.status.to_vec(),
    }
}

fn trunc_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Why a built document could not be used (a defect, never the caller's input).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BadgeDocumentError {
    /// The document could not be serialized to JSON.
    #[error("badge document could not be serialized")]
    Serialize(#[source] serde_json::Error),
    /// The document does not conform to the OB 3.0 schema.
    #[error("badge document fails the OB 3.0 schema")]
    Schema(#[source] SchemaError),
}

/// An issued-but-unsigned badge: the typed credential and its JSON (serialized once, schema-valid).
#[derive(Debug, Clone, PartialEq)]
pub struct UnsignedBadge {
    credential: AchievementCredential,
    json: Value,
    fingerprint: Fingerprint,
}

impl UnsignedBadge {
    /// Serializes and schema-validates a credential built for the completion with `fingerprint`.
    pub fn new(
        credential: AchievementCredential,
        fingerprint: Fingerprint,
    ) -> Result<Self, BadgeDocumentError> {
        let json = serde_json::to_value(&credential).map_err(BadgeDocumentError::Serialize)?;
        schema::validate(&json).map_err(BadgeDocumentError::Schema)?;
        Ok(UnsignedBadge {
            credential,
            json,
            fingerprint,
        })
    }
    /// The typed credential.
    pub fn credential(&self) -> &AchievementCredential {
        &self.credential
    }
    /// The credential id (`urn:uuid:…`).
    pub fn id(&self) -> &str {
        &self.credential.id
    }
    /// The JSON document, to be signed (a copy).
    pub fn to_json(&self) -> Value {
        self.json.clone()
    }
    /// The JSON document, borrowed.
    pub fn as_json(&self) -> &Value {
        &self.json
    }
    /// The JSON document, by value.
    pub fn into_json(self) -> Value {
        self.json
    }
    /// The fingerprint of the completion this badge was issued for.
    pub fn completion_fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::identity::{identity_matches_json, KnownIdentifier};
    use crate::model::sample::{self, Catalog};
    use std::collections::BTreeSet;

    fn base() -> BaseUrl {
        BaseUrl::try_from("https://centre.example").unwrap()
    }

    fn badge() -> Value {
        sample::standard_badge(&base()).unwrap().into_json()
    }

    fn terms_of(ctx: &Value, out: &mut BTreeSet<String>) {
        if let Some(map) = ctx.as_object() {
            for (k, v) in map {
                if !k.starts_with('@') {
                    out.insert(k.clone());
                }
                if let Some(inner) = v.get("@context") {
                    terms_of(inner, out);
                }
            }
        }
    }

    /// Every property name and type in the badge is a term of the contexts it names (ignoring scoping).
    #[test]
    fn every_property_and_type_is_a_context_term() {
        let mut terms = BTreeSet::new();
        for text in [
            include_str!("../../../../schemas/credentials-v2.jsonld"),
            include_str!("../../../../schemas/ob-v3p0-context-3.0.3.json"),
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            terms_of(&v["@context"], &mut terms);
        }
        let doc = badge();
        terms_of(&doc["@context"][2], &mut terms);
        fn walk(v: &Value, terms: &BTreeSet<String>, path: &str, missing: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, child) in m {
                        if k == "@context" {
                            continue;
                        }
                        if !terms.contains(k) {
                            missing.push(format!("{path}/{k}"));
                        }
                        if k == "type" {
                            let types: Vec<&Value> = match child {
                                Value::Array(a) => a.iter().collect(),
                                other => vec![other],
                            };
                            for t in types.into_iter().filter_map(Value::as_str) {
                                if !terms.contains(t) {
                                    missing.push(format!("{path}/type={t}"));
                                }
                            }
                        }
                        walk(child, terms, &format!("{path}/{k}"), missing);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, terms, path, missing)),
                _ => {}
            }
        }
        let mut missing = Vec::new();
        walk(&doc, &terms, "", &mut missing);
        assert!(missing.is_empty(), "undefined terms: {missing:?}");
    }

    #[test]
    fn standard_badge_shape() {
        let doc = badge();
        assert_eq!(
            doc["type"],
            serde_json::json!(["VerifiableCredential", "OpenBadgeCredential"])
        );
        assert_eq!(doc["@context"][0], "https://www.w3.org/ns/credentials/v2");
        assert_eq!(
            doc["@context"][1],
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        );
        assert_eq!(doc["validFrom"], "2025-06-01T10:00:00Z");
        assert_eq!(doc["awardedDate"], "2024-07-12T00:00:00Z");
        assert!(doc.get("proof").is_none() && doc.get("validUntil").is_none());
        let subject = &doc["credentialSubject"];
        assert_eq!(
            subject["achievement"]["id"],
            "https://centre.example/achievements/CS-OPF/1.0"
        );
        assert_eq!(subject["achievement"]["humanCode"], "CS-OPF");
        assert_eq!(subject["achievement"]["creditsAvailable"], 60);
        assert_eq!(
            subject["achievement"]["alignment"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(
            subject["source"]["otherIdentifier"][0]["identifierType"],
            "ext:UKPRN"
        );
        assert_eq!(
            subject["source"]["otherIdentifier"][0]["identifier"],
            "10007795"
        );
        let ids = subject["identifier"].as_array().unwrap();
        assert_eq!(
            ids.len(),
            1,
            "the email only: no registration, no name without opt-in"
        );
        assert!(identity_matches_json(
            &ids[0],
            "emailAddress",
            "Amira.Okafor@example.nhs.uk"
        ));
        let text = doc.to_string();
        assert!(
            !text.contains("99A9001E") && !text.contains("amira.okafor") && !text.contains("Amira")
        );
        // Not even hashed: the DOMAIN.md worked hash of the NMC PIN is nowhere.
        assert!(!text.contains("fd295bc0af2106f57f767c63b77e7966e4ee87a82113ca4c373ff1a51fd37d22"));
        assert!(!text.contains("NMCPIN"));
        // Nor the assessors' names (third parties' personal data).
        assert!(!text.contains("Morgan Ellis") && !text.contains("Natarajan"));
        assert!(text.contains("signed off by the provider's assessors"));
        assert_eq!(doc["credentialStatus"]["type"], "BitstringStatusListEntry");
        assert_eq!(doc["credentialStatus"]["statusListIndex"], "7");
        assert_eq!(
            doc["credentialSchema"][0]["type"],
            "1EdTechJsonSchemaValidator2019"
        );
        assert_eq!(doc["evidence"].as_array().unwrap().len(), 2);
        let k: KnownIdentifier = "emailAddress:amira.okafor@example.nhs.uk".parse().unwrap();
        assert!(crate::badge::identity::credential_identifies(&doc, &k));
        let other: KnownIdentifier = "emailAddress:someone@example.nhs.uk".parse().unwrap();
        assert!(!crate::badge::identity::credential_identifies(&doc, &other));
    }

    #[test]
    fn opted_in_name_appears_in_plain_text() {
        let gwen = sample::cases()
            .into_iter()
            .find(|c| c.practitioner == "Gwen Llewellyn")
            .unwrap()
            .raw;
        let completion = Completion::try_from(&gwen).unwrap();
        let badge = Catalog::sample()
            .unwrap()
            .decide(
                &sample::centre_issuer(&base()),
                &base(),
                &completion,
                sample::fixture_now(),
                &Salt::try_from("abc").unwrap(),
                &BadgeId::try_from("urn:uuid:00000000-0000-4000-8000-000000000002").unwrap(),
                &[],
            )
            .unwrap();
        let ids = &badge.as_json()["credentialSubject"]["identifier"];
        assert_eq!(ids[0]["identityType"], "emailAddress");
        assert_eq!(
            ids[1],
            serde_json::json!({"type": "IdentityObject", "hashed": false, "identityHash": "Gwen Llewellyn", "identityType": "name"})
        );
        assert_eq!(
            badge.as_json()["credentialSubject"]["achievement"]["creditsAvailable"],
            40
        );
        assert!(badge.as_json().get("credentialStatus").is_none());
    }

    #[test]
    fn typed_document_round_trips() {
        let b = sample::standard_badge(&base()).unwrap();
        let back: AchievementCredential = serde_json::from_value(b.to_json()).unwrap();
        assert_eq!(&back, b.credential());
    }

    #[test]
    fn several_status_entries_are_an_array_and_one_is_an_object() {
        use crate::status::{BadgeStatusSlots, StatusListId, StatusSlot};
        let standard = sample::standard_badge(&base()).unwrap();
        assert!(standard.as_json()["credentialStatus"].is_object());
        let slots = BadgeStatusSlots {
            revocation: StatusSlot {
                list: StatusListId(1),
                index: 7,
            },
            suspension: StatusSlot {
                list: StatusListId(2),
                index: 9,
            },
        };
        let mut credential = standard.credential().clone();
        credential.credential_status = slots.entries(&base());
        let two = UnsignedBadge::new(credential, standard.completion_fingerprint()).unwrap();
        let status = &two.as_json()["credentialStatus"];
        assert_eq!(status.as_array().map(Vec::len), Some(2), "{status}");
        assert_eq!(status[0]["statusPurpose"], "revocation");
        assert_eq!(status[1]["statusPurpose"], "suspension");
        assert_eq!(
            status[1]["statusListCredential"],
            "https://centre.example/status/2"
        );
        // Both forms read back to the same typed document.
        let back: AchievementCredential = serde_json::from_value(two.to_json()).unwrap();
        assert_eq!(&back, two.credential());
        let back: AchievementCredential = serde_json::from_value(standard.to_json()).unwrap();
        assert_eq!(back.credential_status.len(), 1);
        // A single entry written as a one-element array reads the same as the object.
        let mut as_array = standard.to_json();
        as_array["credentialStatus"] = serde_json::json!([as_array["credentialStatus"].clone()]);
        let back: AchievementCredential = serde_json::from_value(as_array).unwrap();
        assert_eq!(&back, standard.credential());
    }

    #[test]
    fn a_badge_missing_required_properties_fails_the_schema_with_paths() {
        let mut doc = badge();
        doc["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("name");
        doc["credentialSubject"]["identifier"][0]
            .as_object_mut()
            .unwrap()
            .remove("hashed");
        let err = schema::validate(&doc).unwrap_err();
        let v = err.violations();
        assert!(
            v.iter()
                .any(|x| x.instance_path == "/credentialSubject/achievement"
                    && x.message.contains("\"name\"")),
            "{err}"
        );
        assert!(
            v.iter()
                .any(|x| x.instance_path.starts_with("/credentialSubject/identifier")),
            "{err}"
        );
        assert!(
            !err.to_string().contains("fixtureSalt"),
            "messages mask values: {err}"
        );
        let mut no_issuer = badge();
        no_issuer.as_object_mut().unwrap().remove("issuer");
        let err = schema::validate(&no_issuer).unwrap_err();
        assert!(
            err.violations()
                .iter()
                .any(|x| x.instance_path.is_empty() && x.message.contains("issuer")),
            "{err}"
        );
    }
}
