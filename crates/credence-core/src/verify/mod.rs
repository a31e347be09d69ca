//! One [`Verifier`] for JSON badges, compact JWTs and baked PNG/SVG images, reporting each check.
//!
//! Keys and status lists come through [`KeyResolver`] and [`StatusResolver`]; time comes from the
//! caller. Verification never panics and never fails as a whole: every problem is a failed check
//! in the [`Report`].

mod report;
mod resolve;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::badge::identity::KnownIdentifier;
use crate::bake::{self, Baked};
use crate::jwt;
use crate::keys::{PublicKey, VerificationMethodId};

use crate::proof::DataIntegrity;
use crate::status::{ListCredential, StatusEntry, StatusPurpose};

pub use report::{Check, CheckName, Facts, Outcome, ProblemDetail, Report, Verdict};
pub use resolve::{KeyResolver, LocalKeys, LocalStatusLists, ResolveError, StatusResolver};

/// The largest input the verifier reads (a baked image may be up to the baking limit).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What a verification needs besides the input.
pub struct VerifyOptions<'a> {
    /// The time to judge validity and status at.
    pub at: DateTime<Utc>,
    /// Resolves issuers' controller documents.
    pub keys: &'a dyn KeyResolver,
    /// Resolves status lists.
    pub status: &'a dyn StatusResolver,
    /// An identifier the holder should match, if the verifier knows one.
    pub known_identifier: Option<&'a KnownIdentifier>,
}

/// How many verified status lists a [`Verifier`] remembers.
pub const STATUS_CACHE_ENTRIES: usize = 64;

/// Verifies badges. Holds the Data Integrity engine (and so the JSON-LD context cache) and a
/// small cache of status lists whose proofs verified.
#[derive(Debug)]
pub struct Verifier {
    di: DataIntegrity,
    lists: Mutex<HashMap<String, VerifiedList>>,
}

/// A status list credential whose proof verified with `key`, exactly as it was resolved.
///
/// The cache answers only when the resolver returns a JSON value equal to `credential` and the
/// key resolves to the same `key`, so a changed (re-signed) list or a rotated key is verified anew.
#[derive(Debug)]
struct VerifiedList {
    credential: Value,
    key: PublicKey,
    list: Arc<ListCredential>,
}

/// The credential read from the input, with how it is secured.
enum Secured<'a> {
    /// A JSON-LD credential with an embedded proof.
    DataIntegrity(Cow<'a, Value>),
    /// A compact JWS.
    Jwt(Box<jwt::DecodedJwt>),
}

impl Secured<'_> {
    fn credential(&self) -> &Value {
        match self {
            Self::DataIntegrity(v) => v,
            Self::Jwt(d) => d.credential(),
        }
    }
}

/// Collects checks as they run.
struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, check: CheckName, outcome: Outcome, reason: impl Into<String>) {
        self.0.push(Check {
            check,
            outcome,
            reason: reason.into(),
        });
    }
    fn pass(&mut self, check: CheckName, reason: impl Into<String>) {
        self.push(check, Outcome::Pass, reason);
    }
    fn fail(&mut self, check: CheckName, reason: impl Into<String>) {
        self.push(check, Outcome::Fail, reason);
    }
    fn skip(&mut self, check: CheckName, reason: impl Into<String>) {
        self.push(check, Outcome::NotChecked, reason);
    }
}

impl Verifier {
    /// A verifier over the given Data Integrity engine.
    pub fn new(di: DataIntegrity) -> Self {
        Self {
            di,
            lists: Mutex::new(HashMap::new()),
        }
    }

    /// The Data Integrity engine in use.
    pub fn data_integrity(&self) -> &DataIntegrity {
        &self.di
    }

    /// Verifies a badge given as bytes: JSON, a compact JWT, or a baked PNG or SVG.
    pub fn verify_bytes(&self, input: &[u8], options: &VerifyOptions<'_>) -> Report {
        let mut checks = Checks(Vec::new());
        let (format, secured) = match read_input(input) {
            Ok(read) => read,
            Err((format, reason)) => {
                checks.fail(CheckName::Parsed, reason);
                return finish(format, None, checks, Facts::default(), Verdict::Malformed);
            }
        };
        self.verify_secured(format, secured, options, checks)
    }

