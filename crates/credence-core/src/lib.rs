//! Credence core: issue and verify Open Badges 3.0 badges, with no I/O of its own.
//!
//! The data flows in one direction:
//!
//! 1. [`model`] parses raw input into validated domain types (`CredentialSpecification`,
//!    `Provider`, `ProviderApproval`, `Completion`) and [`model::decide`] applies the
//!    Centre's rules, returning an unsigned badge or a typed [`model::Refusal`].
//! 2. [`badge`] holds the typed Open Badges 3.0 document (built once from the model), the salted
//!    identity hashes and the JSON Schema check every badge passes before it is signed.
//! 3. `credence_vc::proof::DataIntegrity` signs with `eddsa-rdfc-2022`: `credence_ld::jsonld`
//!    turns the document into RDF using only the pinned [`contexts`], `credence_ld::rdf::canon`
//!    canonicalizes it (RDFC-1.0), then hash, sign (`credence_vc::keys::Signer`) and attach;
//!    `credence_vc::jwt` makes the VC-JWT form.
//! 4. [`verify::Verifier`] reads JSON, JWT or a baked image ([`bake`]), and reports each check
//!    (schema, proof, key resolution, validity, status, recipient) with a verdict. It adds the
//!    Open Badges checks to `credence_vc::verify`'s sans-IO verifier: a plan says which keys and
//!    status lists it needs, the caller resolves them, and a pure step verifies.
//! 5. For the practitioner's downloads, `credence-artwork` draws a specification's badge image
//!    (SVG, PNG), ready for [`bake`], with QR codes and share links.
//!
//! Time, keys, salts and ids are always handed in by the caller.
//!
//! ```
//! use credence_vc::proof::DataIntegrity;
//! use credence_core::verify::{Verifier, VerifyOptions};
//! use credence_vc::verify::{LocalKeys, LocalStatusLists, TrustedIssuers, Verdict};
//! use credence_ld::jsonld::JsonLd;
//!
//! let verifier = Verifier::new(DataIntegrity::new(JsonLd::new(credence_core::contexts::pinned()?)));
//! let options = VerifyOptions {
//!     at: credence_core::model::sample::fixture_now(),
//!     keys: &LocalKeys::new(),
//!     status: &LocalStatusLists::new(),
//!     trusted: &TrustedIssuers::any(),
//!     known_identifier: None,
//!     budget: None,
//! };
//! let report = verifier.verify_bytes(b"not a badge", &options);
//! assert_eq!(report.verdict, Verdict::Malformed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The README's embedding example (compiled as a doc test) issues, signs and verifies a badge.
//!
//! # Types from other crates in this API
//! - `chrono::NaiveDate` (a completion's date, a calendar day with no time zone) and
//!   `chrono::DateTime<Utc>` (issuance and verification times, from the caller's clock): the time
//!   types the Rust ecosystem shares.
//! - `serde_json::Value`: the badge is a JSON document, signed and served as JSON.
//! - Errors of the engines below (credence-vc, credence-ld, jsonschema) appear only as the
//!   `source` of ours.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod admin;
pub mod badge;
pub mod bake;
pub mod contexts;
/// The signed standard fixture (a well-known signing key): demo and test data, behind the `demo`
/// feature, which only the service's `--demo`, `credence sample`/`bench` and the test kit enable.
#[cfg(any(test, feature = "demo"))]
pub mod fixture;
pub mod model;
pub mod status;
pub mod verify;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
