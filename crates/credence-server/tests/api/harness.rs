//! Shared helpers of the acceptance tests: an in-process service over SQLite or PostgreSQL, raw
//! database access (counting rows, tampering), the wire form of sample and synthetic completions,
//! a minimal HTTP/1.1 client, and real `credence serve` processes.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::{Days, NaiveDate};
use credence_app::clock::FixedClock;
use credence_core::model::{sample, RawCompletion};
use credence_server::setup;
use credence_server::wire::{
    AssessmentRequest, CompletionRequest, PractitionerRequest, RegistrationRequest,
};
use credence_server::{AppState, Config};
use credence_store::{NewApiClient, Scope, Store, TokenHash};
use credence_vc::keys::SecretKey;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use sqlx::{PgPool, SqlitePool};
use tempfile::TempDir;
use tower::ServiceExt as _;

/// The public base URL every test service runs under (its issuer is `did:web:credence.test`).
pub const BASE_URL: &str = "https://credence.test";
/// University of Leeds: approved for CS-OPF 1.0 (AP-001) and CS-MHA 1.0 (AP-002).
pub const LEEDS: &str = "10007795";
/// University of Nottingham: approved for CS-PEOL 1.0 (AP-003).
pub const NOTTINGHAM: &str = "10007154";
/// The administrator token real `credence serve` processes are started with.
pub const ADMIN_TOKEN: &str = "cred_test_admin_token_for_the_acceptance_tests";
/// The environment variable naming the PostgreSQL server of the tests.
pub const PG_ENV: &str = "CREDENCE_TEST_DATABASE_URL";

