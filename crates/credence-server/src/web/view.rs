//! What the pages show of a verification report, in plain English.

use credence_core::verify::Report;
use credence_vc::verify::{CheckName, Outcome, Verdict};

use crate::state::AppState;

/// Names every page shows.
#[derive(Debug, Clone)]
pub struct Site {
    /// The Centre's name.
    pub centre: String,
    /// The issuer DID.
    pub did: String,
    /// The public base URL.
    pub base_url: String,
}

impl Site {
    /// The site of this service.
    pub fn of(state: &AppState) -> Self {
        let profile = state.issuer.profile();
        Site {
            centre: profile.name.clone().unwrap_or_else(|| profile.id.clone()),
            did: profile.id.clone(),
            base_url: state.issuer.base_url().to_string(),
        }
    }
}

/// One check as a line on the page.
#[derive(Debug, Clone)]
pub struct CheckLine {
    /// `Passed`, `Failed` or `Not checked`.
    pub mark: &'static str,
    /// CSS class.
    pub class: &'static str,
    /// The sentence.
    pub text: String,
}

/// A report as the pages show it.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// E.g. `Valid`, `Revoked`.
    pub verdict_label: &'static str,
    /// `ok`, `bad` or `warn`.
    pub verdict_class: &'static str,
    /// One sentence on what the verdict means.
    pub verdict_summary: &'static str,
    /// The checks.
    pub checks: Vec<CheckLine>,
    /// Label and value of each fact known.
    pub facts: Vec<(&'static str, String)>,
    /// Whether a given identifier matched (None when none was given).
    pub recipient: Option<bool>,
}

/// Label, class and summary of a verdict.
pub fn verdict_text(v: Verdict) -> (&'static str, &'static str, &'static str) {
    match v {
        Verdict::Valid => ("Valid", "ok", "This badge is genuine: it was issued by the Centre, has not been changed, and is not revoked, suspended or expired."),
        Verdict::Revoked => ("Revoked", "bad", "The Centre has revoked this badge. It no longer stands as evidence of the completion."),
        Verdict::Suspended => ("Suspended", "warn", "The Centre has suspended this badge while it looks into it. Do not rely on it for now."),
        Verdict::Expired => ("Expired", "warn", "This badge was genuine but its validity period has ended."),
        Verdict::NotYetValid => ("Not yet valid", "warn", "This badge's validity period has not started yet."),
        Verdict::InvalidSignature => ("Invalid signature", "bad", "The digital signature does not match the badge: it has been altered, or was not signed by the key it names."),
        Verdict::UnknownIssuer => ("Not issued by the Centre", "bad", "This badge was not signed with a key the Centre publishes, so it cannot be trusted as one of the Centre's badges."),
        Verdict::UnsupportedProof => ("Cannot be checked", "warn", "The badge is signed in a way this service cannot check, so it cannot say whether it is genuine. Ask the holder for a copy signed with a current method."),
        Verdict::StatusUnknown => ("Unknown status", "warn", "The signature is genuine, but whether the badge is revoked or suspended could not be checked."),
        Verdict::RecipientMismatch => ("Does not match", "bad", "The badge is genuine, but it does not belong to the person whose details you entered."),
        Verdict::Malformed => ("Not a valid badge", "bad", "This is not a well-formed Open Badges 3.0 credential."),
        _ => ("Not valid", "bad", "This badge did not pass verification."),
    }
}

fn check_sentence(check: CheckName, outcome: Outcome, reason: &str) -> String {
    let plain = match (check, outcome) {
        (CheckName::Parsed, Outcome::Pass) => "The badge could be read.",
        (CheckName::DataModel, Outcome::Pass) => {
            "It reads as one credential, in the standard terms its signature covers."
        }
        (CheckName::Schema, Outcome::Pass) => "It is a well-formed Open Badges 3.0 credential.",
        (CheckName::KeyResolution, Outcome::Pass) => {
            "It was signed with a key the issuer publishes for issuing badges."
        }
        (CheckName::Proof, Outcome::Pass) => {
            "The digital signature is intact: nothing in the badge has changed since it was signed."
        }
        (CheckName::ValidityWindow, Outcome::Pass) => "It is within its validity period.",
        (CheckName::Status, Outcome::Pass) => "It has not been revoked or suspended.",
        (CheckName::Recipient, Outcome::Pass) => {
            "The identifier you entered matches the badge holder."
        }
        (CheckName::Parsed, _) => "The badge could not be read.",
        (CheckName::DataModel, _) => "It is not written as a standard credential.",
        (CheckName::Schema, Outcome::Warning) => {
            "It does not follow the Open Badges 3.0 JSON Schema in every detail; this does not change whether it is genuine."
        }
        (CheckName::Schema, _) => "It is not a well-formed Open Badges 3.0 credential.",
        (CheckName::KeyResolution, _) => "The signing key is not one the issuer publishes.",
        (CheckName::Proof, _) => "The digital signature does not verify.",
        (CheckName::ValidityWindow, _) => "It is outside its validity period.",
        (CheckName::Status, _) => "Its revocation and suspension status.",
        (CheckName::Recipient, _) => "Whether it belongs to a given person.",
        _ => "",
    };
    let reason = reason.trim();
    if reason.is_empty() || outcome == Outcome::Pass {
        plain.to_owned()
    } else {
        let mut r = reason.to_owned();
        if let Some(first) = r.get(..1) {
            r.replace_range(..1, &first.to_uppercase());
        }
        format!("{plain} {r}{}", if r.ends_with('.') { "" } else { "." })
    }
}

impl ReportView {
    /// The view of `report`; `asked_recipient` when an identifier was given.
    pub fn new(report: &Report, asked_recipient: bool) -> Self {
        let (verdict_label, verdict_class, verdict_summary) = verdict_text(report.verdict);
        let checks = report
            .checks
            .iter()
            .map(|c| {
                let (mark, class) = match c.outcome {
                    Outcome::Pass => ("Passed", "pass"),
                    Outcome::Fail => ("Failed", "fail"),
                    Outcome::Warning => ("Warning", "warn"),
                    _ => ("Not checked", "skip"),
                };
                CheckLine {
                    mark,
                    class,
                    text: check_sentence(c.check, c.outcome, &c.reason),
                }
            })
            .collect();
        let f = &report.credential;
        let mut facts = Vec::new();
        let mut add = |label: &'static str, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                facts.push((label, v));
            }
        };
        add("Credential", f.achievement.clone());
        add(
            "Specification",
            match (&f.human_code, &f.version) {
                (Some(c), Some(v)) => Some(format!("{c}, version {v}")),
                (Some(c), None) => Some(c.clone()),
                _ => None,
            },
        );
        add("Provider", f.provider.clone());
        add("Completion route", f.route.clone());
        add("Awarded", f.awarded_date.as_deref().map(date_only));
        add(
            "Issuer",
            match (&f.issuer_name, &f.issuer) {
                (Some(n), Some(id)) => Some(format!("{n} ({id})")),
                (n, id) => n.clone().or_else(|| id.clone()),
            },
        );
        add("Valid from", f.valid_from.as_deref().map(date_only));
        add("Valid until", f.valid_until.as_deref().map(date_only));
        add("Badge id", f.id.clone());
        let recipient =
            asked_recipient.then(|| report.outcome(CheckName::Recipient) == Outcome::Pass);
        ReportView {
            verdict_label,
            verdict_class,
            verdict_summary,
            checks,
            facts,
            recipient,
        }
    }
}

/// `2024-07-12T00:00:00Z` → `12 July 2024`.
fn date_only(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| t.to_owned())
}
