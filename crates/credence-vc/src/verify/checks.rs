//! The checks of a read credential: key resolution, proof and validity window.

use chrono::{DateTime, SecondsFormat, Utc};
use credence_ld::budget::Budget;
use serde_json::Value;

use super::failure::{KeyFailure, ProofFailure, ValidityFailure};
use super::plan::{jwt_form, Read, Secured};
use super::report::{CheckName, Checks, Outcome, Verdict};
use super::resolve::ResolvedKeys;
use super::{beyond_limits, Verifier};
use crate::jwt;
use crate::keys::{DidDocument, PublicKey, VerificationMethodId};
use crate::proof::{Proof, ProofError};

/// The most proofs one credential's proof set may hold; each costs a signature check over the
/// canonical document, so a larger set (anyone can append proofs) is refused unchecked.
pub const MAX_PROOFS: usize = 8;

/// A key found for a verification method in its controller's document, and whether it speaks
/// for the issuer.
struct ResolvedKey<'r> {
    key: PublicKey,
    document: &'r DidDocument,
    issuers: bool,
}

impl ResolvedKey<'_> {
    /// The issuer's document when the key is the issuer's; a valid signature by anyone else's
    /// key is not the issuer's credential.
    fn genuine(&self) -> Result<DidDocument, Verdict> {
        if self.issuers {
            Ok(self.document.clone())
        } else {
            Err(Verdict::UnknownIssuer)
        }
    }
}

/// Key resolution: the issuer must be one the caller trusts, the method an assertion key in its
/// controller's document, and that controller the issuer. A key that resolves but belongs to
/// someone else still lets the proof be checked, so the report can say "signature valid, but not
/// the issuer's key". An issuer the caller does not trust is not resolved at all.
fn resolve_key<'r>(
    issuer: &str,
    trusted: bool,
    vm: &VerificationMethodId,
    resolved: &'r ResolvedKeys,
    checks: &mut Checks,
) -> Option<ResolvedKey<'r>> {
    if !trusted {
        let failure = KeyFailure::Untrusted {
            issuer: issuer.to_owned(),
        };
        checks.fail(CheckName::KeyResolution, failure);
        return None;
    }
    let controller = vm.controller();
    let doc = match resolved.controller(controller) {
        Ok(doc) => doc,
        Err(source) => {
            let failure = KeyFailure::Unresolved {
                controller: controller.to_owned(),
                source,
            };
            checks.fail(CheckName::KeyResolution, failure);
            return None;
        }
    };
    let key = match doc.assertion_key(vm) {
        Ok(key) => key,
        Err(source) => {
            let failure = KeyFailure::NotAssertionKey {
                method: vm.clone(),
                controller: controller.to_owned(),
                source,
            };
            checks.fail(CheckName::KeyResolution, failure);
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
        let failure = KeyFailure::OtherController {
            method: vm.clone(),
            controller: controller.to_owned(),
            issuer: issuer.to_owned(),
        };
        checks.fail(CheckName::KeyResolution, failure);
    }
    Some(ResolvedKey {
        key,
        document: doc,
        issuers,
    })
}

impl Verifier {
    /// Runs key resolution and the proof check. Returns the proof format, and the issuer's
    /// controller document when the credential is shown to be its (trusted) issuer's, else the
    /// verdict that says why not.
    pub(crate) fn key_and_proof(
        &self,
        read: &Read,
        resolved: &ResolvedKeys,
        budget: &Budget,
        checks: &mut Checks,
    ) -> (Option<&'static str>, Result<DidDocument, Verdict>) {
        let issuer = read.claims.issuer.as_str();
        match &read.secured {
            Secured::DataIntegrity(doc) => self.proof_set(doc, read, resolved, budget, checks),
            Secured::Jwt(decoded) => {
                let form = jwt_form(decoded);
                let Some(vm) = decoded.kid() else {
                    checks.skip(CheckName::KeyResolution, "the JWT header has no kid");
                    checks.fail(CheckName::Proof, ProofFailure::NoKid);
                    return (Some(form), Err(Verdict::InvalidSignature));
                };
                let Some(key) = resolve_key(issuer, read.trusted, vm, resolved, checks) else {
                    checks.skip(CheckName::Proof, "no key to check the JWT with");
                    return (Some(form), Err(Verdict::UnknownIssuer));
                };
                let verified =
                    jwt::verify_jwt(decoded, &key.key).and_then(|()| match decoded.form() {
                        jwt::JwtForm::VcJose => Ok(()),
                        _ => jwt::check_ob3_claims(decoded),
                    });
                match verified {
                    Ok(()) => {
                        checks.pass(CheckName::Proof, format!("the {form} signature verifies"));
                        (Some(form), key.genuine())
                    }
                    Err(source) => {
                        checks.fail(
                            CheckName::Proof,
                            ProofFailure::JwtDoesNotVerify { form, source },
                        );
                        (Some(form), Err(Verdict::InvalidSignature))
                    }
                }
            }
        }
    }

