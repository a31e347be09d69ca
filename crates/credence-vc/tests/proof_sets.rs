//! Proof sets and chains (Data Integrity §2.1.1, §2.1.2, §4.5): every proof of a credential in a
//! suite the verifier implements is checked, a proof that follows another covers it too, and a
//! suite the verifier does not implement is reported as such, never as a forgery.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use credence_ld::budget::Budget;
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{DidDocument, LocalSigner, SecretKey, Signer as _, VerificationMethodId};
use credence_vc::proof::{DataIntegrity, ProofOptions};
use credence_vc::verify::{
    CheckName, LocalKeys, Outcome, Report, ResolvedKeys, ResolvedLists, TrustedIssuers, Verdict,
    Verifier,
};
use serde_json::{json, Value};

const ISSUER: &str = "did:example:issuer";
const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn verifier() -> Verifier {
    let examples = include_str!("../../../tests/vectors/credentials-examples-v2.jsonld");
    let contexts = credence_vc::contexts::vc_contexts()
        .unwrap()
        .with_extra(EXAMPLES, examples)
        .unwrap();
    Verifier::new(DataIntegrity::new(JsonLd::new(contexts)))
}

/// The issuer's key `n` (both are in its DID document: a key rotation in progress).
fn signer(n: u8) -> LocalSigner {
    let vm = VerificationMethodId::new(format!("{ISSUER}#key-{n}")).unwrap();
    LocalSigner::new(SecretKey::from_seed(&[n; 32]), vm)
}

fn options(signer: &LocalSigner, created: &str) -> ProofOptions {
    ProofOptions {
        verification_method: signer.verification_method().clone(),
        created: created.to_owned(),
    }
}

fn keys() -> LocalKeys {
    let (one, two) = (signer(1), signer(2));
    let mut keys = LocalKeys::new();
    keys.add(
        DidDocument::from_keys(
            ISSUER,
            [
                (one.verification_method(), &one.public_key()),
                (two.verification_method(), &two.public_key()),
            ],
        )
        .unwrap(),
    );
    keys
}

fn credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    })
}

fn verify_with(v: &Verifier, secured: &Value, keys: &LocalKeys) -> Report {
    let budget = Budget::default();
    let plan = v.plan_json(secured, &TrustedIssuers::any(), &budget);
    let resolved = ResolvedKeys::from_local(plan.needs(), keys);
    let checked = v.check_proof(plan, &resolved, &budget);
    let at = "2025-01-01T00:00:00Z".parse().unwrap();
    v.verify(checked, &ResolvedLists::new(), at, &budget)
        .into_report()
}

fn verify(secured: &Value) -> Report {
    verify_with(&verifier(), secured, &keys())
}

fn proof_line(report: &Report) -> (Outcome, String) {
    let c = report
        .checks
        .iter()
        .find(|c| c.check == CheckName::Proof)
        .unwrap();
    assert_eq!(
        report
            .checks
            .iter()
            .filter(|c| c.check == CheckName::Proof)
            .count(),
        1,
        "one proof line covers the set: {:?}",
        report.checks
    );
    (c.outcome, c.reason.clone())
}

/// The credential signed by key 1, then key 2 added as a second proof of the set, or as the
/// next link of a chain.
fn two_proofs(chain: bool) -> Value {
    let v = verifier();
    let di = v.data_integrity();
    let first = signer(1);
    let one = di
        .add_proof_rdfc(
            &credential(),
            &options(&first, "2024-07-12T09:00:00Z"),
            Some("urn:uuid:proof-1"),
            None,
            &first,
        )
        .unwrap();
    let second = signer(2);
    di.add_proof_rdfc(
        &one,
        &options(&second, "2025-07-12T09:00:00Z"),
        Some("urn:uuid:proof-2"),
        chain.then_some("urn:uuid:proof-1"),
        &second,
    )
    .unwrap()
}

#[test]
fn every_proof_of_a_set_is_checked() {
    let set = two_proofs(false);
    assert_eq!(set["proof"].as_array().unwrap().len(), 2);
    let report = verify(&set);
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.checks);
    let (outcome, reason) = proof_line(&report);
    assert_eq!(outcome, Outcome::Pass);
    assert!(
        reason.contains("proof 1") && reason.contains("proof 2"),
        "{reason}"
    );

    // One bad proof in the set is a bad credential, whichever it is.
    for i in 0..2 {
        let mut bad = set.clone();
        let value = bad["proof"][i]["proofValue"].as_str().unwrap().to_owned();
        let swap = if value.ends_with('A') { "B" } else { "A" };
        bad["proof"][i]["proofValue"] = json!(format!("{}{swap}", &value[..value.len() - 1]));
        let report = verify(&bad);
        assert_eq!(report.verdict, Verdict::InvalidSignature, "proof {i}");
        assert_eq!(proof_line(&report).0, Outcome::Fail);
    }
    // A proof by a key the issuer does not publish.
    let mut keys = LocalKeys::new();
    let one = signer(1);
    keys.add(
        DidDocument::from_keys(ISSUER, [(one.verification_method(), &one.public_key())]).unwrap(),
    );
    let report = verify_with(&verifier(), &set, &keys);
    assert_eq!(
        report.verdict,
        Verdict::UnknownIssuer,
        "{:?}",
        report.checks
    );
}

