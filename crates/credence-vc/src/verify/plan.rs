//! The first, pure step: read the secured credential and say which controller document its
//! proof needs (round one).

use credence_ld::rdf::Quad;
use serde_json::Value;

use super::claims::Claims;
use super::report::{CheckName, Checks, Verdict};
use crate::jwt::{self, DecodedJwt};
use crate::keys::VerificationMethodId;
use crate::proof::{DataIntegrity, ProofError};

/// The credential as received, with how it is secured.
#[derive(Debug)]
pub(crate) enum Secured {
    /// A JSON-LD credential with an embedded proof.
    DataIntegrity(Value),
    /// A compact JWS.
    Jwt(Box<DecodedJwt>),
}

impl Secured {
    /// The credential's JSON, as received.
    pub(crate) fn credential(&self) -> &Value {
        match self {
            Self::DataIntegrity(v) => v,
            Self::Jwt(d) => d.credential(),
        }
    }

    /// The RDF the signature covers: the document without its proof, or the JWT's credential.
    fn rdf(
        &self,
        di: &DataIntegrity,
        budget: &credence_ld::budget::Budget,
    ) -> Result<Vec<Quad>, ProofError> {
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
            Self::DataIntegrity(doc) => di
                .proofs_of(doc)
                .ok()?
                .into_iter()
                .find_map(Result::ok)
                .map(|p| p.suite().name()),
            Self::Jwt(d) => Some(jwt_form(d)),
        }
    }

    /// The assertion methods the proofs name (every proof of a set that is an assertion in a
    /// suite this crate implements), in order, each once; none for a set larger than
    /// [`MAX_PROOFS`](super::MAX_PROOFS), which is refused unchecked.
    fn assertion_methods(&self, di: &DataIntegrity) -> Vec<VerificationMethodId> {
        let mut methods: Vec<VerificationMethodId> = match self {
            Self::DataIntegrity(doc) => {
                let proofs = di.proofs_of(doc).unwrap_or_default();
                if proofs.len() > super::MAX_PROOFS {
                    return Vec::new();
                }
                proofs
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|p| p.proof_purpose() == Some("assertionMethod"))
                    .map(|p| p.verification_method().clone())
                    .collect()
            }
            Self::Jwt(d) => d.kid().cloned().into_iter().collect(),
        };
        let mut seen = std::collections::BTreeSet::new();
        methods.retain(|m| seen.insert(m.as_str().to_owned()));
        methods
    }
}

/// `vc-jose` or `vc-jwt`.
pub(crate) fn jwt_form(decoded: &DecodedJwt) -> &'static str {
    match decoded.form() {
        jwt::JwtForm::VcJose => "vc-jose",
        _ => "vc-jwt",
    }
}

/// What the caller must resolve in round one, before
/// [`Verifier::check_proof`](super::Verifier::check_proof): the controller documents of the
/// methods the proofs name (one proof, or each of a set), and nothing for a credential whose
/// issuer the caller does not trust or whose proof names no key. What else a credential needs ([`StatusNeeds`](super::StatusNeeds))
/// is known only once its proof has verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyNeeds {
    /// The verification method the (first) proof names, when its controller's document is
    /// needed.
    pub verification_method: Option<VerificationMethodId>,
    /// The controller documents, by id: the methods' controllers, each once.
    pub controllers: Vec<String>,
}

impl KeyNeeds {
    /// Whether nothing is to be resolved.
    pub fn is_empty(&self) -> bool {
        self.controllers.is_empty()
    }
}

/// A credential read and understood, whose checks wait for the resolved documents.
#[derive(Debug)]
pub(crate) struct Read {
    pub(crate) secured: Secured,
    pub(crate) quads: Vec<Quad>,
    pub(crate) claims: Claims,
    /// Whether the caller trusts the issuer.
    pub(crate) trusted: bool,
    /// The proof format as far as it can be told before checking.
    pub(crate) proof_format: Option<&'static str>,
}

#[derive(Debug)]
pub(crate) enum State {
    /// The report is decided already (unreadable input or credential).
    Decided {
        proof_format: Option<&'static str>,
        verdict: Verdict,
    },
    /// The credential was read; its proof, dates and status wait.
    Read(Box<Read>),
}

/// The outcome of [`Verifier::plan_text`](super::Verifier::plan_text): the checks made so far,
/// the credential as read, and what it [needs](Plan::needs) resolved. Owns everything, so it can
/// move between threads while the caller resolves.
#[derive(Debug)]
pub struct Plan {
    pub(crate) format: &'static str,
    pub(crate) checks: Checks,
    pub(crate) state: State,
    pub(crate) needs: KeyNeeds,
}

