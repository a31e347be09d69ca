//! (placeholder: bake)
