//! Benchmarks JSON-LD toRdf: the Open Badges 3.0 test vector's unsigned credential, and the
//! standard Credence badge (pinned contexts plus its small inline schema-validator context).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use credence_core::fixture::SignedFixture;
use credence_ld::jsonld::JsonLd;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const OB_VECTOR: &str = include_str!("../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json");

fn to_rdf(c: &mut Criterion) {
    let vector: serde_json::Value = serde_json::from_str(OB_VECTOR).unwrap();
    let doc = vector["unsigned"].clone();
    let jl = JsonLd::new(credence_core::contexts::pinned().unwrap());
    // Warm the context cache, as a long-running issuer would be.
    jl.to_rdf(&doc).unwrap();
    c.bench_function("jsonld_to_rdf_ob_unsigned", |b| {
        b.iter(|| jl.to_rdf(black_box(&doc)).unwrap())
    });
    c.bench_function("jsonld_to_rdf_ob_unsigned_cold_cache", |b| {
        b.iter(|| {
            JsonLd::new(credence_core::contexts::pinned().unwrap())
                .to_rdf(black_box(&doc))
                .unwrap()
        })
    });
    let badge = SignedFixture::new().unwrap().unsigned;
    jl.to_rdf(&badge).unwrap();
    c.bench_function("jsonld_to_rdf_standard_badge", |b| {
        b.iter(|| jl.to_rdf(black_box(&badge)).unwrap())
    });
}

criterion_group!(benches, to_rdf);
criterion_main!(benches);
