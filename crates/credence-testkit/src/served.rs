//! The service in process for tests without an async runtime: a [`TestApp`] on a temporary
//! SQLite file with the demo data, driven through its own runtime, for tests that fetch what it
//! publishes (badges, status lists, its DID document) and check them with the `credence` binary
//! or the independent JavaScript verifier.

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::completions::completion;
use crate::{TestApp, BASE_URL};

/// A running service and a folder for what is fetched from it.
pub struct Served {
    app: TestApp,
    rt: tokio::runtime::Runtime,
}

impl Served {
    /// Starts a service on a fresh database with the demo data.
    pub fn start() -> Served {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let app = rt.block_on(async { TestApp::sqlite().await.with_demo().await });
        Served { app, rt }
    }

    /// The service.
    pub fn app(&self) -> &TestApp {
        &self.app
    }

    /// The folder holding the database and the files written by [`Served::save`].
    pub fn dir(&self) -> &std::path::Path {
        self.app.dir()
    }

    /// Sends `method path` as the administrator, with an optional JSON body.
    pub fn send(&self, method: Method, path: &str, json: Option<&Value>) -> (StatusCode, Vec<u8>) {
        let token = &self.app.admin_token;
        let reply = self
            .rt
            .block_on(self.app.send(method, path, Some(token), json));
        (reply.status, reply.body)
    }

    /// `POST path` with a JSON body, which must answer `expect`; returns the answer.
    pub fn post(&self, path: &str, json: &Value, expect: StatusCode) -> Value {
        let (status, body) = self.send(Method::POST, path, Some(json));
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, expect, "POST {path}: {text}");
        serde_json::from_slice(&body).unwrap()
    }

    /// Issues a badge for [`completion`] `i` (Amira Okafor, Leeds, CS-OPF 1.0) and returns its
    /// UUID.
    pub fn issue(&self, i: usize) -> String {
        let answer = self.post("/api/v1/completions", &completion(i), StatusCode::CREATED);
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
        let out = self.dir().join(file);
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
