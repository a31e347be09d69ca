//! Credence core: issue and verify Open Badges 3.0 badges, with no I/O of its own.
//!
//! (Crate overview and example are written once the modules settle.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod badge;
pub mod bake;
pub mod contexts;
pub mod jcs;
pub mod jsonld;
pub mod jwt;
pub mod keys;
pub mod model;
pub mod proof;
pub mod rdf;
pub mod status;
pub mod verify;