/// Says, past libtest's output capture, that a test did not run.
pub fn skipped(test: &str, why: &str) {
    assert!(
        std::env::var_os("CREDENCE_REQUIRE_ALL").is_none(),
        "CREDENCE_REQUIRE_ALL is set but {test} cannot run: {why}"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {why}");
}

/// Says that a PostgreSQL test did not run.
pub fn skipped_pg(test: &str) {
    skipped(test, &format!("{PG_ENV} unset"));
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A fresh PostgreSQL schema on the test server (dropped by [`PgSchema::drop_schema`]); `url`
/// selects it through `search_path`, so every connection of a store or a service lands there.
pub struct PgSchema {
    /// The database URL with the schema as `search_path`.
    pub url: String,
    admin: PgPool,
    schema: String,
}

impl PgSchema {
    /// A new empty schema, or `None` when no test server is configured.
    pub async fn create() -> Option<PgSchema> {
        let base = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty())?;
        let admin = PgPool::connect(&base).await.unwrap();
        let schema = format!("api_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(PgSchema { url, admin, schema })
    }

    /// Drops the schema and everything in it.
    pub async fn drop_schema(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await
            .unwrap();
        self.admin.close().await;
    }
}

/// Raw SQL access to a store's database, behind the store's back.
pub enum Raw {
    /// A SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL schema.
    Pg(PgPool),
}

/// What the service has written so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Rows in `completions`.
    pub completions: i64,
    /// Rows in `badges`.
    pub badges: i64,
    /// Rows in `audit_log`.
    pub audit: i64,
}

impl Raw {
    /// Opens a pool on the database a store URL names.
    pub async fn open(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(SqlitePool::connect(url).await.unwrap())
        } else {
            Raw::Pg(PgPool::connect(url).await.unwrap())
        }
    }

    /// Runs a statement and returns the rows it affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// One integer.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// One column of text.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            Raw::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        }
    }

    /// Row counts of the tables a submission writes.
    pub async fn written(&self) -> Written {
        Written {
            completions: self.scalar("SELECT COUNT(*) FROM completions").await,
            badges: self.scalar("SELECT COUNT(*) FROM badges").await,
            audit: self.scalar("SELECT COUNT(*) FROM audit_log").await,
        }
    }

    /// Closes the pool.
    pub async fn close(self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Pg(p) => p.close().await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The service in process

/// The service as a [`Router`] over a fresh database with the demo data, its clock stopped at
/// [`sample::fixture_now`], answering through `oneshot` without a socket.
pub struct TestApp {
    /// The whole service.
    pub app: Router,
    /// Its state (store, issuer...).
    pub state: AppState,
    /// Raw access to its database.
    pub raw: Raw,
    pg: Option<PgSchema>,
    _dir: TempDir,
}

impl TestApp {
    /// On a temporary SQLite file.
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("credence.db").display());
        TestApp::on(url, None, dir).await
    }

    /// On a fresh PostgreSQL schema, if a test server is configured.
    pub async fn postgres() -> Option<TestApp> {
        let pg = PgSchema::create().await?;
        let dir = tempfile::tempdir().unwrap();
        Some(TestApp::on(pg.url.clone(), Some(pg), dir).await)
    }

    async fn on(url: String, pg: Option<PgSchema>, dir: TempDir) -> TestApp {
        let store = credence_store::connect(&url).await.unwrap();
        setup::load_demo(
            store.as_ref(),
            &credence_store::Stamp::new(credence_store::Actor::system(), sample::fixture_now()),
        )
        .await
        .unwrap();
        let key = SecretKey::generate(&mut rand::rngs::OsRng);
        let config = Config::for_tests(BASE_URL, &url, dir.path());
        let clock = Arc::new(FixedClock(sample::fixture_now()));
        let state = setup::state_with(config, store, key, clock).await.unwrap();
        let raw = Raw::open(&url).await;
        TestApp {
            app: credence_server::app(state.clone()),
            state,
            raw,
            pg,
            _dir: dir,
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    /// Registers an API client with this scope and returns its id and token.
    pub async fn client(&self, scope: Scope) -> (credence_store::ApiClientId, String) {
        let token = format!("cred_test_{:032x}", rand::random::<u128>());
        let client = self
            .store()
            .create_api_client(
                &self.state.stamp(credence_store::Actor::system()),
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

    /// An administrator's token.
    pub async fn admin_token(&self) -> String {
        self.client(Scope::Admin).await.1
    }

    /// Answers one request.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    /// `POST path` with a body of this media type.
    pub async fn post(
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
        self.send(request.body(body.into()).unwrap()).await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &impl serde::Serialize,
    ) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap();
        self.post(path, token, "application/json", bytes).await
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Drops the PostgreSQL schema, if any.
    pub async fn finish(self) {
        self.raw.close().await;
        if let Some(pg) = self.pg {
            pg.drop_schema().await;
        }
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The media type.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the status, showing the body if it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts a problem+json answer of this status and `type`; returns the problem.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, kind: &str) -> Value {
        self.expect(status);
        assert_eq!(self.content_type(), "application/problem+json");
        let problem = self.json();
        assert_eq!(problem["type"], kind, "problem: {problem}");
        assert_eq!(problem["status"], status, "problem: {problem}");
        problem
    }
}

// ---------------------------------------------------------------------------------------------
// Completions on the wire

/// The wire form of a completion (the name split at the first space into given and family name).
pub fn wire(raw: &RawCompletion) -> CompletionRequest {
    let p = &raw.practitioner;
    let (given_name, family_name) = match p.name.as_deref().map(|n| n.split_once(' ')) {
        Some(Some((g, f))) => (Some(g.to_owned()), Some(f.to_owned())),
        Some(None) => (p.name.clone(), None),
        None => (None, None),
    };
    CompletionRequest {
        provider_reference: raw.provider_reference.clone(),
        provider: raw.provider.clone(),
        specification: raw.specification.clone(),
        specification_version: raw.version.clone(),
        route: raw.route.clone(),
        completed_on: raw.completed_on.clone(),
        practitioner: PractitionerRequest {
            given_name,
            family_name,
            publish_name: p.publish_name,
            email: p.email.clone(),
            registration: RegistrationRequest {
                regulator: p.registration.regulator.clone(),
                number: p.registration.number.clone(),
            },
        },
        assessment: raw.assessment.as_ref().map(|a| AssessmentRequest {
            academic_assessor: a.academic_signed_off_by.clone(),
            workplace_supervisor: a.workplace_signed_off_by.clone(),
        }),
    }
}

/// The sample case of this practitioner, on the wire.
pub fn sample_case(practitioner: &str) -> CompletionRequest {
    let case = sample::cases()
        .into_iter()
        .find(|c| c.practitioner == practitioner)
        .unwrap_or_else(|| panic!("no sample case for {practitioner}"));
    wire(&case.raw)
}

/// A valid completion of CS-OPF 1.0 at Leeds (AP-001), unique per `(prefix, i)`: reference
/// `{prefix}-{i}`, a completion date between 2023-09-01 and 2025-04-23, an NMC PIN of its own.
pub fn synthetic(prefix: &str, i: usize) -> CompletionRequest {
    let start = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
    let day = u64::try_from(i % 600).unwrap();
    CompletionRequest {
        provider_reference: format!("{prefix}-{i:06}"),
        provider: LEEDS.to_owned(),
        specification: "CS-OPF".to_owned(),
        specification_version: "1.0".to_owned(),
        route: ["within_msc", "after_msc", "after_eportfolio"][i % 3].to_owned(),
        completed_on: (start + Days::new(day)).to_string(),
        practitioner: PractitionerRequest {
            given_name: Some("Test".to_owned()),
            family_name: Some(format!("Practitioner {i}")),
            publish_name: false,
            email: format!("practitioner.{i}@{}.example.nhs.uk", prefix.to_lowercase()),
            registration: RegistrationRequest {
                regulator: "NMC".to_owned(),
                number: format!("9{}A{:04}E", (i / 10_000) % 10, i % 10_000),
            },
        },
        assessment: Some(AssessmentRequest {
            academic_assessor: "Dr Priya Natarajan, programme lead".to_owned(),
            workplace_supervisor: "Dr Morgan Ellis, consultant practitioner".to_owned(),
        }),
    }
}

/// A JSON batch body.
pub fn json_batch(rows: &[CompletionRequest]) -> Value {
    serde_json::json!({ "completions": rows })
}

/// The CSV header of a batch.
pub const CSV_HEADER: [&str; 14] = [
    "provider_reference",
    "provider",
    "specification",
    "specification_version",
    "route",
    "completed_on",
    "given_name",
    "family_name",
    "publish_name",
    "email",
    "regulator",
    "registration_number",
    "academic_assessor",
    "workplace_supervisor",
];

/// One completion as a CSV record in [`CSV_HEADER`] order.
pub fn csv_record(r: &CompletionRequest) -> Vec<String> {
    let p = &r.practitioner;
    let a = r.assessment.as_ref();
    vec![
        r.provider_reference.clone(),
        r.provider.clone(),
        r.specification.clone(),
        r.specification_version.clone(),
        r.route.clone(),
        r.completed_on.clone(),
        p.given_name.clone().unwrap_or_default(),
        p.family_name.clone().unwrap_or_default(),
        p.publish_name.to_string(),
        p.email.clone(),
        p.registration.regulator.clone(),
        p.registration.number.clone(),
        a.map(|a| a.academic_assessor.clone()).unwrap_or_default(),
        a.map(|a| a.workplace_supervisor.clone())
            .unwrap_or_default(),
    ]
}

/// A CSV batch body: the header, then one record per row.
pub fn csv_batch(rows: &[CompletionRequest]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).unwrap();
    for r in rows {
        w.write_record(csv_record(r)).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The `(status, badge_id)` of each row of a batch answer, checking rows are numbered in order.
#[track_caller]
pub fn batch_rows(answer: &Value) -> Vec<(u16, Option<String>)> {
    let results = answer["results"].as_array().expect("results");
    results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(r["row"], i + 1, "rows are answered in order: {r}");
            (
                u16::try_from(r["status"].as_u64().unwrap()).unwrap(),
                r["badge_id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// HTTP over a socket

/// One HTTP/1.1 keep-alive connection.
pub struct HttpClient {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl HttpClient {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> std::io::Result<HttpClient> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(HttpClient {
            sender,
            host: addr.to_string(),
        })
    }

    /// Sends one request; an error means the connection failed (e.g. the server died).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Reply, hyper::Error> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = content_type {
            request = request.header(header::CONTENT_TYPE, c);
        }
        self.sender.ready().await?;
        let response = self
            .sender
            .send_request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await?;
        let (parts, body) = response.into_parts();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await?.to_bytes(),
        })
    }

    /// `POST` a JSON body.
    pub async fn post_json(
        &mut self,
        path: &str,
        token: &str,
        body: &impl serde::Serialize,
    ) -> Result<Reply, hyper::Error> {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(
            Method::POST,
            path,
            Some(token),
            Some("application/json"),
            bytes,
        )
        .await
    }

    /// `GET`.
    /// Submits one completion as the administrator and returns its badge's signed credential.
    pub async fn issue(&mut self, completion: &CompletionRequest) -> Value {
        let issued = self
            .post_json("/api/v1/completions", ADMIN_TOKEN, completion)
            .await
            .unwrap();
        issued.expect(201);
        let id = issued.json()["badge_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:uuid:")
            .to_owned();
        let credential = self
            .get(
                &format!("/api/v1/badges/{id}/credential"),
                Some(ADMIN_TOKEN),
            )
            .await
            .unwrap();
        credential.expect(200);
        serde_json::from_slice(&credential.body).unwrap()
    }

    pub async fn get(&mut self, path: &str, token: Option<&str>) -> Result<Reply, hyper::Error> {
        self.send(Method::GET, path, token, None, Vec::new()).await
    }
}

// ---------------------------------------------------------------------------------------------
// Real `credence serve` processes

/// The `credence` binary of this build: `CREDENCE_BIN` if set; otherwise cargo builds it (a no-op
/// when it is up to date) into the target directory this test binary runs from.
pub fn credence_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("CREDENCE_BIN") {
            return PathBuf::from(bin);
        }
        // This binary is TARGET/PROFILE/deps/api-HASH.
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_owned();
        let target_dir = profile_dir.parent().unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--locked",
                "-p",
                "credence-cli",
                "--bin",
                "credence",
            ])
            .env("CARGO_TARGET_DIR", target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("running cargo to build credence");
        assert!(status.success(), "cargo build -p credence-cli failed");
        let bin = profile_dir.join(format!("credence{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

/// Runs `credence ARGS` to completion.
pub fn credence(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(credence_bin()).args(args).output().unwrap()
}

/// A memory figure of a process from `/proc/PID/status` (`VmRSS` now, `VmHWM` at its peak), in
/// bytes.
pub fn resident(pid: u32, field: &str) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// A `credence serve --demo` process listening on a free port of 127.0.0.1.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts `credence serve --demo` under [`BASE_URL`] with `data_dir` (and the database URL,
    /// if given, else the SQLite default in `data_dir`), administrator token [`ADMIN_TOKEN`], and
    /// any extra arguments; returns once it listens.
    pub fn start(data_dir: &Path, database_url: Option<&str>, extra: &[&str]) -> ServerProcess {
        let mut command = Command::new(credence_bin());
        command
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--base-url",
                BASE_URL,
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra)
            .env(setup::BOOTSTRAP_TOKEN_ENV, ADMIN_TOKEN)
            .env("RUST_LOG", "warn")
            .env_remove("CREDENCE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split_once("listening on http://").map(|(_, r)| r) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.parse::<SocketAddr>());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(addr)) => addr,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "credence serve did not start ({other:?}); its log:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        ServerProcess { child, addr, log }
    }

    /// A new connection to it.
    pub async fn connect(&self) -> HttpClient {
        HttpClient::connect(self.addr).await.unwrap()
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it with SIGKILL and reaps it.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What it has printed on standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
