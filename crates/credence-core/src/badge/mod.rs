//! (placeholder: badge)
