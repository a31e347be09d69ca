//! The resource attacks of the critical security issue against a real `credence serve`: crafted
//! blank-node graphs and huge inline contexts, unauthenticated. Each is answered quickly, the
//! process stays small, and it keeps answering.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use credence_testkit::completions::synthetic;
use credence_testkit::{resident, HttpClient, ServerProcess};

/// The badge with `extra` in its subject under terms its own context defines.
fn with_subject_extra(badge: &Value, extra: &[(&str, Value)]) -> Value {
    let mut doc = badge.clone();
    doc["@context"].as_array_mut().unwrap().push(json!({
        "chain": {"@id": "https://example.org/chain"},
        "next": {"@id": "https://example.org/next", "@type": "@id"},
        "nums": {"@id": "https://example.org/nums"}
    }));
    for (k, v) in extra {
        doc["credentialSubject"][*k] = v.clone();
    }
    doc
}

fn node(id: String, next: Vec<String>) -> Value {
    json!({"id": id, "next": next})
}

fn cycle(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| node(format!("_:b{i}"), vec![format!("_:b{}", (i + 1) % n)]))
            .collect(),
    )
}

fn pairs(n: usize) -> Value {
    Value::Array(
        (0..n)
            .flat_map(|i| {
                [
                    node(format!("_:a{i}"), vec![format!("_:z{i}")]),
                    node(format!("_:z{i}"), vec![format!("_:a{i}")]),
                ]
            })
            .collect(),
    )
}

fn clique(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                node(
                    format!("_:k{i}"),
                    (0..n)
                        .filter(|j| *j != i)
                        .map(|j| format!("_:k{j}"))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// Posts `doc` to the verify API; returns the status, after asserting the answer came in time.
async fn verify(http: &mut HttpClient, what: &str, doc: &Value) -> u16 {
    let body = serde_json::to_vec(doc).unwrap();
    let started = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        http.send(
            axum::http::Method::POST,
            "/api/v1/verify",
            None,
            Some("application/json"),
            body,
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("{what}: no answer in 20 s"))
    .unwrap_or_else(|e| panic!("{what}: the connection failed: {e}"));
    let took = started.elapsed();
    // The issue's bound is 2 s (release); unoptimised test builds on a loaded machine get some
    // headroom. The limits, not a clock, are what end the work.
    let bound = Duration::from_secs(if cfg!(debug_assertions) { 8 } else { 2 });
    assert!(took < bound, "{what} took {took:?}");
    let status = answer.status.as_u16();
    assert!(
        status < 500,
        "{what}: {status} {}",
        String::from_utf8_lossy(&answer.body)
    );
    if status == 200 {
        let report: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_ne!(report["verdict"], "valid", "{what}: {report}");
    }
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crafted_graphs_and_contexts_are_answered_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("data"), None, &["--verify-rate", "1000"]);
    let mut http = server.connect().await;
    let badge = http.issue(&synthetic("HOSTILE", 1)).await;

    let numbers: Vec<Value> = (0..200_000).map(|i| json!(i * 7 + 1)).collect();
    let attacks = [
        (
            "a cycle of 3,000 blank nodes",
            vec![("chain", cycle(3_000))],
        ),
        (
            "a cycle of 100,000 blank nodes",
            vec![("chain", cycle(100_000))],
        ),
        ("20,000 disjoint pairs", vec![("chain", pairs(20_000))]),
        ("a clique of 60", vec![("chain", clique(60))]),
        (
            "200,000 distinct numbers",
            vec![("nums", Value::Array(numbers))],
        ),
    ];
    for (what, extra) in &attacks {
        verify(&mut http, what, &with_subject_extra(&badge, extra)).await;
        let health = http.get("/healthz", None).await.unwrap();
        assert_eq!(health.status, 200, "{what}: /healthz");
    }
    let peak = resident(server.pid(), "VmHWM");
    assert!(peak < 512 << 20, "peak resident {} MiB", peak >> 20);

    // 30 requests each adding a distinct 100,000-term inline context: nothing of them is kept.
    // Resident memory is read after the first 10, once the allocator has grown its arenas for
    // requests this size (how far depends on the machine's load, not on what is kept), and again
    // after the last 20: a context kept per request (tens of MiB each) would add far more.
    let mut before = 0;
    for round in 0..30 {
        if round == 10 {
            before = resident(server.pid(), "VmRSS");
        }
        let mut doc = badge.clone();
        let terms: serde_json::Map<String, Value> = (0..100_000)
            .map(|i| {
                (
                    format!("t{round}x{i}"),
                    json!(format!("https://example.org/{round}/{i}")),
                )
            })
            .collect();
        doc["@context"]
            .as_array_mut()
            .unwrap()
            .push(Value::Object(terms));
        verify(&mut http, &format!("inline context {round}"), &doc).await;
    }
    let after = resident(server.pid(), "VmRSS");
    assert!(
        after < before + (100 << 20),
        "resident memory grew from {} MiB to {} MiB over 20 requests",
        before >> 20,
        after >> 20
    );
    let health = http.get("/healthz", None).await.unwrap();
    assert_eq!(health.status, 200);
}
