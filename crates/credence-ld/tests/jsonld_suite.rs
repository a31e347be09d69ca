//! The W3C JSON-LD 1.1 `expand` and `toRdf` test suites (`tests/vectors/w3c-json-ld-api`,
//! copied unchanged), driven by their manifests with safe mode off (the plain algorithms).
//!
//! A test-only document loader serves the suite's files from the folder under the URLs the
//! manifests give them. Every test must pass except those listed in `LEFT-OUT` beside the suite,
//! each with its kind and reason: `scope` (outside what this processor implements; not run) or
//! `gap` (in scope but failing today; run, and a gap that passes fails the run, so the list
//! stays true).
//!
//! Expansion results are compared as the suite's README says (JSON-LD object comparison: arrays
//! unordered except `@list`), toRdf results as datasets (both sides canonicalized with RDFC-1.0,
//! which the RDFC-1.0 suite proves), negative tests by their error code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use credence_ld::budget::Budget;
use credence_ld::contexts::ContextStore;
use credence_ld::jsonld::{JsonLd, JsonLdError, Options, RdfDirection};
use credence_ld::rdf::canon::{canonicalize, canonicalize_dataset, HashAlgorithm};
use credence_ld::rdf::nquads::parse_nquads;
use serde_json::Value;

const SUITE: &str = "w3c-json-ld-api";
/// Where the manifests say the suite is published.
const BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

fn suite_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(SUITE)
}

fn read_text(rel: &str) -> String {
    std::fs::read_to_string(suite_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every JSON file of the suite, under its published URL: the test-only document loader.
fn suite_store() -> ContextStore {
    let mut store = ContextStore::default();
    for dir in ["expand", "toRdf"] {
        let mut stack = vec![suite_dir().join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(suite_dir()).unwrap();
                let url = format!("{BASE}{}", rel.to_string_lossy().replace('\\', "/"));
                let text = std::fs::read_to_string(&path).unwrap();
                // Files that are not JSON are what some negative tests fail to load.
                if let Ok(next) = store.with_extra(&url, &text) {
                    store = next;
                }
            }
        }
    }
    store
}

/// Why a test is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Outside what this processor implements: not run.
    Scope,
    /// In scope, failing today: run, and expected to fail.
    Gap,
}

/// The tests left out, each with its kind: `LEFT-OUT` beside the suite, one test a line,
/// `ID KIND REASON`.
fn left_out() -> BTreeMap<String, Kind> {
    read_text("LEFT-OUT")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace();
            let id = words.next().unwrap_or_default();
            let kind = match words.next() {
                Some("scope") => Kind::Scope,
                Some("gap") => Kind::Gap,
                other => panic!("{id}: kind {other:?} is neither scope nor gap"),
            };
            assert!(words.next().is_some(), "{id} is left out without a reason");
            (id.to_owned(), kind)
        })
        .collect()
}

/// JSON-LD object comparison: arrays are unordered, except the values of `@list`.
fn same(a: &Value, b: &Value, ordered: bool) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if ordered => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, false))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|p| {
                let found = y
                    .iter()
                    .enumerate()
                    .find(|(i, q)| !used[*i] && same(p, q, false))
                    .map(|(i, _)| i);
                found.map(|i| used[i] = true).is_some()
            })
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, k == "@list")))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// What one manifest entry asks for.
struct Case<'a> {
    manifest: &'a str,
    entry: &'a Value,
}

