//! The second, pure step: the key binding and the proof, checked with the controller documents
//! round one resolved, and the status lists a genuine credential needs (round two).

use std::collections::BTreeSet;

use credence_ld::budget::Budget;
use serde_json::Value;

use super::claims::Claims;
use super::plan::{Plan, Read, State};
use super::report::{Checks, Verdict};
use super::resolve::ResolvedKeys;
use super::Verifier;
use crate::keys::DidDocument;

/// The most status list credentials one credential asks for; entries on further lists are
/// reported unknown. (A genuine credential names a few.)
pub const MAX_STATUS_LISTS: usize = 16;

/// What the caller must resolve in round two, before [`Verifier::verify`]: the status lists the
/// entries of a genuine credential name, read from the RDF its proof covers. Nothing for a
/// credential not shown to be its trusted issuer's: a forger's status entries are never fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusNeeds {
    /// The `BitstringStatusListCredential`s, by URL, in the order the entries name them, each
    /// once, at most [`MAX_STATUS_LISTS`].
    pub status_lists: Vec<String>,
}

impl StatusNeeds {
    /// Whether nothing is to be resolved.
    pub fn is_empty(&self) -> bool {
        self.status_lists.is_empty()
    }

    /// The lists the readable status entries of `claims` name.
    fn of(claims: &Claims) -> Self {
        let mut seen = BTreeSet::new();
        let status_lists = claims
            .statuses
            .iter()
            .filter_map(|e| e.as_ref().ok())
            .map(|e| e.list_url.clone())
            .filter(|url| seen.insert(url.clone()))
            .take(MAX_STATUS_LISTS)
            .collect();
        Self { status_lists }
    }
}

/// Where a credential stands once its key and proof are checked.
#[derive(Debug)]
pub(crate) enum Standing {
    /// The report was decided by the plan (unreadable input or credential).
    Decided,
    /// Read, but not shown to be its trusted issuer's: a verdict says why.
    NotGenuine(Box<Read>),
    /// Its proof verified with an assertion key of its trusted issuer, whose controller document
    /// is kept to check the issuer's status lists with.
    Genuine {
        read: Box<Read>,
        issuer: Box<DidDocument>,
    },
}

/// The outcome of [`Verifier::check_proof`]: the plan with its key and proof checked (once: the
/// result is kept for [`Verifier::verify`]), and what a genuine credential [needs](Self::needs)
/// resolved in round two. Owns everything, so it can move between threads while the caller
/// resolves.
#[derive(Debug)]
pub struct Checked {
    pub(crate) format: &'static str,
    pub(crate) proof_format: Option<&'static str>,
    pub(crate) checks: Checks,
    pub(crate) verdicts: Vec<Verdict>,
    pub(crate) standing: Standing,
    pub(crate) needs: StatusNeeds,
}

impl Checked {
    /// What must be resolved in round two: the status lists of a genuine credential, and
    /// nothing for any other.
    pub fn needs(&self) -> &StatusNeeds {
        &self.needs
    }

    /// What the input was: `json`, `jwt`, or the container the caller named.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// Whether the credential is shown to be its trusted issuer's: the key is the issuer's and
    /// the proof verifies.
    pub fn is_genuine(&self) -> bool {
        matches!(self.standing, Standing::Genuine { .. })
    }

    fn read(&self) -> Option<&Read> {
        match &self.standing {
            Standing::NotGenuine(read) | Standing::Genuine { read, .. } => Some(read),
            Standing::Decided => None,
        }
    }

    /// The credential's JSON as received, when it was read.
    pub fn credential(&self) -> Option<&Value> {
        self.read().map(|r| r.secured.credential())
    }

    /// What the signed RDF says, when the credential was read (unverified unless
    /// [genuine](Self::is_genuine)).
    pub fn claims(&self) -> Option<&Claims> {
        self.read().map(|r| &r.claims)
    }
}

