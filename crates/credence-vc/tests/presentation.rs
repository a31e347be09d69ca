//! Verifiable presentations: a holder's `authentication` proof over the credentials it holds,
//! answering the verifier's challenge and domain, checked from the RDF the proof covers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use credence_ld::budget::Budget;
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{LocalSigner, SecretKey, Signer as _, VerificationMethodId};
use credence_vc::proof::{DataIntegrity, ProofOptions};
use credence_vc::verify::{
    CheckName, LocalKeys, Outcome, PresentationOptions, PresentationReport, PresentationSignError,
    ResolvedKeys, Verifier,
};
use serde_json::{json, Value};

const ISSUER: &str = "did:example:issuer";
const CREATED: &str = "2026-12-01T09:00:00Z";

fn verifier() -> Verifier {
    Verifier::new(DataIntegrity::new(JsonLd::new(
        credence_vc::contexts::vc_contexts().unwrap(),
    )))
}

fn issuer() -> LocalSigner {
    let vm = VerificationMethodId::new(format!("{ISSUER}#key-1")).unwrap();
    LocalSigner::new(SecretKey::from_seed(&[7; 32]), vm)
}

/// A holder identified by a `did:key`, and its signer.
fn holder(seed: u8) -> (String, LocalSigner) {
    let key = SecretKey::from_seed(&[seed; 32]);
    let public = key.public_key();
    (public.did_key(), LocalSigner::new(key, public.did_key_vm()))
}

fn options(signer: &LocalSigner) -> ProofOptions {
    ProofOptions {
        verification_method: signer.verification_method().clone(),
        created: CREATED.to_owned(),
    }
}

fn credential(holder: &str) -> Value {
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": holder},
    });
    let di = verifier();
    di.data_integrity()
        .sign_rdfc(&unsigned, &options(&issuer()), &issuer())
        .unwrap()
}

fn presentation(holder: &str, credentials: Vec<Value>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    })
}

fn asked() -> PresentationOptions {
    PresentationOptions::new("c0ffee-7", Some("employer.example"))
}

fn signed(seed: u8) -> Value {
    let (did, signer) = holder(seed);
    let vp = presentation(&did, vec![credential(&did), credential(&did)]);
    verifier()
        .data_integrity()
        .sign_presentation_rdfc(&vp, &options(&signer), &asked(), &signer)
        .unwrap()
}

fn check(vp: &Value, expected: &PresentationOptions) -> PresentationReport {
    let v = verifier();
    let budget = Budget::default();
    let plan = v.plan_presentation(vp, &budget);
    let keys = ResolvedKeys::from_local(plan.needs(), &LocalKeys::new());
    v.check_presentation(plan, &keys, expected, &budget)
}

fn failed(report: &PresentationReport, check: CheckName) -> String {
    assert!(!report.verified, "verified: {report:?}");
    let line = report
        .checks
        .iter()
        .find(|c| c.check == check && c.outcome == Outcome::Fail)
        .unwrap_or_else(|| panic!("no failed {check:?} check: {:?}", report.checks));
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    line.reason.clone()
}

#[test]
fn a_holders_presentation_verifies_and_hands_back_its_credentials() {
    let vp = signed(11);
    let report = check(&vp, &asked());
    assert!(report.verified, "{report:?}");
    assert!(report.errors.is_empty());
    assert_eq!(report.holder.as_deref(), Some(holder(11).0.as_str()));
    assert_eq!(report.credentials.len(), 2);
    assert_eq!(report.credentials[0], vp["verifiableCredential"][0]);
    // Each credential verifies on its own, with its own report.
    let v = verifier();
    let budget = Budget::default();
    let plan = v.plan_json(
        &report.credentials[0],
        &credence_vc::verify::TrustedIssuers::any(),
        &budget,
    );
    assert_eq!(plan.needs().controllers, vec![ISSUER.to_owned()]);
    // A verifier that asked for nothing accepts any challenge.
    assert!(check(&vp, &PresentationOptions::default()).verified);
}

#[test]
fn another_challenge_or_domain_is_refused() {
    let vp = signed(11);
    let other = PresentationOptions::new("replayed", Some("employer.example"));
    assert!(failed(&check(&vp, &other), CheckName::Proof).contains("challenge"));
    let other = PresentationOptions::new("c0ffee-7", Some("elsewhere.example"));
    assert!(failed(&check(&vp, &other), CheckName::Proof).contains("elsewhere.example"));
}