    /// Verifies a JSON credential already parsed.
    pub fn verify_json(&self, credential: &Value, options: &VerifyOptions<'_>) -> Report {
        let checks = Checks(Vec::new());
        if !credential.is_object() {
            let mut checks = checks;
            checks.fail(CheckName::Parsed, "the credential is not a JSON object");
            return finish("json", None, checks, Facts::default(), Verdict::Malformed);
        }
        self.verify_secured(
            "json",
            Secured::DataIntegrity(Cow::Borrowed(credential)),
            options,
            checks,
        )
    }

    fn verify_secured(
        &self,
        format: &'static str,
        secured: Secured<'_>,
        options: &VerifyOptions<'_>,
        mut checks: Checks,
    ) -> Report {
        let credential = secured.credential();
        let facts = Facts::of(credential);
        checks.pass(CheckName::Parsed, format!("read a {format} credential"));

        let mut verdicts = Vec::new();
        if !self.check_schema(credential, &secured, &mut checks) {
            verdicts.push(Verdict::Malformed);
        }
        let (proof_format, proof_verdict) = self.check_proof(&secured, options, &mut checks);
        verdicts.extend(proof_verdict);
        verdicts.extend(check_validity(credential, options.at, &mut checks));
        verdicts.extend(self.check_status(credential, options, &mut checks));
        verdicts.extend(check_recipient(
            credential,
            options.known_identifier,
            &mut checks,
        ));

        let verdict = PRIORITY
            .iter()
            .copied()
            .find(|v| verdicts.contains(v))
            .unwrap_or(Verdict::Valid);
        finish(format, proof_format, checks, facts, verdict)
    }

    fn check_schema(&self, credential: &Value, secured: &Secured<'_>, checks: &mut Checks) -> bool {
        if !is_open_badge(credential) {
            checks.skip(
                CheckName::Schema,
                "not an Open Badges credential, so the OB 3.0 schema does not apply",
            );
            return true;
        }
        let result = match secured {
            Secured::DataIntegrity(_) => crate::badge::schema::validate(credential),
            Secured::Jwt(_) => crate::badge::schema::validate(credential),
        };
        match result {
            Ok(()) => {
                checks.pass(
                    CheckName::Schema,
                    "conforms to the Open Badges 3.0 JSON Schema",
                );
                true
            }
            Err(e) => {
                checks.fail(
                    CheckName::Schema,
                    format!("does not conform to the Open Badges 3.0 JSON Schema: {e}"),
                );
                false
            }
        }
    }

