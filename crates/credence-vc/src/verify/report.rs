//! The verification report: one line per check, and the overall verdict.

use serde::Serialize;

/// The checks a verification runs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckName {
    /// The input was read: JSON, compact JWT, or a baked PNG/SVG.
    Parsed,
    /// The credential's JSON-LD reads as one verifiable credential, with the pinned contexts'
    /// terms as its keys, so that what it shows is what its proof covers.
    DataModel,
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

impl Report {
    /// Whether the badge is shown to be its trusted issuer's: the key is the issuer's and the
    /// proof verifies. Only then do its status, dates and recipient mean anything.
    pub fn is_genuine(&self) -> bool {
        self.outcome(CheckName::KeyResolution) == Outcome::Pass
            && self.outcome(CheckName::Proof) == Outcome::Pass
    }

    /// Records a recipient check the caller made against its own records, for an identifier the
    /// badge does not carry (the Centre's registration digests), and settles the verdict again:
    /// no match on an otherwise valid badge is [`Verdict::RecipientMismatch`]. Ignored unless the
    /// badge [is genuine](Self::is_genuine) and its own recipient check did not run.
    pub fn record_recipient(&mut self, matched: bool, reason: impl Into<String>) {
        if !self.is_genuine() || self.outcome(CheckName::Recipient) != Outcome::NotChecked {
            return;
        }
        let check = Check {
            check: CheckName::Recipient,
            outcome: if matched {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            reason: reason.into(),
        };
        if !matched {
            self.errors.push(problem_for(&check));
            if self.verdict == Verdict::Valid {
                self.verdict = Verdict::RecipientMismatch;
                self.verified = false;
            }
        }
        match self
            .checks
            .iter_mut()
            .find(|c| c.check == CheckName::Recipient)
        {
            Some(c) => *c = check,
            None => self.checks.push(check),
        }
    }
}

/// The VC 2.0 problem detail for a failed check.
pub fn problem_for(check: &Check) -> ProblemDetail {
    let (kind, title) = match check.check {
        CheckName::Parsed => (
            "https://www.w3.org/TR/vc-data-model#PARSING_ERROR",
            "Parsing error",
        ),
        CheckName::DataModel | CheckName::Schema | CheckName::Recipient => (
            "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR",
            "Malformed value error",
        ),
        CheckName::Proof | CheckName::KeyResolution => (
            "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR",
            "Cryptographic security error",
        ),
        CheckName::ValidityWindow | CheckName::Status => (
            "https://www.w3.org/TR/vc-data-model#RANGE_ERROR",
            "Range error",
        ),
    };
    ProblemDetail {
        kind,
        title,
        detail: check.reason.clone(),
    }
}
