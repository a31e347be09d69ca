//! `credence bench http`: synthetic completions through the HTTP API of an in-process service,
//! over a real socket, one per request or in batches; optionally timed again stage by stage
//! (signing on every core, store look-ups, store writes) to show where the time goes.

use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _};
use chrono::Utc;
use clap::{Args, ValueEnum};
use credence_app::clock::SystemClock;
use credence_core::model::{
    decide, sample, select_approval, BadgeId, Completion, IssuanceInput, Salt,
};
use credence_server::{setup, AppState, Config};
use credence_store::{Actor, NewIssuance, Stamp};
use credence_vc::keys::SecretKey;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::Serialize;

/// One completion per request, or batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `POST /api/v1/completions`, one completion each.
    Single,
    /// `POST /api/v1/completions/batch`, `--batch-size` completions each.
    Batch,
}

/// Arguments of `credence bench http`.
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// The database: `sqlite://FILE` or `postgres://...` [default: a temporary SQLite file].
    #[arg(long)]
    database_url: Option<String>,
    /// How many completions to submit.
    #[arg(long, default_value_t = 2000)]
    n: usize,
    /// One completion per request (`single`) or batches (`batch`).
    #[arg(long, value_enum, default_value_t = Mode::Single)]
    mode: Mode,
    /// Completions per batch request (1 to 10,000).
    #[arg(long, default_value_t = 10_000)]
    batch_size: usize,
    /// Requests in flight at once, each on its own connection.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Then time the stages alone on `min(N, 5000)` more completions: signing on every core,
    /// the store's look-ups, the store's writes.
    #[arg(long)]
    stages: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// What `credence bench http --json` prints.
#[derive(Debug, Serialize)]
struct Figures {
    backend: &'static str,
    mode: Mode,
    n: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch_size: Option<usize>,
    concurrency: usize,
    requests: usize,
    seconds: f64,
    completions_per_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    stages: Option<Stages>,
}

/// Each stage of issuance alone, in completions per second.
#[derive(Debug, Serialize)]
struct Stages {
    n: usize,
    /// Rules and unsigned badge, one core.
    decide_per_s: f64,
    /// Data Integrity proof and VC-JWT, on every core.
    sign_per_s: f64,
    /// `badge_for_reference`, one at a time (as the service does before signing).
    lookup_per_s: f64,
    /// `record_issuances` in chunks of 500 (as the service does).
    record_per_s: f64,
}

/// Runs `credence bench http`.
pub fn run(args: HttpArgs) -> anyhow::Result<std::process::ExitCode> {
    ensure!(args.n >= 1, "--n must be at least 1");
    ensure!(
        (1..=10_000).contains(&args.batch_size),
        "--batch-size must be between 1 and 10000"
    );
    ensure!(args.concurrency >= 1, "--concurrency must be at least 1");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let figures = runtime.block_on(bench(&args))?;
    print(&figures, args.json)?;
    Ok(std::process::ExitCode::SUCCESS)
}

async fn bench(args: &HttpArgs) -> anyhow::Result<Figures> {
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let backend = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let store = credence_store::connect(&url)
        .await
        .context("opening the database")?;
    let stamp = Stamp::new(Actor::system(), Utc::now());
    setup::load_demo(store.as_ref(), &stamp).await?;
    let token = credence_app::admin::new_token();
    setup::bootstrap_admin(store.as_ref(), &stamp, Some(&token)).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = Config::for_tests(&format!("http://{addr}"), &url, dir.path());
    config.request_timeout = Duration::from_secs(3600);
    let key = SecretKey::generate(&mut rand::rngs::OsRng);
    let state = setup::state_with(config, store, key, Arc::new(SystemClock)).await?;
    let server =
        tokio::spawn(axum::serve(listener, credence_server::app(state.clone())).into_future());

    // A prefix of its own, so runs on one database never share a reference.
    let prefix = format!("BENCH-{:08X}", rand::random::<u32>());
    let (path, bodies) = request_bodies(args, &prefix)?;
    let requests = bodies.len();
    let started = Instant::now();
    let issued = push(addr, &token, path, bodies, args.concurrency).await?;
    let seconds = started.elapsed().as_secs_f64();
    server.abort();
    ensure!(
        issued == args.n,
        "only {issued} of {} completions were issued",
        args.n
    );
    let stages = if args.stages {
        Some(stages(&state, &format!("{prefix}-S"), args.n.min(5000)).await?)
    } else {
        None
    };
    Ok(Figures {
        backend,
        mode: args.mode,
        n: args.n,
        batch_size: (args.mode == Mode::Batch).then_some(args.batch_size),
        concurrency: args.concurrency,
        requests,
        seconds,
        completions_per_s: args.n as f64 / seconds,
        stages,
    })
}

