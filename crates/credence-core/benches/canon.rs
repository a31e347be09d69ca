//! RDFC-1.0 canonicalization speed on the Open Badges 3.0 vector document and the standard badge.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used)]

use credence_core::fixture::SignedFixture;
use credence_ld::jsonld::JsonLd;
use credence_ld::rdf::canon::canonicalize;
use credence_ld::rdf::nquads::parse_nquads;
use credence_ld::rdf::{Node, Object, Quad};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const DOC: &str = include_str!("../../../tests/vectors/obv3-eddsa-rdfc-2022/document-canon.nq");

/// Replaces blank node labels and the given IRIs with `b0`, `b1`, … (as JSON-LD to RDF would).
fn blank_out(quads: &[Quad], iris: &[&str]) -> Vec<Quad> {
    let mut labels: Vec<String> = Vec::new();
    let mut node = |n: &Node| -> Node {
        let key = match n {
            Node::Blank(b) => format!("_:{b}"),
            Node::Iri(i) if iris.contains(&i.as_str()) => i.clone(),
            Node::Iri(_) => return n.clone(),
        };
        let idx = labels.iter().position(|l| *l == key).unwrap_or_else(|| {
            labels.push(key);
            labels.len() - 1
        });
        Node::Blank(format!("b{idx}"))
    };
    quads
        .iter()
        .map(|q| Quad {
            subject: node(&q.subject),
            predicate: q.predicate.clone(),
            object: match &q.object {
                Object::Node(n) => Object::Node(node(n)),
                l => l.clone(),
            },
            graph: q.graph.as_ref().map(&mut node),
        })
        .rev()
        .collect()
}

fn bench(c: &mut Criterion) {
    let quads = parse_nquads(DOC).unwrap();
    let doc = blank_out(&quads, &[]);
    let expected = canonicalize(&doc).unwrap();
    assert_eq!(expected, DOC);
    c.bench_function("canon/obv3-document (15 quads, 1 blank node)", |b| {
        b.iter(|| canonicalize(black_box(&doc)).unwrap())
    });
    let more = blank_out(
        &quads,
        &[
            "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "https://example.com/achievements/21st-century-skills/teamwork",
            "https://example.edu/issuers/565049",
            "http://example.com/credentials/3527",
        ],
    );
    c.bench_function("canon/obv3-document (15 quads, 5 blank nodes)", |b| {
        b.iter(|| canonicalize(black_box(&more)).unwrap())
    });
    let badge = SignedFixture::new().unwrap().unsigned;
    let badge_quads = JsonLd::new(credence_core::contexts::pinned().unwrap())
        .to_rdf(&badge)
        .unwrap();
    c.bench_function(
        &format!("canon/standard badge ({} quads)", badge_quads.len()),
        |b| b.iter(|| canonicalize(black_box(&badge_quads)).unwrap()),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