impl Case<'_> {
    fn id(&self) -> String {
        format!(
            "{}{}",
            self.manifest,
            self.entry["@id"].as_str().unwrap_or("?")
        )
    }

    fn field(&self, k: &str) -> Result<&str, String> {
        self.entry[k].as_str().ok_or_else(|| format!("no {k}"))
    }

    fn is(&self, kind: &str) -> bool {
        self.entry["@type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|v| v == kind))
    }

    fn options(&self) -> Result<Options, String> {
        let input = self.field("input")?;
        let option = &self.entry["option"];
        let base = option["base"]
            .as_str()
            .map_or_else(|| format!("{BASE}{input}"), str::to_owned);
        let mut options = Options::standard(Some(&base));
        if let Some(ctx) = option["expandContext"].as_str() {
            options = options.with_expand_context(Value::String(format!("{BASE}{ctx}")));
        }
        match option["rdfDirection"].as_str() {
            None => {}
            Some("i18n-datatype") => {
                options = options.with_rdf_direction(RdfDirection::I18nDatatype)
            }
            Some("compound-literal") => {
                options = options.with_rdf_direction(RdfDirection::CompoundLiteral)
            }
            Some(other) => return Err(format!("unknown rdfDirection {other}")),
        }
        Ok(options)
    }

    /// Runs the entry; `Err` says how it failed.
    fn run(&self, jsonld: &JsonLd) -> Result<(), String> {
        let input: Value = serde_json::from_str(&read_text(self.field("input")?))
            .map_err(|e| format!("input is not JSON: {e}"))?;
        let options = self.options()?;
        let budget = Budget::default();
        let expand = self.manifest == "expand";
        if self.is("jld:NegativeEvaluationTest") {
            let expected = self.field("expectErrorCode")?;
            let result = if expand {
                jsonld
                    .expand_with_options(&input, &options, &budget)
                    .map(drop)
            } else {
                jsonld
                    .to_rdf_with_options(&input, &options, &budget)
                    .map(drop)
            };
            return match result {
                Err(e) if e.code() == Some(expected) => Ok(()),
                Err(e) => Err(format!(
                    "expected error {expected:?}, got {:?}: {e}",
                    e.code()
                )),
                Ok(()) => Err(format!("expected error {expected:?}, got a result")),
            };
        }
        if expand {
            let ours = jsonld
                .expand_with_options(&input, &options, &budget)
                .map_err(|e| describe(&e))?;
            let expected: Value = serde_json::from_str(&read_text(self.field("expect")?))
                .map_err(|e| format!("expected output is not JSON: {e}"))?;
            if !same(&ours, &expected, false) {
                return Err(format!("output differs:\n{ours}\nexpected:\n{expected}"));
            }
            return Ok(());
        }
        let quads = jsonld
            .to_rdf_with_options(&input, &options, &budget)
            .map_err(|e| describe(&e))?;
        if self.is("jld:PositiveSyntaxTest") {
            return Ok(());
        }
        let ours = canonicalize(&quads).map_err(|e| format!("ours does not canonicalize: {e}"))?;
        let expected = parse_nquads(&read_text(self.field("expect")?))
            .map_err(|e| format!("expected output does not parse: {e}"))?;
        let expected = canonicalize_dataset(&expected, HashAlgorithm::Sha256, &budget)
            .map_err(|e| format!("expected output does not canonicalize: {e}"))?
            .nquads;
        if ours != expected {
            return Err(format!("output differs:\n{ours}\nexpected:\n{expected}"));
        }
        Ok(())
    }
}

fn describe(e: &JsonLdError) -> String {
    format!("failed ({:?}): {e}", e.code())
}

#[test]
fn w3c_expand_and_to_rdf_suites_pass_but_for_the_listed_tests() {
    let jsonld = JsonLd::new(suite_store());
    let left_out = left_out();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut passed_but_listed = Vec::new();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for manifest in ["expand", "toRdf"] {
        let doc: Value = serde_json::from_str(&read_text(&format!("{manifest}-manifest.jsonld")))
            .expect("manifest is JSON");
        let entries = doc["sequence"].as_array().expect("manifest sequence");
        for entry in entries {
            let case = Case { manifest, entry };
            let id = case.id();
            seen.insert(id.clone());
            let count = counts.entry(manifest).or_default();
            count.0 += 1;
            let kind = left_out.get(&id).copied();
            if kind == Some(Kind::Scope) {
                count.2 += 1;
                continue;
            }
            match (kind, case.run(&jsonld)) {
                (None, Ok(())) => count.1 += 1,
                (None, Err(why)) => failures.push(format!("{id}: {why}")),
                (Some(_), Ok(())) => passed_but_listed.push(id),
                (Some(_), Err(_)) => count.2 += 1,
            }
        }
    }
    for (manifest, (total, passed, out)) in &counts {
        println!("{manifest}: {passed} of {total} pass, {out} left out");
    }
    let unknown: Vec<&String> = left_out.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        unknown.is_empty(),
        "LEFT-OUT names tests the manifests do not: {unknown:?}"
    );
    assert!(
        passed_but_listed.is_empty(),
        "these pass now; take them off LEFT-OUT: {passed_but_listed:?}"
    );
    assert!(
        failures.is_empty(),
        "{} tests fail:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
