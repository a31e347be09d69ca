//! The service in process, on a fresh database.
//!
//! `TestApp::all()` gives one app per backend (SQLite always; PostgreSQL when
//! `CREDENCE_TEST_DATABASE_URL` is set, in a fresh schema dropped by `finish`). Each app has an
//! administrator token made by the real bootstrap, a new issuer key, and a clock fixed at
//! `sample::fixture_now()`; `with_demo` loads DOMAIN.md's sample data.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use credence_app::clock::FixedClock;
use credence_core::model::sample;
use credence_server::{AppState, Config};
use credence_store::{Actor, ApiClientId, NewApiClient, Scope, Store, StoreOptions, TokenHash};
use credence_vc::keys::SecretKey;
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::{skipped_pg, PgSchema, Raw, Reply, BASE_URL};

/// A service on its own database.
pub struct TestApp {
    /// Which backend: `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The shared state (store, issuer, clock...).
    pub state: AppState,
    /// A token with the `admin` scope.
    pub admin_token: String,
    /// The database URL.
    pub url: String,
    /// Raw SQL access to its database.
    pub raw: Raw,
    app: Router,
    key_pem: String,
    _dir: tempfile::TempDir,
    pg: Option<PgSchema>,
}

impl TestApp {
    /// An app on SQLite, plus one on PostgreSQL when `CREDENCE_TEST_DATABASE_URL` is set.
    pub async fn all() -> Vec<TestApp> {
        TestApp::all_with(StoreOptions::default()).await
    }

    /// [`all`](Self::all) with these store options.
    pub async fn all_with(options: StoreOptions) -> Vec<TestApp> {
        let mut apps = vec![TestApp::sqlite_with(options).await];
        match TestApp::postgres_with(options).await {
            Some(pg) => apps.push(pg),
            None => skipped_pg("the PostgreSQL half of this test"),
        }
        apps
    }

    /// An app on a fresh SQLite file.
    pub async fn sqlite() -> TestApp {
        TestApp::sqlite_with(StoreOptions::default()).await
    }

