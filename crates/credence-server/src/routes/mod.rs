//! The routers, one per feature, merged by [`crate::app`].

pub mod admin;
pub mod badges;
pub mod completions;
pub mod health;
pub mod public;
pub mod status;
pub mod verify;

use credence_core::model::BadgeId;

use crate::error::ApiError;

/// The path segment naming a badge: its UUID (the `urn:uuid:` prefix is optional).
pub fn badge_id_from_path(segment: &str) -> Result<BadgeId, ApiError> {
    // `get`, not an index: the segment is the caller's, and byte 9 may fall inside a character.
    let prefixed = segment
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:uuid:"));
    let full = if prefixed && segment.len() > 9 {
        segment.to_owned()
    } else {
        format!("urn:uuid:{segment}")
    };
    BadgeId::try_from(full.as_str()).map_err(|_| ApiError::NotFound {
        what: "badge",
        id: segment.to_owned(),
    })
}

/// The path segment for a badge id: its UUID.
pub fn badge_path_segment(id: &BadgeId) -> &str {
    id.as_str().trim_start_matches("urn:uuid:")
}
