//! One [`Verifier`] for JSON badges, compact JWTs and baked PNG/SVG images, reporting each check.
//!
//! Verification reads the input, turns the credential into the RDF its proof covers (with the
//! pinned contexts' terms only, see [`JsonLd::credential_rdf`](credence_ld::jsonld::JsonLd::credential_rdf)),
//! and reads every fact it acts on or reports from that RDF (`claims`), never from the JSON keys
//! as received. Keys and status lists come through [`KeyResolver`] and [`StatusResolver`]; which
//! issuers to accept is the caller's [`TrustedIssuers`]; time comes from the caller.
//! Verification never panics and never fails as a whole: every problem is a failed check in the
//! [`Report`].

mod claims;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::badge::identity::KnownIdentifier;
use crate::bake::{self, Baked};
use credence_ld::budget::Budget;
use credence_ld::jsonld::JsonLdError;
use credence_ld::rdf::canon::CanonError;
use credence_ld::rdf::Quad;
use credence_vc::jwt;
use credence_vc::keys::{PublicKey, VerificationMethodId};
use credence_vc::proof::{DataIntegrity, ProofError};
use credence_vc::status::{StatusEntry, StatusPurpose};

use claims::{Claims, SignedList, Stamp};

pub use claims::ClaimsError;
use credence_vc::verify::problem_for;
pub use credence_vc::verify::{
    Check, CheckName, Facts, KeyResolver, LocalKeys, LocalStatusLists, Outcome, ProblemDetail,
    Report, ResolveError, StatusResolver, TrustedIssuers, Verdict,
};

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
    /// The issuers to accept; anyone else's credential is [`Verdict::UnknownIssuer`].
    pub trusted: &'a TrustedIssuers,
    /// An identifier the holder should match, if the verifier knows one.
    pub known_identifier: Option<&'a KnownIdentifier>,
    /// Bounds on the JSON-LD and canonicalization work, and a flag to stop it (a request that
    /// timed out, a service shutting down); `None`: the default limits, never cancelled.
    pub budget: Option<&'a Budget>,
}

impl VerifyOptions<'_> {
    fn budget(&self) -> Cow<'_, Budget> {
        match self.budget {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(Budget::default()),
        }
    }
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
    list: Arc<SignedList>,
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

    /// The RDF the signature covers: the document without its proof, or the JWT's credential.
    fn rdf(&self, di: &DataIntegrity, budget: &Budget) -> Result<Vec<Quad>, ProofError> {
        match self {
            Self::DataIntegrity(doc) => di.document_rdf(doc, budget),
            Self::Jwt(d) => Ok(di
                .jsonld()
                .credential_rdf_with(d.credential(), None, budget)?),
        }
    }

    /// The proof format when it can be told without checking the proof.
    fn proof_format(&self, di: &DataIntegrity) -> Option<&'static str> {
        match self {
            Self::DataIntegrity(doc) => di.proof_of(doc).ok().map(|p| p.suite().name()),
            Self::Jwt(d) => Some(jwt_form(d)),
        }
    }
}

