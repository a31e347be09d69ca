//! An in-process Credence service on a temporary SQLite file (demo data loaded, a new issuer key,
//! the clock fixed at `sample::fixture_now()`), driven without a socket, for tests that fetch what
//! it publishes (badges, status lists, its DID document) and check them with the `credence`
//! binary or the independent JavaScript verifier.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use credence_app::clock::FixedClock;
use credence_core::model::sample;
use credence_server::{AppState, Config};
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

/// The service's base URL; its DID is `did:web:badges.test.example`.
pub const BASE_URL: &str = "https://badges.test.example";

/// A running service and a folder for what is fetched from it.
pub struct Served {
    /// Temporary folder: the database, and the files written by [`Served::save`].
    pub dir: tempfile::TempDir,
    /// The service's state.
    pub state: AppState,
    app: Router,
    admin_token: String,
    rt: tokio::runtime::Runtime,
}

impl Served {
    /// Starts a service on a fresh database.
    pub fn start() -> Served {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("credence.db").display());
        let config = Config::for_tests(BASE_URL, &url, dir.path());
        let clock = Arc::new(FixedClock(sample::fixture_now()));
        let (state, admin_token) = rt
            .block_on(credence_server::setup::demo_service(config, clock))
            .unwrap();
        Served {
            app: credence_server::app(state.clone()),
            state,
            admin_token,
            dir,
            rt,
        }
    }

    /// Sends `method path` as the administrator, with an optional JSON body.
    pub fn send(&self, method: Method, path: &str, json: Option<&Value>) -> (StatusCode, Vec<u8>) {
        let mut builder = Request::builder().method(method).uri(path).header(
            header::AUTHORIZATION,
            format!("Bearer {}", self.admin_token),
        );
        let body = match json {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(v).unwrap())
            }
            None => Body::empty(),
        };
        let request = builder.body(body).unwrap();
        self.rt.block_on(async {
            let response = self.app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, body.to_vec())
        })
    }

    /// `POST path` with a JSON body, which must answer `expect`; returns the answer.
    pub fn post(&self, path: &str, json: &Value, expect: StatusCode) -> Value {
        let (status, body) = self.send(Method::POST, path, Some(json));
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, expect, "POST {path}: {text}");
        serde_json::from_slice(&body).unwrap()
    }

    /// Issues a badge for sample completion `i` (Leeds, CS-OPF 1.0) and returns its UUID.
    pub fn issue(&self, i: usize) -> String {
        let completion = json!({
            "provider_reference": format!("LEEDS-OPF-2024-{i:05}"),
            "provider": "10007795",
            "specification": "CS-OPF",
            "specification_version": "1.0",
            "route": "within_msc",
            "completed_on": "2024-07-12",
            "practitioner": {
                "given_name": "Amira",
                "family_name": "Okafor",
                "email": format!("practitioner{i}@example.nhs.uk"),
                "registration": {"regulator": "NMC", "number": "99A9001E"}
            }
        });
        let answer = self.post("/api/v1/completions", &completion, StatusCode::CREATED);
        let id = answer["badge_id"].as_str().unwrap();
        id.trim_start_matches("urn:uuid:").to_owned()
    }

    /// Changes a badge's status: `revoke`, `suspend` or `reinstate`.
    pub fn change(&self, badge: &str, action: &str) {
        let body = match action {
            "reinstate" => json!({}),
            _ => json!({"reason": "issued_in_error"}),
        };
        let path = format!("/api/v1/badges/{badge}/{action}");
        self.post(&path, &body, StatusCode::OK);
    }

    /// `GET path` (a path, or a URL under [`BASE_URL`]) into `dir/file`; returns the file.
    pub fn save(&self, path: &str, file: &str) -> PathBuf {
        let path = path.strip_prefix(BASE_URL).unwrap_or(path);
        let (status, body) = self.send(Method::GET, path, None);
        assert_eq!(status, StatusCode::OK, "GET {path}");
        let out = self.dir.path().join(file);
        std::fs::write(&out, body).unwrap();
        out
    }

    /// Saves a badge's signed credential as `dir/{name}.json`.
    pub fn save_badge(&self, badge: &str, name: &str) -> PathBuf {
        self.save(
            &format!("/api/v1/badges/{badge}/credential"),
            &format!("{name}.json"),
        )
    }

    /// Saves every status list a saved badge names, as they are now: `(url, file)` pairs.
    pub fn save_lists(&self, badge_file: &PathBuf, tag: &str) -> Vec<(String, PathBuf)> {
        let badge: Value = serde_json::from_slice(&std::fs::read(badge_file).unwrap()).unwrap();
        badge["credentialStatus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                let url = entry["statusListCredential"].as_str().unwrap().to_owned();
                let n = url.rsplit('/').next().unwrap();
                let file = self.save(&url, &format!("list-{n}-{tag}.json"));
                (url, file)
            })
            .collect()
    }

    /// Saves the service's DID document as `dir/did.json`.
    pub fn save_did_document(&self) -> PathBuf {
        self.save("/.well-known/did.json", "did.json")
    }
}
