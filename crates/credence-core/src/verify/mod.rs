//! The badge verifier: the Open Badges 3.0 checks (JSON Schema, recipient identity, baked PNG and
//! SVG input) over `credence_vc::verify`'s sans-IO [`Verifier`](credence_vc::verify::Verifier).
//!
//! The steps are credence-vc's, in two rounds of resolution: [`Verifier::plan_bytes`] reads the
//! input (unbaking an image) and says which controller document its proof needs
//! ([`Plan::needs`]); the caller resolves it; [`Verifier::check_proof`] checks key and proof and,
//! only for a genuine badge, says which status lists it needs ([`Checked::needs`]); the caller
//! resolves those; [`Verifier::verify`] gives the [`Report`]. Every fact acted on or shown is read
//! from the RDF the proof covers, never from the JSON keys as received; which issuers to accept is
//! the caller's [`TrustedIssuers`]; time comes from the caller. Verification never panics and
//! never fails as a whole: every problem is a failed check in the report.
//! [`Verifier::verify_bytes`] runs every step over documents held in memory ([`LocalKeys`],
//! [`LocalStatusLists`]).

mod claims;
mod failure;
mod report;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::badge::identity::KnownIdentifier;
use crate::bake::{self, Baked};
use credence_ld::budget::Budget;
use credence_vc::proof::DataIntegrity;
use credence_vc::verify::{
    CheckName, KeyNeeds, LocalKeys, LocalStatusLists, ResolvedKeys, ResolvedLists, StatusNeeds,
    TrustedIssuers, Verdict, Verification, NOT_GENUINE,
};

use claims::BadgeClaims;

pub use failure::{InputError, RecipientFailure, SchemaFailure};
pub use report::{Facts, Report};

/// The largest input the verifier reads (a baked image may be up to the baking limit).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What a verification against documents held in memory needs besides the input.
pub struct VerifyOptions<'a> {
    /// The time to judge validity and status at.
    pub at: DateTime<Utc>,
    /// Issuers' controller documents.
    pub keys: &'a LocalKeys,
    /// Status list credentials.
    pub status: &'a LocalStatusLists,
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

/// Verifies badges: credence-vc's verifier (with its Data Integrity engine and status list
/// cache) and the Open Badges checks.
#[derive(Debug)]
pub struct Verifier {
    vc: credence_vc::verify::Verifier,
    /// The issuers whose badges must conform to the OB JSON Schema (a deviation is malformed);
    /// any other issuer's deviation is a warning.
    strict: TrustedIssuers,
}

/// A badge read, and the controller document its proof needs resolved ([`Plan::needs`]).
#[derive(Debug)]
pub struct Plan {
    vc: credence_vc::verify::Plan,
    badge: Option<BadgeClaims>,
}

impl Plan {
    /// What must be resolved (round one) before [`Verifier::check_proof`].
    pub fn needs(&self) -> &KeyNeeds {
        self.vc.needs()
    }

    /// What the input was: `json`, `jwt`, `png`, `svg`, or `unknown`.
    pub fn format(&self) -> &'static str {
        self.vc.format()
    }
}

/// A badge whose key and proof are checked, and the status lists a genuine one needs resolved
/// ([`Checked::needs`]).
#[derive(Debug)]
pub struct Checked {
    vc: credence_vc::verify::Checked,
    badge: Option<BadgeClaims>,
}

impl Checked {
    /// What must be resolved (round two) before [`Verifier::verify`]: nothing unless the badge
    /// [is genuine](Self::is_genuine).
    pub fn needs(&self) -> &StatusNeeds {
        self.vc.needs()
    }

    /// Whether the badge is shown to be its trusted issuer's: the key is the issuer's and the
    /// proof verifies.
    pub fn is_genuine(&self) -> bool {
        self.vc.is_genuine()
    }

    /// What the input was: `json`, `jwt`, `png`, `svg`, or `unknown`.
    pub fn format(&self) -> &'static str {
        self.vc.format()
    }
}

impl Verifier {
    /// A verifier over the given Data Integrity engine.
    pub fn new(di: DataIntegrity) -> Self {
        Self {
            vc: credence_vc::verify::Verifier::new(di),
            strict: TrustedIssuers::any(),
        }
    }

    /// This verifier holding only the badges of `strict` to the OB 3.0 JSON Schema: a badge of
    /// theirs that deviates is malformed, while any other issuer's deviation is reported as a
    /// warning and leaves the verdict to the other checks ("valid, with warnings"). By default
    /// every issuer is held to it.
    pub fn with_strict_schema(mut self, strict: TrustedIssuers) -> Self {
        self.strict = strict;
        self
    }

    /// The Data Integrity engine in use.
    pub fn data_integrity(&self) -> &DataIntegrity {
        self.vc.data_integrity()
    }

    /// credence-vc's verifier underneath, for what is not a badge: the presentations a holder's
    /// wallet makes ([`credence_vc::verify::Verifier::plan_presentation`]).
    pub fn vc(&self) -> &credence_vc::verify::Verifier {
        &self.vc
    }

