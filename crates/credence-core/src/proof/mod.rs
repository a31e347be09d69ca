//! (placeholder: proof)
