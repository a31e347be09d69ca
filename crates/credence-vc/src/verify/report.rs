//! The verification report: one line per check, and the overall verdict.

use serde::Serialize;

use super::claims::Claims;
use super::plan::Read;

/// The checks a verification runs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckName {
    /// The input was read: JSON, compact JWT, or a baked PNG/SVG.
    Parsed,
    /// The credential's JSON-LD reads as one verifiable credential, with the pinned contexts'
    /// terms as its keys, so that what it shows is what its proof covers, and keeps the VC data
    /// model's rules ([`crate::model`]).
    DataModel,
    /// The credential conforms to the JSON Schema of its profile (Open Badges 3.0, say). Run by
    /// the profile's verifier: this crate knows no schema.
    Schema,
    /// The proof (Data Integrity or JWS) verifies.
    Proof,
    /// The verification method is the issuer's, authorised for `assertionMethod`.
    KeyResolution,
    /// The verification time lies within `validFrom` .. `validUntil`.
    ValidityWindow,
    /// Neither revoked nor suspended on its status lists.
    Status,
    /// The credential's subject matches an identifier the verifier knows. Run by the profile's
    /// verifier: this crate knows no identifier scheme.
    Recipient,
}

/// How one check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check was not run (not applicable, or an earlier check failed).
    NotChecked,
    /// The check found a deviation that does not change the verdict (another issuer's badge
    /// that strays from its profile's schema, say): reported among the warnings.
    Warning,
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
    /// The proof is missing or malformed, or does not verify.
    InvalidSignature,
    /// No proof is in a suite this verifier implements, so none could be checked: not known
    /// to be genuine, and not shown to be forged either.
    UnsupportedProof,
    /// The signing key is not one the issuer published for assertions.
    UnknownIssuer,
    /// A status list could not be had or checked.
    StatusUnknown,
    /// The badge does not belong to the identifier given.
    RecipientMismatch,
    /// The input is not a readable credential, or breaks the schema.
    Malformed,
}

/// The facts a credential states in the VC data model's terms, as its proof covers them (read
/// from the signed RDF, never from the JSON keys); unverified when the report's verdict is not
/// valid. A profile adds its own (see [`Report`]'s `F`).
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

/// The whole verification report, with the facts `F` read off the credential (a profile such as
/// Open Badges shows more than the VC data model's [`Facts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report<F = Facts> {
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
    pub credential: F,
    /// Problem details of the failed checks.
    pub errors: Vec<ProblemDetail>,
    /// Problem details of the checks that ended in a warning.
    pub warnings: Vec<ProblemDetail>,
}

impl<F> Report<F> {
    /// The outcome of one check.
    pub fn outcome(&self, check: CheckName) -> Outcome {
        self.checks
            .iter()
            .find(|c| c.check == check)
            .map_or(Outcome::NotChecked, |c| c.outcome)
    }
}

