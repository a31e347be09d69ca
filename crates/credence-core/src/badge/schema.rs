//! JSON Schema validation against the official 1EdTech Open Badges 3.0 AchievementCredential schema
//! (draft 2019-09), compiled once, with no network access and with `format` assertions on.
//!
//! The official schema does not require `proof` (only `@context`, `id`, `type`, `credentialSubject`,
//! `issuer`, `validFrom`), so unsigned and signed documents are validated the same way; a `proof`, if
//! present, must match the schema's `Proof` definition. Messages mask instance values ("value ...") so
//! that errors can be logged without leaking identifiers.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;
use thiserror::Error;

/// The schema text, as published by 1EdTech.
pub const ACHIEVEMENT_CREDENTIAL_SCHEMA: &str =
    include_str!("../../../../schemas/ob_v3p0_achievementcredential_schema.json");

/// The SHA-256 the shipped schema must have (see `schemas/README.md`).
pub const ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256: &str =
    "0ebdc36b2a975b93d6d3531ae6cdb7b234bf01ef6a51cd174cdab54eca3a1a14";

/// One failing instance location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON Pointer into the document, e.g. `/credentialSubject/achievement`.
    pub instance_path: String,
    /// JSON Pointer into the schema of the failing keyword.
    pub schema_path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Why a document failed schema validation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The document does not conform; every violation is listed.
    #[error("document does not conform to the OB 3.0 AchievementCredential schema: {}", join(.violations))]
    Invalid {
        /// The violations, in the validator's order.
        violations: Vec<SchemaViolation>,
    },
    /// The embedded schema could not be compiled (a build defect, never expected).
    #[error("the embedded OB 3.0 schema could not be compiled: {message}")]
    SchemaUnusable {
        /// The compiler's message.
        message: String,
    },
}

fn join(v: &[SchemaViolation]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl SchemaError {
    /// The violations (empty for [`SchemaError::SchemaUnusable`]).
    pub fn violations(&self) -> &[SchemaViolation] {
        match self {
            SchemaError::Invalid { violations } => violations,
            SchemaError::SchemaUnusable { .. } => &[],
        }
    }
}

fn validator() -> Result<&'static jsonschema::Validator, SchemaError> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            use sha2::{Digest, Sha256};
            let digest = hex::encode(Sha256::digest(ACHIEVEMENT_CREDENTIAL_SCHEMA.as_bytes()));
            if digest != ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256 {
                return Err(format!(
                    "the shipped schema has SHA-256 {digest}, not the pinned one"
                ));
            }
            let schema: Value =
                serde_json::from_str(ACHIEVEMENT_CREDENTIAL_SCHEMA).map_err(|e| e.to_string())?;
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft201909)
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|message| SchemaError::SchemaUnusable {
            message: message.clone(),
        })
}

/// The schema's `CredentialStatus` definition, compiled on its own (it has no references).
fn status_validator() -> Result<&'static jsonschema::Validator, SchemaError> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            // The full schema compiled first, so its digest is checked before this part is used.
            validator().map_err(|e| e.to_string())?;
            let schema: Value =
                serde_json::from_str(ACHIEVEMENT_CREDENTIAL_SCHEMA).map_err(|e| e.to_string())?;
            let definition = schema
                .pointer(STATUS_DEFINITION)
                .ok_or_else(|| format!("the schema has no {STATUS_DEFINITION}"))?;
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft201909)
                .should_validate_formats(true)
                .build(definition)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|message| SchemaError::SchemaUnusable {
            message: message.clone(),
        })
}

/// Where the pinned schema defines one `credentialStatus` entry.
const STATUS_DEFINITION: &str = "/$defs/CredentialStatus";

fn violations_of(
    v: &jsonschema::Validator,
    instance: &Value,
    instance_prefix: &str,
    schema_prefix: &str,
) -> Vec<SchemaViolation> {
    v.iter_errors(instance)
        .map(|e| SchemaViolation {
            instance_path: format!("{instance_prefix}{}", e.instance_path().as_str()),
            schema_path: format!("{schema_prefix}{}", e.schema_path().as_str()),
            message: e.masked().to_string(),
        })
        .collect()
}

