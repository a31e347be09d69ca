//! (placeholder: jwt)