    /// An app on a fresh SQLite file, with these store options.
    pub async fn sqlite_with(options: StoreOptions) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("credence.db").display());
        TestApp::build("sqlite", url, dir, None, options, |_| {}).await
    }

    /// An app on a fresh SQLite file whose configuration `edit` changes first (limits, rates...).
    pub async fn sqlite_configured(edit: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("credence.db").display());
        TestApp::build("sqlite", url, dir, None, StoreOptions::default(), edit).await
    }

    /// An app in a fresh schema of the `CREDENCE_TEST_DATABASE_URL` database, if set.
    pub async fn postgres() -> Option<TestApp> {
        TestApp::postgres_with(StoreOptions::default()).await
    }

    /// [`postgres`](Self::postgres) with these store options.
    pub async fn postgres_with(options: StoreOptions) -> Option<TestApp> {
        let schema = PgSchema::create().await?;
        let dir = tempfile::tempdir().unwrap();
        let url = schema.url.clone();
        Some(TestApp::build("postgres", url, dir, Some(schema), options, |_| {}).await)
    }

    async fn build(
        backend: &'static str,
        url: String,
        dir: tempfile::TempDir,
        pg: Option<PgSchema>,
        options: StoreOptions,
        edit: impl FnOnce(&mut Config),
    ) -> TestApp {
        let store = credence_store::connect_with(&url, options).await.unwrap();
        let admin_token = credence_server::setup::bootstrap_admin(
            store.as_ref(),
            &credence_store::Stamp::new(credence_store::Actor::system(), sample::fixture_now()),
            None,
        )
        .await
        .unwrap()
        .generated_token()
        .expect("a fresh database gets a first administrator token");
        let key = SecretKey::generate(&mut rand::rngs::OsRng);
        let key_pem = key.to_pkcs8_pem().unwrap().to_string();
        let mut config = Config::for_tests(BASE_URL, &url, dir.path());
        edit(&mut config);
        let state = TestApp::state(config, store, key).await;
        TestApp {
            backend,
            app: credence_server::app(state.clone()),
            state,
            admin_token,
            raw: Raw::open(&url).await,
            url,
            key_pem,
            _dir: dir,
            pg,
        }
    }

    async fn state(config: Config, store: Arc<dyn Store>, key: SecretKey) -> AppState {
        let clock = Arc::new(FixedClock(sample::fixture_now()));
        credence_server::setup::state_with(config, store, key, clock)
            .await
            .unwrap()
    }

    /// A second replica of this service: its own store connection to the same database, the
    /// same issuer key and administrator token (`finish` the first one only).
    pub async fn replica(&self, options: StoreOptions) -> TestApp {
        let store = credence_store::connect_with(&self.url, options)
            .await
            .unwrap();
        let key = SecretKey::from_any_text(&self.key_pem).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = Config::for_tests(BASE_URL, &self.url, dir.path());
        let state = TestApp::state(config, store, key).await;
        TestApp {
            backend: self.backend,
            app: credence_server::app(state.clone()),
            state,
            admin_token: self.admin_token.clone(),
            raw: Raw::open(&self.url).await,
            url: self.url.clone(),
            key_pem: self.key_pem.clone(),
            _dir: dir,
            pg: None,
        }
    }

    /// Loads DOMAIN.md's sample specifications, providers and approvals.
    pub async fn load_demo(&self) {
        credence_server::setup::load_demo(
            self.state.store.as_ref(),
            &credence_store::Stamp::new(credence_store::Actor::system(), sample::fixture_now()),
        )
        .await
        .unwrap();
    }

    /// This app with DOMAIN.md's sample data loaded.
    pub async fn with_demo(self) -> TestApp {
        self.load_demo().await;
        self
    }

    /// The app's own temporary folder (its SQLite file, its data directory).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    /// Registers an API client with this scope and returns its id and token.
    pub async fn client(&self, scope: Scope) -> (ApiClientId, String) {
        let token = format!("cred_test_{:032x}", rand::random::<u128>());
        let client = self
            .store()
            .create_api_client(
                &self.state.stamp(Actor::system()),
                &NewApiClient {
                    name: format!("test client {scope}"),
                    token_hash: TokenHash::of_token(&token),
                    scope,
                },
            )
            .await
            .unwrap();
        (client.id, token)
    }

    /// A token scoped to one provider.
    pub async fn provider_token(&self, ukprn: &str) -> String {
        self.client(Scope::Provider(ukprn.try_into().unwrap()))
            .await
            .1
    }

    /// Drops the PostgreSQL schema (SQLite's folder goes with the app).
    pub async fn finish(self) {
        let TestApp {
            state,
            app,
            pg,
            raw,
            ..
        } = self;
        raw.close().await;
        drop(app);
        drop(state);
        if let Some(schema) = pg {
            schema.drop_schema().await;
        }
    }

    /// Sends a request.
    pub async fn request(&self, request: Request<Body>) -> Reply {
        send_to(self.app.clone(), request).await
    }

    /// The service's router (to send requests from spawned tasks with [`send_to`]).
    pub fn router(&self) -> Router {
        self.app.clone()
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        json: Option<&Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match json {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(v).unwrap())
            }
            None => Body::empty(),
        };
        self.request(builder.body(body).unwrap()).await
    }

    /// `GET path` as `token`.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None).await
    }

    /// `POST path` with a JSON body as `token`.
    pub async fn post(&self, path: &str, token: &str, json: &Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(json)).await
    }

    /// `GET path` as the administrator.
    pub async fn admin_get(&self, path: &str) -> Reply {
        self.get(path, &self.admin_token).await
    }

    /// `POST path` with a JSON body as the administrator.
    pub async fn admin_post(&self, path: &str, json: &Value) -> Reply {
        self.post(path, &self.admin_token, json).await
    }

    /// `POST path` with a JSON body, as `token` if any.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl serde::Serialize,
    ) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap();
        self.post_as(path, token, "application/json", bytes).await
    }

    /// `POST path` with `body` as `content_type`, as `token` if any.
    pub async fn post_as(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.request(request.body(body.into()).unwrap()).await
    }

    /// `POST path` with `body` as `content_type`, unauthenticated (the public routes).
    pub async fn post_body(&self, path: &str, content_type: &str, body: impl Into<Body>) -> Reply {
        self.post_as(path, None, content_type, body).await
    }

    /// Submits `completion` as the administrator (201 expected) and returns the badge's path id
    /// (its UUID) and its credential as served.
    pub async fn issue(&self, completion: &Value) -> (String, Reply) {
        let answer = self
            .admin_post("/api/v1/completions", completion)
            .await
            .expect(StatusCode::CREATED);
        let id = answer["badge_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:uuid:")
            .to_owned();
        let credential = self
            .admin_get(&format!("/api/v1/badges/{id}/credential"))
            .await;
        assert_eq!(credential.status, StatusCode::OK);
        (id, credential)
    }
}

/// Sends a request to a router and reads the whole response.
pub async fn send_to(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}