    /// Runs key resolution and proof checks; returns the proof format and any failing verdict.
    fn check_proof(
        &self,
        secured: &Secured<'_>,
        options: &VerifyOptions<'_>,
        checks: &mut Checks,
    ) -> (Option<&'static str>, Option<Verdict>) {
        match secured {
            Secured::DataIntegrity(doc) => {
                let proof = match self.di.proof_of(doc) {
                    Ok(proof) => proof,
                    Err(e) => {
                        checks.skip(CheckName::KeyResolution, "no usable proof names a key");
                        checks.fail(CheckName::Proof, chain(&e));
                        return (None, Some(Verdict::InvalidSignature));
                    }
                };
                let suite = proof.suite().name();
                if proof.proof_purpose() != Some("assertionMethod") {
                    checks.skip(CheckName::KeyResolution, "the proof is not an assertion");
                    checks.fail(CheckName::Proof, "the proof purpose is not assertionMethod");
                    return (Some(suite), Some(Verdict::InvalidSignature));
                }
                let Some(resolved) = resolve_key(doc, proof.verification_method(), options, checks)
                else {
                    checks.skip(CheckName::Proof, "no key to check the proof with");
                    return (Some(suite), Some(Verdict::UnknownIssuer));
                };
                match self.di.verify_embedded(doc, &proof, &resolved.key) {
                    Ok(()) => {
                        checks.pass(CheckName::Proof, format!("the {suite} proof verifies"));
                        (
                            Some(suite),
                            (!resolved.issuers).then_some(Verdict::UnknownIssuer),
                        )
                    }
                    Err(e) => {
                        checks.fail(
                            CheckName::Proof,
                            format!("the {suite} proof does not verify: {}", chain(&e)),
                        );
                        (Some(suite), Some(Verdict::InvalidSignature))
                    }
                }
            }
            Secured::Jwt(decoded) => {
                let form = match decoded.form() {
                    jwt::JwtForm::VcJose => "vc-jose",
                    _ => "vc-jwt",
                };
                let Some(vm) = decoded.kid() else {
                    checks.skip(CheckName::KeyResolution, "the JWT header has no kid");
                    checks.fail(CheckName::Proof, "the JWT names no key (kid)");
                    return (Some(form), Some(Verdict::InvalidSignature));
                };
                let Some(resolved) = resolve_key(decoded.credential(), vm, options, checks) else {
                    checks.skip(CheckName::Proof, "no key to check the JWT with");
                    return (Some(form), Some(Verdict::UnknownIssuer));
                };
                let verified =
                    jwt::verify_jwt(decoded, &resolved.key).and_then(|()| match decoded.form() {
                        jwt::JwtForm::VcJose => Ok(()),
                        _ => jwt::check_ob3_claims(decoded),
                    });
                match verified {
                    Ok(()) => {
                        checks.pass(CheckName::Proof, format!("the {form} signature verifies"));
                        (
                            Some(form),
                            (!resolved.issuers).then_some(Verdict::UnknownIssuer),
                        )
                    }
                    Err(e) => {
                        checks.fail(
                            CheckName::Proof,
                            format!("the {form} does not verify: {}", chain(&e)),
                        );
                        (Some(form), Some(Verdict::InvalidSignature))
                    }
                }
            }
        }
    }

    fn check_status(
        &self,
        credential: &Value,
        options: &VerifyOptions<'_>,
        checks: &mut Checks,
    ) -> Option<Verdict> {
        let entries = match StatusEntry::all_in(credential) {
            Ok(e) if e.is_empty() => {
                checks.skip(CheckName::Status, "the badge carries no status entry");
                return None;
            }
            Ok(e) => e,
            Err(e) => {
                checks.fail(
                    CheckName::Status,
                    format!("unreadable credentialStatus: {e}"),
                );
                return Some(Verdict::StatusUnknown);
            }
        };
        let issuer = issuer_id(credential);
        // Every entry is checked: a revoked bit decides even when another list is unreachable.
        let mut revoked = false;
        let mut suspended = false;
        let mut unknown = Vec::new();
        for entry in &entries {
            match self.status_bit(entry, issuer, options) {
                Ok(true) => match entry.purpose {
                    StatusPurpose::Revocation => revoked = true,
                    StatusPurpose::Suspension => suspended = true,
                },
                Ok(false) => {}
                Err(reason) => unknown.push(format!(
                    "the {} status is unknown: {reason}",
                    entry.purpose.as_str()
                )),
            }
        }
        let unknown = unknown.join("; ");
        let also = |text: &str| {
            if unknown.is_empty() {
                text.to_owned()
            } else {
                format!("{text} ({unknown})")
            }
        };
        if revoked {
            checks.fail(CheckName::Status, also("the issuer has revoked this badge"));
            Some(Verdict::Revoked)
        } else if suspended {
            checks.fail(
                CheckName::Status,
                also("the issuer has suspended this badge"),
            );
            Some(Verdict::Suspended)
        } else if !unknown.is_empty() {
            checks.fail(CheckName::Status, unknown);
            Some(Verdict::StatusUnknown)
        } else {
            checks.pass(CheckName::Status, "neither revoked nor suspended");
            None
        }
    }