    /// The first step for a badge given as bytes (JSON, a compact JWT, or a baked PNG or SVG):
    /// read it and say which controller document must be resolved. Pure CPU work.
    pub fn plan_bytes(&self, input: &[u8], trusted: &TrustedIssuers, budget: &Budget) -> Plan {
        let vc = match read_input(input) {
            Ok((container, text)) => self.vc.plan_text(&text, container, trusted, budget),
            Err((format, e)) => credence_vc::verify::Plan::unreadable(format, e),
        };
        Self::badge_plan(vc)
    }

    /// The first step for a JSON credential already parsed.
    pub fn plan_json(&self, credential: &Value, trusted: &TrustedIssuers, budget: &Budget) -> Plan {
        Self::badge_plan(self.vc.plan_json(credential, trusted, budget))
    }

    /// Reads the badge's own terms from the RDF; a badge term that breaks the data model (a
    /// repeated `awardedDate`) refuses the credential.
    fn badge_plan(mut vc: credence_vc::verify::Plan) -> Plan {
        let badge = match (vc.quads(), vc.claims()) {
            (Some(quads), Some(claims)) => match BadgeClaims::read(quads, claims) {
                Ok(badge) => Some(badge),
                Err(e) => {
                    vc.refuse(e);
                    None
                }
            },
            _ => None,
        };
        Plan { vc, badge }
    }

    /// The second step: checks the planned badge's key and proof with the controller documents
    /// resolved for [`Plan::needs`]; only a genuine badge then needs its status lists. Pure CPU
    /// work, and the expensive part: the proof is checked here, once.
    pub fn check_proof(&self, plan: Plan, keys: &ResolvedKeys, budget: &Budget) -> Checked {
        let Plan { vc, badge } = plan;
        Checked {
            vc: self.vc.check_proof(vc, keys, budget),
            badge,
        }
    }

    /// The last step: checks the badge over the status lists resolved for [`Checked::needs`],
    /// at `at`, matching `known` against its recipient identifiers when given. Pure CPU work.
    pub fn verify(
        &self,
        checked: Checked,
        lists: &ResolvedLists,
        at: DateTime<Utc>,
        known: Option<&KnownIdentifier>,
        budget: &Budget,
    ) -> Report {
        let Checked { vc, badge } = checked;
        let mut v = self.vc.verify(vc, lists, at, budget);
        let Some(badge) = badge else {
            return v.finish(Facts::default());
        };
        check_schema(&badge, &self.strict, &mut v);
        if v.is_genuine() {
            check_recipient(&badge, known, &mut v);
        } else {
            v.skip(CheckName::Recipient, NOT_GENUINE);
        }
        let facts = Facts::of(v.facts(), badge);
        v.finish(facts)
    }

    /// Verifies a badge given as bytes: JSON, a compact JWT, or a baked PNG or SVG, against the
    /// documents in `options`.
    pub fn verify_bytes(&self, input: &[u8], options: &VerifyOptions<'_>) -> Report {
        let budget = options.budget();
        let plan = self.plan_bytes(input, options.trusted, &budget);
        self.verify_local(plan, options, &budget)
    }

    /// Verifies a JSON credential already parsed, against the documents in `options`.
    pub fn verify_json(&self, credential: &Value, options: &VerifyOptions<'_>) -> Report {
        let budget = options.budget();
        let plan = self.plan_json(credential, options.trusted, &budget);
        self.verify_local(plan, options, &budget)
    }

    fn verify_local(&self, plan: Plan, options: &VerifyOptions<'_>, budget: &Budget) -> Report {
        let keys = ResolvedKeys::from_local(plan.needs(), options.keys);
        let checked = self.check_proof(plan, &keys, budget);
        let lists = ResolvedLists::from_local(checked.needs(), options.status);
        self.verify(
            checked,
            &lists,
            options.at,
            options.known_identifier,
            budget,
        )
    }
}

/// Reads the input: the container it came in (`png`, `svg`; `None` for plain text) and the text
/// of the credential, or the format and why not.
fn read_input(input: &[u8]) -> Result<(Option<&'static str>, String), (&'static str, InputError)> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(("unknown", InputError::TooLarge));
    }
    match bake::ImageKind::sniff(input) {
        Some(kind) => {
            let format = match kind {
                bake::ImageKind::Png => "png",
                bake::ImageKind::Svg => "svg",
            };
            match bake::unbake(input) {
                Ok(Baked::Json(t)) | Ok(Baked::Jwt(t)) => Ok((Some(format), t)),
                Err(e) => Err((format, InputError::NoBadgeInImage(e))),
            }
        }
        None => match std::str::from_utf8(input) {
            Ok(t) => Ok((None, t.to_owned())),
            Err(_) => Err(("unknown", InputError::NotText)),
        },
    }
}

