//! Signing and fully verifying the standard fixture badge, beside raw Ed25519 for reference.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use credence_core::contexts::ContextStore;
use credence_core::jsonld::JsonLd;
use credence_core::keys::{
    verify_signature, DidDocument, LocalSigner, SecretKey, Signer, VerificationMethodId,
};
use credence_core::model::sample;
use credence_core::model::BaseUrl;
use credence_core::proof::{DataIntegrity, ProofOptions};
use credence_core::status::{self, StatusEntry, StatusList};
use credence_core::verify::{LocalKeys, LocalStatusLists, Verifier, VerifyOptions};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::Value;

fn badge(c: &mut Criterion) {
    let base = BaseUrl::try_from("https://badges.example.org").unwrap();
    let unsigned = sample::standard_badge(&base).unwrap().into_json();
    let issuer = unsigned
        .pointer("/issuer/id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let key = SecretKey::from_seed(&[7; 32]);
    let public = key.public_key();
    let vm = VerificationMethodId::new(format!("{issuer}#key-1")).unwrap();
    let signer = LocalSigner::new(key, vm.clone());
    let di = DataIntegrity::new(JsonLd::new(ContextStore::pinned().unwrap()));
    let options = ProofOptions {
        verification_method: vm.clone(),
        created: "2024-07-12T09:00:00Z".to_owned(),
    };
    let mut lists = LocalStatusLists::new();
    for entry in StatusEntry::all_in(&unsigned).unwrap() {
        let list = status::list_credential(
            &entry.list_url,
            &issuer,
            entry.purpose,
            &StatusList::new(status::MIN_LIST_LEN).unwrap(),
            "2024-01-01T00:00:00Z",
            None,
        );
        lists.add(di.sign_rdfc(&list, &options, &signer).unwrap());
    }
    let mut keys = LocalKeys::new();
    keys.add(DidDocument::from_keys(issuer, [(&vm, &public)]).unwrap());
    let signed = di.sign_rdfc(&unsigned, &options, &signer).unwrap();
    let verifier = Verifier::new(di);
    let verify_options = VerifyOptions {
        at: sample::fixture_now(),
        keys: &keys,
        status: &lists,
        known_identifier: None,
    };
    assert!(verifier.verify_json(&signed, &verify_options).verified);

    let di = verifier.data_integrity();
    c.bench_function("sign_rdfc standard badge", |b| {
        b.iter(|| {
            di.sign_rdfc(black_box(&unsigned), &options, &signer)
                .unwrap()
        })
    });
    c.bench_function("verify_json standard badge (with status list)", |b| {
        b.iter(|| {
            let report = verifier.verify_json(black_box(&signed), &verify_options);
            assert!(report.verified);
            report
        })
    });

    let msg = [42u8; 64];
    let signature = signer.sign(&msg).unwrap();
    c.bench_function("raw Ed25519 sign (64 bytes)", |b| {
        b.iter(|| signer.sign(black_box(&msg)).unwrap())
    });
    c.bench_function("raw Ed25519 verify (64 bytes)", |b| {
        b.iter(|| verify_signature(&public, black_box(&msg), &signature).unwrap())
    });
}

criterion_group!(benches, badge);
criterion_main!(benches);
