//! Typed serde structs for the Open Badges 3.0 `OpenBadgeCredential` (alias `AchievementCredential`)
//! that Credence issues, without `proof` (proofs are attached to the JSON by the proof module).
//!
//! Every property emitted is defined by the two pinned contexts, except the credential schema type
//! `1EdTechJsonSchemaValidator2019`, which 1EdTech defines in a separate `extensions.json` context;
//! Credence defines that single term inline as a third `@context` entry ([`schema_validator_context`])
//! so a JSON-LD processor in safe mode accepts the document without fetching anything.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The W3C VC 2.0 context URL (first `@context` entry).
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0.3 context URL (second `@context` entry).
pub const OB_V3P0_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The credential schema type required by Open Badges 3.0.
pub const SCHEMA_VALIDATOR_TYPE: &str = "1EdTechJsonSchemaValidator2019";
/// The IRI 1EdTech's `extensions.json` context gives [`SCHEMA_VALIDATOR_TYPE`].
pub const SCHEMA_VALIDATOR_IRI: &str =
    "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019";
/// The official AchievementCredential JSON Schema URL, named in `credentialSchema`.
pub const ACHIEVEMENT_CREDENTIAL_SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
/// The framework every pillar alignment names.
pub const ACP_FRAMEWORK: &str =
    "Multi-professional framework for advanced clinical practice in England";

/// The inline context defining only [`SCHEMA_VALIDATOR_TYPE`].
pub fn schema_validator_context() -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert(
        SCHEMA_VALIDATOR_TYPE.to_owned(),
        serde_json::Value::String(SCHEMA_VALIDATOR_IRI.to_owned()),
    );
    m
}

/// One `@context` entry: a URL or an inline context object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ContextEntry {
    /// A context URL.
    Url(String),
    /// An inline context.
    Inline(serde_json::Map<String, serde_json::Value>),
}

/// The `@context` Credence emits: VC 2.0, OB 3.0.3, and the inline schema-validator term.
pub fn badge_context() -> Vec<ContextEntry> {
    vec![
        ContextEntry::Url(VC_V2_CONTEXT.to_owned()),
        ContextEntry::Url(OB_V3P0_CONTEXT.to_owned()),
        ContextEntry::Inline(schema_validator_context()),
    ]
}

/// Timestamps as RFC 3339 in UTC, whole seconds, with a `Z` (e.g. `2024-07-12T00:00:00Z`).
pub mod utc_seconds {
    use super::*;

    /// Formats a timestamp.
    pub fn format(t: &DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// Serializes a timestamp.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    /// Deserializes an RFC 3339 timestamp (any offset) into UTC.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }

    /// The same for optional timestamps.
    pub mod option {
        use super::*;

        /// Serializes an optional timestamp (callers skip `None`).
        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&format(t)),
                None => s.serialize_none(),
            }
        }

        /// Deserializes an optional RFC 3339 timestamp.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            let s: Option<String> = Option::deserialize(d)?;
            s.map(|s| DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)))
                .transpose()
                .map_err(serde::de::Error::custom)
        }
    }
}

/// A list written as a bare value when it has one item and as an array otherwise; either read.
pub mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes one item as itself and several as an array (callers skip an empty list).
    pub fn serialize<T: Serialize, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
        match items {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }

    /// Reads one item or an array of items.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany<T> {
            Many(Vec<T>),
            One(T),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::Many(items) => items,
            OneOrMany::One(one) => vec![one],
        })
    }
}

/// The credential: `type` `["VerifiableCredential", "OpenBadgeCredential"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementCredential {
    /// JSON-LD contexts.
    #[serde(rename = "@context")]
    pub context: Vec<ContextEntry>,
    /// `urn:uuid:…`.
    pub id: String,
    /// Types.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Display name.
    pub name: String,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The issuing Centre.
    pub issuer: Profile,
    /// When the credential becomes valid.
    #[serde(with = "utc_seconds")]
    pub valid_from: DateTime<Utc>,
    /// When it stops being valid, if ever.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "utc_seconds::option"
    )]
    pub valid_until: Option<DateTime<Utc>>,
    /// When the achievement was originally awarded (Credence: the completion date, 00:00 UTC).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "utc_seconds::option"
    )]
    pub awarded_date: Option<DateTime<Utc>>,
    /// The subject: hashed practitioner identifiers, the achievement and the provider.
    pub credential_subject: AchievementSubject,
    /// Route and assessment sign-off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The JSON Schema the credential conforms to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_schema: Vec<CredentialSchema>,
    /// Revocation and suspension status entries: written as one object when there is one entry
    /// and as an array when there are several (VC 2.0 allows both); either form is read.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "one_or_many")]
    pub credential_status: Vec<CredentialStatus>,
}

