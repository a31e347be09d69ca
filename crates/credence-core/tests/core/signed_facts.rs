//! Regression tests of the critical security issue: forged issuers, and facts moved out of the
//! JSON keys the verifier used to read while the signature still verifies.

use chrono::{TimeZone, Utc};
use credence_core::bake;
use credence_core::verify::{Report, VerifyOptions};
use credence_vc::jwt;
use credence_vc::keys::{LocalSigner, SecretKey, Signer as _, VerificationMethodId};
use credence_vc::proof::ProofOptions;
use credence_vc::status::{StatusList, MIN_LIST_LEN};
use credence_vc::verify::{
    CheckName, LocalKeys, LocalStatusLists, Outcome, TrustedIssuers, Verdict,
};
use serde_json::{json, Value};

use crate::support::{show, sign_list, Fixture};

fn assert_verdict(report: &Report, verdict: Verdict) {
    assert_eq!(report.verdict, verdict, "{}", show(report));
}

/// The fixture badge re-issued by a `did:key` the forger controls, under the Centre's name.
fn forged(f: &Fixture) -> (Value, LocalSigner) {
    let signer = LocalSigner::did_key(SecretKey::from_seed(&[66; 32]));
    let did = signer.verification_method().controller().to_owned();
    let mut unsigned = f.unsigned.clone();
    unsigned["issuer"]["id"] = json!(did);
    assert_eq!(unsigned["issuer"]["name"], "Centre for Advancing Practice");
    unsigned.as_object_mut().unwrap().remove("credentialStatus");
    let options = ProofOptions {
        verification_method: signer.verification_method().clone(),
        created: "2024-07-12T09:00:00Z".to_owned(),
    };
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&unsigned, &options, &signer)
        .unwrap();
    (signed, signer)
}

