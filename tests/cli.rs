//! End-to-end tests of the `credence` binary: the W3C and 1EdTech vectors through `sign` and
//! `verify`, exit codes, keys, baking; `admin` and `audit` in [`admin`]; `verify --status-list`
//! with the lists a running service publishes in [`status`].

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

#[path = "cli/admin.rs"]
mod admin;
#[path = "cli/status.rs"]
mod status;

const EXAMPLES_CTX: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn vectors() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
}

fn examples_ctx_arg() -> String {
    format!(
        "{EXAMPLES_CTX}={}",
        vectors().join("credentials-examples-v2.jsonld").display()
    )
}

/// The verification method of the W3C eddsa-rdfc-2022 vector's key (`keyPair.json`).
const W3C_VM: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

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
        W3C_VM,
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

/// `sign` refuses, in every form, a credential that breaks a VC data model rule, naming it.
#[test]
fn sign_refuses_a_credential_without_a_subject_in_every_form() {
    let dir = vectors().join("w3c-vc-di-eddsa");
    let mut unsigned = read_json(&dir.join("unsigned.json"));
    unsigned
        .as_object_mut()
        .unwrap()
        .remove("credentialSubject");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("unsigned.json");
    std::fs::write(&input, unsigned.to_string()).unwrap();
    let ctx = examples_ctx_arg();
    for format in ["di", "jwt", "vc-jose"] {
        let out = credence(&[
            "sign",
            "--key",
            dir.join("keyPair.json").to_str().unwrap(),
            "--verification-method",
            W3C_VM,
            "--format",
            format,
            "--context",
            &ctx,
            input.to_str().unwrap(),
        ]);
        assert!(!out.status.success(), "{format}: signed");
        assert!(stdout(&out).is_empty(), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("the credential must have a credentialSubject"),
            "{format}: {stderr}"
        );
    }
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

/// A dev issuer: key files in `dir/keys`, an unsigned sample badge, and a signer for both.
struct Issuer {
    dir: tempfile::TempDir,
}

const DEV_DID: &str = "did:web:badges.example.org";

impl Issuer {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let out = credence(&[
            "keys",
            "generate",
            "--out",
            keys.to_str().unwrap(),
            "--controller",
            DEV_DID,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout(&out).trim(), format!("{DEV_DID}#key-1"));
        let badge = credence(&["sample"]);
        std::fs::write(dir.path().join("badge.json"), &badge.stdout).unwrap();
        Self { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn p(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_owned()
    }
    /// Signs `input` (a file in the dir) in `format`, writing `output`.
    fn sign(&self, format: &str, input: &str, output: &str) {
        let out = credence(&[
            "sign",
            "--key",
            &self.p("keys/key.pem"),
            "--verification-method",
            &format!("{DEV_DID}#key-1"),
            "--format",
            format,
            &self.p(input),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(self.path(output), out.stdout).unwrap();
    }
    /// A signed status list at the sample badge's list URL with the given bits set.
    fn status_list(&self, name: &str, set: &[&str]) -> String {
        let badge = read_json(&self.path("badge.json"));
        let url = badge["credentialStatus"]["statusListCredential"]
            .as_str()
            .unwrap();
        let mut args = vec![
            "status-list".to_owned(),
            "--url".to_owned(),
            url.to_owned(),
            "--issuer".to_owned(),
            DEV_DID.to_owned(),
            "--key".to_owned(),
            self.p("keys/key.pem"),
            "--verification-method".to_owned(),
            format!("{DEV_DID}#key-1"),
        ];
        for s in set {
            args.push("--set".to_owned());
            args.push((*s).to_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = credence(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(self.path(name), out.stdout).unwrap();
        self.p(name)
    }
    fn verify(&self, file: &str, extra: &[&str]) -> (Option<i32>, Value) {
        let did = self.p("keys/did.json");
        let target = self.p(file);
        let mut args = vec!["verify", "--json", "--did-doc", &did];
        args.extend_from_slice(extra);
        args.push(&target);
        let out = credence(&args);
        let report = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), report)
    }
}

#[test]
fn keys_generate_writes_every_format_readable_by_the_owner_only() {
    let issuer = Issuer::new();
    for name in [
        "key.pem",
        "key.jwk",
        "key.multikey.json",
        "public.pem",
        "public.jwk",
        "did.json",
    ] {
        let meta = std::fs::metadata(issuer.path("keys").join(name)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        }
        assert!(meta.len() > 0, "{name}");
    }
    // A second generate into the same folder refuses to overwrite the key.
    let again = credence(&["keys", "generate", "--out", &issuer.p("keys")]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_signed_badge_is_valid_until_its_status_list_revokes_it() {
    let issuer = Issuer::new();
    issuer.sign("di", "badge.json", "signed.json");
    let index = read_json(&issuer.path("badge.json"))["credentialStatus"]["statusListIndex"]
        .as_str()
        .unwrap()
        .to_owned();

    let (code, report) = issuer.verify("signed.json", &[]);
    assert_eq!(
        (code, report["verdict"].as_str()),
        (Some(1), Some("status_unknown"))
    );

    let clear = issuer.status_list("clear.json", &[]);
    let (code, report) = issuer.verify("signed.json", &["--status-list", &clear]);
    assert_eq!(
        (code, report["verdict"].as_str()),
        (Some(0), Some("valid")),
        "{report:#}"
    );

    let revoked = issuer.status_list("revoked.json", &[&index]);
    let (code, report) = issuer.verify("signed.json", &["--status-list", &revoked]);
    assert_eq!(
        (code, report["verdict"].as_str()),
        (Some(1), Some("revoked"))
    );
}

#[test]
fn jwt_forms_sign_and_verify() {
    let issuer = Issuer::new();
    let clear = issuer.status_list("clear.json", &[]);
    for (format, proof_format) in [("jwt", "vc-jwt"), ("vc-jose", "vc-jose")] {
        let file = format!("badge.{format}");
        issuer.sign(format, "badge.json", &file);
        let (code, report) = issuer.verify(&file, &["--status-list", &clear]);
        assert_eq!(report["verdict"], "valid", "{format}: {report:#}");
        assert_eq!(report["format"], "jwt");
        assert_eq!(report["proof_format"], proof_format);
        assert_eq!(code, Some(0));
    }
}

#[test]
fn baked_png_and_svg_verify_and_unbake_to_the_exact_credential() {
    let issuer = Issuer::new();
    let clear = issuer.status_list("clear.json", &[]);
    issuer.sign("di", "badge.json", "signed.json");
    let signed = std::fs::read_to_string(issuer.path("signed.json")).unwrap();
    let fixtures =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures");
    for image in ["badge.png", "badge.svg"] {
        let baked = format!("baked-{image}");
        let out = credence(&[
            "bake",
            "--image",
            fixtures.join(image).to_str().unwrap(),
            "--credential",
            &issuer.p("signed.json"),
            "--out",
            &issuer.p(&baked),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (code, report) = issuer.verify(&baked, &["--status-list", &clear]);
        assert_eq!(
            (code, report["verdict"].as_str()),
            (Some(0), Some("valid")),
            "{report:#}"
        );
        assert_eq!(report["format"], &image[6..]);
        let unbaked = credence(&["unbake", &issuer.p(&baked)]);
        assert_eq!(stdout(&unbaked).trim_end(), signed.trim_end(), "{image}");
    }
    // An image with no badge cannot be read as one.
    let out = credence(&["verify", fixtures.join("badge.png").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn known_identifier_confirms_the_recipient() {
    let issuer = Issuer::new();
    let clear = issuer.status_list("clear.json", &[]);
    issuer.sign("di", "badge.json", "signed.json");
    for (known, verdict, outcome) in [
        ("emailAddress:Amira.Okafor@Example.NHS.uk", "valid", "pass"),
        (
            "emailAddress:someone.else@example.nhs.uk",
            "recipient_mismatch",
            "fail",
        ),
        // The badge carries no registration: only the issuing service can check one.
        ("ext:NMCPIN:99a 9001e", "valid", "not_checked"),
    ] {
        let (_, report) = issuer.verify(
            "signed.json",
            &["--status-list", &clear, "--known-identifier", known],
        );
        assert_eq!(report["verdict"], verdict, "{known}: {report:#}");
        let recipient = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "recipient")
            .unwrap();
        assert_eq!(recipient["outcome"], outcome, "{known}: {report:#}");
    }
}

#[test]
fn bench_prints_the_four_figures_as_json() {
    let out = credence(&["bench", "--n", "3", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for key in [
        "sign_per_s",
        "verify_per_s",
        "ed25519_sign_per_s",
        "ed25519_verify_per_s",
    ] {
        assert!(figures[key].as_f64().unwrap() > 0.0, "{key}: {figures}");
    }
}

#[test]
fn bench_http_pushes_completions_through_the_api_one_by_one_and_in_batches() {
    for (mode, extra, requests) in [
        ("single", &["--concurrency", "3", "--stages"][..], 7),
        ("batch", &["--batch-size", "3"][..], 3),
    ] {
        let mut args = vec!["bench", "http", "--n", "7", "--mode", mode, "--json"];
        args.extend_from_slice(extra);
        let out = credence(&args);
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let figures: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(figures["backend"], "sqlite");
        assert_eq!(figures["mode"], mode);
        assert_eq!(figures["n"], 7);
        assert_eq!(figures["requests"], requests, "{figures}");
        assert!(figures["completions_per_s"].as_f64().unwrap() > 0.0);
        if mode == "single" {
            assert!(figures["stages"]["sign_per_s"].as_f64().unwrap() > 0.0);
        }
    }
    let out = credence(&["bench", "http", "--batch-size", "10001"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn issue_refuses_a_file_larger_than_the_batch_api_would_take_before_opening_anything() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("credence.toml");
    // One row per batch: the body limit is then 2,048 bytes.
    std::fs::write(&config, "max_batch_rows = 1\n").unwrap();
    let file = dir.path().join("completions.csv");
    std::fs::write(&file, "x".repeat(3000)).unwrap();
    let data = dir.path().join("data");
    let out = credence(&[
        "issue",
        file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("more than the 2048 a batch may have"),
        "{out:?}"
    );
    assert!(!data.exists(), "nothing is created for a refused file");
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    // `credence verify badge.json | head -1`: the reader goes away before the report is written.
    let signed = vectors().join("w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_credence"))
        .args([
            "verify",
            "--context",
            &examples_ctx_arg(),
            signed.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}
