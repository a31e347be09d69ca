//! Interop with an independent implementation: the digitalbazaar JavaScript stack (exact-pinned
//! in `tests/interop/package.json`, offline document loader), in both directions.
//!
//! - Badges `credence` signs verify there; tampered ones do not.
//! - Badges it signs (valid, tampered, wrong key, injected term, revoked) get the right verdict
//!   from `credence verify`.
//! - RDFC-1.0 canonical forms agree byte for byte, on the vectors and on 1,500 generated
//!   documents per run.
//! - The status lists a running service publishes verify there, and its badges' status is read
//!   from them (clear, revoked, suspended).
//!
//! Needs Node 20 and the npm registry the first time (`npm ci` runs when `node_modules` is absent).

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::Value;

const ISSUER: &str = "did:web:badges.example.org";
const EXAMPLES_CTX: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../..")
}

fn interop_dir() -> PathBuf {
    root().join("tests/interop")
}

fn vectors() -> PathBuf {
    root().join("tests/vectors")
}

/// Installs the pinned Node packages once per test binary.
fn ensure_node_modules() {
    static READY: Mutex<bool> = Mutex::new(false);
    let mut ready = READY.lock().unwrap_or_else(|e| e.into_inner());
    if *ready {
        return;
    }
    if !interop_dir().join("node_modules").is_dir() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(interop_dir())
            .output()
            .expect("npm must be installed for the interop test");
        assert!(
            out.status.success(),
            "npm ci failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    *ready = true;
}

fn node(script: &str, args: &[&str]) -> Value {
    ensure_node_modules();
    let out = Command::new("node")
        .arg(interop_dir().join(script))
        .args(args)
        .current_dir(interop_dir())
        .output()
        .expect("node must be installed for the interop test");
    assert!(
        out.status.success(),
        "node {script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("node prints JSON")
}

fn credence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .output()
        .expect("run credence")
}

fn credence_ok(args: &[&str]) -> String {
    let out = credence(args);
    assert!(
        out.status.success(),
        "credence {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Generates an issuer key under `ISSUER` and signs the standard fixture badge with it.
fn sign_fixture_badge(dir: &Path) -> (PathBuf, PathBuf) {
    let keys = dir.join("keys");
    let vm = credence_ok(&[
        "keys",
        "generate",
        "--out",
        s(&keys),
        "--controller",
        ISSUER,
    ]);
    assert_eq!(vm.trim(), format!("{ISSUER}#key-1"));
    let unsigned = dir.join("badge.json");
    std::fs::write(&unsigned, credence_ok(&["sample"])).unwrap();
    let signed = dir.join("signed.json");
    let out = credence_ok(&[
        "sign",
        "--key",
        s(&keys.join("key.pem")),
        "--verification-method",
        vm.trim(),
        "--created",
        "2024-07-12T09:30:00Z",
        s(&unsigned),
    ]);
    std::fs::write(&signed, out).unwrap();
    (signed, keys.join("did.json"))
}

fn results(report: &Value) -> Vec<(String, bool)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_owned(),
                r["verified"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn badges_credence_signs_verify_in_the_javascript_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let (signed, did_doc) = sign_fixture_badge(tmp.path());

    // The same badge signed with the key read as JWK and as Multikey is the same badge.
    for key_file in ["key.jwk", "key.multikey.json"] {
        let again = credence_ok(&[
            "sign",
            "--key",
            s(&tmp.path().join("keys").join(key_file)),
            "--verification-method",
            &format!("{ISSUER}#key-1"),
            "--created",
            "2024-07-12T09:30:00Z",
            s(&tmp.path().join("badge.json")),
        ]);
        assert_eq!(
            again,
            std::fs::read_to_string(&signed).unwrap(),
            "{key_file}"
        );
    }

    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
    doc["credentialSubject"]["achievement"]["name"] = Value::from("Advanced Practice: Forgery");
    let tampered = tmp.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_vec(&doc).unwrap()).unwrap();

    let report = node(
        "verify.mjs",
        &["--did-doc", s(&did_doc), s(&signed), s(&tampered)],
    );
    assert_eq!(
        results(&report),
        vec![
            (s(&signed).to_owned(), true),
            (s(&tampered).to_owned(), false)
        ],
        "{report:#}"
    );
}

#[test]
fn the_w3c_vector_credence_signs_verifies_in_the_javascript_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = vectors().join("w3c-vc-di-eddsa");
    let ctx = format!(
        "{EXAMPLES_CTX}={}",
        s(&vectors().join("credentials-examples-v2.jsonld"))
    );
    let signed = tmp.path().join("w3c.json");
    let out = credence_ok(&[
        "sign",
        "--key",
        s(&dir.join("keyPair.json")),
        "--verification-method",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "--context",
        &ctx,
        s(&dir.join("unsigned.json")),
    ]);
    std::fs::write(&signed, out).unwrap();
    // The vector's issuer is not its key's controller, so only the proof itself is checked there.
    let report = node("verify.mjs", &["--no-issuer-match", s(&signed)]);
    assert_eq!(
        results(&report),
        vec![(s(&signed).to_owned(), true)],
        "{report:#}"
    );
}

#[test]
fn badges_the_javascript_stack_signs_get_the_right_verdict_from_credence() {
    ensure_node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let manifest = node("sign.mjs", &["--out", s(tmp.path()), "--with-status"]);
    let files = manifest["files"].as_array().unwrap();
    assert!(files.len() >= 7, "{manifest:#}");
    let mut invalid_seen = 0;
    for f in files {
        let file = f["file"].as_str().unwrap();
        let path = if Path::new(file).is_absolute() {
            PathBuf::from(file)
        } else {
            tmp.path().join(file)
        };
        let mut args = vec![
            "verify".to_owned(),
            "--json".to_owned(),
            "--at".to_owned(),
            "2025-01-01T00:00:00Z".to_owned(),
        ];
        if let Some(list) = f["statusList"].as_str() {
            let (_, list_file) = list.split_once('=').unwrap();
            args.push("--status-list".to_owned());
            args.push(list_file.to_owned());
        }
        args.push(path.to_str().unwrap().to_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = credence(&args);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{file}: {}", String::from_utf8_lossy(&out.stderr)));
        let verdict = report["verdict"].as_str().unwrap();
        match f["expect"].as_str().unwrap() {
            "valid" => {
                assert_eq!(verdict, "valid", "{file}: {report:#}");
                assert_eq!(out.status.code(), Some(0), "{file}");
            }
            _ => {
                invalid_seen += 1;
                assert_eq!(out.status.code(), Some(1), "{file}: {report:#}");
                let expected = if file.contains("revoked") {
                    "revoked"
                } else {
                    "invalid_signature"
                };
                assert_eq!(verdict, expected, "{file}: {report:#}");
            }
        }
    }
    assert!(
        invalid_seen >= 5,
        "the manifest must include the tampered cases"
    );
}

#[test]
fn presentations_the_javascript_stack_signs_get_its_verdict_from_credence() {
    ensure_node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let manifest = node("present.mjs", &["--out", s(tmp.path())]);
    let challenge = manifest["challenge"].as_str().unwrap();
    let domain = manifest["domain"].as_str().unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{manifest:#}");
    for f in files {
        let file = f["file"].as_str().unwrap();
        let expect_valid = f["expect"] == "valid";
        assert_eq!(f["js"], expect_valid, "the JavaScript stack on {file}: {f}");
        let out = credence(&[
            "verify",
            "--json",
            "--at",
            "2025-01-01T00:00:00Z",
            "--challenge",
            challenge,
            "--domain",
            domain,
            file,
        ]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{file}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(report["verified"], expect_valid, "{file}: {report:#}");
        assert_eq!(
            out.status.code(),
            Some(if expect_valid { 0 } else { 1 }),
            "{file}"
        );
        let credentials = report["credentials"].as_array().unwrap();
        assert_eq!(credentials.len(), 2, "{file}");
        if expect_valid {
            assert!(report["presentation"]["holder"]
                .as_str()
                .unwrap()
                .starts_with("did:key:"));
            assert!(
                credentials.iter().all(|c| c["verdict"] == "valid"),
                "{report:#}"
            );
        } else {
            assert_eq!(
                report["presentation"]["verified"], false,
                "{file}: {report:#}"
            );
        }
    }
}

#[test]
fn canonical_forms_agree_with_jsonld_js() {
    let tmp = tempfile::tempdir().unwrap();
    let (signed, _) = sign_fixture_badge(tmp.path());
    let ob: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("obv3-eddsa-rdfc-2022/vector.json")).unwrap(),
    )
    .unwrap();
    let ob_unsigned = tmp.path().join("ob-unsigned.json");
    std::fs::write(&ob_unsigned, serde_json::to_vec(&ob["unsigned"]).unwrap()).unwrap();
    let w3c = vectors().join("w3c-vc-di-eddsa/unsigned.json");
    let ctx = format!(
        "{EXAMPLES_CTX}={}",
        s(&vectors().join("credentials-examples-v2.jsonld"))
    );
    // A string with a base direction (VC 2.0 §11.1), written as the cryptosuite writes it.
    let mut directed: Value =
        serde_json::from_str(&std::fs::read_to_string(&w3c).unwrap()).unwrap();
    directed["description"] = serde_json::json!({
        "@value": "شهادة", "@language": "AR", "@direction": "rtl"
    });
    let directed_file = tmp.path().join("directed.json");
    std::fs::write(&directed_file, serde_json::to_vec(&directed).unwrap()).unwrap();
    let docs = [
        tmp.path().join("badge.json"),
        signed,
        ob_unsigned,
        w3c,
        directed_file,
    ];
    let doc_args: Vec<&str> = docs.iter().map(|d| s(d)).collect();
    let report = node("canonize.mjs", &doc_args);
    for (doc, result) in docs.iter().zip(report["results"].as_array().unwrap()) {
        let theirs = result["nquads"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {result:#}", doc.display()));
        let ours = credence_ok(&["canonicalize", "--context", &ctx, s(doc)]);
        assert_eq!(ours, theirs, "{}", doc.display());
        if *doc == docs[4] {
            assert!(
                ours.contains("\"شهادة\"^^<https://www.w3.org/ns/i18n#ar_rtl>"),
                "{ours}"
            );
        }
    }
}

#[test]
fn status_lists_the_service_publishes_verify_in_the_javascript_stack() {
    let served = credence_testkit::Served::start();
    let did = served.save_did_document();
    let ids = [served.issue(1), served.issue(2), served.issue(3)];
    served.change(&ids[1], "revoke");
    served.change(&ids[2], "suspend");
    let badges: Vec<PathBuf> = ["clear", "revoked", "suspended"]
        .iter()
        .zip(&ids)
        .map(|(name, id)| served.save_badge(id, name))
        .collect();
    let lists = served.save_lists(&badges[0], "now");
    assert_eq!(lists.len(), 2);

    let run = |lists: &[(String, PathBuf)]| {
        let mut args = vec!["--did-doc".to_owned(), s(&did).to_owned()];
        for (url, file) in lists {
            args.push("--status-list".to_owned());
            args.push(format!("{url}={}", s(file)));
        }
        args.extend(badges.iter().map(|b| s(b).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let report = node("verify.mjs", &args);
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["verified"].as_bool().unwrap(),
                    r["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(&lists),
        vec![
            (true, "clear".to_owned()),
            (false, "revocation".to_owned()),
            (false, "suspension".to_owned()),
        ]
    );

    // A list altered after signing is refused, so no status can be read from it.
    let mut tampered = lists.clone();
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&tampered[0].1).unwrap()).unwrap();
    doc["validFrom"] = Value::from("2020-01-01T00:00:00Z");
    let file = served.dir().join("tampered-list.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    tampered[0].1 = file;
    let results = run(&tampered);
    assert!(
        results
            .iter()
            .all(|(verified, status)| !verified && status == "error"),
        "{results:?}"
    );
}

/// Differential testing of JSON-LD to RDF and RDFC-1.0: generated documents canonicalized by
/// Credence (as it signs them) and by jsonld.js (as the eddsa-rdfc-2022 cryptosuite does) must
/// give the same N-Quads, byte for byte, or both be refused.
///
/// `CREDENCE_DIFF_SEED` replays a run (each run draws its own seed and prints it on failure);
/// `CREDENCE_DIFF_DOCS` sets how many documents (default 1,500, of which at least 1,000 must be
/// canonicalized by both).
#[test]
fn generated_documents_canonicalize_as_jsonld_js_does() {
    use rand::{Rng, SeedableRng};
    let seed = std::env::var("CREDENCE_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen::<u64>());
    let count: usize = std::env::var("CREDENCE_DIFF_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let mut gen = generated::Documents::new(rand::rngs::StdRng::seed_from_u64(seed));
    let tmp = tempfile::tempdir().unwrap();
    let docs: Vec<(PathBuf, Value)> = (0..count)
        .map(|i| {
            let doc = gen.document();
            let file = tmp.path().join(format!("{i}.json"));
            std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
            (file, doc)
        })
        .collect();
    let args: Vec<&str> = docs.iter().map(|(f, _)| s(f)).collect();
    let report = node("canonize.mjs", &args);
    let theirs = report["results"].as_array().unwrap();
    assert_eq!(theirs.len(), docs.len());

    let di = credence_vc::proof::DataIntegrity::new(credence_ld::jsonld::JsonLd::new(
        credence_core::contexts::pinned().unwrap(),
    ));
    let (mut agreed, mut both_refused, mut set, mut differ) = (0, 0, 0, Vec::new());
    for ((_, doc), theirs) in docs.iter().zip(theirs) {
        let ours = di.transform_rdfc(doc).map_err(|e| e.to_string());
        match (ours, theirs["nquads"].as_str()) {
            (Ok(ours), Some(theirs)) if ours == theirs => agreed += 1,
            // The one known difference: jsonld.js keeps a quad that two values state alike
            // ("x" and {"@value": "x", "@type": "xsd:string"}, two empty lists on one node)
            // twice, which also changes the hashes that label blank nodes. An RDF dataset is a
            // set (JSON-LD 1.1 toRdf adds each triple to a graph; RDFC-1.0 canonicalizes
            // datasets), so Credence counts it once; both then describe the same dataset.
            (Ok(ours), Some(theirs)) if repeats_a_line(theirs) && ours == as_set(theirs) => {
                set += 1
            }
            (Err(_), None) => both_refused += 1,
            (ours, _) => differ.push(format!(
                "document {doc}\n  credence: {ours:?}\n  jsonld.js: {theirs}"
            )),
        }
    }
    eprintln!(
        "seed {seed}: {agreed} agreed, {set} agreed as sets, {both_refused} refused by both, {} differ",
        differ.len()
    );
    assert!(
        differ.is_empty(),
        "seed {seed}: {} of {count} documents differ; the first:\n{}",
        differ.len(),
        differ
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert!(
        agreed >= 1000.min(count),
        "seed {seed}: only {agreed} documents canonicalized ({both_refused} refused by both)"
    );
}

/// Whether sorted N-Quads hold a line twice.
fn repeats_a_line(nquads: &str) -> bool {
    let lines: Vec<&str> = nquads.lines().collect();
    lines.windows(2).any(|w| w[0] == w[1])
}

/// The canonical N-Quads of the dataset (a set) that N-Quads text describes.
fn as_set(nquads: &str) -> String {
    let quads = credence_ld::rdf::nquads::parse_nquads(nquads).unwrap();
    credence_ld::rdf::canon::canonicalize(&quads).unwrap()
}

/// The documents [`generated_documents_canonicalize_as_jsonld_js_does`] draws.
mod generated {
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::Rng;
    use serde_json::{json, Map, Value};

    /// Blank node and IRI identifiers, few enough that nodes share them: the graphs get cycles
    /// and symmetries for RDFC-1.0's n-degree hashing to break.
    const IDS: &[&str] = &["_:a", "_:b", "_:c", "_:d", "urn:ex:1", "https://ex.org/n/2"];
    const TYPES: &[&str] = &[
        "ex:T1",
        "ex:T2",
        "https://ex.org/T3",
        "VerifiableCredential",
    ];
    const STRINGS: &[&str] = &[
        "",
        "plain",
        "quote \" and back\\slash",
        "line\nfeed\r\ttab",
        "bell \u{7} nul \u{0} del \u{7f} \u{1f}",
        "é, 日本語, 😀, a\u{301}",
        "مرحبا بالعالم",
        "\u{2028}\u{2029}\u{feff}",
        "2024-07-12",
        "_:not-a-blank-node",
    ];
    const LANGUAGES: &[&str] = &["en", "EN-gb", "ar", "fr-CA", "zh-Hant-TW"];
    const NUMBERS: &[f64] = &[
        0.0,
        1.0,
        -1.0,
        0.1,
        1.5,
        -2.25,
        1e20,
        1e21,
        1.5e-7,
        123_456.789,
        5e-324,
        1.7e308,
        9_007_199_254_740_991.0,
        0.000_001,
        100.0,
        1e-6,
    ];

    pub struct Documents {
        rng: StdRng,
    }

    impl Documents {
        pub fn new(rng: StdRng) -> Self {
            Self { rng }
        }

        /// A top-level node with the credentials context and a context of its own.
        pub fn document(&mut self) -> Value {
            let mut node = self.node(0);
            node.insert(
                "@context".into(),
                json!(["https://www.w3.org/ns/credentials/v2", {
                    "ex": "https://ex.org/",
                    "xsd": "http://www.w3.org/2001/XMLSchema#",
                    "p": "ex:p",
                    "q": "ex:q",
                    "r": {"@id": "ex:r", "@container": "@set"},
                    "list": {"@id": "ex:list", "@container": "@list"},
                    "en": {"@id": "ex:en", "@language": "en"},
                    "rtl": {"@id": "ex:rtl", "@direction": "rtl"},
                    "when": {"@id": "ex:when", "@type": "xsd:dateTime"},
                    "ref": {"@id": "ex:ref", "@type": "@id"},
                    "data": {"@id": "ex:data", "@type": "@json"}
                }]),
            );
            Value::Object(node)
        }

        fn pick<T: Copy>(&mut self, from: &[T]) -> T {
            *from.choose(&mut self.rng).unwrap_or(&from[0])
        }

        fn node(&mut self, depth: u32) -> Map<String, Value> {
            let mut node = Map::new();
            if self.rng.gen_bool(0.6) {
                node.insert("id".into(), json!(self.pick(IDS)));
            }
            match self.rng.gen_range(0..3) {
                0 => {}
                1 => {
                    node.insert("type".into(), json!(self.pick(TYPES)));
                }
                _ => {
                    let types = [self.pick(TYPES), self.pick(TYPES)];
                    node.insert("type".into(), json!(types));
                }
            }
            for _ in 0..self.rng.gen_range(1..5) {
                let (key, value) = self.property(depth);
                node.insert(key.into(), value);
            }
            node
        }

        fn property(&mut self, depth: u32) -> (&'static str, Value) {
            match self.rng.gen_range(0..10) {
                0 => ("en", json!(self.pick(STRINGS))),
                1 => ("rtl", json!(self.pick(STRINGS))),
                2 => ("when", json!("2024-07-12T09:30:00Z")),
                3 => ("ref", json!(self.pick(IDS))),
                4 => ("data", self.json(2)),
                5 => {
                    let items = (0..self.rng.gen_range(0..4))
                        .map(|_| self.value(depth))
                        .collect();
                    ("list", Value::Array(items))
                }
                6 => ("r", self.value(depth)),
                7 => ("name", json!(self.pick(STRINGS))),
                8 => ("q", self.value(depth)),
                _ => ("p", self.values(depth)),
            }
        }

        fn values(&mut self, depth: u32) -> Value {
            if self.rng.gen_bool(0.3) {
                let items = (0..self.rng.gen_range(1..4))
                    .map(|_| self.value(depth))
                    .collect();
                Value::Array(items)
            } else {
                self.value(depth)
            }
        }

        fn value(&mut self, depth: u32) -> Value {
            let choices = if depth >= 3 { 7 } else { 9 };
            match self.rng.gen_range(0..choices) {
                0 => json!(self.pick(STRINGS)),
                1 => self.number(),
                2 => json!(self.rng.gen_bool(0.5)),
                3 => {
                    let value = self.pick(STRINGS);
                    json!({"@value": value, "@language": self.pick(LANGUAGES)})
                }
                4 => {
                    let (value, direction) = (self.pick(STRINGS), self.pick(&["ltr", "rtl"]));
                    if self.rng.gen_bool(0.5) {
                        json!({"@value": value, "@direction": direction})
                    } else {
                        let language = self.pick(LANGUAGES);
                        json!({"@value": value, "@language": language, "@direction": direction})
                    }
                }
                5 => {
                    let datatype = self.pick(&["xsd:date", "ex:custom", "xsd:string"]);
                    json!({"@value": self.pick(STRINGS), "@type": datatype})
                }
                6 => json!({"@value": self.number()}),
                _ => Value::Object(self.node(depth + 1)),
            }
        }

        fn number(&mut self) -> Value {
            match self.rng.gen_range(0..3) {
                0 => json!(self.rng.gen_range(-1_000_000_i64..1_000_000)),
                1 => json!(self.pick(NUMBERS)),
                _ => {
                    let exponent = self.rng.gen_range(-30..30);
                    json!(self.rng.gen_range(-10.0..10.0) * 10f64.powi(exponent))
                }
            }
        }

        /// A JSON literal's value: objects (keys to be sorted), arrays, numbers, strings.
        fn json(&mut self, depth: u32) -> Value {
            match self.rng.gen_range(0..if depth == 0 { 3 } else { 5 }) {
                0 => json!(self.pick(STRINGS)),
                1 => self.number(),
                2 => json!(null),
                3 => Value::Array((0..3).map(|_| self.json(depth - 1)).collect()),
                _ => {
                    let keys = ["b", "a", "é", "A", "10", "9"];
                    let mut map = Map::new();
                    for _ in 0..3 {
                        map.insert(self.pick(&keys).into(), self.json(depth - 1));
                    }
                    Value::Object(map)
                }
            }
        }
    }
}
