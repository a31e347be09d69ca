//! Credence's linked-data engine: JSON-LD 1.1 to RDF, RDFC-1.0 canonicalization, N-Quads and
//! JSON Canonicalization (RFC 8785). It knows RDF, not credentials, and does no I/O: contexts
//! come from a [`contexts::ContextStore`] the caller fills, and every engine that reads attacker
//! input runs under a [`budget::Budget`] (work limits and a cancel flag).
//!
//! ```
//! use credence_ld::contexts::ContextStore;
//! use credence_ld::jsonld::JsonLd;
//! use credence_ld::rdf::{canon::canonicalize, nquads::to_nquads};
//! use serde_json::json;
//!
//! let jsonld = JsonLd::new(ContextStore::default());
//! let doc = json!({"@id": "urn:ex:a", "urn:ex:name": "Amira"});
//! let quads = jsonld.to_rdf(&doc)?;
//! assert_eq!(to_nquads(&quads), "<urn:ex:a> <urn:ex:name> \"Amira\" .\n");
//! assert_eq!(canonicalize(&quads)?, "<urn:ex:a> <urn:ex:name> \"Amira\" .\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Types from other crates in this API
//! - `serde_json::Value`: JSON-LD documents are JSON, and serde_json's tree is what every caller
//!   has already parsed them into; a type of our own would copy each document on the way in.
//! - `serde_json::Error`, only as the `source` of [`contexts::ContextError::NotJson`]: for the
//!   message chain, never for matching (match on our variants).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod budget;
pub mod contexts;
pub mod jcs;
pub mod jsonld;
pub mod rdf;

#[cfg(test)]
mod testing;