fn jwt_form(decoded: &jwt::DecodedJwt) -> &'static str {
    match decoded.form() {
        jwt::JwtForm::VcJose => "vc-jose",
        _ => "vc-jwt",
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

/// Why the later checks (validity, status, recipient) do not run for a credential that is not
/// shown to be the issuer's: its dates and status would be the forger's.
const NOT_GENUINE: &str = "not checked: the badge's proof or issuer did not verify";

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
        let mut checks = Checks(Vec::new());
        if !credential.is_object() {
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
        checks.pass(CheckName::Parsed, format!("read a {format} credential"));
        let budget = options.budget();
        let quads = match secured.rdf(&self.di, &budget) {
            Ok(quads) => quads,
            Err(e) => return self.unreadable(format, &secured, &e, checks),
        };
        let claims = match Claims::read(&quads) {
            Ok(claims) => claims,
            Err(e) => {
                checks.fail(CheckName::DataModel, e.to_string());
                let proof_format = secured.proof_format(&self.di);
                return finish(
                    format,
                    proof_format,
                    checks,
                    Facts::default(),
                    Verdict::Malformed,
                );
            }
        };
        checks.pass(
            CheckName::DataModel,
            "reads as one verifiable credential in the terms of its pinned contexts",
        );

        let mut verdicts = Vec::new();
        if !check_schema(&claims, secured.credential(), &mut checks) {
            verdicts.push(Verdict::Malformed);
        }
        let (proof_format, genuine) =
            self.check_proof(&secured, &quads, &claims, options, &mut checks);
        match genuine {
            Err(verdict) => {
                verdicts.push(verdict);
                for check in [
                    CheckName::ValidityWindow,
                    CheckName::Status,
                    CheckName::Recipient,
                ] {
                    checks.skip(check, NOT_GENUINE);
                }
            }
            Ok(()) => {
                verdicts.extend(check_validity(&claims, &secured, options.at, &mut checks));
                verdicts.extend(self.check_status(&claims, options, &mut checks));
                verdicts.extend(check_recipient(
                    &claims,
                    options.known_identifier,
                    &mut checks,
                ));
            }
        }
        let verdict = PRIORITY
            .iter()
            .copied()
            .find(|v| verdicts.contains(v))
            .unwrap_or(Verdict::Valid);
        finish(format, proof_format, checks, claims.facts, verdict)
    }

    /// The report for a credential whose RDF could not be read. A key that spells a pinned term
    /// another way is malformed; any other JSON-LD failure of a Data Integrity document means its
    /// proof cannot verify (the signer's processor would have refused it too).
    fn unreadable(
        &self,
        format: &'static str,
        secured: &Secured<'_>,
        error: &ProofError,
        mut checks: Checks,
    ) -> Report {
        let proof_format = secured.proof_format(&self.di);
        let reason = format!("not a readable JSON-LD credential: {}", chain(error));
        checks.fail(CheckName::DataModel, reason.clone());
        let aliased = matches!(error, ProofError::JsonLd(JsonLdError::AliasedTerm { .. }));
        let verdict = match secured {
            Secured::DataIntegrity(_) if !aliased && !beyond_limits(error) => {
                checks.fail(
                    CheckName::Proof,
                    format!("the proof cannot verify: {reason}"),
                );
                Verdict::InvalidSignature
            }
            _ => Verdict::Malformed,
        };
        finish(format, proof_format, checks, Facts::default(), verdict)
    }

    /// Runs key resolution and the proof check. Returns the proof format, and `Ok` when the
    /// credential is shown to be its (trusted) issuer's, else the verdict that says why not.
    fn check_proof(
        &self,
        secured: &Secured<'_>,
        quads: &[Quad],
        claims: &Claims,
        options: &VerifyOptions<'_>,
        checks: &mut Checks,
    ) -> (Option<&'static str>, Result<(), Verdict>) {
        match secured {
            Secured::DataIntegrity(doc) => {
                let proof = match self.di.proof_of(doc) {
                    Ok(proof) => proof,
                    Err(e) => {
                        checks.skip(CheckName::KeyResolution, "no usable proof names a key");
                        checks.fail(CheckName::Proof, chain(&e));
                        return (None, Err(Verdict::InvalidSignature));
                    }
                };
                let suite = proof.suite().name();
                if proof.proof_purpose() != Some("assertionMethod") {
                    checks.skip(CheckName::KeyResolution, "the proof is not an assertion");
                    checks.fail(CheckName::Proof, "the proof purpose is not assertionMethod");
                    return (Some(suite), Err(Verdict::InvalidSignature));
                }
                let Some(resolved) =
                    resolve_key(&claims.issuer, proof.verification_method(), options, checks)
                else {
                    checks.skip(CheckName::Proof, "no key to check the proof with");
                    return (Some(suite), Err(Verdict::UnknownIssuer));
                };
                let budget = options.budget();
                match self
                    .di
                    .verify_rdf(doc, quads, &proof, &resolved.key, &budget)
                {
                    Ok(()) => {
                        checks.pass(CheckName::Proof, format!("the {suite} proof verifies"));
                        (Some(suite), resolved.genuine())
                    }
                    Err(e) if beyond_limits(&e) => {
                        checks.fail(
                            CheckName::Proof,
                            format!("the {suite} proof could not be checked: {}", chain(&e)),
                        );
                        (Some(suite), Err(Verdict::Malformed))
                    }
                    Err(e) => {
                        checks.fail(
                            CheckName::Proof,
                            format!("the {suite} proof does not verify: {}", chain(&e)),
                        );
                        (Some(suite), Err(Verdict::InvalidSignature))
                    }
                }
            }
            Secured::Jwt(decoded) => {
                let form = jwt_form(decoded);
                let Some(vm) = decoded.kid() else {
                    checks.skip(CheckName::KeyResolution, "the JWT header has no kid");
                    checks.fail(CheckName::Proof, "the JWT names no key (kid)");
                    return (Some(form), Err(Verdict::InvalidSignature));
                };
                let Some(resolved) = resolve_key(&claims.issuer, vm, options, checks) else {
                    checks.skip(CheckName::Proof, "no key to check the JWT with");
                    return (Some(form), Err(Verdict::UnknownIssuer));
                };
                let verified =
                    jwt::verify_jwt(decoded, &resolved.key).and_then(|()| match decoded.form() {
                        jwt::JwtForm::VcJose => Ok(()),
                        _ => jwt::check_ob3_claims(decoded),
                    });
                match verified {
                    Ok(()) => {
                        checks.pass(CheckName::Proof, format!("the {form} signature verifies"));
                        (Some(form), resolved.genuine())
                    }
                    Err(e) => {
                        checks.fail(
                            CheckName::Proof,
                            format!("the {form} does not verify: {}", chain(&e)),
                        );
                        (Some(form), Err(Verdict::InvalidSignature))
                    }
                }
            }
        }
    }

    fn check_status(
        &self,
        claims: &Claims,
        options: &VerifyOptions<'_>,
        checks: &mut Checks,
    ) -> Option<Verdict> {
        if claims.statuses.is_empty() {
            checks.skip(CheckName::Status, "the badge carries no status entry");
            return None;
        }
        // Every entry is checked: a revoked bit decides even when another list is unreachable.
        let mut revoked = false;
        let mut suspended = false;
        let mut unknown = Vec::new();
        for entry in &claims.statuses {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    unknown.push(format!("a status entry is unreadable: {e}"));
                    continue;
                }
            };
            match self.status_bit(entry, &claims.issuer, options) {
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
        issuer: &str,
        options: &VerifyOptions<'_>,
    ) -> Result<bool, String> {
        let list = options
            .status
            .status_list(&entry.list_url)
            .map_err(|e| e.to_string())?;
        let list = self.verified_list(&entry.list_url, &list, issuer, options)?;
        check_list_window(&list, options.at)?;
        list.list.status_of(entry).map_err(|e| e.to_string())
    }

    /// The status list credential `credential` (resolved at `url`), read from the RDF its proof
    /// covers once that proof verifies with a key of the badge's `issuer`.
    ///
    /// A list verified before (an equal JSON value, whose method still resolves to the key that
    /// signed it) is taken from the cache; anything else is verified again, so a changed list is
    /// seen at once.
    fn verified_list(
        &self,
        url: &str,
        credential: &Value,
        issuer: &str,
        options: &VerifyOptions<'_>,
    ) -> Result<Arc<SignedList>, String> {
        let proof = self
            .di
            .proof_of(credential)
            .map_err(|e| format!("status list: {}", chain(&e)))?;
        if proof.proof_purpose() != Some("assertionMethod") {
            return Err("the status list's proof purpose is not assertionMethod".to_owned());
        }
        let key = || {
            let mut scratch = Checks(Vec::new());
            resolve_key(issuer, proof.verification_method(), options, &mut scratch)
                .filter(|k| k.issuers)
                .map(|k| k.key)
                .ok_or_else(|| "the status list is not signed by a key of its issuer".to_owned())
        };
        {
            let cache = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(hit) = cache.get(url) {
                if hit.credential == *credential && hit.list.list.issuer == issuer {
                    // The same list as before: only the key must still resolve to the same one.
                    let hit = (Arc::clone(&hit.list), hit.key);
                    drop(cache);
                    if key().is_ok_and(|k| k == hit.1) {
                        return Ok(hit.0);
                    }
                }
            }
        }
        let budget = options.budget();
        let quads = self
            .di
            .document_rdf(credential, &budget)
            .map_err(|e| format!("status list: {}", chain(&e)))?;
        let list = SignedList::read(&quads).map_err(|e| format!("status list: {e}"))?;
        if list.list.issuer != issuer {
            return Err("the status list was issued by someone else".to_owned());
        }
        let key = key()?;
        self.di
            .verify_rdf(credential, &quads, &proof, &key, &budget)
            .map_err(|e| format!("the status list's proof does not verify: {}", chain(&e)))?;
        let list = Arc::new(list);
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

fn finish(
    format: &'static str,
    proof_format: Option<&'static str>,
    checks: Checks,
    credential: Facts,
    verdict: Verdict,
) -> Report {
    let mut checks = checks.0;
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

/// Whether the work was stopped by the budget (a document too complex to process, or a caller
/// that cancelled) rather than the document being wrong: such a badge is not shown to be
/// anything, and is reported malformed, never as a bad signature.
fn beyond_limits(error: &ProofError) -> bool {
    matches!(
        error,
        ProofError::JsonLd(
            JsonLdError::TooComplex { .. } | JsonLdError::Cancelled | JsonLdError::TooDeep { .. }
        ) | ProofError::Canon(CanonError::TooComplex { .. } | CanonError::Cancelled)
    )
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

fn check_schema(claims: &Claims, credential: &Value, checks: &mut Checks) -> bool {
    if !claims.is_open_badge() {
        checks.skip(
            CheckName::Schema,
            "not an Open Badges credential, so the OB 3.0 schema does not apply",
        );
        return true;
    }
    // The JSON as received: its keys are the pinned terms (checked while reading its RDF), so
    // what the schema sees is what was signed.
    match crate::badge::schema::validate(credential) {
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

/// A key found for a verification method, and whether it speaks for the issuer.
struct ResolvedKey {
    key: PublicKey,
    issuers: bool,
}

impl ResolvedKey {
    /// `Ok` when the key is the issuer's; a valid signature by anyone else's key is not the
    /// issuer's badge.
    fn genuine(&self) -> Result<(), Verdict> {
        if self.issuers {
            Ok(())
        } else {
            Err(Verdict::UnknownIssuer)
        }
    }
}

/// Key resolution: the issuer must be one the caller trusts, the method an assertion key in its
/// controller's document, and that controller the issuer. A key that resolves but belongs to
/// someone else still lets the proof be checked, so the report can say "signature valid, but not
/// the issuer's key". An issuer the caller does not trust is not resolved at all.
fn resolve_key(
    issuer: &str,
    vm: &VerificationMethodId,
    options: &VerifyOptions<'_>,
    checks: &mut Checks,
) -> Option<ResolvedKey> {
    if !options.trusted.trusts(issuer) {
        checks.fail(
            CheckName::KeyResolution,
            format!("the issuer {issuer} is not one this verifier trusts"),
        );
        return None;
    }
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
    let issuers = issuer == controller;
    if issuers {
        checks.pass(
            CheckName::KeyResolution,
            format!("{vm} is an assertion key of the issuer {issuer}"),
        );
    } else {
        checks.fail(
            CheckName::KeyResolution,
            format!("the key {vm} is controlled by {controller}, not by the issuer {issuer}"),
        );
    }
    Some(ResolvedKey { key, issuers })
}

/// A status list is only evidence while it is itself valid (its signed dates).
fn check_list_window(list: &SignedList, at: DateTime<Utc>) -> Result<(), String> {
    if list.valid_from.as_ref().is_some_and(|from| at < from.at) {
        return Err("the status list is not valid yet".to_owned());
    }
    if list
        .valid_until
        .as_ref()
        .is_some_and(|until| at >= until.at)
    {
        return Err("the status list has expired".to_owned());
    }
    Ok(())
}

fn check_validity(
    claims: &Claims,
    secured: &Secured<'_>,
    at: DateTime<Utc>,
    checks: &mut Checks,
) -> Option<Verdict> {
    // A VC-JWT's `exp` sets the expiry when the credential has no `validUntil` (OB 3.0 §8.2.4).
    let jwt_exp = match secured {
        Secured::Jwt(d) => d
            .claims()
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        Secured::DataIntegrity(_) => None,
    };
    let until = claims
        .valid_until
        .as_ref()
        .map(|s: &Stamp| s.at)
        .or(jwt_exp);
    if let Some(from) = &claims.valid_from {
        if at < from.at {
            checks.fail(
                CheckName::ValidityWindow,
                format!(
                    "not valid before {}",
                    from.at.to_rfc3339_opts(SecondsFormat::Secs, true)
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
    claims: &Claims,
    known: Option<&KnownIdentifier>,
    checks: &mut Checks,
) -> Option<Verdict> {
    let Some(known) = known else {
        checks.skip(CheckName::Recipient, "no identifier was given to match");
        return None;
    };
    let kind = known.kind().as_str();
    if !claims.identities.iter().any(|io| io.identity_type == kind) {
        // Nothing to compare with: it neither matches nor fails to. (The Centre's badges carry
        // no registration number; the service checks those against its own records.)
        checks.skip(
            CheckName::Recipient,
            format!("the badge carries no {kind}: only its issuer can check one"),
        );
        return None;
    }
    if claims.identities.iter().any(|io| known.matches(io)) {
        checks.pass(CheckName::Recipient, format!("the badge's {kind} matches"));
        None
    } else {
        checks.fail(
            CheckName::Recipient,
            format!("no {kind} in the badge matches the one given"),
        );
        Some(Verdict::RecipientMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, BaseUrl};
    use credence_ld::jsonld::JsonLd;
    use credence_vc::keys::{DidDocument, LocalSigner, SecretKey, Signer};
    use credence_vc::proof::ProofOptions;
    use credence_vc::status::{self, StatusList};

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
        let di = DataIntegrity::new(JsonLd::new(crate::contexts::pinned().unwrap()));
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
            trusted: &TrustedIssuers::any(),
            known_identifier: None,
            budget: None,
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
        // The issuer's document now lists another key under the same method id, and the badge
        // is signed with it; its status lists are still signed with the old key.
        let other = SecretKey::from_seed(&[9; 32]);
        let vm = f.signer.verification_method().clone();
        f.keys
            .add(DidDocument::from_keys(f.issuer.clone(), [(&vm, &other.public_key())]).unwrap());
        let unsigned = f.verifier.data_integrity().split(&f.signed).unwrap().0;
        f.signed = f
            .verifier
            .data_integrity()
            .sign_rdfc(&unsigned, &f.options, &LocalSigner::new(other, vm))
            .unwrap();
        assert_eq!(verdict(&f), Verdict::StatusUnknown);
        let options = VerifyOptions {
            at: sample::fixture_now(),
            keys: &f.keys,
            status: &f.lists,
            trusted: &TrustedIssuers::any(),
            known_identifier: None,
            budget: None,
        };
        let report = f.verifier.verify_json(&f.signed, &options);
        let status = report
            .checks
            .iter()
            .find(|c| c.check == CheckName::Status)
            .unwrap();
        assert_eq!(status.outcome, Outcome::Fail, "{status:?}");
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);
    }
}
