//! Real `credence serve` processes over sockets: a badge verified by `credence verify`, two
//! services on one PostgreSQL database, and a crash in the middle of a batch.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use credence_core::model::sample::{self, Expected};
use credence_core::model::RawCompletion;
use credence_server::setup::KEY_FILE;
use credence_store::ChainCheck;

use credence_testkit::completions::{batch_rows, json_batch, synthetic};
use credence_testkit::{credence, skipped_pg, PgSchema, Raw, ServerProcess, ADMIN_TOKEN, BASE_URL};

const SUBMIT: &str = "/api/v1/completions";
const BATCH: &str = "/api/v1/completions/batch";

/// `credence verify FILE --did-doc DID --status-list LIST...`: the exit code and standard output.
fn verify(file: &Path, did_doc: &Path, lists: &[std::path::PathBuf]) -> (i32, String) {
    let mut args = vec![
        "verify".as_ref(),
        file.as_os_str(),
        "--did-doc".as_ref(),
        did_doc.as_os_str(),
    ];
    for list in lists {
        args.extend(["--status-list".as_ref(), list.as_os_str()]);
    }
    let out = credence(&args);
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn a_real_service_issues_badges_that_credence_verify_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("data"), None, &[]);
    let mut http = server.connect().await;

    // With the real clock the sample rows get the same answers as at the fixture's "now": each is
    // judged on its completion date, and every one is in the past.
    let mut issued = Vec::new();
    for case in sample::cases() {
        let request = case.raw.clone();
        let reply = http.post_json(SUBMIT, ADMIN_TOKEN, &request).await.unwrap();
        match case.expected {
            Expected::Issued => {
                reply.assert_status(201);
                let id = reply.json()["badge_id"].as_str().unwrap().to_owned();
                issued.push((request, id));
            }
            Expected::Refused(code) => {
                let problem =
                    reply.expect_problem(422, &format!("/problems/{}", code.replace('_', "-")));
                assert_eq!(problem["code"], code);
            }
        }
    }
    assert_eq!(issued.len(), 4);

    let did = http.get("/.well-known/did.json", None).await.unwrap();
    did.assert_status(200);
    assert_eq!(did.json()["id"], BASE_URL.replace("https://", "did:web:"));
    let did_path = dir.path().join("did.json");
    std::fs::write(&did_path, &did.body).unwrap();

    for (request, id) in &issued {
        let again = http.post_json(SUBMIT, ADMIN_TOKEN, request).await.unwrap();
        again.assert_status(200);
        assert_eq!(again.json()["badge_id"], id.as_str());

        let uuid = id.trim_start_matches("urn:uuid:");
        let credential = http
            .get(
                &format!("/api/v1/badges/{uuid}/credential"),
                Some(ADMIN_TOKEN),
            )
            .await
            .unwrap();
        credential.assert_status(200);
        let json_path = dir.path().join(format!("{uuid}.json"));
        std::fs::write(&json_path, &credential.body).unwrap();
        // The revocation and suspension lists it names, as the service publishes them.
        let mut lists = Vec::new();
        let entries = credential.json()["credentialStatus"].clone();
        for (i, entry) in entries.as_array().unwrap().iter().enumerate() {
            let url = entry["statusListCredential"].as_str().unwrap();
            let list = http
                .get(&url[url.find("/status/").unwrap()..], None)
                .await
                .unwrap();
            list.assert_status(200);
            let path = dir.path().join(format!("{uuid}-status-{i}.json"));
            std::fs::write(&path, &list.body).unwrap();
            lists.push(path);
        }
        assert_eq!(lists.len(), 2);
        let (code, out) = verify(&json_path, &did_path, &lists);
        assert_eq!(code, 0, "credence verify {uuid}.json: {out}");
        assert!(out.contains("verdict: valid"), "{out}");

        let jwt = http
            .get(&format!("/api/v1/badges/{uuid}/jwt"), Some(ADMIN_TOKEN))
            .await
            .unwrap();
        jwt.assert_status(200);
        let jwt_path = dir.path().join(format!("{uuid}.jwt"));
        std::fs::write(&jwt_path, &jwt.body).unwrap();
        let (code, out) = verify(&jwt_path, &did_path, &lists);
        assert_eq!(code, 0, "credence verify {uuid}.jwt: {out}");

        // One changed character in the signed document and the verdict is no longer valid.
        let mut tampered = credential.json();
        tampered["credentialSubject"]["achievement"]["name"] = "Something else".into();
        let tampered_path = dir.path().join(format!("{uuid}-tampered.json"));
        std::fs::write(&tampered_path, tampered.to_string()).unwrap();
        let (code, out) = verify(&tampered_path, &did_path, &lists);
        assert_eq!(code, 1, "a tampered badge must not verify: {out}");
    }
    // The issuer the badges name is the one the base URL fixes.
    let issuer = http.get("/issuer", None).await.unwrap();
    issuer.assert_status(200);
    assert!(issuer.json()["id"]
        .as_str()
        .unwrap()
        .starts_with(&BASE_URL.replace("https://", "did:web:")));
}

