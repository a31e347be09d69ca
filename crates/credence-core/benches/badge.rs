//! Signing and fully verifying the standard fixture badge, beside raw Ed25519 for reference.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use credence_core::fixture::SignedFixture;
use credence_vc::keys::{verify_signature, Signer};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn badge(c: &mut Criterion) {
    let f = SignedFixture::new().unwrap();
    let verify_options = f.verify_options();
    assert!(f.verifier.verify_json(&f.signed, &verify_options).verified);

    let di = f.verifier.data_integrity();
    c.bench_function("sign_rdfc standard badge", |b| {
        b.iter(|| {
            di.sign_rdfc(black_box(&f.unsigned), &f.options, &f.signer)
                .unwrap()
        })
    });
    c.bench_function("verify_json standard badge (with status list)", |b| {
        b.iter(|| {
            let report = f
                .verifier
                .verify_json(black_box(&f.signed), &verify_options);
            assert!(report.verified);
            report
        })
    });

    let msg = [42u8; 64];
    let signature = f.signer.sign(&msg).unwrap();
    let public = f.signer.public_key();
    c.bench_function("raw Ed25519 sign (64 bytes)", |b| {
        b.iter(|| f.signer.sign(black_box(&msg)).unwrap())
    });
    c.bench_function("raw Ed25519 verify (64 bytes)", |b| {
        b.iter(|| verify_signature(&public, black_box(&msg), &signature).unwrap())
    });
}

criterion_group!(benches, badge);
criterion_main!(benches);
