//! Acceptance tests of the HTTP API: in process through `app(state).oneshot(..)`, and against
//! real `credence serve` processes over sockets (SQLite, and PostgreSQL when
//! `CREDENCE_TEST_DATABASE_URL` is set; the PostgreSQL tests say SKIPPED otherwise).

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "api/admin.rs"]
mod admin;

#[path = "api/verify.rs"]
mod verify;

#[path = "api/revocation.rs"]
mod revocation;

#[path = "api/audit.rs"]
mod audit;
#[path = "api/cli_issue.rs"]
mod cli_issue;
#[path = "api/completions.rs"]
mod completions;
#[path = "api/hostile.rs"]
mod hostile;
#[path = "api/issuer_profile.rs"]
mod issuer_profile;
#[path = "api/limits.rs"]
mod limits;
#[path = "api/processes.rs"]
mod processes;
#[path = "api/security.rs"]
mod security;
#[path = "api/vc_api.rs"]
mod vc_api;