    /// The status bit for one entry, from a status list whose own proof verifies.
    fn status_bit(
        &self,
        entry: &StatusEntry,
        issuer: Option<&str>,
        options: &VerifyOptions<'_>,
    ) -> Result<bool, String> {
        let list = options
            .status
            .status_list(&entry.list_url)
            .map_err(|e| e.to_string())?;
        check_list_window(&list, options.at)?;
        let list = self.verified_list(&entry.list_url, &list, options)?;
        if Some(list.issuer.as_str()) != issuer {
            return Err("the status list was issued by someone else".to_owned());
        }
        list.status_of(entry).map_err(|e| e.to_string())
    }

    /// The status list credential `credential` (resolved at `url`), read once its proof verifies.
    ///
    /// A list verified before (an equal JSON value, whose method still resolves to the key that
    /// signed it) is taken from the cache; anything else is verified again, so a changed list is
    /// seen at once.
    fn verified_list(
        &self,
        url: &str,
        credential: &Value,
        options: &VerifyOptions<'_>,
    ) -> Result<Arc<ListCredential>, String> {
        let cached_vm = credential
            .pointer("/proof/verificationMethod")
            .and_then(Value::as_str);
        {
            let cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            if let (Some(hit), Some(vm)) = (cache.get(url), cached_vm) {
                if hit.credential == *credential {
                    // The same list as before: only the key must still resolve to the same one.
                    let still = VerificationMethodId::new(vm.to_owned())
                        .ok()
                        .and_then(|vm| {
                            let mut scratch = Checks(Vec::new());
                            resolve_key(credential, &vm, options, &mut scratch)
                        })
                        .is_some_and(|k| k.issuers && k.key == hit.key);
                    if still {
                        return Ok(Arc::clone(&hit.list));
                    }
                }
            }
        }
        let proof = self
            .di
            .proof_of(credential)
            .map_err(|e| format!("status list: {}", chain(&e)))?;
        if proof.proof_purpose() != Some("assertionMethod") {
            return Err("the status list's proof purpose is not assertionMethod".to_owned());
        }
        let mut scratch = Checks(Vec::new());
        let key = resolve_key(
            credential,
            proof.verification_method(),
            options,
            &mut scratch,
        )
        .filter(|k| k.issuers)
        .ok_or_else(|| "the status list is not signed by a key of its issuer".to_owned())?
        .key;
        self.di
            .verify_embedded(credential, &proof, &key)
            .map_err(|e| format!("the status list's proof does not verify: {}", chain(&e)))?;
        let list = Arc::new(ListCredential::from_json(credential).map_err(|e| e.to_string())?);
        let mut cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= STATUS_CACHE_ENTRIES && !cache.contains_key(url) {
            cache.clear();
        }
        cache.insert(
            url.to_owned(),
            VerifiedList {
                credential: credential.clone(),
                key,
                list: Arc::clone(&list),
            },
        );
        Ok(list)
    }
}

/// Verdicts from worst to least bad: the report gives the first that applies.
const PRIORITY: [Verdict; 9] = [
    Verdict::Malformed,
    Verdict::InvalidSignature,
    Verdict::UnknownIssuer,
    Verdict::Revoked,
    Verdict::Suspended,
    Verdict::Expired,
    Verdict::NotYetValid,
    Verdict::StatusUnknown,
    Verdict::RecipientMismatch,
];

fn finish(
    format: &'static str,
    proof_format: Option<&'static str>,
    checks: Checks,
    credential: Facts,
    verdict: Verdict,
) -> Report {
    let mut checks = checks.0;
    for name in [
        CheckName::Parsed,
        CheckName::Schema,
        CheckName::KeyResolution,
        CheckName::Proof,
        CheckName::ValidityWindow,
        CheckName::Status,
        CheckName::Recipient,
    ] {
        if !checks.iter().any(|c| c.check == name) {
            checks.push(Check {
                check: name,
                outcome: Outcome::NotChecked,
                reason: "not reached: the input could not be read".to_owned(),
            });
        }
    }
    let errors = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .map(problem_for)
        .collect();
    Report {
        verified: verdict == Verdict::Valid,
        verdict,
        format,
        proof_format,
        checks,
        credential,
        errors,
    }
}

