//! Credence's issuing service: an axum [`Router`] over [`credence_app`] (the use cases),
//! [`credence_core`] and [`credence_store`].
//!
//! [`app`] merges one router per feature (`routes::completions`, `routes::badges`,
//! `routes::status`, `routes::admin`, `routes::public`, `routes::health`, [`openapi`]) over an
//! [`AppState`] holding the store, the [`Issuer`](credence_app::Issuer) (key, did:web, Data
//! Integrity engine), a clock and metrics. Handlers only extract, call a use case
//! ([`credence_app::Issuing`], [`credence_app::status`], [`credence_app::admin`], each shared
//! with the `credence` command), and answer; every
//! failure is an [`ApiError`] rendered once as RFC 9457 problem+json. Status
//! lists are made and signed in [`status_lists`], for `GET /status/{list}` and for the service's
//! own verifier ([`verification`]). [`serve`] binds, serves and shuts down gracefully (in-flight
//! issuance finishes).

#![deny(missing_docs)]
// Request paths handle what callers send: no byte slicing that can fall inside a character, no
// index that can be out of bounds (`get` and iterators instead). Tests may index.
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod artwork;
pub mod auth;
pub mod config;
pub mod error;
pub mod error_page;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod setup;
pub mod state;
pub mod status_lists;
pub mod verification;
pub mod web;
pub mod wire;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use credence_core::verify::MAX_INPUT_BYTES;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::{Config, ServeArgs};
pub use state::AppState;

use crate::error::ApiError;
use crate::extract::limit_bodies;

/// The whole service.
///
/// Every route reads at most `max_body_bytes` of a request body (1 MiB), except those that take a
/// badge upload (the verifier's input limit, 16 MiB) and the batch route (`max_batch_body_bytes`).
/// The routes that verify a badge share one per-client rate limit ([`ratelimit::per_client`]).
pub fn app(state: AppState) -> Router {
    let timeout = |t| TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, t);
    let per_client = || middleware::from_fn_with_state(state.clone(), ratelimit::per_client);
    let config = state.config.clone();
    let single = Router::new()
        .merge(routes::completions::router())
        .merge(routes::badges::router())
        .merge(routes::status::router())
        .merge(routes::admin::router())
        .merge(routes::public::router())
        .merge(routes::health::router())
        .merge(routes::vc_api::issue_router())
        .merge(web::router())
        .merge(web::verifying_router().route_layer(per_client()))
        .merge(openapi::router());
    let uploads = web::upload_router().route_layer(per_client());
    // The verification API is open to any origin: CORS outermost, so that its refusals (413,
    // 429) can be read by the page that asked.
    let verify_api = limit_bodies(
        routes::verify::router()
            .merge(routes::vc_api::router())
            .route_layer(per_client()),
        MAX_INPUT_BYTES,
    )
    .layer(CorsLayer::permissive());
    let batch = limit_bodies(
        routes::completions::batch_router(),
        config.max_batch_body_bytes(),
    )
    .layer(timeout(config.batch_timeout));
    limit_bodies(single, config.max_body_bytes)
        .merge(limit_bodies(uploads, MAX_INPUT_BYTES))
        .merge(verify_api)
        .layer(timeout(config.request_timeout))
        .merge(batch)
        .fallback(|| async {
            ApiError::NotFound {
                what: "resource",
                id: "at this path".to_owned(),
            }
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::bare_errors,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(|r: &Request| {
            // The matched route, never the raw path (it may hold a claim token).
            let route = r
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map_or("unmatched", |m| m.as_str())
                .to_owned();
            tracing::info_span!("request", method = %r.method(), route)
        }))
        .with_state(state)
}

/// The Content-Security-Policy of every response: pages use only this origin's stylesheet and
/// images, no script, and may not be framed.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The usual security headers, set where a handler did not set its own.
const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
];

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// Sets up logging: `RUST_LOG`-style filter (default `info`), text or JSON lines on stderr.
pub fn init_tracing(format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        config::LogFormat::Json => builder.json().try_init(),
        config::LogFormat::Text => builder.try_init(),
    };
}

/// Runs the service until SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    init_tracing(config.log_format);
    let listen = config.listen;
    let (state, startup) = setup::start(config).await?;
    if let Some(path) = &startup.generated_key {
        eprintln!(
            "credence: generated a new issuer key in {} (mode 0600)",
            path.display()
        );
    }
    if let Some(token) = &startup.generated_token {
        eprintln!(
            "credence: first administrator token (shown once; set {} to choose your own):\n\n    {token}\n",
            setup::BOOTSTRAP_TOKEN_ENV
        );
    }
    if startup.bootstrap_revoked {
        tracing::warn!(
            "the administrator client of {} is revoked; it stays revoked",
            setup::BOOTSTRAP_TOKEN_ENV
        );
        eprintln!(
            "credence: warning: {} names a revoked administrator client; it stays revoked (unset the variable)",
            setup::BOOTSTRAP_TOKEN_ENV
        );
    }
    if startup.demo_loaded {
        eprintln!("credence: loaded the demo specifications, providers and approvals");
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    let base_url = state.config.base_url.clone();
    let did = state.issuer.did().to_owned();
    tracing::info!(%local, %base_url, issuer = %did, "listening");
    eprintln!("credence: listening on http://{local} (base URL {base_url}, issuer {did})");
    let stop_verifications = state.shutdown.clone();
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // In-flight issuance finishes; verification work (anyone's input) stops now.
        stop_verifications.cancel();
    })
    .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