#[test]
fn a_changed_credential_or_challenge_breaks_the_holders_proof() {
    let mut vp = signed(11);
    vp["verifiableCredential"][1]["validFrom"] = json!("2020-01-01T00:00:00Z");
    assert!(failed(&check(&vp, &asked()), CheckName::Proof).contains("does not verify"));
    // The challenge is signed too: rewriting it to the verifier's does not help.
    let mut vp = signed(11);
    vp["proof"]["challenge"] = json!("another");
    let other = PresentationOptions::new("another", Some("employer.example"));
    assert!(failed(&check(&vp, &other), CheckName::Proof).contains("does not verify"));
}

#[test]
fn the_proof_must_authenticate_the_holder() {
    // An assertion, not an authentication.
    let mut vp = signed(11);
    vp["proof"]["proofPurpose"] = json!("assertionMethod");
    assert!(failed(&check(&vp, &asked()), CheckName::Proof).contains("authentication"));
    // Signed by someone other than the holder it names.
    let (did, _) = holder(11);
    let (_, intruder) = holder(12);
    let vp = presentation(&did, vec![credential(&did)]);
    let vp = verifier()
        .data_integrity()
        .sign_presentation_rdfc(&vp, &options(&intruder), &asked(), &intruder)
        .unwrap();
    let reason = failed(&check(&vp, &asked()), CheckName::KeyResolution);
    assert!(reason.contains("not of the holder"), "{reason}");
    // A key whose controller document cannot be had.
    let web = LocalSigner::new(
        SecretKey::from_seed(&[13; 32]),
        VerificationMethodId::new("did:web:holder.example#key-1".to_owned()).unwrap(),
    );
    let vp = presentation("did:web:holder.example", vec![]);
    let vp = verifier()
        .data_integrity()
        .sign_presentation_rdfc(&vp, &options(&web), &asked(), &web)
        .unwrap();
    failed(&check(&vp, &asked()), CheckName::KeyResolution);
}

#[test]
fn what_is_not_a_presentation_is_neither_signed_nor_verified() {
    let (did, signer) = holder(11);
    let di = verifier();
    let mut not_vp = presentation(&did, vec![]);
    not_vp["type"] = json!(["VerifiableCredential"]);
    let mut no_context = presentation(&did, vec![]);
    no_context["@context"] = json!(["https://www.w3.org/ns/credentials/examples/v2"]);
    let mut string_entry = presentation(&did, vec![]);
    string_entry["verifiableCredential"] = json!(["eyJhbGciOiJFZERTQSJ9"]);
    for doc in [not_vp, no_context, string_entry] {
        let refused =
            di.data_integrity()
                .sign_presentation_rdfc(&doc, &options(&signer), &asked(), &signer);
        assert!(
            matches!(
                refused,
                Err(PresentationSignError::Model(_) | PresentationSignError::Proof(_))
            ),
            "signed {doc}"
        );
        let mut forged = doc.clone();
        forged["proof"] = signed(11)["proof"].clone();
        failed(&check(&forged, &asked()), CheckName::DataModel);
    }
    assert!(!check(&json!("a presentation"), &asked()).verified);
    let mut unsigned = signed(11);
    unsigned.as_object_mut().unwrap().remove("proof");
    failed(&check(&unsigned, &asked()), CheckName::Proof);
}

#[test]
fn a_vcdm_1_1_presentation_verifies_too() {
    let (did, signer) = holder(14);
    // VCDM 1.1 does not define DataIntegrityProof: its issuers add the Data Integrity context.
    let v1 = json!([
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]);
    let unsigned = json!({
        "@context": v1,
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": did},
    });
    let credential = verifier()
        .data_integrity()
        .sign_rdfc(&unsigned, &options(&issuer()), &issuer())
        .unwrap();
    let mut vp = presentation(&did, vec![credential]);
    vp["@context"] = v1;
    let signed = verifier()
        .data_integrity()
        .sign_presentation_rdfc(&vp, &options(&signer), &asked(), &signer)
        .unwrap();
    let report = check(&signed, &asked());
    assert!(report.verified, "{report:?}");
    assert_eq!(report.holder.as_deref(), Some(did.as_str()));
    let mut changed = signed.clone();
    changed["holder"] = json!(holder(15).0);
    assert!(!check(&changed, &asked()).verified);
}

#[test]
fn a_presentation_of_too_many_credentials_is_refused_unread() {
    let (did, _) = holder(11);
    let many =
        vec![json!({"id": "urn:example:x"}); credence_vc::verify::MAX_PRESENTED_CREDENTIALS + 1];
    let mut vp = presentation(&did, many);
    vp["proof"] = signed(11)["proof"].clone();
    let reason = failed(&check(&vp, &asked()), CheckName::DataModel);
    assert!(reason.contains("33 credentials"), "{reason}");
}
