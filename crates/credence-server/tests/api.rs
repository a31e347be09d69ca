//! The HTTP API, driven in process (no socket) with `tower::ServiceExt::oneshot`, on a fresh SQLite
//! file and, when `CREDENCE_TEST_DATABASE_URL` is set, on PostgreSQL in a fresh schema.

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "api/support.rs"]
mod support;

#[path = "api/admin.rs"]
mod admin;

#[path = "api/verify.rs"]
mod verify;

#[path = "api/revocation.rs"]
mod revocation;
