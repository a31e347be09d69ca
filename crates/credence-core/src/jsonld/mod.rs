//! (placeholder: jsonld)