impl Plan {
    /// A plan for input that could not be read at all (the `parsed` check fails with `reason`):
    /// it needs nothing, and its report is [`Verdict::Malformed`].
    pub fn unreadable(format: &'static str, reason: impl ToString) -> Self {
        let mut checks = Checks::default();
        checks.fail(CheckName::Parsed, reason);
        Self {
            format,
            checks,
            state: State::Decided {
                proof_format: None,
                verdict: Verdict::Malformed,
            },
            needs: KeyNeeds::default(),
        }
    }

    /// What the input was: `json`, `jwt`, or the container the caller named.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// What must be resolved in round one: the issuer's controller document.
    pub fn needs(&self) -> &KeyNeeds {
        &self.needs
    }

    fn read(&self) -> Option<&Read> {
        match &self.state {
            State::Read(read) => Some(read),
            State::Decided { .. } => None,
        }
    }

    /// The credential's JSON as received, when it was read (its keys are the pinned contexts'
    /// terms, so what a JSON Schema sees of it is what was signed).
    pub fn credential(&self) -> Option<&Value> {
        self.read().map(|r| r.secured.credential())
    }

    /// The RDF the proof covers, when the credential was read.
    pub fn quads(&self) -> Option<&[Quad]> {
        self.read().map(|r| r.quads.as_slice())
    }

    /// What the RDF says, when the credential was read.
    pub fn claims(&self) -> Option<&Claims> {
        self.read().map(|r| &r.claims)
    }

    /// Checks the `relatedResource` digests of a credential that was read against the bytes the
    /// caller has of those resources (the plan checked their shape only): a digest that does not
    /// match [refuses](Self::refuse) the credential as malformed.
    pub fn check_related_resources(&mut self, resources: &crate::model::RelatedResources) {
        let Some(read) = self.read() else {
            return;
        };
        if let Err(e) = crate::model::check_rdf(read.secured.credential(), &read.quads, resources) {
            self.refuse(super::DataModelError::Model(e));
        }
    }

    /// Refuses a credential that was read, for a reason a profile found in its RDF (a repeated
    /// term of its own, say): the `data_model` check fails with `reason`, nothing is resolved, and
    /// the report is [`Verdict::Malformed`]. Does nothing to a plan whose report is decided.
    pub fn refuse(&mut self, reason: impl ToString) {
        let State::Read(read) = &self.state else {
            return;
        };
        let proof_format = read.proof_format;
        self.checks.0.retain(|c| c.check != CheckName::DataModel);
        self.checks.fail(CheckName::DataModel, reason);
        self.state = State::Decided {
            proof_format,
            verdict: Verdict::Malformed,
        };
        self.needs = KeyNeeds::default();
    }
}

/// The round-one needs of a read credential: the controller document of the method its proof
/// names, only when the caller trusts the issuer (else no key is resolved at all).
fn key_needs_of(read: &Read, di: &DataIntegrity) -> KeyNeeds {
    if !read.trusted {
        return KeyNeeds::default();
    }
    let methods = read.secured.assertion_methods(di);
    let mut controllers: Vec<String> = Vec::new();
    for m in &methods {
        if !controllers.iter().any(|c| c == m.controller()) {
            controllers.push(m.controller().to_owned());
        }
    }
    KeyNeeds {
        controllers,
        verification_method: methods.into_iter().next(),
    }
}

impl super::Verifier {
    /// Plans the verification of text: a JSON credential with an embedded proof, or a compact
    /// JWS. `container` names what held it (`png`, `svg`) for the report's format; `None`: the
    /// format is `json` or `jwt`.
    pub fn plan_text(
        &self,
        text: &str,
        container: Option<&'static str>,
        trusted: &super::TrustedIssuers,
        budget: &credence_ld::budget::Budget,
    ) -> Plan {
        let trimmed = text.trim();
        if trimmed.starts_with('{') {
            let format = container.unwrap_or("json");
            let value: Value = match serde_json::from_str(trimmed) {
                Ok(v) => v,
                Err(e) => return Plan::unreadable(format, super::InputError::NotJson(e)),
            };
            if !value.is_object() {
                return Plan::unreadable(format, super::InputError::NotAnObject);
            }
            return self.plan_secured(format, Secured::DataIntegrity(value), trusted, budget);
        }
        let format = container.unwrap_or("jwt");
        match jwt::decode(trimmed) {
            Ok(decoded) => {
                self.plan_secured(format, Secured::Jwt(Box::new(decoded)), trusted, budget)
            }
            Err(e) => Plan::unreadable(format, super::InputError::NotJsonOrJwt(e)),
        }
    }

