//! Status lists: making and signing a full list (131,072 entries: build, GZIP, eddsa-rdfc-2022)
//! at several densities; the first `GET /status/{list}` after a bit changed (made and signed
//! again); and the latency from a revocation returning to `POST /api/v1/verify` reporting it.
//! The service runs in process on a temporary SQLite file, driven without a socket.
// A benchmark harness, like a test: failing loudly on bad fixture data is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use credence_app::clock::FixedClock;
use credence_core::model::{sample, BadgeId};
use credence_core::status::StatusListId;
use credence_server::status_lists::make_signed;
use credence_server::{AppState, Config};
use credence_store::StatusListRecord;
use credence_vc::status::{StatusPurpose, MIN_LIST_LEN};
use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode};
use http_body_util::BodyExt as _;
use rand::seq::index::sample as sample_indexes;
use rand::SeedableRng as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

const BASE_URL: &str = "https://badges.bench.example";

struct Service {
    rt: tokio::runtime::Runtime,
    app: Router,
    state: AppState,
    token: String,
    next: usize,
    _dir: tempfile::TempDir,
}

impl Service {
    fn start() -> Service {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("credence.db").display());
        let mut config = Config::for_tests(BASE_URL, &url, dir.path());
        config.verify_rate_per_second = 1e9;
        config.verify_burst = 1e9;
        let clock = Arc::new(FixedClock(sample::fixture_now()));
        let (state, token) = rt
            .block_on(credence_server::setup::demo_service(config, clock))
            .unwrap();
        Service {
            app: credence_server::app(state.clone()),
            rt,
            state,
            token,
            next: 0,
            _dir: dir,
        }
    }

    fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> (StatusCode, Vec<u8>) {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        if body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(body.map_or_else(Body::empty, Body::from))
            .unwrap();
        self.rt.block_on(async {
            let response = self.app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, bytes.to_vec())
        })
    }

    fn post(&self, path: &str, json: &Value) -> Value {
        let (status, body) = self.send(Method::POST, path, Some(serde_json::to_vec(json).unwrap()));
        assert!(
            status.is_success(),
            "{path}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    /// Issues `n` new badges; returns their UUIDs and signed credentials.
    fn issue(&mut self, n: usize) -> Vec<(String, Vec<u8>)> {
        let rows: Vec<Value> = (self.next..self.next + n)
            .map(credence_testkit::completions::completion)
            .collect();
        self.next += n;
        let answer = self.post("/api/v1/completions/batch", &json!({ "completions": rows }));
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let id = row["badge_id"].as_str().unwrap();
                let badge = BadgeId::try_from(id).unwrap();
                let record = self
                    .rt
                    .block_on(self.state.store.badge(&badge))
                    .unwrap()
                    .unwrap();
                (
                    id.trim_start_matches("urn:uuid:").to_owned(),
                    record.credential.into_bytes(),
                )
            })
            .collect()
    }

    fn verdict(&self, badge: &[u8]) -> String {
        let (status, body) = self.send(Method::POST, "/api/v1/verify", Some(badge.to_vec()));
        assert_eq!(status, StatusCode::OK);
        let report: Value = serde_json::from_slice(&body).unwrap();
        report["verdict"].as_str().unwrap().to_owned()
    }
}

fn regeneration(c: &mut Criterion) {
    let service = Service::start();
    let mut group = c.benchmark_group("status list regeneration (131,072 entries)");
    group.sample_size(20);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for set in [0, MIN_LIST_LEN / 100, MIN_LIST_LEN / 10] {
        let mut indexes: Vec<u64> = sample_indexes(&mut rng, MIN_LIST_LEN, set)
            .into_iter()
            .map(|i| i as u64)
            .collect();
        indexes.sort_unstable();
        let record = StatusListRecord {
            id: StatusListId(1),
            purpose: StatusPurpose::Revocation,
            size: MIN_LIST_LEN,
            allocated: MIN_LIST_LEN,
            version: 1,
            created_at: sample::fixture_now(),
            set_indexes: indexes,
            signed: None,
        };
        let now = sample::fixture_now();
        let bytes = make_signed(&service.state.issuer, &record, now)
            .unwrap()
            .len();
        group.bench_function(format!("{set} set bits ({bytes} bytes signed)"), |b| {
            b.iter(|| make_signed(&service.state.issuer, black_box(&record), now).unwrap())
        });
    }
    group.finish();
}

fn visibility(c: &mut Criterion) {
    let mut service = Service::start();
    let mut pool = service.issue(500);
    let (toggled, toggled_badge) = pool.pop().unwrap();
    let status: Value = {
        let (_, body) = service.send(
            Method::GET,
            &format!("/api/v1/badges/{toggled}/status"),
            None,
        );
        serde_json::from_slice(&body).unwrap()
    };
    let suspension_list = status["suspension"]["status_list_credential"]
        .as_str()
        .unwrap()
        .trim_start_matches(BASE_URL)
        .to_owned();
    assert_eq!(service.verdict(&toggled_badge), "valid");

    let mut group = c.benchmark_group("status change to visible");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("GET /status/{list}, unchanged (stored)", |b| {
        b.iter(|| {
            let (status, body) = service.send(Method::GET, &suspension_list, None);
            assert_eq!(status, StatusCode::OK);
            body
        })
    });
    group.bench_function("POST /api/v1/verify, no change", |b| {
        b.iter(|| assert_eq!(service.verdict(&toggled_badge), "valid"))
    });

    let mut suspended = false;
    group.bench_function(
        "GET /status/{list}, first after a change (made and signed)",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (action, body) = if suspended {
                        ("reinstate", json!({}))
                    } else {
                        ("suspend", json!({"reason": "under_investigation"}))
                    };
                    service.post(&format!("/api/v1/badges/{toggled}/{action}"), &body);
                    suspended = !suspended;
                    let start = Instant::now();
                    let (status, _) = service.send(Method::GET, &suspension_list, None);
                    total += start.elapsed();
                    assert_eq!(status, StatusCode::OK);
                }
                total
            })
        },
    );

    group.bench_function("revoke returned -> POST /api/v1/verify says revoked", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                if pool.is_empty() {
                    pool = service.issue(500);
                }
                let (id, badge) = pool.pop().unwrap();
                service.post(
                    &format!("/api/v1/badges/{id}/revoke"),
                    &json!({"reason": "issued_in_error"}),
                );
                let start = Instant::now();
                let verdict = service.verdict(&badge);
                total += start.elapsed();
                assert_eq!(verdict, "revoked");
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, regeneration, visibility);
criterion_main!(benches);
