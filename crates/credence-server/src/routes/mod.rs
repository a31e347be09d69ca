//! The routers, one per feature, merged by [`crate::app`].

pub mod admin;
pub mod badges;
pub mod completions;
pub mod health;
pub mod public;
pub mod status;
pub mod vc_api;
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

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "3f1c2a94-6d2b-4c1e-9a57-1b8e0d4c7f21";

    #[test]
    fn a_badge_id_with_or_without_its_urn_prefix() {
        let full = format!("urn:uuid:{UUID}");
        assert_eq!(badge_id_from_path(UUID).unwrap().as_str(), full);
        assert_eq!(badge_id_from_path(&full).unwrap().as_str(), full);
        let upper = format!("URN:UUID:{UUID}");
        assert!(badge_id_from_path(&upper).is_ok());
    }

    #[test]
    fn a_multibyte_character_across_the_prefix_is_not_found_not_a_panic() {
        // Found by the API fuzz run: `segment[..9]` panicked inside a character (a 500).
        for segment in [
            "ab\u{20ac}\u{20ac}\u{20ac}",
            "\u{dd}\u{c0}\u{87}\u{82}\u{dd}\\\u{f}\u{10}P",
            "urn:uuid\u{e9}x",
            "\u{e9}",
        ] {
            assert!(
                matches!(badge_id_from_path(segment), Err(ApiError::NotFound { .. })),
                "{segment:?}"
            );
        }
    }
}
