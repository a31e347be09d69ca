//! (placeholder: verify)