/// The request path and the bodies to send, serialized before the clock starts.
fn request_bodies(args: &HttpArgs, prefix: &str) -> anyhow::Result<(&'static str, Vec<Bytes>)> {
    let rows: Vec<_> = (0..args.n).map(|i| sample::synthetic(prefix, i)).collect();
    Ok(match args.mode {
        Mode::Single => (
            "/api/v1/completions",
            rows.iter()
                .map(|r| serde_json::to_vec(r).map(Bytes::from))
                .collect::<Result<_, _>>()?,
        ),
        Mode::Batch => (
            "/api/v1/completions/batch",
            rows.chunks(args.batch_size)
                .map(|chunk| {
                    serde_json::to_vec(&serde_json::json!({ "completions": chunk }))
                        .map(Bytes::from)
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Sends every body, `concurrency` at a time, and returns how many completions were issued (201).
async fn push(
    addr: SocketAddr,
    token: &str,
    path: &'static str,
    bodies: Vec<Bytes>,
    concurrency: usize,
) -> anyhow::Result<usize> {
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.min(bodies.len()) {
        let (bodies, next) = (bodies.clone(), next.clone());
        let auth = format!("Bearer {token}");
        workers.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut issued = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let request = hyper::Request::post(path)
                    .header(hyper::header::HOST, addr.to_string())
                    .header(hyper::header::AUTHORIZATION, &auth)
                    .header(hyper::header::CONTENT_TYPE, "application/json")
                    .body(Full::new(body.clone()))?;
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                let status = response.status();
                let answer = response.into_body().collect().await?.to_bytes();
                issued += count_issued(path, status.as_u16(), &answer)?;
            }
            anyhow::Ok(issued)
        }));
    }
    let mut issued = 0;
    for w in workers {
        issued += w.await??;
    }
    Ok(issued)
}

/// How many completions an answer says were issued; any other answer is an error.
fn count_issued(path: &str, status: u16, body: &[u8]) -> anyhow::Result<usize> {
    let text = || {
        String::from_utf8_lossy(body)
            .chars()
            .take(500)
            .collect::<String>()
    };
    if path.ends_with("/batch") {
        ensure!(status == 200, "batch answered {status}: {}", text());
        let answer: serde_json::Value = serde_json::from_slice(body)?;
        let rows = answer["results"].as_array().map_or(&[][..], Vec::as_slice);
        if let Some(bad) = rows.iter().find(|r| r["status"] != 201) {
            bail!("a batch row was not issued: {bad}");
        }
        Ok(rows.len())
    } else {
        ensure!(status == 201, "completion answered {status}: {}", text());
        Ok(1)
    }
}

/// Times each stage of issuance alone on `n` new completions: deciding, signing (on every core),
/// looking references up, recording in chunks of 500.
async fn stages(state: &AppState, prefix: &str, n: usize) -> anyhow::Result<Stages> {
    let completions = (0..n)
        .map(|i| Completion::try_from(sample::synthetic(prefix, i)))
        .collect::<Result<Vec<_>, _>>()?;
    let first = completions.first().context("no completion")?;
    let store = state.store.as_ref();
    let spec = store
        .specification(first.specification(), first.version())
        .await?
        .context("CS-OPF 1.0 is not in the demo data")?;
    let provider = store
        .provider(first.provider())
        .await?
        .context("Leeds is not in the demo data")?;
    let approvals = store.list_approvals(Some(first.provider())).await?;
    let now = Utc::now();
    let issuer = state.issuer.as_ref();

    let started = Instant::now();
    let ids = completions
        .iter()
        .map(|_| BadgeId::try_from(format!("urn:uuid:{}", uuid::Uuid::new_v4()).as_str()))
        .collect::<Result<Vec<_>, _>>()?;
    let stamp = Stamp::new(Actor::system(), now);
    let mut rng = rand::rngs::OsRng;
    let slots = store.allocate_status_slots(&stamp, &ids, &mut rng).await?;
    let mut unsigned = Vec::with_capacity(n);
    for ((c, badge_id), slots) in completions.iter().zip(ids).zip(slots) {
        let status = slots.entries(issuer.base_url());
        let salt = Salt::try_from(format!("{:032x}", rand::random::<u128>()).as_str())?;
        let approval = select_approval(
            &approvals,
            c.provider(),
            c.specification(),
            c.version(),
            c.completed_on(),
        );
        let badge = decide(IssuanceInput {
            issuer: issuer.profile(),
            base_url: issuer.base_url(),
            specification: &spec,
            provider: &provider,
            approval,
            completion: c,
            now,
            salt: &salt,
            badge_id: &badge_id,
            status: &status,
            valid_until: None,
        })?;
        unsigned.push((badge_id, badge));
    }
    let decide_per_s = n as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let chunk = n.div_ceil(threads);
    let signed = std::thread::scope(|scope| {
        let handles: Vec<_> = unsigned
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(_, badge)| issuer.sign(badge, now))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a signing thread panicked"))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let signed: Vec<_> = signed
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let sign_per_s = n as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    let references: Vec<_> = completions
        .iter()
        .map(|c| (c.provider().clone(), c.provider_reference().clone()))
        .collect();
    store.badges_for_references(&references).await?;
    let lookup_per_s = n as f64 / started.elapsed().as_secs_f64();

    let issuing = state.issuing();
    let issuances: Vec<NewIssuance> = completions
        .iter()
        .zip(unsigned)
        .zip(signed)
        .map(|((c, (badge_id, _)), s)| issuing.issuance(c, badge_id, s, now))
        .collect();
    let started = Instant::now();
    for chunk in issuances.chunks(2000) {
        store.record_issuances(&stamp, chunk).await?;
    }
    let record_per_s = n as f64 / started.elapsed().as_secs_f64();
    Ok(Stages {
        n,
        decide_per_s,
        sign_per_s,
        lookup_per_s,
        record_per_s,
    })
}

fn print(f: &Figures, json: bool) -> anyhow::Result<()> {
    if json {
        say!("{}", serde_json::to_string(f)?)?;
        return Ok(());
    }
    let shape = match f.batch_size {
        Some(b) => format!("batches of {b}"),
        None => "one per request".to_owned(),
    };
    say!(
        "{} completions through HTTP on {} ({shape}, {} in flight, {} requests)",
        f.n,
        f.backend,
        f.concurrency,
        f.requests
    )?;
    say!("  total                   {:>10.2} s", f.seconds)?;
    say!(
        "  throughput              {:>10.0} completions/s",
        f.completions_per_s
    )?;
    if let Some(s) = &f.stages {
        say!("stages alone, {} more completions:", s.n)?;
        say!("  decide (one core)       {:>10.0} /s", s.decide_per_s)?;
        say!("  sign DI + JWT (all cores) {:>8.0} /s", s.sign_per_s)?;
        say!("  store look-ups          {:>10.0} /s", s.lookup_per_s)?;
        say!("  store writes (2000/tx)  {:>10.0} /s", s.record_per_s)?;
    }
    Ok(())
}