impl<F> Report<F> {
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

/// Collects checks as they run.
#[derive(Debug, Default)]
pub(crate) struct Checks(pub(crate) Vec<Check>);

impl Checks {
    fn push(&mut self, check: CheckName, outcome: Outcome, reason: impl ToString) {
        self.0.push(Check {
            check,
            outcome,
            reason: reason.to_string(),
        });
    }
    pub(crate) fn pass(&mut self, check: CheckName, reason: impl ToString) {
        self.push(check, Outcome::Pass, reason);
    }
    pub(crate) fn fail(&mut self, check: CheckName, reason: impl ToString) {
        self.push(check, Outcome::Fail, reason);
    }
    pub(crate) fn skip(&mut self, check: CheckName, reason: impl ToString) {
        self.push(check, Outcome::NotChecked, reason);
    }
    pub(crate) fn record(&mut self, check: CheckName, outcome: Outcome, reason: impl ToString) {
        self.push(check, outcome, reason);
    }
}

/// Verdicts from worst to least bad: the report gives the first that applies.
const PRIORITY: [Verdict; 10] = [
    Verdict::Malformed,
    Verdict::InvalidSignature,
    Verdict::UnsupportedProof,
    Verdict::UnknownIssuer,
    Verdict::Revoked,
    Verdict::Suspended,
    Verdict::Expired,
    Verdict::NotYetValid,
    Verdict::StatusUnknown,
    Verdict::RecipientMismatch,
];

/// The checks of a report, in order.
const CHECK_ORDER: [CheckName; 8] = [
    CheckName::Parsed,
    CheckName::DataModel,
    CheckName::Schema,
    CheckName::KeyResolution,
    CheckName::Proof,
    CheckName::ValidityWindow,
    CheckName::Status,
    CheckName::Recipient,
];

/// A verification whose generic checks have run: a profile may add its own checks (schema,
/// recipient) and facts, then [`finish`](Self::finish) it into a [`Report`].
#[derive(Debug)]
pub struct Verification {
    pub(crate) format: &'static str,
    pub(crate) proof_format: Option<&'static str>,
    pub(crate) checks: Checks,
    pub(crate) verdicts: Vec<Verdict>,
    pub(crate) read: Option<Box<Read>>,
    pub(crate) genuine: bool,
}

impl Verification {
    /// Whether the credential is shown to be its trusted issuer's: the key is the issuer's and
    /// the proof verifies. Only then do its status, dates and recipient mean anything.
    pub fn is_genuine(&self) -> bool {
        self.genuine
    }

    /// The credential's JSON as received, when it was read.
    pub fn credential(&self) -> Option<&serde_json::Value> {
        self.read.as_ref().map(|r| r.secured.credential())
    }

    /// What the signed RDF says, when the credential was read.
    pub fn claims(&self) -> Option<&Claims> {
        self.read.as_ref().map(|r| &r.claims)
    }

    /// The generic facts read off the credential (none when it was not read).
    pub fn facts(&self) -> Facts {
        self.claims().map(|c| c.facts.clone()).unwrap_or_default()
    }

    /// Records a check that passed.
    pub fn pass(&mut self, check: CheckName, reason: impl ToString) {
        self.checks.pass(check, reason);
    }

    /// Records a check that failed, and the verdict it leads to.
    pub fn fail(&mut self, check: CheckName, reason: impl ToString, verdict: Verdict) {
        self.checks.fail(check, reason);
        self.verdicts.push(verdict);
    }

    /// Records a check that was not run, and why.
    pub fn skip(&mut self, check: CheckName, reason: impl ToString) {
        self.checks.skip(check, reason);
    }

    /// Records a check that found a deviation which does not change the verdict.
    pub fn warn(&mut self, check: CheckName, reason: impl ToString) {
        self.checks.record(check, Outcome::Warning, reason);
    }

    /// The report with the VC data model's facts.
    pub fn into_report(self) -> Report {
        let facts = self.facts();
        self.finish(facts)
    }

    /// The report, with `credential` as its facts: every check in order (a check that did not
    /// run says so), and the worst verdict found.
    pub fn finish<F>(self, credential: F) -> Report<F> {
        let verdict = PRIORITY
            .iter()
            .copied()
            .find(|v| self.verdicts.contains(v))
            .unwrap_or(Verdict::Valid);
        let mut checks = self.checks.0;
        for name in CHECK_ORDER {
            if !checks.iter().any(|c| c.check == name) {
                checks.push(Check {
                    check: name,
                    outcome: Outcome::NotChecked,
                    reason: "not reached: an earlier check failed".to_owned(),
                });
            }
        }
        checks.sort_by_key(|c| CHECK_ORDER.iter().position(|n| *n == c.check));
        let problems = |outcome: Outcome| -> Vec<ProblemDetail> {
            checks
                .iter()
                .filter(|c| c.outcome == outcome)
                .map(problem_for)
                .collect()
        };
        let (errors, warnings) = (problems(Outcome::Fail), problems(Outcome::Warning));
        Report {
            verified: verdict == Verdict::Valid,
            verdict,
            format: self.format,
            proof_format: self.proof_format,
            checks,
            credential,
            errors,
            warnings,
        }
    }
}