#[test]
fn a_self_issued_did_key_badge_is_not_the_centres() {
    let f = Fixture::get();
    let (signed, signer) = forged(f);
    let unsigned = f.verifier.data_integrity().split(&signed).unwrap().0;
    let forms = [
        serde_json::to_vec(&signed).unwrap(),
        jwt::sign_ob3_jwt(&unsigned, &signer).unwrap().into_bytes(),
        jwt::sign_vc_jose(&unsigned, &signer).unwrap().into_bytes(),
    ];
    // The keys resolver knows did:key offline, as the service's used to.
    let keys = LocalKeys::new();
    for input in &forms {
        let report = f.verifier.verify_bytes(
            input,
            &VerifyOptions {
                keys: &keys,
                ..f.options()
            },
        );
        assert_verdict(&report, Verdict::UnknownIssuer);
        assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);
        // Nothing about the forgery is vouched for: not its status, dates or recipient.
        for check in [
            CheckName::ValidityWindow,
            CheckName::Status,
            CheckName::Recipient,
        ] {
            assert_eq!(
                report.outcome(check),
                Outcome::NotChecked,
                "{}",
                show(&report)
            );
        }
    }
    // A caller that trusts any issuer learns it is the did:key, whatever name it claims.
    let report = f.verifier.verify_bytes(
        &forms[0],
        &VerifyOptions {
            keys: &keys,
            trusted: &TrustedIssuers::any(),
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(
        report.credential.issuer.as_deref(),
        Some(signer.verification_method().controller())
    );
}

/// The fixture badge, revoked, with its (still valid) proof.
fn revoked(f: &Fixture) -> LocalStatusLists {
    let entry = f.standard_entry();
    let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
    list.set(entry.index, true).unwrap();
    let mut lists = f.lists.clone();
    lists.add(sign_list(
        f.verifier.data_integrity(),
        &f.issuer,
        &entry.list_url,
        entry.purpose,
        &list,
    ));
    lists
}

/// Moves the value of `key` to `new_key`, adding `context` to the document's `@context`.
fn respell(doc: &Value, key: &str, new_key: &str, context: Option<Value>) -> Value {
    let mut doc = doc.clone();
    let map = doc.as_object_mut().unwrap();
    let value = map.remove(key).unwrap();
    if let Some(ctx) = context {
        map["@context"].as_array_mut().unwrap().push(ctx);
    }
    if new_key == "@nest" {
        map.insert("@nest".to_owned(), json!({ key: value }));
    } else {
        map.insert(new_key.to_owned(), value);
    }
    doc
}

const CRED: &str = "https://www.w3.org/2018/credentials#";

/// The five spellings of a VC term that expand to the same RDF.
fn spellings(term: &str) -> Vec<(String, Option<Value>)> {
    let iri = format!("{CRED}{term}");
    vec![
        (iri.clone(), None),
        ("aka".to_owned(), Some(json!({ "aka": iri }))),
        (
            "aka".to_owned(),
            Some(json!({ "aka": { "@id": iri, "@type": "@id" } })),
        ),
        ("@nest".to_owned(), None),
        (format!("vc:{term}"), Some(json!({ "vc": CRED }))),
    ]
}

#[test]
fn a_respelled_credential_status_does_not_hide_a_revocation() {
    let f = Fixture::get();
    let lists = revoked(f);
    let options = VerifyOptions {
        status: &lists,
        ..f.options()
    };
    assert_verdict(
        &f.verifier.verify_json(&f.signed, &options),
        Verdict::Revoked,
    );
    for (key, context) in spellings("credentialStatus") {
        let doc = respell(&f.signed, "credentialStatus", &key, context);
        for input in [
            serde_json::to_vec(&doc).unwrap(),
            bake::bake(
                include_bytes!("../../../../tests/fixtures/badge.png"),
                &serde_json::to_string(&doc).unwrap(),
            )
            .unwrap(),
        ] {
            let report = f.verifier.verify_bytes(&input, &options);
            assert_verdict(&report, Verdict::Malformed);
            assert_eq!(report.outcome(CheckName::DataModel), Outcome::Fail, "{key}");
        }
    }
}

#[test]
fn a_respelled_valid_until_does_not_hide_an_expiry() {
    let f = Fixture::get();
    let mut unsigned = f.unsigned.clone();
    unsigned["validUntil"] = json!("2025-12-31T23:59:59Z");
    let signed = f.sign(&unsigned);
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let options = VerifyOptions { at, ..f.options() };
    assert_verdict(&f.verifier.verify_json(&signed, &options), Verdict::Expired);
    for (key, context) in spellings("validUntil") {
        let doc = respell(&signed, "validUntil", &key, context);
        let report = f.verifier.verify_json(&doc, &options);
        assert_verdict(&report, Verdict::Malformed);
    }
}

#[test]
fn type_spelled_as_the_keyword_is_malformed() {
    let f = Fixture::get();
    let doc = respell(&f.signed, "type", "@type", None);
    let report = f.verify(&doc);
    assert_verdict(&report, Verdict::Malformed);
    assert_eq!(report.outcome(CheckName::DataModel), Outcome::Fail);
}

#[test]
fn extension_terms_of_the_document_still_verify() {
    // A document may define terms of its own (for IRIs no pinned context names).
    let f = Fixture::get();
    let mut unsigned = f.unsigned.clone();
    unsigned["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"favouriteColour": "https://example.org/vocab#favouriteColour"}));
    unsigned["favouriteColour"] = json!("green");
    unsigned["https://example.org/vocab#shoeSize"] = json!(9);
    let report = f.verify(&f.sign(&unsigned));
    assert_verdict(&report, Verdict::Valid);
}

#[test]
fn signing_refuses_a_respelled_term() {
    let f = Fixture::get();
    let doc = respell(&f.unsigned, "validFrom", &format!("{CRED}validFrom"), None);
    let signer = &f.issuer.active;
    let options = ProofOptions {
        verification_method: VerificationMethodId::new(signer.verification_method().as_str())
            .unwrap(),
        created: "2024-07-12T09:00:00Z".to_owned(),
    };
    assert!(f
        .verifier
        .data_integrity()
        .sign_rdfc(&doc, &options, signer)
        .is_err());
}

#[test]
fn a_stopped_or_too_complex_verification_is_malformed_never_a_bad_signature() {
    use credence_ld::budget::{Budget, Cancel, Limits};
    let f = Fixture::get();
    let cancel = Cancel::new();
    cancel.cancel();
    let stopped = Budget::with_cancel(cancel);
    let report = f.verifier.verify_json(
        &f.signed,
        &VerifyOptions {
            budget: Some(&stopped),
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::Malformed);
    assert_eq!(report.outcome(CheckName::Proof), Outcome::NotChecked);

    // Limits too low for the badge's canonical form: the proof cannot be checked, which says
    // nothing about its signature.
    let tight = Budget::with_limits(Limits {
        max_hndq_steps: 0,
        hndq_work_factor: 0,
        max_hashed_bytes: 10,
        ..Limits::default()
    });
    let report = f.verifier.verify_json(
        &f.signed,
        &VerifyOptions {
            budget: Some(&tight),
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::Malformed);
    assert_eq!(
        report.outcome(CheckName::Proof),
        Outcome::Fail,
        "{}",
        show(&report)
    );
    // The same badge under the default budget is valid.
    assert_verdict(&f.verify(&f.signed), Verdict::Valid);
}
