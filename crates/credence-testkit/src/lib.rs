//! Credence's test kit: what the tests of every crate share, in one place. A dev-dependency only
//! (`tests/architecture.rs` fails if a normal dependency names it).
//!
//! - [`TestApp`]: the whole service in process (no socket), on a fresh SQLite file or a fresh
//!   PostgreSQL schema, with a first administrator token from the real bootstrap, a new issuer key
//!   and a clock stopped at [`fixture_now`]; [`Served`] is the same for tests without a runtime.
//! - [`completions`]: the completion fixtures (Amira Okafor's Leeds completion, the DOMAIN.md
//!   sample cases, synthetic rows) and their JSON and CSV batch forms.
//! - [`PgSchema`], [`Raw`]: a fresh PostgreSQL schema per test, SQL behind the store's back.
//! - [`HttpClient`], [`ServerProcess`], [`credence`]: real `credence serve` processes over
//!   sockets and the `credence` binary of this build.
//! - [`skipped`]: how a test that cannot run says so (and fails under `CREDENCE_REQUIRE_ALL`).

// Test helpers fail loudly: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod app;
pub mod completions;
mod http;
mod pg;
mod process;
mod raw;
mod reply;
mod served;
mod skip;

pub use app::{send_to, TestApp};
pub use credence_core::fixture;
pub use credence_core::model::sample;
pub use credence_core::model::sample::fixture_now;
pub use http::HttpClient;
pub use pg::PgSchema;
pub use process::{credence, credence_bin, resident, ServerProcess, ADMIN_TOKEN};
pub use raw::{Raw, Written};
pub use reply::Reply;
pub use served::Served;
pub use skip::{skipped, skipped_pg, PG_ENV};

/// The public base URL of every test service (its issuer is `did:web:badges.test.example`).
pub const BASE_URL: &str = "https://badges.test.example";
