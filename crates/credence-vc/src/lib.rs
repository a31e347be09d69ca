//! Credence's W3C Verifiable Credentials layer: it knows the VC data model, not Open Badges.
//!
//! - [`keys`]: Ed25519 keys, signers, Multikey, JWK and PEM forms, `did:key` and `did:web`
//!   documents.
//! - [`proof`]: Data Integrity proofs (`eddsa-rdfc-2022`, `eddsa-jcs-2022`, `Ed25519Signature2020`
//!   for verification), each stage named: transform, hash, sign, attach.
//! - [`jwt`]: the VC-JWT and VC-JOSE forms.
//! - [`model`]: the VC data model's rules (VCDM 2.0 §4, and 1.1), checked on the RDF a proof
//!   covers, by the signer and the verifier alike.
//! - [`status`]: Bitstring Status List entries, lists and list credentials.
//! - [`contexts`]: the W3C contexts, shipped and pinned by SHA-256.
//! - [`verify`]: the sans-IO verifier in two rounds: a [`verify::Plan`] says which controller
//!   document a credential's proof needs, the caller resolves it ([`verify::ResolvedKeys`]),
//!   [`verify::Verifier::check_proof`] checks key and proof and, only for a genuine credential,
//!   says which status lists it needs; the caller resolves those ([`verify::ResolvedLists`]) and
//!   [`verify::Verifier::verify`] checks validity and status into a report.
//!
//! No I/O, no clock, no randomness it was not handed: keys, times and documents come from the
//! caller, and JSON-LD runs on `credence-ld` over pinned contexts only.
//!
//! ```
//! use credence_ld::jsonld::JsonLd;
//! use credence_vc::keys::{LocalSigner, SecretKey, VerificationMethodId};
//! use credence_vc::proof::{DataIntegrity, ProofOptions};
//! use serde_json::json;
//!
//! let key = SecretKey::from_seed(&[7; 32]);
//! let public = key.public_key();
//! let vm = VerificationMethodId::new("did:example:issuer#key-1".to_owned())?;
//! let signer = LocalSigner::new(key, vm.clone());
//! let di = DataIntegrity::new(JsonLd::new(credence_vc::contexts::vc_contexts()?));
//! let credential = json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"],
//!     "issuer": "did:example:issuer",
//!     "credentialSubject": {"id": "did:example:subject"},
//! });
//! let options = ProofOptions { verification_method: vm, created: "2024-07-12T09:00:00Z".into() };
//! let signed = di.sign_rdfc(&credential, &options, &signer)?;
//! let proof = di.proof_of(&signed)?;
//! assert!(di.verify_embedded(&signed, &proof, &public).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Types from other crates in this API
//! - `serde_json::Value` and `Map`: credentials, proofs and DID documents are JSON documents,
//!   already parsed by the caller; a type of our own would copy each one.
//! - `chrono::DateTime<Utc>`: the verification time and proof creation times, from the caller's
//!   clock (this crate reads none), in the time type the Rust ecosystem shares.
//! - `rand_core::CryptoRngCore` in [`keys::SecretKey::generate`]: the caller's randomness (this
//!   crate draws none it is not handed); every cryptographic RNG implements it.
//! - ed25519-dalek's, base58's, base64's and serde_json's errors appear only as the `source` of
//!   our errors, for the message chain; signatures and keys are our own types
//!   ([`keys::Signature`], [`keys::PublicKey`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contexts;
pub mod jwt;
pub mod keys;
pub mod model;
pub mod proof;
pub mod status;
pub mod verify;
