//! (placeholder: jcs)