    /// Plans the verification of a JSON credential already parsed.
    pub fn plan_json(
        &self,
        credential: &Value,
        trusted: &super::TrustedIssuers,
        budget: &credence_ld::budget::Budget,
    ) -> Plan {
        if !credential.is_object() {
            return Plan::unreadable("json", super::InputError::NotAnObject);
        }
        self.plan_secured(
            "json",
            Secured::DataIntegrity(credential.clone()),
            trusted,
            budget,
        )
    }

    fn plan_secured(
        &self,
        format: &'static str,
        secured: Secured,
        trusted: &super::TrustedIssuers,
        budget: &credence_ld::budget::Budget,
    ) -> Plan {
        let di = self.data_integrity();
        let mut checks = Checks::default();
        checks.pass(CheckName::Parsed, format!("read a {format} credential"));
        let proof_format = secured.proof_format(di);
        let decided = |checks, verdict| Plan {
            format,
            checks,
            state: State::Decided {
                proof_format,
                verdict,
            },
            needs: KeyNeeds::default(),
        };
        let quads = match secured.rdf(di, budget) {
            Ok(quads) => quads,
            Err(e) => {
                let verdict = unreadable(&secured, e, &mut checks);
                return decided(checks, verdict);
            }
        };
        let resources = crate::model::RelatedResources::new();
        if let Err(e) = crate::model::check_rdf(secured.credential(), &quads, &resources) {
            checks.fail(CheckName::DataModel, super::DataModelError::Model(e));
            return decided(checks, Verdict::Malformed);
        }
        let claims = match Claims::read(&quads) {
            Ok(claims) => claims,
            Err(e) => {
                checks.fail(CheckName::DataModel, super::DataModelError::Claims(e));
                return decided(checks, Verdict::Malformed);
            }
        };
        checks.pass(
            CheckName::DataModel,
            "reads as one verifiable credential in the terms of its pinned contexts",
        );
        let read = Read {
            trusted: trusted.trusts(&claims.issuer),
            secured,
            quads,
            claims,
            proof_format,
        };
        let needs = key_needs_of(&read, di);
        Plan {
            format,
            checks,
            state: State::Read(Box::new(read)),
            needs,
        }
    }
}

