//! (placeholder: status)