    /// Data Integrity: every proof of the document (one, or each of a set or a chain) in a suite
    /// this crate implements is checked with the issuer's key; a proof in any other suite is
    /// reported as not checked, and a credential with no proof this verifier can check is
    /// [`Verdict::UnsupportedProof`], never a forgery. Each check's line covers all the proofs.
    fn proof_set(
        &self,
        doc: &Value,
        read: &Read,
        resolved: &ResolvedKeys,
        budget: &Budget,
        checks: &mut Checks,
    ) -> (Option<&'static str>, Result<DidDocument, Verdict>) {
        let unusable = |checks: &mut Checks, e| {
            checks.skip(CheckName::KeyResolution, "no usable proof names a key");
            checks.fail(CheckName::Proof, ProofFailure::NoProof(e));
            (None, Err(Verdict::InvalidSignature))
        };
        let entries = match self.di.proofs_of(doc) {
            Ok(entries) => entries,
            Err(e) => return unusable(checks, e),
        };
        if entries.len() > MAX_PROOFS {
            checks.skip(CheckName::KeyResolution, "the proofs are not checked");
            checks.fail(
                CheckName::Proof,
                ProofFailure::TooManyProofs {
                    count: entries.len(),
                },
            );
            return (None, Err(Verdict::Malformed));
        }
        let mut set = Vec::with_capacity(entries.len());
        let mut unsupported = Vec::new();
        for entry in entries {
            match entry {
                Ok(proof) => set.push(proof),
                Err(ProofError::UnsupportedSuite {
                    proof_type,
                    cryptosuite,
                }) => unsupported.push(match cryptosuite {
                    Some(c) => format!("{proof_type} ({c})"),
                    None => proof_type,
                }),
                Err(e) => return unusable(checks, e),
            }
        }
        if set.is_empty() {
            checks.skip(
                CheckName::KeyResolution,
                "no proof is in a suite this verifier implements",
            );
            checks.fail(
                CheckName::Proof,
                ProofFailure::Unsupported {
                    suites: unsupported.join(", "),
                },
            );
            return (None, Err(Verdict::UnsupportedProof));
        }
        let format = Some(set[0].suite().name());
        if let ([proof], true) = (set.as_slice(), unsupported.is_empty()) {
            if proof.previous_proofs().is_empty() {
                return (
                    format,
                    self.one_proof(doc, read, proof, &set, resolved, budget, checks),
                );
            }
        }
        let mut outcomes = Vec::with_capacity(set.len());
        let mut lines = Vec::with_capacity(set.len());
        for proof in &set {
            let mut own = Checks::default();
            outcomes.push(self.one_proof(doc, read, proof, &set, resolved, budget, &mut own));
            lines.push((proof.suite().name(), own));
        }
        for check in [CheckName::KeyResolution, CheckName::Proof] {
            let mut outcome = Outcome::Pass;
            let mut reasons = Vec::new();
            for (i, (suite, own)) in lines.iter().enumerate() {
                let Some(line) = own.0.iter().find(|c| c.check == check) else {
                    continue;
                };
                outcome = match (outcome, line.outcome) {
                    (Outcome::Fail, _) | (_, Outcome::Fail) => Outcome::Fail,
                    (Outcome::NotChecked, _) | (_, Outcome::NotChecked) => Outcome::NotChecked,
                    _ => Outcome::Pass,
                };
                reasons.push(format!("proof {} ({suite}): {}", i + 1, line.reason));
            }
            if check == CheckName::Proof {
                reasons.extend(unsupported.iter().map(|suite| {
                    format!("not checked: {suite} is a suite this verifier does not implement")
                }));
            }
            checks.record(check, outcome, reasons.join("; "));
        }
        let verdict = [
            Verdict::Malformed,
            Verdict::InvalidSignature,
            Verdict::UnknownIssuer,
        ]
        .into_iter()
        .find(|v| outcomes.iter().any(|o| o.as_ref().err() == Some(v)));
        let result = match verdict {
            Some(v) => Err(v),
            None => outcomes
                .into_iter()
                .find_map(Result::ok)
                .ok_or(Verdict::InvalidSignature),
        };
        (format, result)
    }