/// Validates a credential (signed or unsigned) against the AchievementCredential schema.
///
/// The pinned OB 3.0.3 schema allows `credentialStatus` to be one object only, while VC 2.0
/// (and Credence, which gives each badge a revocation and a suspension entry) allows an array.
/// An array is therefore validated entry by entry against the schema's own `CredentialStatus`
/// definition, and the rest of the credential against the whole schema; nothing else is relaxed.
pub fn validate(document: &Value) -> Result<(), SchemaError> {
    let v = validator()?;
    let violations: Vec<SchemaViolation> = match document.get("credentialStatus") {
        Some(Value::Array(entries)) => {
            let mut rest = document.clone();
            if let Value::Object(map) = &mut rest {
                map.remove("credentialStatus");
            }
            let mut found = violations_of(v, &rest, "", "");
            if entries.is_empty() {
                found.push(SchemaViolation {
                    instance_path: "/credentialStatus".to_owned(),
                    schema_path: STATUS_DEFINITION.to_owned(),
                    message: "an empty array is not a credential status".to_owned(),
                });
            }
            let status = status_validator()?;
            for (i, entry) in entries.iter().enumerate() {
                found.extend(violations_of(
                    status,
                    entry,
                    &format!("/credentialStatus/{i}"),
                    STATUS_DEFINITION,
                ));
            }
            found
        }
        _ => violations_of(v, document, "", ""),
    };
    if violations.is_empty() {
        Ok(())
    } else {
        Err(SchemaError::Invalid { violations })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector_unsigned() -> Value {
        let v: Value = serde_json::from_str(include_str!(
            "../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json"
        ))
        .unwrap();
        v["unsigned"].clone()
    }

    #[test]
    fn official_vector_passes() {
        validate(&vector_unsigned()).unwrap();
    }

    #[test]
    fn missing_required_property_is_located() {
        let mut doc = vector_unsigned();
        doc["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("criteria");
        let err = validate(&doc).unwrap_err();
        let v = err.violations();
        assert!(
            v.iter()
                .any(|x| x.instance_path == "/credentialSubject/achievement"
                    && x.message.contains("criteria")),
            "{err}"
        );
    }

    #[test]
    fn bad_formats_and_types_fail() {
        let mut doc = vector_unsigned();
        doc["validFrom"] = "yesterday".into();
        let err = validate(&doc).unwrap_err();
        assert!(
            err.violations()
                .iter()
                .any(|x| x.instance_path == "/validFrom"),
            "{err}"
        );
        let mut doc = vector_unsigned();
        doc["type"] = serde_json::json!(["VerifiableCredential"]);
        assert!(validate(&doc).is_err());
    }

    fn status_entry(purpose: &str, index: u32) -> Value {
        serde_json::json!({
            "id": format!("https://c.example/status/1#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index.to_string(),
            "statusListCredential": "https://c.example/status/1"
        })
    }

    #[test]
    fn an_array_of_status_entries_is_validated_entry_by_entry() {
        let mut doc = vector_unsigned();
        doc["credentialStatus"] = status_entry("revocation", 3);
        validate(&doc).unwrap();
        doc["credentialStatus"] =
            serde_json::json!([status_entry("revocation", 3), status_entry("suspension", 9)]);
        validate(&doc).unwrap();

        // An entry without its required `type` is located inside the array.
        doc["credentialStatus"][1]
            .as_object_mut()
            .unwrap()
            .remove("type");
        let err = validate(&doc).unwrap_err();
        assert!(
            err.violations()
                .iter()
                .any(|x| x.instance_path == "/credentialStatus/1" && x.message.contains("type")),
            "{err}"
        );
        assert!(
            err.violations()
                .iter()
                .all(|x| x.instance_path.starts_with("/credentialStatus/1")),
            "{err}"
        );
        // An entry that is not an object, and an empty array, are refused.
        doc["credentialStatus"] = serde_json::json!([status_entry("revocation", 3), "x"]);
        assert!(validate(&doc).is_err());
        doc["credentialStatus"] = serde_json::json!([]);
        assert!(validate(&doc).is_err());
        // The rest of the credential is still checked when the status is an array.
        doc["credentialStatus"] = serde_json::json!([status_entry("revocation", 3)]);
        validate(&doc).unwrap();
        doc["validFrom"] = "yesterday".into();
        let err = validate(&doc).unwrap_err();
        assert!(
            err.violations()
                .iter()
                .any(|x| x.instance_path == "/validFrom"),
            "{err}"
        );
    }
}

#[cfg(test)]
mod timing {
    /// `cargo test --release -p credence-core --lib -- --ignored timing --nocapture`
    #[test]
    #[ignore = "timing only"]
    fn timing() {
        use crate::model::{sample, BaseUrl};
        let base = BaseUrl::try_from("https://centre.example").unwrap();
        let doc = sample::standard_badge(&base).unwrap().into_json();
        let n = 2000u32;
        let t = std::time::Instant::now();
        for _ in 0..n {
            super::validate(&doc).unwrap();
        }
        println!("schema::validate: {:?} per badge", t.elapsed() / n);
        let t = std::time::Instant::now();
        for _ in 0..n {
            sample::standard_badge(&base).unwrap();
        }
        println!(
            "standard_badge (catalog + decide + validate): {:?} per badge",
            t.elapsed() / n
        );
    }
}