impl Verifier {
    /// The second step: checks the planned credential's key binding and proof with the
    /// controller documents resolved for the plan's [`KeyNeeds`](super::KeyNeeds). Only a
    /// credential whose proof verifies with an assertion key of its trusted issuer says which
    /// status lists it needs ([`Checked::needs`]). Pure CPU work: the proof is checked here, once.
    pub fn check_proof(&self, plan: Plan, keys: &ResolvedKeys, budget: &Budget) -> Checked {
        let Plan {
            format,
            mut checks,
            state,
            needs: _,
        } = plan;
        let read = match state {
            State::Decided {
                proof_format,
                verdict,
            } => {
                return Checked {
                    format,
                    proof_format,
                    checks,
                    verdicts: vec![verdict],
                    standing: Standing::Decided,
                    needs: StatusNeeds::default(),
                }
            }
            State::Read(read) => read,
        };
        let (proof_format, genuine) = self.key_and_proof(&read, keys, budget, &mut checks);
        let (verdicts, standing, needs) = match genuine {
            Err(verdict) => (
                vec![verdict],
                Standing::NotGenuine(read),
                StatusNeeds::default(),
            ),
            Ok(issuer) => {
                let needs = StatusNeeds::of(&read.claims);
                let issuer = Box::new(issuer);
                (Vec::new(), Standing::Genuine { read, issuer }, needs)
            }
        };
        Checked {
            format,
            proof_format,
            checks,
            verdicts,
            standing,
            needs,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use credence_ld::budget::Budget;
    use serde_json::Value;

    use super::super::plan::tests::{credential, signer, verifier, ISSUER};
    use super::*;
    use crate::jwt;
    use crate::keys::{LocalSigner, SecretKey, Signer as _, VerificationMethodId};
    use crate::proof::ProofOptions;
    use crate::verify::{
        CheckName, KeyNeeds, LocalKeys, Outcome, ResolvedLists, TrustedIssuers, Verdict,
        NOT_GENUINE,
    };

    const LISTS: [&str; 2] = ["https://status.example/1", "https://status.example/2"];

    fn at() -> DateTime<Utc> {
        "2024-06-01T00:00:00Z".parse().unwrap()
    }

    /// The issuer's document, and another controller's, each with the key of `seed`.
    fn keys() -> LocalKeys {
        let mut keys = LocalKeys::new();
        for (id, seed) in [(ISSUER, 7), (OTHER, 8)] {
            let vm = VerificationMethodId::new(format!("{id}#key-1")).unwrap();
            let public = SecretKey::from_seed(&[seed; 32]).public_key();
            keys.add(DidDocument::from_keys(id.to_owned(), [(&vm, &public)]).unwrap());
        }
        keys
    }

    const OTHER: &str = "did:example:other";

    fn sign(v: &Verifier, credential: &Value, signer: &LocalSigner) -> Value {
        let options = ProofOptions {
            verification_method: signer.verification_method().clone(),
            created: "2024-01-02T00:00:00Z".to_owned(),
        };
        v.data_integrity()
            .sign_rdfc(credential, &options, signer)
            .unwrap()
    }

    /// Swaps one character in the middle of `text` for another of the same alphabet, so the
    /// value still decodes (to other bytes).
    fn altered(text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        let i = chars.len() / 2;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect()
    }

    /// Round one (answered from [`keys`]) and the proof step, as a caller runs them.
    fn round_one_and_proof(v: &Verifier, text: &str) -> (KeyNeeds, Checked) {
        let budget = Budget::default();
        let plan = v.plan_text(text, None, &TrustedIssuers::any(), &budget);
        let needs = plan.needs().clone();
        let keys = ResolvedKeys::from_local(&needs, &keys());
        (needs, v.check_proof(plan, &keys, &budget))
    }

    /// The forged credentials of one genuine one: its proof value altered, its signed content
    /// changed.
    fn forgeries(genuine: &Value) -> Vec<Value> {
        let mut proof = genuine.clone();
        let value = proof["proof"]["proofValue"].as_str().unwrap().to_owned();
        proof["proof"]["proofValue"] = Value::from(altered(&value));
        let mut content = genuine.clone();
        content["validFrom"] = Value::from("2023-01-01T00:00:00Z");
        vec![proof, content]
    }

    fn assert_forged(v: &Verifier, needs: &KeyNeeds, checked: Checked, what: &str) {
        assert_eq!(needs.controllers, vec![ISSUER.to_owned()], "{what}");
        assert!(!checked.is_genuine(), "{what}");
        assert!(checked.needs().is_empty(), "{what}: {:?}", checked.needs());
        let report = v
            .verify(checked, &ResolvedLists::new(), at(), &Budget::default())
            .into_report();
        assert_eq!(report.verdict, Verdict::InvalidSignature, "{what}");
        assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Pass);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail, "{what}");
        for name in [CheckName::ValidityWindow, CheckName::Status] {
            let check = report.checks.iter().find(|c| c.check == name).unwrap();
            assert_eq!(check.outcome, Outcome::NotChecked, "{what}");
            assert_eq!(check.reason, NOT_GENUINE, "{what}");
        }
    }

    #[test]
    fn only_a_proof_that_verifies_asks_for_status_lists() {
        let v = verifier();
        let genuine = sign(&v, &credential(), &signer());
        let (needs, checked) = round_one_and_proof(&v, &genuine.to_string());
        assert_eq!(needs.controllers, vec![ISSUER.to_owned()]);
        assert!(checked.is_genuine());
        assert_eq!(checked.needs().status_lists, LISTS.map(str::to_owned));
        // The lists are then the status check's evidence: none resolved, status unknown.
        let report = v
            .verify(checked, &ResolvedLists::new(), at(), &Budget::default())
            .into_report();
        assert_eq!(report.verdict, Verdict::StatusUnknown);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);

        for (i, forged) in forgeries(&genuine).into_iter().enumerate() {
            let (needs, checked) = round_one_and_proof(&v, &forged.to_string());
            assert_forged(&v, &needs, checked, &format!("forgery {i}"));
        }
    }

    #[test]
    fn only_a_jwt_that_verifies_asks_for_status_lists() {
        let v = verifier();
        let token = jwt::sign_vc_jose(&credential(), &signer()).unwrap();
        let (_, checked) = round_one_and_proof(&v, &token);
        assert!(checked.is_genuine());
        assert_eq!(checked.needs().status_lists, LISTS.map(str::to_owned));

        let (head, signature) = token.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", altered(signature));
        let (needs, checked) = round_one_and_proof(&v, &forged);
        assert_forged(&v, &needs, checked, "a JWT with another signature");
    }

    #[test]
    fn a_valid_signature_by_someone_elses_key_asks_for_no_status_list() {
        let v = verifier();
        let vm = VerificationMethodId::new(format!("{OTHER}#key-1")).unwrap();
        let theirs = LocalSigner::new(SecretKey::from_seed(&[8; 32]), vm);
        let signed = sign(&v, &credential(), &theirs);
        let (needs, checked) = round_one_and_proof(&v, &signed.to_string());
        assert_eq!(needs.controllers, vec![OTHER.to_owned()]);
        assert!(!checked.is_genuine());
        assert!(checked.needs().is_empty(), "{:?}", checked.needs());
        let report = v
            .verify(checked, &ResolvedLists::new(), at(), &Budget::default())
            .into_report();
        assert_eq!(report.verdict, Verdict::UnknownIssuer);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);
        assert_eq!(report.outcome(CheckName::Status), Outcome::NotChecked);
    }
}