/// The checks for a credential whose RDF could not be read, and its verdict. A key that spells a
/// pinned term another way, or a number a double cannot hold (whose proof, if it verified, would
/// be another document's), is malformed; any other JSON-LD failure of a Data Integrity document
/// means its proof cannot verify (the signer's processor would have refused it too).
fn unreadable(secured: &Secured, error: ProofError, checks: &mut Checks) -> Verdict {
    use credence_ld::jsonld::JsonLdError;
    let aliased = matches!(
        error,
        ProofError::JsonLd(JsonLdError::AliasedTerm { .. } | JsonLdError::InexactNumber { .. })
    );
    let beyond = super::beyond_limits(&error);
    let failure = super::DataModelError::Unreadable(error);
    checks.fail(CheckName::DataModel, &failure);
    match secured {
        Secured::DataIntegrity(_) if !aliased && !beyond => {
            checks.fail(CheckName::Proof, super::ProofFailure::Unreadable(failure));
            Verdict::InvalidSignature
        }
        _ => Verdict::Malformed,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::keys::{LocalSigner, SecretKey};
    use crate::proof::ProofOptions;
    use crate::status::StatusPurpose;
    use crate::verify::report::Outcome;
    use crate::verify::{ResolvedKeys, ResolvedLists, TrustedIssuers, Verifier};
    use credence_ld::budget::Budget;
    use credence_ld::jsonld::JsonLd;
    use serde_json::json;

    pub(crate) const ISSUER: &str = "did:example:issuer";

    pub(crate) fn verifier() -> Verifier {
        Verifier::new(DataIntegrity::new(JsonLd::new(
            crate::contexts::vc_contexts().unwrap(),
        )))
    }

    pub(crate) fn signer() -> LocalSigner {
        let vm = VerificationMethodId::new(format!("{ISSUER}#key-1")).unwrap();
        LocalSigner::new(SecretKey::from_seed(&[7; 32]), vm)
    }

    pub(crate) fn credential() -> Value {
        let entry = |url: &str, purpose: StatusPurpose| {
            json!({
                "id": format!("{url}#7"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose.as_str(),
                "statusListIndex": "7",
                "statusListCredential": url,
            })
        };
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": ISSUER,
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:subject"},
            "credentialStatus": [
                entry("https://status.example/1", StatusPurpose::Revocation),
                entry("https://status.example/2", StatusPurpose::Suspension),
            ],
        })
    }

    /// Round one asks for the issuer's keys only, never the status lists.
    fn expected() -> KeyNeeds {
        KeyNeeds {
            verification_method: Some(signer().verification_method().clone()),
            controllers: vec![ISSUER.to_owned()],
        }
    }

    use crate::keys::Signer as _;

    #[test]
    fn a_data_integrity_credential_asks_for_its_issuers_keys_first() {
        let v = verifier();
        let options = ProofOptions {
            verification_method: signer().verification_method().clone(),
            created: "2024-07-12T09:00:00Z".to_owned(),
        };
        let signed = v
            .data_integrity()
            .sign_rdfc(&credential(), &options, &signer())
            .unwrap();
        let plan = v.plan_json(&signed, &TrustedIssuers::any(), &Budget::default());
        assert_eq!(plan.format(), "json");
        assert_eq!(plan.needs(), &expected());
        // An issuer the caller does not trust: nothing is resolved.
        let plan = v.plan_json(
            &signed,
            &TrustedIssuers::only(["did:example:other"]),
            &Budget::default(),
        );
        assert!(plan.needs().is_empty(), "{:?}", plan.needs());
    }

    #[test]
    fn a_jwt_asks_for_its_issuers_keys_first() {
        let v = verifier();
        let token = jwt::sign_vc_jose(&credential(), &signer()).unwrap();
        let plan = v.plan_text(&token, None, &TrustedIssuers::any(), &Budget::default());
        assert_eq!(plan.format(), "jwt");
        assert_eq!(plan.needs(), &expected());
    }

    #[test]
    fn malformed_input_asks_for_nothing_and_is_malformed() {
        let v = verifier();
        for input in ["{not json", "not a jwt", "[1, 2]"] {
            let plan = v.plan_text(input, None, &TrustedIssuers::any(), &Budget::default());
            assert!(plan.needs().is_empty(), "{input}");
            assert!(plan.credential().is_none());
            let checked = v.check_proof(plan, &ResolvedKeys::new(), &Budget::default());
            assert!(checked.needs().is_empty(), "{input}");
            let report = v
                .verify(
                    checked,
                    &ResolvedLists::new(),
                    chrono::DateTime::UNIX_EPOCH,
                    &Budget::default(),
                )
                .into_report();
            assert_eq!(report.verdict, Verdict::Malformed, "{input}");
            assert_eq!(report.outcome(CheckName::Parsed), Outcome::Fail, "{input}");
        }
        // An unsigned credential: read, but no proof names a key, so nothing to resolve.
        let plan = v.plan_json(&credential(), &TrustedIssuers::any(), &Budget::default());
        assert!(plan.claims().is_some());
        assert!(plan.needs().is_empty());
    }

    #[test]
    fn a_controller_that_could_not_be_resolved_is_an_unknown_issuer() {
        let v = verifier();
        let token = jwt::sign_vc_jose(&credential(), &signer()).unwrap();
        let plan = v.plan_text(&token, None, &TrustedIssuers::any(), &Budget::default());
        let mut resolved = ResolvedKeys::new();
        let down = std::io::Error::other("the resolver is down");
        resolved.add_controller(
            ISSUER,
            Err(super::super::ResolveError::invalid(ISSUER, down)),
        );
        let at = chrono::DateTime::UNIX_EPOCH;
        let checked = v.check_proof(plan, &resolved, &Budget::default());
        assert!(checked.needs().is_empty(), "{:?}", checked.needs());
        let report = v
            .verify(checked, &ResolvedLists::new(), at, &Budget::default())
            .into_report();
        assert_eq!(report.verdict, Verdict::UnknownIssuer);
        let check = &report.checks[3];
        assert_eq!(check.check, CheckName::KeyResolution);
        assert_eq!(check.outcome, Outcome::Fail);
        assert_eq!(
            check.reason,
            format!("the keys of {ISSUER} could not be resolved: the document for {ISSUER} is not usable")
        );
        assert_eq!(report.outcome(CheckName::Proof), Outcome::NotChecked);
        assert_eq!(report.outcome(CheckName::Status), Outcome::NotChecked);
    }
}
