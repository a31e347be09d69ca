//! The denial-of-service attacks of issue 9, each built in code and run on a thread with a 2 MiB
//! stack (what a server's worker threads get): each ends with `TooComplex` or a correct result,
//! never a stack overflow, unbounded memory or unbounded time. Each runs as quads through
//! `canonicalize_with` and as a JSON-LD document through `to_rdf_with` and `canonicalize_with`.

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use credence_ld::budget::{Budget, Cancel, ComplexityBound, Limits};
use credence_ld::jsonld::{JsonLd, JsonLdError};
use credence_ld::rdf::canon::{canonicalize_with, CanonError};
use credence_ld::rdf::{Node, Object, Quad};
use credence_vc::contexts::CREDENTIALS_V2;
use serde_json::{json, Map, Value};

const P: &str = "urn:ex:p";

/// Runs `f` on a thread with a 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the attack crashed the thread")
}

fn blank(label: String) -> Node {
    Node::Blank(label)
}

fn link(s: String, o: String) -> Quad {
    Quad {
        subject: blank(s),
        predicate: P.to_owned(),
        object: Object::Node(blank(o)),
        graph: None,
    }
}

/// `_:b0 -> _:b1 -> ... -> _:b0`.
fn cycle(n: usize) -> Vec<Quad> {
    (0..n)
        .map(|i| link(format!("b{i}"), format!("b{}", (i + 1) % n)))
        .collect()
}

/// `_:a{i} -> _:b{i}` for each i.
fn pairs(n: usize) -> Vec<Quad> {
    (0..n)
        .map(|i| link(format!("a{i}"), format!("b{i}")))
        .collect()
}

/// Every one of n blank nodes linked to every other.
fn clique(n: usize) -> Vec<Quad> {
    let mut quads = Vec::new();
    for s in 0..n {
        for o in 0..n {
            if s != o {
                quads.push(link(format!("c{s}"), format!("c{o}")));
            }
        }
    }
    quads
}

/// The same dataset as a JSON-LD document: one node object per subject, `p` linking by `@id`.
fn as_jsonld(quads: &[Quad]) -> Value {
    let mut nodes: Vec<(String, Vec<Value>)> = Vec::new();
    for q in quads {
        let (Node::Blank(s), Object::Node(Node::Blank(o))) = (&q.subject, &q.object) else {
            panic!("only blank-node links here");
        };
        let id = format!("_:{s}");
        match nodes.last_mut() {
            Some((last, objects)) if *last == id => objects.push(json!(format!("_:{o}"))),
            _ => nodes.push((id, vec![json!(format!("_:{o}"))])),
        }
    }
    let graph: Vec<Value> = nodes
        .into_iter()
        .map(|(id, objects)| json!({"@id": id, "p": objects}))
        .collect();
    json!({
        "@context": {"p": {"@id": P, "@type": "@id"}},
        "@graph": graph
    })
}

fn jsonld() -> JsonLd {
    JsonLd::new(credence_core::contexts::pinned().unwrap())
}

/// The outcome of a document through toRdf then RDFC under one budget.
#[derive(Debug)]
enum Outcome {
    JsonLd(JsonLdError),
    Canon(CanonError),
    Done(String),
}

fn through_jsonld(doc: &Value, budget: &Budget) -> Outcome {
    match jsonld().to_rdf_with(doc, budget) {
        Err(e) => Outcome::JsonLd(e),
        Ok(quads) => match canonicalize_with(&quads, budget) {
            Err(e) => Outcome::Canon(e),
            Ok(text) => Outcome::Done(text),
        },
    }
}

fn too_complex(outcome: &Outcome) -> Option<ComplexityBound> {
    match outcome {
        Outcome::JsonLd(JsonLdError::TooComplex { bound, .. })
        | Outcome::Canon(CanonError::TooComplex { bound, .. }) => Some(*bound),
        _ => None,
    }
}

fn canon_bound(result: Result<String, CanonError>) -> ComplexityBound {
    match result {
        Err(CanonError::TooComplex { bound, .. }) => bound,
        other => panic!("expected TooComplex, got {other:?}"),
    }
}

#[test]
fn a_cycle_of_3000_blank_nodes_is_too_complex() {
    let bound =
        on_small_stack(|| canon_bound(canonicalize_with(&cycle(3_000), &Budget::default())));
    assert!(
        matches!(bound, ComplexityBound::Steps | ComplexityBound::HashedBytes),
        "{bound:?}"
    );
    let outcome = on_small_stack(|| through_jsonld(&as_jsonld(&cycle(3_000)), &Budget::default()));
    assert!(
        matches!(&outcome, Outcome::Canon(CanonError::TooComplex { .. })),
        "{outcome:?}"
    );
}

#[test]
fn a_cycle_of_100000_blank_nodes_is_too_complex() {
    let bound =
        on_small_stack(|| canon_bound(canonicalize_with(&cycle(100_000), &Budget::default())));
    assert_eq!(bound, ComplexityBound::BlankNodes);
    let outcome =
        on_small_stack(|| through_jsonld(&as_jsonld(&cycle(100_000)), &Budget::default()));
    assert_eq!(
        too_complex(&outcome),
        Some(ComplexityBound::JsonLdWork),
        "{outcome:?}"
    );
}

