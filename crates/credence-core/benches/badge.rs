//! Signing and fully verifying the standard fixture badge, beside raw Ed25519 for reference; and the
//! practitioner's downloads: badge artwork (SVG, PNG), baking it, and the QR code.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use credence_core::artwork::{badge_svg, render_png, DEFAULT_FONTS};
use credence_core::bake::bake_png;
use credence_core::fixture::SignedFixture;
use credence_core::keys::{verify_signature, Signer};
use credence_core::model::sample;
use credence_core::qr::{qr_png, qr_svg};
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

fn downloads(c: &mut Criterion) {
    let spec = &sample::specifications().unwrap()[0];
    c.bench_function("artwork badge_svg", |b| {
        b.iter(|| badge_svg(black_box(spec), sample::CENTRE_NAME))
    });
    let svg = badge_svg(spec, sample::CENTRE_NAME);
    for width in [256, 512] {
        c.bench_function(&format!("artwork render_png {width} px"), |b| {
            b.iter(|| render_png(black_box(&svg), DEFAULT_FONTS, width).unwrap())
        });
    }
    let f = SignedFixture::new().unwrap();
    let credential = serde_json::to_string(&f.signed).unwrap();
    let png = render_png(&svg, DEFAULT_FONTS, 512).unwrap();
    c.bench_function("bake_png artwork 512 px", |b| {
        b.iter(|| bake_png(black_box(&png), &credential).unwrap())
    });
    let url = "https://badges.example.org/verify/urn:uuid:0d0c9a3e-5b0a-4e57-9a43-8f7f1e0f4c1b";
    c.bench_function("qr_png verification URL, 8 px/module", |b| {
        b.iter(|| qr_png(black_box(url), 8).unwrap())
    });
    c.bench_function("qr_svg verification URL", |b| {
        b.iter(|| qr_svg(black_box(url)).unwrap())
    });
}

criterion_group!(benches, badge, downloads);
criterion_main!(benches);
