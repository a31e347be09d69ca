//! End-to-end tests of the `credence` binary: the W3C and 1EdTech vectors through `sign` and
//! `verify`, exit codes, keys, baking.

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const EXAMPLES_CTX: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../credence-core/tests/vectors")
}

fn examples_ctx_arg() -> String {
    format!(
        "{EXAMPLES_CTX}={}",
        vectors().join("credentials-examples-v2.jsonld").display()
    )
}

fn credence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .output()
        .expect("run credence")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn sign_reproduces_the_w3c_eddsa_rdfc_2022_vector() {
    let dir = vectors().join("w3c-vc-di-eddsa");
    let ctx = examples_ctx_arg();
    let out = credence(&[
        "sign",
        "--key",
        dir.join("keyPair.json").to_str().unwrap(),
        "--verification-method",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "--created",
        "2023-02-24T23:36:38Z",
        "--context",
        &ctx,
        dir.join("unsigned.json").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let expected = read_json(&dir.join("eddsa-rdfc-2022/signedDataInt.json"));
    assert_eq!(signed, expected);
}

/// The W3C vectors' proofs verify; their issuer (`https://vc.example/issuers/5678`) is not the
/// controller of their did:key, so the report says so and the verdict is `unknown_issuer`.
#[test]
fn verify_checks_each_signed_w3c_vector_proof_and_the_issuer_binding() {
    let dir = vectors().join("w3c-vc-di-eddsa");
    let ctx = examples_ctx_arg();
    for file in [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-jcs-2022/signedJCS.json",
        "Ed25519Signature2020/signedEdSig.json",
    ] {
        let out = credence(&[
            "verify",
            "--json",
            "--context",
            &ctx,
            dir.join(file).to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let check = |name: &str| {
            report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["check"] == name)
                .map(|c| c["outcome"].as_str().unwrap().to_owned())
                .unwrap()
        };
        assert_eq!(check("proof"), "pass", "{file}: {report:#}");
        assert_eq!(check("key_resolution"), "fail", "{file}: {report:#}");
        assert_eq!(report["verdict"], "unknown_issuer", "{file}");
        assert_eq!(out.status.code(), Some(1), "{file}");
    }
}

#[test]
fn verify_refuses_a_tampered_vector_with_exit_one() {
    let dir = vectors().join("w3c-vc-di-eddsa");
    let mut doc = read_json(&dir.join("eddsa-rdfc-2022/signedDataInt.json"));
    doc["credentialSubject"]["alumniOf"] = Value::from("The School of Forgeries");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tampered.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = credence(&[
        "verify",
        "--json",
        "--context",
        &examples_ctx_arg(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["verdict"], "invalid_signature");
}

#[test]
fn an_unknown_context_is_refused_without_the_context_flag() {
    let dir = vectors().join("w3c-vc-di-eddsa");
    let out = credence(&[
        "verify",
        "--json",
        dir.join("eddsa-rdfc-2022/signedDataInt.json")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("examples/v2"), "{}", stdout(&out));
}

#[test]
fn unreadable_input_and_wrong_usage_exit_two() {
    let tmp = tempfile::tempdir().unwrap();
    let junk = tmp.path().join("junk.bin");
    std::fs::write(&junk, [0u8, 159, 146, 150, 1, 2, 3]).unwrap();
    assert_eq!(
        credence(&["verify", junk.to_str().unwrap()]).status.code(),
        Some(2)
    );
    assert_eq!(
        credence(&["verify", "/no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(credence(&["verify"]).status.code(), Some(2));
    assert_eq!(
        credence(&["verify", "--at", "yesterday", "x"])
            .status
            .code(),
        Some(2)
    );
}
