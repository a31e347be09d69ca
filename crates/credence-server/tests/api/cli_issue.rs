//! `credence issue` and `credence admin badge`: the same use cases as the API, on the same
//! database. The DOMAIN.md sample rows get the same answers from the command as from the batch
//! API; a second run issues nothing new; a revocation from the command is what the running
//! service's verifier reports at once.

use std::ffi::OsStr;

use credence_core::model::sample;
use serde_json::{json, Value};

use credence_testkit::completions::{csv_batch, json_batch};
use credence_testkit::{credence, HttpClient, ServerProcess, ADMIN_TOKEN, BASE_URL};

/// Runs `credence issue FILE` on `data_dir` with the demo data; returns its exit code and rows.
fn issue(data_dir: &std::path::Path, file: &std::path::Path) -> (i32, Vec<Value>) {
    let out = credence(&[
        OsStr::new("issue"),
        file.as_os_str(),
        OsStr::new("--demo"),
        OsStr::new("--base-url"),
        OsStr::new(BASE_URL),
        OsStr::new("--data-dir"),
        data_dir.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code().unwrap_or(-1), rows)
}

/// Runs `credence admin --database-url URL badge ARGS`.
fn admin_badge(database_url: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![
        OsStr::new("admin"),
        OsStr::new("--database-url"),
        OsStr::new(database_url),
        OsStr::new("badge"),
    ];
    all.extend(args.iter().map(OsStr::new));
    credence(&all)
}

/// The verdict of `POST /api/v1/verify` on `body`.
async fn verdict(http: &mut HttpClient, body: &Value) -> Value {
    let answer = http
        .post_json("/api/v1/verify", ADMIN_TOKEN, body)
        .await
        .unwrap();
    answer.assert_status(200);
    answer.json()["verdict"].clone()
}

/// What a row's answer says apart from ids and links: its status and problem type.
fn gist(row: &Value) -> (u64, Value) {
    (
        row["status"].as_u64().unwrap(),
        row["problem"]["type"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credence_issue_answers_as_the_batch_api_and_admin_badge_revoke_takes_effect_at_once() {
    let rows: Vec<_> = sample::cases().iter().map(|c| c.raw.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let json_file = dir.path().join("completions.json");
    std::fs::write(&json_file, serde_json::to_vec(&json_batch(&rows)).unwrap()).unwrap();
    let csv_file = dir.path().join("completions.csv");
    std::fs::write(&csv_file, csv_batch(&rows)).unwrap();

    // The batch API's answers, from a service of its own.
    let api = {
        let server = ServerProcess::start(&dir.path().join("api"), None, &[]);
        let mut http = server.connect().await;
        let answer = http
            .post_json("/api/v1/completions/batch", ADMIN_TOKEN, &json_batch(&rows))
            .await
            .unwrap();
        answer.assert_status(200);
        answer.json()["results"].as_array().unwrap().clone()
    };
    assert!(api.iter().any(|r| r["status"] == 201), "{api:?}");
    assert!(
        api.iter().any(|r| r["status"] == 422),
        "the sample has refusals: {api:?}"
    );

    // The command, on a fresh database: the same answers, row for row.
    let data = dir.path().join("cli");
    let (code, first) = issue(&data, &json_file);
    assert_eq!(
        code, 1,
        "some sample rows are refused, so the exit code is 1"
    );
    assert_eq!(
        first.iter().map(gist).collect::<Vec<_>>(),
        api.iter().map(gist).collect::<Vec<_>>()
    );

    // Again, from the CSV form: nothing new is issued, the same badges answer.
    let (_, second) = issue(&data, &csv_file);
    for (a, b) in first.iter().zip(&second) {
        match a["status"].as_u64() {
            Some(201) => {
                assert_eq!(b["status"], 200, "{b}");
                assert_eq!(a["badge_id"], b["badge_id"]);
            }
            _ => assert_eq!(gist(a), gist(b)),
        }
    }
    let issued: Vec<&str> = first
        .iter()
        .filter(|r| r["status"] == 201)
        .map(|r| r["badge_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        issued.len(),
        api.iter().filter(|r| r["status"] == 201).count()
    );

    // Only valid rows: exit 0.
    let valid: Vec<_> = rows
        .iter()
        .zip(&first)
        .filter(|(_, r)| r["status"] == 201)
        .map(|(c, _)| c.clone())
        .collect();
    let valid_file = dir.path().join("valid.json");
    std::fs::write(
        &valid_file,
        serde_json::to_vec(&json_batch(&valid)).unwrap(),
    )
    .unwrap();
    assert_eq!(issue(&data, &valid_file).0, 0);

    // The service on the command's database verifies the badge; a revocation from the command
    // shows at once.
    let server = ServerProcess::start(&data, None, &[]);
    let mut http = server.connect().await;
    let badge = issued[0].trim_start_matches("urn:uuid:");
    let credential = http
        .get(
            &format!("/api/v1/badges/{badge}/credential"),
            Some(ADMIN_TOKEN),
        )
        .await
        .unwrap();
    credential.assert_status(200);
    let credential: Value = serde_json::from_slice(&credential.body).unwrap();
    let body = json!({ "verifiableCredential": credential });
    assert_eq!(verdict(&mut http, &body).await, "valid");
    let database_url = format!("sqlite://{}", data.join("credence.db").display());
    let out = admin_badge(
        &database_url,
        &[
            "revoke",
            badge,
            "--reason",
            "issued_in_error",
            "--note",
            "test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["revoked"], true);
    assert_eq!(verdict(&mut http, &body).await, "revoked");

    // list and show see it; a second revocation is refused.
    let out = admin_badge(&database_url, &["show", badge]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"]["revocation"]["reason"], "issued_in_error");
    let out = admin_badge(&database_url, &["list"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        issued.len()
    );
    let out = admin_badge(&database_url, &["revoke", badge, "--reason", "other"]);
    assert!(!out.status.success());
}
