//! The Open Badges 3.0 badge document: typed structs, salted identity hashes, building from the
//! domain model, and JSON Schema validation.

pub mod build;
pub mod document;
pub mod identity;
pub mod schema;

pub use build::{BadgeDocumentError, BadgeParts, UnsignedBadge};
pub use document::{AchievementCredential, IdentityObject, Profile};
pub use identity::{
    identity_hash, identity_matches, identity_matches_json, IdentityType, KnownIdentifier,
};
pub use schema::{validate, SchemaError, SchemaViolation};
