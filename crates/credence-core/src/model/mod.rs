//! (placeholder: model)