/// An issuer or provider profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// A DID or HTTPS URL.
    pub id: String,
    /// `["Profile"]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Contact email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Other identifiers, e.g. the UKPRN.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
}

impl Profile {
    /// A profile with `type` `["Profile"]` and the given id and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Profile {
            id: id.into(),
            types: vec!["Profile".to_owned()],
            name: Some(name.into()),
            url: None,
            description: None,
            email: None,
            image: None,
            other_identifier: Vec::new(),
        }
    }
}

/// An Open Badges `Image`: a URL (or data URL) and a caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Where the image is.
    pub id: String,
    /// `Image`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its text alternative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// An identifier of a profile or achievement in some scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    /// `IdentifierEntry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The identifier, e.g. `10007795`.
    pub identifier: String,
    /// Its scheme, e.g. `ext:UKPRN`.
    pub identifier_type: String,
}

impl IdentifierEntry {
    /// A UKPRN entry (`identifierType` `ext:UKPRN`).
    pub fn ukprn(ukprn: &str) -> Self {
        IdentifierEntry {
            kind: "IdentifierEntry".to_owned(),
            identifier: ukprn.to_owned(),
            identifier_type: "ext:UKPRN".to_owned(),
        }
    }
}

/// The credential subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    /// Subject id (Credence leaves it out: practitioners have no DID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `["AchievementSubject"]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Hashed (and, on opt-in, plain-text name) identity objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    /// The achievement (specification version).
    pub achievement: Achievement,
    /// The provider that delivered and assessed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Profile>,
}

/// A (usually salted and hashed) identifier of the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    /// `IdentityObject`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether `identity_hash` is a hash.
    pub hashed: bool,
    /// `sha256$<hex>` of identifier + salt, or the plain value when not hashed.
    pub identity_hash: String,
    /// `emailAddress`, `ext:NMCPIN`, `name`, …
    pub identity_type: String,
    /// The salt appended before hashing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// The achievement: one specification version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    /// Stable per specification version, e.g. `{base}/achievements/CS-OPF/1.0`.
    pub id: String,
    /// `["Achievement"]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Title.
    pub name: String,
    /// Summary.
    pub description: String,
    /// What it takes.
    pub criteria: Criteria,
    /// OB achievement type, e.g. `CertificateOfCompletion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<String>,
    /// Credit value (an integer, so every JSON-LD processor reads the same number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<u16>,
    /// Alignments to framework pillars.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Field of study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// Specification code, e.g. `CS-OPF`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    /// Other identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
    /// Specification version, e.g. `1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Achievement criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    /// A URL describing the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Markdown narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

/// An alignment to a framework node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// `["Alignment"]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Target name.
    pub target_name: String,
    /// Target URL.
    pub target_url: String,
    /// Target description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    /// Target code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// Framework name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    /// Target type (`ext:…` or an OB enum value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

/// Evidence supporting the award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// URL of the evidence, if public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `["Evidence"]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Markdown narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Genre, e.g. `Route`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
}

/// A credential schema reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSchema {
    /// Schema URL.
    pub id: String,
    /// `1EdTechJsonSchemaValidator2019`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl CredentialSchema {
    /// The official AchievementCredential schema with the 1EdTech validator type.
    pub fn achievement_credential() -> Self {
        CredentialSchema {
            id: ACHIEVEMENT_CREDENTIAL_SCHEMA_URL.to_owned(),
            kind: SCHEMA_VALIDATOR_TYPE.to_owned(),
        }
    }
}

use credence_vc::status::CredentialStatus;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use credence_vc::status::StatusPurpose;

    #[test]
    fn timestamps_are_whole_seconds_with_z() {
        let t = Utc.with_ymd_and_hms(2024, 7, 12, 9, 30, 5).unwrap()
            + chrono::Duration::milliseconds(250);
        assert_eq!(utc_seconds::format(&t), "2024-07-12T09:30:05Z");
    }

    #[test]
    fn status_entry_shape() {
        let s = CredentialStatus::bitstring(
            "https://c.example/status/1",
            42,
            StatusPurpose::Revocation,
        );
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "id": "https://c.example/status/1#42",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "42",
                "statusListCredential": "https://c.example/status/1"
            })
        );
    }

    #[test]
    fn context_entries_serialize_in_order() {
        let v = serde_json::to_value(badge_context()).unwrap();
        assert_eq!(v[0], VC_V2_CONTEXT);
        assert_eq!(v[1], OB_V3P0_CONTEXT);
        assert_eq!(v[2][SCHEMA_VALIDATOR_TYPE], SCHEMA_VALIDATOR_IRI);
    }
}
