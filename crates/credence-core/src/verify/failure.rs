//! Why a badge check fails: the Open Badges checks' reasons, whose `Display` the report shows.

use credence_vc::verify::chain;

use super::MAX_INPUT_BYTES;
use crate::badge::SchemaError;
use crate::bake::BakeError;

/// Why the input is not a badge to read (the `parsed` check).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// More than [`MAX_INPUT_BYTES`].
    #[error("the input is larger than {MAX_INPUT_BYTES} bytes")]
    TooLarge,
    /// Neither UTF-8 text nor an image.
    #[error("the input is neither text nor a PNG or SVG image")]
    NotText,
    /// An image with no badge baked in it.
    #[error("no badge could be read from the image: {}", chain(.0))]
    NoBadgeInImage(BakeError),
}

/// An Open Badges credential that breaks the OB 3.0 JSON Schema (the `schema` check).
#[derive(Debug, thiserror::Error)]
#[error("does not conform to the Open Badges 3.0 JSON Schema: {0}")]
pub struct SchemaFailure(pub SchemaError);

/// Why the badge is not the recipient's (the `recipient` check).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecipientFailure {
    /// The badge carries identifiers of the kind given, and none matches.
    #[error("no {kind} in the badge matches the one given")]
    NoMatch {
        /// The identity type (`emailAddress`, ...).
        kind: &'static str,
    },
}
