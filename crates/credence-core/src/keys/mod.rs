//! (placeholder: keys)
