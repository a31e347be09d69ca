//! Integration tests of the core crate: conformance vectors, sign/verify round trips and verifier reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "core/resources.rs"]
mod resources;
#[path = "core/roundtrip.rs"]
mod roundtrip;
#[path = "core/signed_facts.rs"]
mod signed_facts;
#[path = "core/support.rs"]
mod support;
#[path = "core/vectors.rs"]
mod vectors;
#[path = "core/verifier.rs"]
mod verifier;