/// What one client saw for one completion.
struct Seen {
    row: usize,
    server: usize,
    status: u16,
    badge_id: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_services_on_one_postgres_database_badge_each_completion_once() {
    const N: usize = 500;
    const CLIENTS_PER_SERVER: usize = 4;
    let Some(pg) = PgSchema::create().await else {
        skipped_pg("two_services_on_one_postgres_database_badge_each_completion_once");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (dir.path().join("a"), dir.path().join("b"));
    let a = ServerProcess::start(&dir_a, Some(&pg.url), &[]);
    // The second replica signs with the same key: the one the first generated.
    std::fs::create_dir_all(&dir_b).unwrap();
    std::fs::copy(dir_a.join(KEY_FILE), dir_b.join(KEY_FILE)).unwrap();
    let b = ServerProcess::start(&dir_b, Some(&pg.url), &[]);
    let servers = [a, b];
    let did_a = servers[0]
        .connect()
        .await
        .get("/.well-known/did.json", None)
        .await
        .unwrap();
    let did_b = servers[1]
        .connect()
        .await
        .get("/.well-known/did.json", None)
        .await
        .unwrap();
    assert_eq!(did_a.json(), did_b.json(), "both replicas publish one key");

    let rows: Arc<Vec<RawCompletion>> = Arc::new((0..N).map(|i| synthetic("PG2", i)).collect());
    // Each server is sent every row, by several clients pulling from that server's own queue, so
    // the two servers race for each completion at about the same moment.
    let mut tasks = Vec::new();
    for (server, process) in servers.iter().enumerate() {
        let next = Arc::new(AtomicUsize::new(0));
        for _ in 0..CLIENTS_PER_SERVER {
            let mut http = process.connect().await;
            let (rows, next) = (rows.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut seen = Vec::new();
                loop {
                    let row = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = rows.get(row) else { break };
                    let reply = http.post_json(SUBMIT, ADMIN_TOKEN, request).await.unwrap();
                    let badge_id = serde_json::from_slice::<serde_json::Value>(&reply.body)
                        .ok()
                        .and_then(|v| v["badge_id"].as_str().map(str::to_owned));
                    seen.push(Seen {
                        row,
                        server,
                        status: reply.status.as_u16(),
                        badge_id,
                    });
                }
                seen
            }));
        }
    }
    let mut seen = Vec::new();
    for task in tasks {
        seen.extend(task.await.unwrap());
    }
    assert_eq!(seen.len(), 2 * N);

    let mut per_row: HashMap<usize, Vec<&Seen>> = HashMap::new();
    for s in &seen {
        assert!(
            s.status == 201 || s.status == 200,
            "row {} on server {}: {}",
            s.row,
            s.server,
            s.status
        );
        per_row.entry(s.row).or_default().push(s);
    }
    assert_eq!(per_row.len(), N);
    let mut answered_ids = HashSet::new();
    for (row, answers) in &per_row {
        let servers: HashSet<_> = answers.iter().map(|s| s.server).collect();
        assert_eq!(servers.len(), 2, "row {row} went to both servers");
        let ids: HashSet<_> = answers
            .iter()
            .map(|s| s.badge_id.clone().unwrap())
            .collect();
        assert_eq!(
            ids.len(),
            1,
            "row {row}: both servers name one badge: {ids:?}"
        );
        let created = answers.iter().filter(|s| s.status == 201).count();
        assert_eq!(created, 1, "row {row}: exactly one server issued it");
        answered_ids.extend(ids);
    }
    drop(servers);

