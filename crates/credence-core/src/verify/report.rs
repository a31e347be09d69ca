//! The verification report: one line per check, and the overall verdict.

use serde::Serialize;
use serde_json::Value;

/// The checks a verification runs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckName {
    /// The input was read: JSON, compact JWT, or a baked PNG/SVG.
    Parsed,
    /// The credential conforms to the Open Badges 3.0 JSON Schema.
    Schema,
    /// The proof (Data Integrity or JWS) verifies.
    Proof,
    /// The verification method is the issuer's, authorised for `assertionMethod`.
    KeyResolution,
    /// The verification time lies within `validFrom` .. `validUntil`.
    ValidityWindow,
    /// Neither revoked nor suspended on its status lists.
    Status,
    /// The credential's hashed identifiers match an identifier the verifier knows.
    Recipient,
}

/// How one check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check was not run (not applicable, or an earlier check failed).
    NotChecked,
}

/// One check's result with a plain-English reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub check: CheckName,
    /// How it went.
    pub outcome: Outcome,
    /// Why, in a sentence.
    pub reason: String,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Every check that ran passed.
    Valid,
    /// The issuer revoked the badge.
    Revoked,
    /// The issuer suspended the badge.
    Suspended,
    /// The badge's `validUntil` has passed.
    Expired,
    /// The badge's `validFrom` is still to come.
    NotYetValid,
    /// The proof is missing, unsupported or does not verify.
    InvalidSignature,
    /// The signing key is not one the issuer published for assertions.
    UnknownIssuer,
    /// A status list could not be had or checked.
    StatusUnknown,
    /// The badge does not belong to the identifier given.
    RecipientMismatch,
    /// The input is not a readable credential, or breaks the schema.
    Malformed,
}

/// The facts an employer reads off a badge.
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
    /// Reads the facts off a credential, ignoring what is absent.
    pub fn of(credential: &Value) -> Self {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let issuer = credential.get("issuer");
        let subject = credential.get("credentialSubject");
        let achievement = subject.and_then(|s| s.get("achievement"));
        Self {
            id: s(credential.get("id")),
            issuer: s(issuer.and_then(|i| i.get("id"))).or_else(|| s(issuer)),
            issuer_name: s(issuer.and_then(|i| i.get("name"))),
            achievement: s(achievement.and_then(|a| a.get("name"))),
            human_code: s(achievement.and_then(|a| a.get("humanCode"))),
            version: s(achievement.and_then(|a| a.get("version"))),
            provider: s(subject
                .and_then(|s| s.get("source"))
                .and_then(|p| p.get("name"))),
            route: credential
                .get("evidence")
                .and_then(Value::as_array)
                .and_then(|all| {
                    all.iter()
                        .find(|e| e.get("genre").and_then(Value::as_str) == Some("Route"))
                })
                .and_then(|e| s(e.get("narrative")).or_else(|| s(e.get("name")))),
            awarded_date: s(credential.get("awardedDate")),
            valid_from: s(credential.get("validFrom"))
                .or_else(|| s(credential.get("issuanceDate"))),
            valid_until: s(credential.get("validUntil"))
                .or_else(|| s(credential.get("expirationDate"))),
        }
    }
}

/// A problem detail for a failed check, as the VC 2.0 verification result carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemDetail {
    /// The VC 2.0 error type URL.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What went wrong.
    pub detail: String,
}

/// The whole verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// True when the verdict is [`Verdict::Valid`].
    pub verified: bool,
    /// The overall answer.
    pub verdict: Verdict,
    /// What the input was: `json`, `jwt`, `png`, `svg`, or `unknown`.
    pub format: &'static str,
    /// The proof suite, or `vc-jwt` / `vc-jose` for a JWS, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_format: Option<&'static str>,
    /// Each check, in order.
    pub checks: Vec<Check>,
    /// Facts read off the credential (unverified when `verified` is false).
    pub credential: Facts,
    /// Problem details of the failed checks.
    pub errors: Vec<ProblemDetail>,
}

impl Report {
    /// The outcome of one check.
    pub fn outcome(&self, check: CheckName) -> Outcome {
        self.checks
            .iter()
            .find(|c| c.check == check)
            .map_or(Outcome::NotChecked, |c| c.outcome)
    }
}
