//! Verifiable presentations (VCDM 2.0 §4.13, and 1.1): what a wallet hands a verifier. Sans-IO
//! like the credential verifier, in one round: [`Verifier::plan_presentation`] reads the
//! presentation and says which controller document its proof needs (the holder's; a `did:key`
//! resolves offline), the caller resolves it, and [`Verifier::check_presentation`] checks the
//! proof: an `authentication` proof by a key the holder lists for authentication, answering the
//! verifier's `challenge` and `domain`. The credentials it holds are handed back as given, to be
//! verified each on its own ([`Verifier::plan_json`] and the rest), each with its own report.
//!
//! Every fact acted on comes from the RDF the presentation's proof covers: that it is a
//! `VerifiablePresentation`, and who its holder is.

use credence_ld::budget::Budget;
use credence_ld::rdf::{Node, Object, Quad};
use serde::Serialize;
use serde_json::Value;

use super::plan::KeyNeeds;
use super::report::{problem_for, Check, CheckName, Checks, Outcome, ProblemDetail};
use super::resolve::ResolvedKeys;
use super::Verifier;
use crate::keys::{KeyError, Signer};
use crate::proof::{DataIntegrity, Proof, ProofError, ProofOptions};

/// The presentation type's IRI.
const VERIFIABLE_PRESENTATION: &str = "https://www.w3.org/2018/credentials#VerifiablePresentation";
/// The holder property's IRI.
const HOLDER: &str = "https://www.w3.org/2018/credentials#holder";

/// The most credentials one presentation may hold (each is verified on its own, at the cost of
/// a credential's verification).
pub const MAX_PRESENTED_CREDENTIALS: usize = 32;

/// What the verifier asked the holder's proof to answer (and a holder's signer to put in it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresentationOptions {
    /// The verifier's one-time challenge; the proof must carry it exactly.
    pub challenge: Option<String>,
    /// The domain the presentation is meant for; the proof must name it.
    pub domain: Option<String>,
}

impl PresentationOptions {
    /// Options asking for `challenge`, and `domain` if given.
    pub fn new(challenge: impl Into<String>, domain: Option<&str>) -> Self {
        Self {
            challenge: Some(challenge.into()),
            domain: domain.map(str::to_owned),
        }
    }

    /// Options asking for whichever of `challenge` and `domain` is given.
    pub fn from_parts(challenge: Option<String>, domain: Option<String>) -> Self {
        Self { challenge, domain }
    }
}