/// The OB 3.0 JSON Schema, for an Open Badges credential: its JSON as received (its keys are the
/// pinned terms, checked while reading its RDF, so what the schema sees is what was signed).
fn check_schema(badge: &BadgeClaims, strict: &TrustedIssuers, v: &mut Verification) {
    if !badge.is_open_badge {
        v.skip(
            CheckName::Schema,
            "not an Open Badges credential, so the OB 3.0 schema does not apply",
        );
        return;
    }
    let Some(credential) = v.credential() else {
        return;
    };
    if credence_vc::model::Version::of(credential) == Ok(credence_vc::model::Version::V1_1) {
        v.skip(
            CheckName::Schema,
            "schema not checked: this is a VC 1.1 badge (issuanceDate), and the Open Badges \
             3.0.3 JSON Schema Credence ships describes VC 2.0 badges (validFrom); the schemas \
             of OB 3.0.0 to 3.0.2 are not shipped",
        );
        return;
    }
    match crate::badge::schema::validate(credential) {
        Ok(()) => v.pass(
            CheckName::Schema,
            "conforms to the Open Badges 3.0 JSON Schema",
        ),
        Err(e) => {
            let issuer = v.claims().map(|c| c.issuer.clone()).unwrap_or_default();
            if strict.trusts(&issuer) {
                v.fail(CheckName::Schema, SchemaFailure(e), Verdict::Malformed);
            } else {
                v.warn(CheckName::Schema, SchemaFailure(e));
            }
        }
    }
}

fn check_recipient(badge: &BadgeClaims, known: Option<&KnownIdentifier>, v: &mut Verification) {
    let Some(known) = known else {
        v.skip(CheckName::Recipient, "no identifier was given to match");
        return;
    };
    let kind = known.kind().as_str();
    if !badge.identities.iter().any(|io| io.identity_type == kind) {
        // Nothing to compare with: it neither matches nor fails to. (The Centre's badges carry
        // no registration number; the service checks those against its own records.)
        v.skip(
            CheckName::Recipient,
            format!("the badge carries no {kind}: only its issuer can check one"),
        );
        return;
    }
    if badge.identities.iter().any(|io| known.matches(io)) {
        v.pass(CheckName::Recipient, format!("the badge's {kind} matches"));
    } else {
        v.fail(
            CheckName::Recipient,
            RecipientFailure::NoMatch { kind },
            Verdict::RecipientMismatch,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, BaseUrl};
    use credence_ld::jsonld::JsonLd;
    use credence_vc::keys::VerificationMethodId;
    use credence_vc::keys::{DidDocument, LocalSigner, SecretKey, Signer};
    use credence_vc::proof::ProofOptions;
    use credence_vc::status::{self, StatusEntry, StatusList, StatusPurpose};
    use credence_vc::verify::Outcome;

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

    /// Round one and the proof step over the fixture's documents.
    fn checked(f: &Fixture, badge: &Value) -> (KeyNeeds, Checked) {
        let budget = Budget::default();
        let plan = f
            .verifier
            .plan_json(badge, &TrustedIssuers::only([f.issuer.clone()]), &budget);
        let needs = plan.needs().clone();
        let keys = ResolvedKeys::from_local(&needs, &f.keys);
        (needs, f.verifier.check_proof(plan, &keys, &budget))
    }

    #[test]
    fn a_tampered_badge_asks_for_its_key_and_never_its_status_lists() {
        let f = fixture();
        let urls: Vec<String> = f.entries.iter().map(|e| e.list_url.clone()).collect();
        let (needs, genuine) = checked(&f, &f.signed);
        assert_eq!(needs.controllers, vec![f.issuer.clone()]);
        assert!(genuine.is_genuine());
        assert_eq!(genuine.needs().status_lists, urls);

        let mut renamed = f.signed.clone();
        renamed["credentialSubject"]["achievement"]["name"] = Value::from("Something else");
        let mut proof = f.signed.clone();
        let value = proof["proof"]["proofValue"].as_str().unwrap().to_owned();
        let i = value.len() / 2;
        let swap = if &value[i..=i] == "A" { "B" } else { "A" };
        proof["proof"]["proofValue"] =
            Value::from(format!("{}{swap}{}", &value[..i], &value[i + 1..]));
        for tampered in [renamed, proof] {
            let (needs, checked) = checked(&f, &tampered);
            assert_eq!(needs.controllers, vec![f.issuer.clone()]);
            assert!(!checked.is_genuine());
            assert!(checked.needs().is_empty(), "{:?}", checked.needs());
            let lists = ResolvedLists::from_local(checked.needs(), &f.lists);
            let report = f.verifier.verify(
                checked,
                &lists,
                sample::fixture_now(),
                None,
                &Budget::default(),
            );
            assert_eq!(report.verdict, Verdict::InvalidSignature);
            assert_eq!(report.outcome(CheckName::Status), Outcome::NotChecked);
            assert_eq!(report.outcome(CheckName::Recipient), Outcome::NotChecked);
        }
    }
}
