//! The Open Badges 3.0 badge document: typed structs, salted identity hashes, building from the
//! domain model, and JSON Schema validation.

pub(crate) mod build;
pub(crate) mod document;
pub(crate) mod identity;
pub(crate) mod schema;

pub use build::{
    achievement, achievement_id, credential, provider_profile, provider_profile_id,
    BadgeDocumentError, BadgeParts, UnsignedBadge, ACHIEVEMENT_TYPE, PILLAR_TARGET_TYPE,
};
pub use document::{
    badge_context, one_or_many, schema_validator_context, utc_seconds, Achievement,
    AchievementCredential, AchievementSubject, Alignment, ContextEntry, CredentialSchema, Criteria,
    Evidence, IdentifierEntry, IdentityObject, Image, Profile, ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
    ACP_FRAMEWORK, OB_V3P0_CONTEXT, SCHEMA_VALIDATOR_IRI, SCHEMA_VALIDATOR_TYPE, VC_V2_CONTEXT,
};
pub use identity::{
    credential_identifies, hashed_identity, identity_hash, identity_matches, identity_matches_json,
    plain_name_identity, IdentityType, KnownIdentifier, RegistrationDigest, RegistrationKey,
};
pub use schema::{
    validate, SchemaError, SchemaViolation, ACHIEVEMENT_CREDENTIAL_SCHEMA,
    ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256,
};
