//! Why a check fails: one enum per check, whose `Display` is the reason the report shows.

use chrono::{DateTime, SecondsFormat, Utc};

use super::claims::ClaimsError;
use super::resolve::ResolveError;
use crate::jwt::JwtError;
use crate::keys::{KeyError, VerificationMethodId};
use crate::proof::ProofError;
use crate::status::{StatusError, StatusPurpose};

/// An error and its sources, as one line.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

fn rfc3339(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Why the input is not a secured credential (the `parsed` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Text that opens like JSON but is not.
    #[error("the input is not valid JSON: {0}")]
    NotJson(serde_json::Error),
    /// JSON that is not an object.
    #[error("the credential is not a JSON object")]
    NotAnObject,
    /// Text that is neither JSON nor a compact JWS.
    #[error("the input is neither JSON nor a readable JWT: {0}")]
    NotJsonOrJwt(JwtError),
}

/// Why the credential does not read as one verifiable credential (the `data_model` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataModelError {
    /// Its JSON-LD could not be turned into RDF.
    #[error("not a readable JSON-LD credential: {}", chain(.0))]
    Unreadable(ProofError),
    /// It breaks a rule of the VC data model.
    #[error("not a conforming verifiable credential: {0}")]
    Model(crate::model::ModelError),
    /// Its RDF does not describe one credential with an issuer and well-formed dates.
    #[error(transparent)]
    Claims(ClaimsError),
}

/// Why the proof does not verify (the `proof` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProofFailure {
    /// The document could not be read, so the proof over it cannot verify.
    #[error("the proof cannot verify: {0}")]
    Unreadable(DataModelError),
    /// No usable embedded proof.
    #[error("{}", chain(.0))]
    NoProof(ProofError),
    /// The proof set holds more proofs than [`MAX_PROOFS`](super::MAX_PROOFS).
    #[error(
        "the credential carries {count} proofs, more than the {} checked",
        super::MAX_PROOFS
    )]
    TooManyProofs {
        /// How many it carries.
        count: usize,
    },
    /// No proof is in a suite this verifier implements.
    #[error("the proof cannot be checked: {suites} is not a suite this verifier implements")]
    Unsupported {
        /// The suites the proofs name.
        suites: String,
    },
    /// The proof is not made for assertions.
    #[error("the proof purpose is not assertionMethod")]
    NotAssertion,
    /// The proof does not verify with the key.
    #[error("the {suite} proof does not verify: {}", chain(.source))]
    DoesNotVerify {
        /// The proof suite.
        suite: &'static str,
        /// Why.
        source: ProofError,
    },
    /// The work to check it went beyond the budget (or was cancelled).
    #[error("the {suite} proof could not be checked: {}", chain(.source))]
    BeyondLimits {
        /// The proof suite.
        suite: &'static str,
        /// Why.
        source: ProofError,
    },
    /// The JWT header names no key.
    #[error("the JWT names no key (kid)")]
    NoKid,
    /// The JWS does not verify, or its claims do not match the credential.
    #[error("the {form} does not verify: {}", chain(.source))]
    JwtDoesNotVerify {
        /// `vc-jwt` or `vc-jose`.
        form: &'static str,
        /// Why.
        source: JwtError,
    },
}

/// Why the proof's key is not (known to be) the issuer's (the `key_resolution` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFailure {
    /// The caller does not trust the issuer.
    #[error("the issuer {issuer} is not one this verifier trusts")]
    Untrusted {
        /// The issuer id.
        issuer: String,
    },
    /// The controller document could not be had.
    #[error("the keys of {controller} could not be resolved: {source}")]
    Unresolved {
        /// The controller id.
        controller: String,
        /// Why.
        source: ResolveError,
    },
    /// The controller document lists no such assertion key.
    #[error("{method} is not an assertion key of {controller}: {source}")]
    NotAssertionKey {
        /// The verification method.
        method: VerificationMethodId,
        /// Its controller.
        controller: String,
        /// Why.
        source: KeyError,
    },
    /// The key is someone else's.
    #[error("the key {method} is controlled by {controller}, not by the issuer {issuer}")]
    OtherController {
        /// The verification method.
        method: VerificationMethodId,
        /// Its controller.
        controller: String,
        /// The credential's issuer.
        issuer: String,
    },
}

/// Why the credential is outside its validity window (the `validity_window` check).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidityFailure {
    /// `validFrom` is still to come.
    #[error("not valid before {}", rfc3339(.0))]
    NotYetValid(DateTime<Utc>),
    /// `validUntil` (or a JWT's `exp`) has passed.
    #[error("expired on {}", rfc3339(.0))]
    Expired(DateTime<Utc>),
}

/// Why a status list says nothing about the credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListFailure {
    /// The list could not be resolved.
    #[error(transparent)]
    Unresolved(ResolveError),
    /// The list has no usable proof, or its RDF could not be read.
    #[error("status list: {}", chain(.0))]
    Unreadable(ProofError),
    /// The list's RDF is not a Bitstring Status List credential.
    #[error("status list: {0}")]
    Malformed(StatusError),
    /// The list's proof is not made for assertions.
    #[error("the status list's proof purpose is not assertionMethod")]
    NotAssertion,
    /// The list is not signed by a key of the credential's issuer.
    #[error("the status list is not signed by a key of its issuer")]
    NotIssuersKey,
    /// The list names another issuer.
    #[error("the status list was issued by someone else")]
    OtherIssuer,
    /// The list's proof does not verify.
    #[error("the status list's proof does not verify: {}", chain(.0))]
    DoesNotVerify(ProofError),
    /// The list's `validFrom` is still to come.
    #[error("the status list is not valid yet")]
    NotYetValid,
    /// The list's `validUntil` has passed.
    #[error("the status list has expired")]
    Expired,
    /// The entry's bit is not in the list.
    #[error(transparent)]
    Bit(StatusError),
}

/// Why one status entry could not be checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntryFailure {
    /// The entry itself does not read.
    #[error("a status entry is unreadable: {0}")]
    Unreadable(StatusError),
    /// The entry's list says nothing.
    #[error("the {} status is unknown: {reason}", .purpose.as_str())]
    Unknown {
        /// The entry's purpose.
        purpose: StatusPurpose,
        /// Why.
        reason: ListFailure,
    },
}

/// The entries whose status is unknown, as one sentence.
#[derive(Debug, Default)]
pub struct Unknowns(pub Vec<EntryFailure>);

impl std::fmt::Display for Unknowns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl Unknowns {
    fn also(&self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            format!(" ({self})")
        }
    }
}

/// Why the status check fails (the `status` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatusFailure {
    /// A revocation bit is set (whatever other lists said).
    #[error("the issuer has revoked this badge{}", .0.also())]
    Revoked(Unknowns),
    /// A suspension bit is set.
    #[error("the issuer has suspended this badge{}", .0.also())]
    Suspended(Unknowns),
    /// No bit is set, but some entries could not be checked.
    #[error("{0}")]
    Unknown(Unknowns),
}