/// Why a presentation is not one, or its proof does not hold.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresentationError {
    /// The presentation is not a JSON object.
    #[error("the presentation is not a JSON object")]
    NotAnObject,
    /// Its first `@context` is neither VCDM 2.0's nor 1.1's.
    #[error("the presentation's first @context must be https://www.w3.org/ns/credentials/v2 (or, for VCDM 1.1, https://www.w3.org/2018/credentials/v1)")]
    Context,
    /// Its RDF has no `VerifiablePresentation`, or more than one.
    #[error("the presentation must be exactly one node of type VerifiablePresentation")]
    NotAPresentation,
    /// `holder` is not one IRI.
    #[error("the presentation's holder must be one URL")]
    Holder,
    /// An entry of `verifiableCredential` is not a credential object.
    #[error("verifiableCredential entry {index} is not a credential object")]
    Credential {
        /// Its position.
        index: usize,
    },
    /// More credentials than [`MAX_PRESENTED_CREDENTIALS`].
    #[error("the presentation holds {count} credentials, more than the {MAX_PRESENTED_CREDENTIALS} verified")]
    TooManyCredentials {
        /// How many it holds.
        count: usize,
    },
    /// The JSON-LD could not be read, or the proof not parsed.
    #[error("the presentation cannot be read")]
    Unreadable(#[source] ProofError),
    /// The proof is not an `authentication` proof.
    #[error("the proof's purpose is {found:?}, not \"authentication\"")]
    Purpose {
        /// The purpose it names.
        found: Option<String>,
    },
    /// The proof does not answer the verifier's challenge.
    #[error("the proof does not answer the challenge the verifier gave")]
    Challenge,
    /// The proof is not for the verifier's domain.
    #[error("the proof is not for the domain {expected:?}")]
    Domain {
        /// The domain asked for.
        expected: String,
    },
    /// The proof's key is not the holder's.
    #[error("the proof is made by a key of {controller}, not of the holder {holder}")]
    NotTheHolder {
        /// The holder.
        holder: String,
        /// The key's controller.
        controller: String,
    },
    /// The key's controller document could not be had, or does not list the key for
    /// authentication.
    #[error("the key could not be used for authentication")]
    Key(#[source] KeyError),
    /// The controller document could not be resolved.
    #[error("the holder's keys could not be resolved")]
    Resolve(#[source] super::ResolveError),
    /// The signature does not verify.
    #[error("the presentation's proof does not verify")]
    Proof(#[source] ProofError),
}

/// A presentation read, whose proof waits for the holder's controller document.
#[derive(Debug)]
struct Read {
    presentation: Value,
    quads: Vec<Quad>,
    proof: Proof,
    holder: Option<String>,
    credentials: Vec<Value>,
}

/// The outcome of [`Verifier::plan_presentation`]: the checks so far, and what must be resolved.
#[derive(Debug)]
pub struct PresentationPlan {
    checks: Checks,
    read: Option<Box<Read>>,
    needs: KeyNeeds,
}

impl PresentationPlan {
    /// The controller document the proof needs: the one of the method it names.
    pub fn needs(&self) -> &KeyNeeds {
        &self.needs
    }

    fn failed(mut checks: Checks, check: CheckName, error: PresentationError) -> Self {
        checks.fail(check, crate::verify::chain(&error));
        Self {
            checks,
            read: None,
            needs: KeyNeeds::default(),
        }
    }
}

/// The presentation's report: whether its own proof holds, and the credentials it holds.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PresentationReport {
    /// The presentation was read, its proof verified with a key its holder lists for
    /// authentication, and it answers the verifier's challenge and domain.
    pub verified: bool,
    /// One line per check.
    pub checks: Vec<Check>,
    /// Why it did not verify, as problem details (VC 2.0 §7.1).
    pub errors: Vec<ProblemDetail>,
    /// The holder the signed RDF names, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The credentials it holds, as given (objects; enveloped VC-JWTs as their envelope): each
    /// is verified on its own.
    #[serde(skip)]
    pub credentials: Vec<Value>,
}

/// The presentation rules a signer and a verifier both apply, besides [`credentials_of`]: its
/// first context is VCDM 2.0's or 1.1's, and its RDF is exactly one `VerifiablePresentation`
/// with at most one holder IRI. Gives the holder.
fn read_model(presentation: &Value, quads: &[Quad]) -> Result<Option<String>, PresentationError> {
    crate::model::Version::of(presentation).map_err(|_| PresentationError::Context)?;
    let mut subjects = quads.iter().filter(|q| {
        q.graph.is_none()
            && q.predicate == super::vocab::RDF_TYPE
            && matches!(&q.object, Object::Node(Node::Iri(t)) if t == VERIFIABLE_PRESENTATION)
    });
    let (Some(vp), None) = (subjects.next(), subjects.next()) else {
        return Err(PresentationError::NotAPresentation);
    };
    let mut holders = quads
        .iter()
        .filter(|q| q.graph.is_none() && q.subject == vp.subject && q.predicate == HOLDER);
    match (holders.next(), holders.next()) {
        (None, _) => Ok(None),
        (Some(q), None) => match &q.object {
            Object::Node(Node::Iri(h)) => Ok(Some(h.clone())),
            _ => Err(PresentationError::Holder),
        },
        _ => Err(PresentationError::Holder),
    }
}

/// The `verifiableCredential` entries: credential objects, at most
/// [`MAX_PRESENTED_CREDENTIALS`]. Cheap, so checked before the presentation's RDF is made.
fn credentials_of(presentation: &Value) -> Result<Vec<Value>, PresentationError> {
    let credentials = match presentation.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
    };
    if credentials.len() > MAX_PRESENTED_CREDENTIALS {
        return Err(PresentationError::TooManyCredentials {
            count: credentials.len(),
        });
    }
    if let Some(index) = credentials.iter().position(|c| !c.is_object()) {
        return Err(PresentationError::Credential { index });
    }
    Ok(credentials)
}

impl Verifier {
    /// Reads a presentation and says which controller document its proof needs.
    pub fn plan_presentation(&self, presentation: &Value, budget: &Budget) -> PresentationPlan {
        let di = self.data_integrity();
        let mut checks = Checks::default();
        if !presentation.is_object() {
            return PresentationPlan::failed(
                checks,
                CheckName::Parsed,
                PresentationError::NotAnObject,
            );
        }
        checks.pass(CheckName::Parsed, "read a JSON presentation");
        let read = credentials_of(presentation).and_then(|credentials| {
            let quads = di
                .document_rdf(presentation, budget)
                .map_err(PresentationError::Unreadable)?;
            let holder = read_model(presentation, &quads)?;
            Ok((quads, holder, credentials))
        });
        let (quads, holder, credentials) = match read {
            Ok(read) => read,
            Err(e) => return PresentationPlan::failed(checks, CheckName::DataModel, e),
        };
        checks.pass(
            CheckName::DataModel,
            "reads as one verifiable presentation in the terms of its pinned contexts",
        );
        let proof = match di.proof_of(presentation) {
            Ok(proof) => proof,
            Err(e) => {
                return PresentationPlan::failed(
                    checks,
                    CheckName::Proof,
                    PresentationError::Unreadable(e),
                )
            }
        };
        let method = proof.verification_method().clone();
        let needs = KeyNeeds {
            controllers: vec![method.controller().to_owned()],
            verification_method: Some(method),
        };
        PresentationPlan {
            checks,
            read: Some(Box::new(Read {
                presentation: presentation.clone(),
                quads,
                proof,
                holder,
                credentials,
            })),
            needs,
        }
    }

    /// Checks a planned presentation's proof with the resolved controller document, against
    /// what the verifier asked (`expected`).
    pub fn check_presentation(
        &self,
        plan: PresentationPlan,
        keys: &ResolvedKeys,
        expected: &PresentationOptions,
        budget: &Budget,
    ) -> PresentationReport {
        let PresentationPlan {
            mut checks,
            read,
            needs: _,
        } = plan;
        let (holder, credentials) = match read {
            None => (None, Vec::new()),
            Some(read) => {
                self.check_read(&read, keys, expected, budget, &mut checks);
                (read.holder, read.credentials)
            }
        };
        let checks = checks.0;
        let verified = checks.iter().all(|c| c.outcome == Outcome::Pass)
            && checks.iter().any(|c| c.check == CheckName::Proof);
        let errors = checks
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .map(problem_for)
            .collect();
        PresentationReport {
            verified,
            checks,
            errors,
            holder,
            credentials,
        }
    }

    fn check_read(
        &self,
        read: &Read,
        keys: &ResolvedKeys,
        expected: &PresentationOptions,
        budget: &Budget,
        checks: &mut Checks,
    ) {
        let fail = |checks: &mut Checks, check, e: PresentationError| {
            checks.fail(check, crate::verify::chain(&e));
        };
        let proof = &read.proof;
        if proof.proof_purpose() != Some("authentication") {
            let found = proof.proof_purpose().map(str::to_owned);
            return fail(
                checks,
                CheckName::Proof,
                PresentationError::Purpose { found },
            );
        }
        if let Some(challenge) = &expected.challenge {
            if proof.challenge() != Some(challenge.as_str()) {
                return fail(checks, CheckName::Proof, PresentationError::Challenge);
            }
        }
        if let Some(domain) = &expected.domain {
            if !proof.domains().contains(&domain.as_str()) {
                let expected = domain.clone();
                return fail(
                    checks,
                    CheckName::Proof,
                    PresentationError::Domain { expected },
                );
            }
        }
        let method = proof.verification_method();
        let controller = method.controller();
        if let Some(holder) = &read.holder {
            if holder != controller {
                let e = PresentationError::NotTheHolder {
                    holder: holder.clone(),
                    controller: controller.to_owned(),
                };
                return fail(checks, CheckName::KeyResolution, e);
            }
        }
        let key = match keys.controller(controller) {
            Err(e) => {
                return fail(
                    checks,
                    CheckName::KeyResolution,
                    PresentationError::Resolve(e),
                )
            }
            Ok(doc) => match doc.authentication_key(method) {
                Ok(key) => key,
                Err(e) => return fail(checks, CheckName::KeyResolution, PresentationError::Key(e)),
            },
        };
        checks.pass(
            CheckName::KeyResolution,
            format!("{method} is an authentication key of {controller}"),
        );
        match self
            .data_integrity()
            .verify_rdf(&read.presentation, &read.quads, proof, &key, budget)
        {
            Ok(()) => checks.pass(
                CheckName::Proof,
                format!(
                    "the {} proof verifies and answers the verifier's challenge",
                    proof.suite().name()
                ),
            ),
            Err(e) => fail(checks, CheckName::Proof, PresentationError::Proof(e)),
        }
    }
}

impl DataIntegrity {
    /// Signs a presentation as its holder: an `eddsa-rdfc-2022` proof for `authentication`,
    /// answering `answer`'s challenge and domain. The presentation must keep the presentation
    /// rules (a VCDM context first, one `VerifiablePresentation`, one holder at most) and carry
    /// no proof yet.
    pub fn sign_presentation_rdfc(
        &self,
        presentation: &Value,
        options: &ProofOptions,
        answer: &PresentationOptions,
        signer: &dyn Signer,
    ) -> Result<Value, PresentationSignError> {
        let presentation = &*crate::proof::with_suite_context(presentation);
        if presentation.get("proof").is_some() {
            return Err(ProofError::AlreadySigned.into());
        }
        if options.verification_method != *signer.verification_method() {
            return Err(ProofError::SignerMismatch.into());
        }
        let quads = self
            .jsonld()
            .credential_rdf(presentation, None)
            .map_err(ProofError::from)?;
        credentials_of(presentation)?;
        read_model(presentation, &quads)?;
        let mut config = Self::proof_config(options, presentation);
        config.insert("proofPurpose".into(), Value::from("authentication"));
        if let Some(challenge) = &answer.challenge {
            config.insert("challenge".into(), Value::from(challenge.as_str()));
        }
        if let Some(domain) = &answer.domain {
            config.insert("domain".into(), Value::from(domain.as_str()));
        }
        let proof = self.prove_config(&quads, config, signer)?;
        Ok(crate::proof::with_proof(presentation, proof)?)
    }
}

/// Why a presentation could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresentationSignError {
    /// It breaks the presentation rules.
    #[error("not a verifiable presentation")]
    Model(#[from] PresentationError),
    /// The proof could not be made.
    #[error("the proof could not be made")]
    Proof(#[from] ProofError),
}