#[test]
fn a_chained_proof_covers_the_proof_it_follows() {
    let chain = two_proofs(true);
    assert_eq!(chain["proof"][1]["previousProof"], "urn:uuid:proof-1");
    assert_eq!(verify(&chain).verdict, Verdict::Valid);

    // The link it follows, taken out of the set: the chain is broken.
    let mut broken = chain.clone();
    let second = broken["proof"][1].clone();
    broken["proof"] = json!([second]);
    let report = verify(&broken);
    assert_eq!(report.verdict, Verdict::InvalidSignature);
    assert!(
        proof_line(&report).1.contains("urn:uuid:proof-1"),
        "{:?}",
        report.checks
    );

    // The first proof's options changed: its own signature and the chain's both fail.
    let mut changed = chain.clone();
    changed["proof"][0]["created"] = json!("2024-07-13T09:00:00Z");
    let reason = proof_line(&verify(&changed)).1;
    assert_eq!(reason.matches("does not verify").count(), 2, "{reason}");
}

#[test]
fn a_suite_the_verifier_does_not_implement_is_unsupported_not_forged() {
    let unsupported = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": "2024-07-12T09:00:00Z",
        "verificationMethod": format!("{ISSUER}#key-3"),
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKiJAUPmUn2ycp5Gm",
    });
    let mut only = credential();
    only["proof"] = unsupported.clone();
    let report = verify(&only);
    assert_eq!(
        report.verdict,
        Verdict::UnsupportedProof,
        "{:?}",
        report.checks
    );
    let (outcome, reason) = proof_line(&report);
    assert_eq!(outcome, Outcome::Fail);
    assert!(reason.contains("ecdsa-rdfc-2019"), "{reason}");

    // Beside a proof the verifier checks, it is reported and the credential stands on that one.
    let mut set = two_proofs(false);
    set["proof"].as_array_mut().unwrap().push(unsupported);
    let report = verify(&set);
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.checks);
    assert!(proof_line(&report)
        .1
        .contains("not checked: DataIntegrityProof (ecdsa-rdfc-2019)"));
}

#[test]
fn an_ed25519signature2020_and_an_eddsa_rdfc_2022_proof_both_verify() {
    // The W3C vector signed with Ed25519Signature2020, with an eddsa-rdfc-2022 proof by the same
    // key added: the migration path issuers take.
    let signed: Value = serde_json::from_str(include_str!(
        "../../../tests/vectors/w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json"
    ))
    .unwrap();
    let key = SecretKey::from_any_text(include_str!(
        "../../../tests/vectors/w3c-vc-di-eddsa/keyPair.json"
    ))
    .unwrap();
    let public = key.public_key();
    let vector_signer = LocalSigner::new(key, public.did_key_vm());
    let v = verifier();
    let both = v
        .data_integrity()
        .add_proof_rdfc(
            &signed,
            &options(&vector_signer, "2023-02-24T23:36:38Z"),
            None,
            None,
            &vector_signer,
        )
        .unwrap();
    let report = verify_with(&v, &both, &LocalKeys::new());
    let (outcome, reason) = proof_line(&report);
    assert_eq!(outcome, Outcome::Pass, "{reason}");
    assert!(
        reason.contains("Ed25519Signature2020") && reason.contains("eddsa-rdfc-2022"),
        "{reason}"
    );
    // The vector's issuer is not its key's controller, as for the vector alone.
    assert_eq!(report.verdict, Verdict::UnknownIssuer);
}

#[test]
fn a_set_of_more_proofs_than_are_checked_is_malformed_unchecked() {
    let set = two_proofs(false);
    let mut many = set.clone();
    let one = set["proof"][0].clone();
    many["proof"] = json!(vec![one; credence_vc::verify::MAX_PROOFS + 1]);
    let report = verify(&many);
    assert_eq!(report.verdict, Verdict::Malformed, "{:?}", report.checks);
    assert!(proof_line(&report).1.contains("9 proofs"));
}
