//! `credence verify --status-list` with the lists a running service publishes at
//! `/status/{list}`: revocation, suspension and reinstatement show in the next download.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use credence_testkit::Served;

/// `credence verify --json` with the DID document and these lists: (verdict, exit code).
fn verify(did: &Path, lists: &[(String, PathBuf)], badge: &Path) -> (String, Option<i32>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_credence"));
    cmd.args(["verify", "--json", "--did-doc"]).arg(did);
    for (_, file) in lists {
        cmd.arg("--status-list").arg(file);
    }
    let out = cmd.arg(badge).output().expect("run credence");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (
        report["verdict"].as_str().unwrap().to_owned(),
        out.status.code(),
    )
}

#[test]
fn verify_reads_the_status_lists_the_service_publishes() {
    let served = Served::start();
    let did = served.save_did_document();
    let a = served.issue(1);
    let b = served.issue(2);
    let badge_a = served.save_badge(&a, "a");
    let badge_b = served.save_badge(&b, "b");
    let before = served.save_lists(&badge_a, "before");
    assert_eq!(before.len(), 2, "a revocation and a suspension list");

    let valid = ("valid".to_owned(), Some(0));
    assert_eq!(verify(&did, &before, &badge_a), valid);
    assert_eq!(verify(&did, &before, &badge_b), valid);
    // Without the lists the status cannot be known.
    assert_eq!(verify(&did, &[], &badge_a).0, "status_unknown");

    served.change(&a, "revoke");
    served.change(&b, "suspend");
    let after = served.save_lists(&badge_a, "after");
    assert_eq!(
        verify(&did, &after, &badge_a),
        ("revoked".to_owned(), Some(1))
    );
    assert_eq!(
        verify(&did, &after, &badge_b),
        ("suspended".to_owned(), Some(1))
    );
    // The lists downloaded before the changes still say what they said.
    assert_eq!(verify(&did, &before, &badge_a), valid);

    served.change(&b, "reinstate");
    let reinstated = served.save_lists(&badge_b, "reinstated");
    assert_eq!(verify(&did, &reinstated, &badge_b), valid);
    assert_eq!(verify(&did, &reinstated, &badge_a).0, "revoked");
}