    let raw = Raw::open(&pg.url).await;
    let written = raw.written().await;
    assert_eq!((written.completions, written.badges), (N as i64, N as i64));
    let stored: HashSet<String> = raw
        .strings("SELECT badge_id FROM badges")
        .await
        .into_iter()
        .collect();
    assert_eq!(
        stored, answered_ids,
        "the badges answered are the badges stored"
    );
    raw.close().await;
    let store = credence_store::connect(&pg.url).await.unwrap();
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        ChainCheck::Intact { .. }
    ));
    drop(store);
    pg.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_cut_by_sigkill_is_finished_by_resubmitting_it_without_duplicates() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Unoptimised builds sign a 10,000-row batch slowly: let the request take its time.
    let config = dir.path().join("credence.toml");
    std::fs::write(&config, "request_timeout = \"30m\"\n").unwrap();
    let config = config.to_str().unwrap();
    let url = format!("sqlite://{}", data.join("credence.db").display());
    let rows: Vec<_> = (0..N).map(|i| synthetic("KILL", i)).collect();
    let body = json_batch(&rows);

    let mut server = ServerProcess::start(&data, None, &["--config", config]);
    let mut http = server.connect().await;
    let body_sent = body.clone();
    let first = tokio::spawn(async move { http.post_json(BATCH, ADMIN_TOKEN, &body_sent).await });

    // Kill it as soon as some badges are committed (recording happens in chunks after signing).
    let raw = Raw::open(&url).await;
    let started = Instant::now();
    let mut finished_first = false;
    loop {
        if raw.scalar("SELECT COUNT(*) FROM badges").await > 0 {
            break;
        }
        if first.is_finished() {
            finished_first = true;
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "no badge after 10 minutes; log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill9();
    let cut_after = started.elapsed();
    let outcome = first.await.unwrap();
    raw.close().await;
    if finished_first {
        credence_testkit::skipped(
            "sigkill: the batch finished before a badge was seen; the kill came too late",
            "resubmission still checked",
        );
    } else {
        assert!(outcome.is_err(), "the killed service cannot have answered");
    }

    // Restart on the same data directory and send the batch again.
    let server = ServerProcess::start(&data, None, &["--config", config]);
    let raw = Raw::open(&url).await;
    let before = raw.written().await;
    assert_eq!(
        before.badges, before.completions,
        "a completion is never recorded without its badge"
    );
    let mut http = server.connect().await;
    let reply = http.post_json(BATCH, ADMIN_TOKEN, &body).await.unwrap();
    reply.assert_status(200);
    let answered = batch_rows(&reply.json());
    assert_eq!(answered.len(), N);
    let existing = answered.iter().filter(|(s, _)| *s == 200).count();
    let created = answered.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(existing + created, N, "every row is 201 or 200");
    assert_eq!(
        i64::try_from(existing).unwrap(),
        before.badges,
        "rows badged before the kill answer 200, the rest 201"
    );
    let ids: HashSet<_> = answered.iter().map(|(_, id)| id.clone().unwrap()).collect();
    assert_eq!(ids.len(), N, "one badge per row");

    let after = raw.written().await;
    assert_eq!((after.completions, after.badges), (N as i64, N as i64));
    let references = raw
        .scalar("SELECT COUNT(DISTINCT provider_reference) FROM completions")
        .await;
    assert_eq!(references, N as i64);
    raw.close().await;
    drop(server);
    let store = credence_store::connect(&url).await.unwrap();
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        ChainCheck::Intact { .. }
    ));
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "sigkill: killed after {cut_after:?} with {} of {N} badges recorded\n",
            before.badges
        ),
    );
}
