//! The W3C RDFC-1.0 test suite (`tests/vectors/w3c-rdf-canon`, copied unchanged), driven by its
//! manifest: every entry runs, none is left out.
//!
//! Evaluation tests compare the canonical N-Quads byte for byte, map tests the issued identifiers
//! map, and the negative test (a poison clique) must be refused as too complex, all under the
//! default budget.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::BTreeMap;

use credence_ld::budget::Budget;
use credence_ld::rdf::canon::{canonicalize_dataset, CanonError, Canonicalized, HashAlgorithm};
use credence_ld::rdf::nquads::parse_nquads;
use serde_json::Value;

/// Text of a file under the repository's `tests/vectors/`.
fn read_text(rel: &str) -> String {
    let path = std::path::Path::new(
        &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../tests/vectors")
    .join(rel);
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A file under `tests/vectors/` parsed as JSON.
fn read_json(rel: &str) -> Value {
    serde_json::from_str(&read_text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const SUITE: &str = "w3c-rdf-canon";

/// Runs one manifest entry; `Err` says how it failed.
fn run_entry(entry: &Value) -> Result<(), String> {
    let field = |k: &str| entry[k].as_str().ok_or_else(|| format!("no {k}"));
    let kind = field("type")?;
    let action = field("action")?;
    let algorithm = match entry["hashAlgorithm"].as_str() {
        None | Some("SHA256") => HashAlgorithm::Sha256,
        Some("SHA384") => HashAlgorithm::Sha384,
        Some(other) => return Err(format!("unknown hash algorithm {other}")),
    };
    let input = parse_nquads(&read_text(&format!("{SUITE}/{action}")))
        .map_err(|e| format!("input does not parse: {e}"))?;
    let result = canonicalize_dataset(&input, algorithm, &Budget::default());
    match kind {
        "rdfc:RDFC10EvalTest" => {
            let Canonicalized { nquads, .. } = result.map_err(|e| format!("failed: {e}"))?;
            let expected = read_text(&format!("{SUITE}/{}", field("result")?));
            if nquads != expected {
                return Err(format!("output differs:\n{nquads}\nexpected:\n{expected}"));
            }
        }
        "rdfc:RDFC10MapTest" => {
            let Canonicalized { issued, .. } = result.map_err(|e| format!("failed: {e}"))?;
            let expected = read_json(&format!("{SUITE}/{}", field("result")?));
            let expected: BTreeMap<String, String> = serde_json::from_value(expected)
                .map_err(|e| format!("result is not a map: {e}"))?;
            let ours: BTreeMap<String, String> = issued.iter().cloned().collect();
            if ours.len() != issued.len() {
                return Err("a blank node was issued twice".to_owned());
            }
            if ours != expected {
                return Err(format!("map differs: {ours:?}, expected {expected:?}"));
            }
        }
        "rdfc:RDFC10NegativeEvalTest" => match result {
            Err(CanonError::TooComplex { .. }) => {}
            other => return Err(format!("expected TooComplex, got {other:?}")),
        },
        other => return Err(format!("unknown test type {other}")),
    }
    Ok(())
}

#[test]
fn every_w3c_rdfc10_entry_passes() {
    let manifest = read_json(&format!("{SUITE}/manifest.jsonld"));
    let entries = manifest["entries"].as_array().expect("manifest entries");
    assert_eq!(entries.len(), 86, "the suite copied has 86 entries");
    let mut failures = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for entry in entries {
        let id = entry["id"].as_str().unwrap_or("?");
        *kinds
            .entry(entry["type"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
        if let Err(why) = run_entry(entry) {
            failures.push(format!("{id} ({}): {why}", entry["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} entries failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    assert_eq!(kinds.get("rdfc:RDFC10EvalTest"), Some(&64));
    assert_eq!(kinds.get("rdfc:RDFC10MapTest"), Some(&21));
    assert_eq!(kinds.get("rdfc:RDFC10NegativeEvalTest"), Some(&1));
}
