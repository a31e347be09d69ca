//! The practitioner's downloads: badge artwork (SVG, PNG), baking it, and the QR code.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use credence_artwork::qr::{qr_png, qr_svg};
use credence_artwork::{badge_svg, render_png, DEFAULT_FONTS};
use credence_core::bake::bake_png;
use credence_core::fixture::SignedFixture;
use credence_core::model::sample;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

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

criterion_group!(benches, downloads);
criterion_main!(benches);