#[test]
fn a_long_cycle_does_not_overflow_the_stack_without_limits() {
    // No limit but the step count: Hash N-Degree Quads walks the whole 5,000-node cycle from
    // its first node (5,000 nested calls) on the explicit stack before the steps run out.
    let budget = Budget::with_limits(Limits {
        max_hndq_steps: 100_000,
        ..Limits::unlimited()
    });
    let bound = on_small_stack(move || canon_bound(canonicalize_with(&cycle(5_000), &budget)));
    assert_eq!(bound, ComplexityBound::Steps);
    // A small cycle completes: every node is alike, so the output is the rotation from c14n0.
    let out = on_small_stack(|| canonicalize_with(&cycle(40), &Budget::default()).unwrap());
    assert_eq!(out.lines().count(), 40);
    let mut targets = BTreeSet::new();
    for line in out.lines() {
        let mut parts = line.split(' ');
        let (s, o) = (parts.next().unwrap(), parts.nth(1).unwrap());
        let n = |t: &str| t.trim_start_matches("_:c14n").parse::<usize>().unwrap();
        assert_eq!((n(s) + 1) % 40, n(o), "{line}");
        targets.insert(n(o));
    }
    assert_eq!(targets.len(), 40);
}

/// Checks the canonical form of `n` pairs: `_:c14n{2k}` and `_:c14n{2k+1}` linked, one way for
/// every pair, every label once.
fn check_pairs_output(out: &str, n: usize) {
    let mut seen = BTreeSet::new();
    let mut forward = None;
    for line in out.lines() {
        let mut parts = line.split(' ');
        let label = |t: &str| t.trim_start_matches("_:c14n").parse::<usize>().unwrap();
        let (s, o) = (label(parts.next().unwrap()), label(parts.nth(1).unwrap()));
        assert_eq!(s / 2, o / 2, "{line}");
        let this = s % 2 == 0;
        assert_eq!(*forward.get_or_insert(this), this, "{line}");
        assert!(seen.insert(s) && seen.insert(o), "{line}");
    }
    assert_eq!(seen.len(), 2 * n);
}

#[test]
fn twenty_thousand_disjoint_pairs_are_too_complex_or_correct() {
    let bound =
        on_small_stack(|| canon_bound(canonicalize_with(&pairs(20_000), &Budget::default())));
    assert_eq!(bound, ComplexityBound::BlankNodes);
    let outcome = on_small_stack(|| through_jsonld(&as_jsonld(&pairs(20_000)), &Budget::default()));
    assert!(
        matches!(
            too_complex(&outcome),
            Some(ComplexityBound::JsonLdWork | ComplexityBound::BlankNodes)
        ),
        "{outcome:?}"
    );
    // Without limits the undo-log issuer keeps two identifiers per path, not a table of 40,000
    // per path: the dataset is canonicalized, correctly.
    let out = on_small_stack(|| {
        canonicalize_with(&pairs(20_000), &Budget::with_limits(Limits::unlimited())).unwrap()
    });
    check_pairs_output(&out, 20_000);
    let outcome = on_small_stack(|| {
        through_jsonld(
            &as_jsonld(&pairs(20_000)),
            &Budget::with_limits(Limits::unlimited()),
        )
    });
    let Outcome::Done(via_jsonld) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(via_jsonld, out);
}

#[test]
fn a_clique_of_60_blank_nodes_is_too_complex() {
    let bound = on_small_stack(|| canon_bound(canonicalize_with(&clique(60), &Budget::default())));
    assert!(
        matches!(
            bound,
            ComplexityBound::Steps | ComplexityBound::DeepIterations | ComplexityBound::HashedBytes
        ),
        "{bound:?}"
    );
    let outcome = on_small_stack(|| through_jsonld(&as_jsonld(&clique(60)), &Budget::default()));
    assert!(
        matches!(&outcome, Outcome::Canon(CanonError::TooComplex { .. })),
        "{outcome:?}"
    );
}

/// One node with `n` distinct integers in one property, then `extra` values equal to earlier ones.
fn numbers(n: u64, extra: &[Value]) -> Value {
    let mut values: Vec<Value> = (0..n).map(|i| json!(i)).collect();
    values.extend(extra.iter().cloned());
    json!({
        "@context": {"@vocab": "urn:ex:"},
        "@id": "urn:ex:s",
        "n": values
    })
}