    /// One Data Integrity proof of `set`: it must be an assertion by a key of the (trusted)
    /// issuer, and verify over the document (with the proofs it follows, in a chain).
    #[allow(clippy::too_many_arguments)]
    fn one_proof(
        &self,
        doc: &Value,
        read: &Read,
        proof: &Proof,
        set: &[Proof],
        resolved: &ResolvedKeys,
        budget: &Budget,
        checks: &mut Checks,
    ) -> Result<DidDocument, Verdict> {
        let issuer = read.claims.issuer.as_str();
        let suite = proof.suite().name();
        if proof.proof_purpose() != Some("assertionMethod") {
            checks.skip(CheckName::KeyResolution, "the proof is not an assertion");
            checks.fail(CheckName::Proof, ProofFailure::NotAssertion);
            return Err(Verdict::InvalidSignature);
        }
        let Some(key) = resolve_key(
            issuer,
            read.trusted,
            proof.verification_method(),
            resolved,
            checks,
        ) else {
            checks.skip(CheckName::Proof, "no key to check the proof with");
            return Err(Verdict::UnknownIssuer);
        };
        let verified = if proof.previous_proofs().is_empty() {
            self.di
                .verify_rdf(doc, &read.quads, proof, &key.key, budget)
        } else {
            self.di.verify_chained(doc, set, proof, &key.key, budget)
        };
        match verified {
            Ok(()) => {
                checks.pass(CheckName::Proof, format!("the {suite} proof verifies"));
                key.genuine()
            }
            Err(source) if beyond_limits(&source) => {
                checks.fail(
                    CheckName::Proof,
                    ProofFailure::BeyondLimits { suite, source },
                );
                Err(Verdict::Malformed)
            }
            Err(source) => {
                checks.fail(
                    CheckName::Proof,
                    ProofFailure::DoesNotVerify { suite, source },
                );
                Err(Verdict::InvalidSignature)
            }
        }
    }
}

/// The validity window at `at`: `validFrom` .. `validUntil` as signed.
pub(crate) fn check_validity(
    read: &Read,
    at: DateTime<Utc>,
    checks: &mut Checks,
) -> Option<Verdict> {
    let claims = &read.claims;
    // A VC-JWT's `exp` sets the expiry when the credential has no `validUntil` (OB 3.0 §8.2.4).
    let jwt_exp = match &read.secured {
        Secured::Jwt(d) => d
            .claims()
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        Secured::DataIntegrity(_) => None,
    };
    let until = claims.valid_until.as_ref().map(|s| s.at).or(jwt_exp);
    if let Some(from) = &claims.valid_from {
        if at < from.at {
            checks.fail(
                CheckName::ValidityWindow,
                ValidityFailure::NotYetValid(from.at),
            );
            return Some(Verdict::NotYetValid);
        }
    }
    if let Some(until) = until {
        if at >= until {
            checks.fail(CheckName::ValidityWindow, ValidityFailure::Expired(until));
            return Some(Verdict::Expired);
        }
    }
    checks.pass(
        CheckName::ValidityWindow,
        format!("valid at {}", at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    None
}