fn problem_for(check: &Check) -> ProblemDetail {
    let (kind, title) = match check.check {
        CheckName::Parsed => (
            "https://www.w3.org/TR/vc-data-model#PARSING_ERROR",
            "Parsing error",
        ),
        CheckName::Schema | CheckName::Recipient => (
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

/// Reads the input: its format and the secured credential, or the format and why not.
fn read_input(input: &[u8]) -> Result<(&'static str, Secured<'static>), (&'static str, String)> {
    if input.len() > MAX_INPUT_BYTES {
        return Err((
            "unknown",
            format!("the input is larger than {MAX_INPUT_BYTES} bytes"),
        ));
    }
    let (format, text) = match bake::ImageKind::sniff(input) {
        Some(kind) => {
            let format = match kind {
                bake::ImageKind::Png => "png",
                bake::ImageKind::Svg => "svg",
            };
            match bake::unbake(input) {
                Ok(Baked::Json(t)) | Ok(Baked::Jwt(t)) => (format, t),
                Err(e) => {
                    return Err((
                        format,
                        format!("no badge could be read from the image: {}", chain(&e)),
                    ))
                }
            }
        }
        None => match std::str::from_utf8(input) {
            Ok(t) => ("json", t.to_owned()),
            Err(_) => {
                return Err((
                    "unknown",
                    "the input is neither text nor a PNG or SVG image".to_owned(),
                ))
            }
        },
    };
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed)
            .map_err(|e| (format, format!("the input is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err((format, "the credential is not a JSON object".to_owned()));
        }
        return Ok((format, Secured::DataIntegrity(Cow::Owned(value))));
    }
    let format = if format == "json" { "jwt" } else { format };
    match jwt::decode(trimmed) {
        Ok(decoded) => Ok((format, Secured::Jwt(Box::new(decoded)))),
        Err(e) => Err((
            format,
            format!("the input is neither JSON nor a readable JWT: {e}"),
        )),
    }
}

fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        other => other.get("id").and_then(Value::as_str),
    }
}

fn is_open_badge(credential: &Value) -> bool {
    let named = |v: &Value| {
        matches!(
            v.as_str(),
            Some("OpenBadgeCredential" | "AchievementCredential")
        )
    };
    match credential.get("type") {
        Some(Value::Array(types)) => types.iter().any(named),
        Some(t) => named(t),
        None => false,
    }
}

/// An error and its sources, as one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

/// A key found for a verification method, and whether it speaks for the issuer.
struct ResolvedKey {
    key: PublicKey,
    issuers: bool,
}

/// Key resolution: the method must be an assertion key in its controller's document, and that
/// controller must be the issuer. A key that resolves but belongs to someone else still lets the
/// proof be checked, so the report can say "signature valid, but not the issuer's key".
fn resolve_key(
    credential: &Value,
    vm: &VerificationMethodId,
    options: &VerifyOptions<'_>,
    checks: &mut Checks,
) -> Option<ResolvedKey> {
    let controller = vm.controller();
    let doc = match options.keys.controller_document(controller) {
        Ok(doc) => doc,
        Err(e) => {
            checks.fail(
                CheckName::KeyResolution,
                format!("the keys of {controller} could not be resolved: {e}"),
            );
            return None;
        }
    };
    let key = match doc.assertion_key(vm) {
        Ok(key) => key,
        Err(e) => {
            checks.fail(
                CheckName::KeyResolution,
                format!("{vm} is not an assertion key of {controller}: {e}"),
            );
            return None;
        }
    };
    let issuers = match issuer_id(credential) {
        Some(issuer) if issuer == controller => {
            checks.pass(
                CheckName::KeyResolution,
                format!("{vm} is an assertion key of the issuer {issuer}"),
            );
            true
        }
        Some(issuer) => {
            checks.fail(
                CheckName::KeyResolution,
                format!("the key {vm} is controlled by {controller}, not by the issuer {issuer}"),
            );
            false
        }
        None => {
            checks.fail(CheckName::KeyResolution, "the credential names no issuer");
            false
        }
    };
    Some(ResolvedKey { key, issuers })
}

/// A status list is only evidence while it is itself valid.
fn check_list_window(list: &Value, at: DateTime<Utc>) -> Result<(), String> {
    let read = |key: &str| {
        list.get(key)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
    };
    if read("validFrom").is_some_and(|from| at < from) {
        return Err("the status list is not valid yet".to_owned());
    }
    if read("validUntil").is_some_and(|until| at >= until) {
        return Err("the status list has expired".to_owned());
    }
    Ok(())
}

fn check_validity(credential: &Value, at: DateTime<Utc>, checks: &mut Checks) -> Option<Verdict> {
    let read = |key: &str| -> Result<Option<DateTime<Utc>>, String> {
        match credential.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|d| Some(d.with_timezone(&Utc)))
                .ok_or_else(|| format!("{key} is not an RFC 3339 date-time")),
        }
    };
    let window = read("validFrom").and_then(|from| {
        Ok((
            from.or(read("issuanceDate")?),
            read("validUntil")?.or(read("expirationDate")?),
        ))
    });
    let (from, until) = match window {
        Ok(w) => w,
        Err(reason) => {
            checks.fail(CheckName::ValidityWindow, reason);
            return Some(Verdict::Malformed);
        }
    };
    if let Some(from) = from {
        if at < from {
            checks.fail(
                CheckName::ValidityWindow,
                format!(
                    "not valid before {}",
                    from.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            );
            return Some(Verdict::NotYetValid);
        }
    }
    if let Some(until) = until {
        if at >= until {
            checks.fail(
                CheckName::ValidityWindow,
                format!(
                    "expired on {}",
                    until.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            );
            return Some(Verdict::Expired);
        }
    }
    checks.pass(
        CheckName::ValidityWindow,
        format!("valid at {}", at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    None
}

fn check_recipient(
    credential: &Value,
    known: Option<&KnownIdentifier>,
    checks: &mut Checks,
) -> Option<Verdict> {
    let Some(known) = known else {
        checks.skip(CheckName::Recipient, "no identifier was given to match");
        return None;
    };
    let matched = crate::badge::identity::credential_identifies(credential, known);
    if matched {
        checks.pass(
            CheckName::Recipient,
            format!("the badge's {} matches", known.kind().as_str()),
        );
        None
    } else {
        checks.fail(
            CheckName::Recipient,
            format!(
                "no {} in the badge matches the one given",
                known.kind().as_str()
            ),
        );
        Some(Verdict::RecipientMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contexts::ContextStore;
    use crate::jsonld::JsonLd;
    use crate::keys::{DidDocument, LocalSigner, SecretKey, Signer};
    use crate::model::{sample, BaseUrl};
    use crate::proof::ProofOptions;
    use crate::status::{self, StatusList};

    struct Fixture {
        verifier: Verifier,
        signed: Value,
        keys: LocalKeys,
        lists: LocalStatusLists,
        entries: Vec<StatusEntry>,
        issuer: String,
        options: ProofOptions,
        signer: LocalSigner,
    }

    fn list_for(f: &Fixture, entry: &StatusEntry, bits: &StatusList) -> Value {
        let list = status::list_credential(
            &entry.list_url,
            &f.issuer,
            entry.purpose,
            bits,
            "2024-01-01T00:00:00Z",
            None,
        );
        f.verifier
            .data_integrity()
            .sign_rdfc(&list, &f.options, &f.signer)
            .unwrap()
    }

    fn fixture() -> Fixture {
        let base = BaseUrl::try_from("https://badges.example.org").unwrap();
        let unsigned = sample::standard_badge(&base).unwrap().into_json();
        let issuer = unsigned["issuer"]["id"].as_str().unwrap().to_owned();
        let key = SecretKey::from_seed(&[7; 32]);
        let public = key.public_key();
        let vm = VerificationMethodId::new(format!("{issuer}#key-1")).unwrap();
        let signer = LocalSigner::new(key, vm.clone());
        let options = ProofOptions {
            verification_method: vm.clone(),
            created: "2024-07-12T09:00:00Z".to_owned(),
        };
        let di = DataIntegrity::new(JsonLd::new(ContextStore::pinned().unwrap()));
        let signed = di.sign_rdfc(&unsigned, &options, &signer).unwrap();
        let mut keys = LocalKeys::new();
        keys.add(DidDocument::from_keys(issuer.clone(), [(&vm, &public)]).unwrap());
        let entries = StatusEntry::all_in(&unsigned).unwrap();
        assert!(!entries.is_empty());
        let mut f = Fixture {
            verifier: Verifier::new(di),
            signed,
            keys,
            lists: LocalStatusLists::new(),
            entries,
            issuer,
            options,
            signer,
        };
        for entry in f.entries.clone() {
            let list = list_for(&f, &entry, &StatusList::new(status::MIN_LIST_LEN).unwrap());
            assert!(f.lists.add(list));
        }
        f
    }

    fn verdict(f: &Fixture) -> Verdict {
        let options = VerifyOptions {
            at: sample::fixture_now(),
            keys: &f.keys,
            status: &f.lists,
            known_identifier: None,
        };
        f.verifier.verify_json(&f.signed, &options).verdict
    }

    #[test]
    fn a_re_signed_list_with_a_flipped_bit_is_seen_at_once() {
        let mut f = fixture();
        assert_eq!(verdict(&f), Verdict::Valid);
        assert_eq!(verdict(&f), Verdict::Valid, "second run, from the cache");
        let entry = f
            .entries
            .iter()
            .find(|e| e.purpose == StatusPurpose::Revocation)
            .unwrap()
            .clone();
        let mut bits = StatusList::new(status::MIN_LIST_LEN).unwrap();
        bits.set(entry.index, true).unwrap();
        let revoked = list_for(&f, &entry, &bits);
        assert!(f.lists.add(revoked));
        assert_eq!(verdict(&f), Verdict::Revoked);
        // And back again: un-revoking is seen at once too.
        let cleared = list_for(&f, &entry, &StatusList::new(status::MIN_LIST_LEN).unwrap());
        assert!(f.lists.add(cleared));
        assert_eq!(verdict(&f), Verdict::Valid);
    }

    #[test]
    fn a_tampered_list_is_not_answered_from_the_cache() {
        let mut f = fixture();
        assert_eq!(verdict(&f), Verdict::Valid);
        let entry = f.entries[0].clone();
        let mut bits = StatusList::new(status::MIN_LIST_LEN).unwrap();
        bits.set(entry.index, true).unwrap();
        // Same proof, different bits: the proof no longer verifies.
        let mut tampered = f.lists.status_list(&entry.list_url).unwrap();
        tampered["credentialSubject"]["encodedList"] = Value::from(bits.encode());
        assert!(f.lists.add(tampered));
        assert_eq!(verdict(&f), Verdict::StatusUnknown);
    }

    #[test]
    fn a_rotated_key_is_not_answered_from_the_cache() {
        let mut f = fixture();
        assert_eq!(verdict(&f), Verdict::Valid);
        // The issuer's document now lists another key under the same method id.
        let other = SecretKey::from_seed(&[9; 32]).public_key();
        let vm = f.signer.verification_method().clone();
        f.keys
            .add(DidDocument::from_keys(f.issuer.clone(), [(&vm, &other)]).unwrap());
        assert_ne!(verdict(&f), Verdict::Valid);
        let options = VerifyOptions {
            at: sample::fixture_now(),
            keys: &f.keys,
            status: &f.lists,
            known_identifier: None,
        };
        let report = f.verifier.verify_json(&f.signed, &options);
        let status = report
            .checks
            .iter()
            .find(|c| c.check == CheckName::Status)
            .unwrap();
        assert_eq!(status.outcome, Outcome::Fail, "{status:?}");
    }
}