#[test]
fn two_hundred_thousand_distinct_numbers_are_too_complex_or_correct() {
    let outcome = on_small_stack(|| through_jsonld(&numbers(200_000, &[]), &Budget::default()));
    assert_eq!(
        too_complex(&outcome),
        Some(ComplexityBound::JsonLdWork),
        "{outcome:?}"
    );
    // Without limits the node map dedupes in linear time, with jsonld.js's equality: 5.0 is 5
    // and -0 is 0 (numbers compare as f64), "7" is not 7.
    let quads = on_small_stack(|| {
        let doc = numbers(200_000, &[json!(5.0), json!(-0.0), json!(7), json!("7")]);
        jsonld()
            .to_rdf_with(&doc, &Budget::with_limits(Limits::unlimited()))
            .unwrap()
    });
    assert_eq!(quads.len(), 200_001);
    assert!(quads.iter().all(|q| q.predicate == "urn:ex:n"));
    let seven = |q: &&Quad| matches!(&q.object, Object::Literal(l) if l.value == "7");
    assert_eq!(quads.iter().filter(seven).count(), 2);
    let out = canonicalize_with(&quads, &Budget::with_limits(Limits::unlimited())).unwrap();
    assert_eq!(out.lines().count(), 200_001);
    // Under the default quad limit the same dataset is refused by RDFC too.
    assert_eq!(
        canon_bound(canonicalize_with(&quads, &Budget::default())),
        ComplexityBound::Quads
    );
}

#[test]
fn a_cancelled_budget_stops_canonicalization_and_expansion() {
    let cancel = Cancel::new();
    cancel.cancel();
    let budget = Budget::with_cancel(cancel);
    assert_eq!(
        canonicalize_with(&pairs(3), &budget),
        Err(CanonError::Cancelled)
    );
    let doc = as_jsonld(&pairs(3));
    assert!(matches!(
        jsonld().expand_with(&doc, &budget),
        Err(JsonLdError::Cancelled)
    ));
    assert!(matches!(
        jsonld().to_rdf_with(&doc, &budget),
        Err(JsonLdError::Cancelled)
    ));
    assert!(matches!(
        jsonld().to_rdf_omitting_with(&doc, "proof", &budget),
        Err(JsonLdError::Cancelled)
    ));
    // The same documents go through with a flag nobody set.
    assert!(jsonld().to_rdf_with(&doc, &Budget::default()).is_ok());
}

#[test]
fn cancelling_while_canonicalization_runs_stops_it() {
    // Without limits this cycle needs about 3,000 x 3,000 Hash N-Degree Quads calls; the flag is
    // set from another thread while they run.
    let cancel = Cancel::new();
    let budget = Budget::new(Limits::unlimited(), cancel.clone());
    let worker = thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || canonicalize_with(&cycle(3_000), &budget))
        .unwrap();
    thread::sleep(Duration::from_millis(50));
    cancel.cancel();
    assert_eq!(worker.join().unwrap(), Err(CanonError::Cancelled));
}

/// An inline context of `terms` distinct terms, different for each `salt`.
fn big_context(salt: usize, terms: usize) -> Value {
    let mut m = Map::new();
    for t in 0..terms {
        m.insert(
            format!("t{salt}x{t}"),
            Value::String(format!("urn:ex:{salt}/{t}")),
        );
    }
    Value::Object(m)
}

#[test]
fn distinct_large_inline_contexts_do_not_grow_the_context_cache() {
    let jl = jsonld();
    let doc = |salt: usize, terms: usize| {
        let mut node = Map::new();
        node.insert(
            "@context".into(),
            json!([CREDENTIALS_V2, big_context(salt, terms)]),
        );
        node.insert("id".into(), json!("urn:ex:s"));
        node.insert(format!("t{salt}x0"), json!("x"));
        Value::Object(node)
    };
    // The pinned context in front is shared and cached by the first call.
    jl.to_rdf(&doc(0, 2_000)).unwrap();
    let before = jl.cache_stats();
    assert!(before.entries > 0 && before.bytes > 0);
    for salt in 1..=30 {
        let quads = jl.to_rdf(&doc(salt, 2_000)).unwrap();
        assert_eq!(quads.len(), 1);
        assert_eq!(quads[0].predicate, format!("urn:ex:{salt}/0"));
    }
    let after = jl.cache_stats();
    assert!(after.misses >= before.misses + 30, "each was processed");
    assert_eq!(after.bytes, before.bytes);
    assert_eq!(after.entries, before.entries);
    // A 100,000-term inline context is more work than one document may do; it is not kept either.
    let err = jl.to_rdf(&doc(31, 100_000)).unwrap_err();
    assert!(
        matches!(
            err,
            JsonLdError::TooComplex {
                bound: ComplexityBound::JsonLdWork,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(jl.cache_stats().bytes, before.bytes);
}

#[test]
fn the_standard_badge_needs_no_context_processing_once_warm() {
    // Its small inline context is shared: keeping inline contexts out of the cache must not
    // send every badge through context processing again.
    let jl = jsonld();
    let badge = credence_core::fixture::SignedFixture::new().unwrap().signed;
    let first = jl.to_rdf(&badge).unwrap();
    let warm = jl.cache_stats();
    assert!(warm.misses > 0);
    let again = jl.to_rdf(&badge).unwrap();
    let after = jl.cache_stats();
    assert_eq!(after.misses, warm.misses);
    assert!(after.hits > warm.hits);
    assert_eq!(first, again);
}
