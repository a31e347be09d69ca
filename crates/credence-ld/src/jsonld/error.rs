//! Errors of the JSON-LD processor: context processing, expansion (safe mode) and toRdf.

use crate::budget::{ComplexityBound, Stop};
use crate::contexts::ContextError;
use crate::jcs::JcsError;

/// Why a document could not be expanded or turned into RDF.
///
/// Safe mode: everything jsonld.js `safe: true` rejects (a key or value that would be dropped
/// silently, a relative IRI where RDF needs an absolute one) is an error here.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonLdError {
    /// A context URL could not be loaded from the pinned store.
    #[error("JSON-LD context could not be loaded")]
    LoadingContext(#[from] ContextError),
    /// A context document has no `@context` object.
    #[error("remote context {url} is not a JSON-LD context document")]
    InvalidRemoteContext {
        /// The context URL.
        url: String,
    },
    /// A local context is neither null, a string, an object nor an array of these.
    #[error("invalid local context")]
    InvalidLocalContext,
    /// Contexts (or the document) nest deeper than the processor allows.
    #[error("JSON-LD nesting deeper than {limit} levels")]
    TooDeep {
        /// The nesting limit.
        limit: usize,
    },
    /// A key names a term of the pinned contexts some other way than by that term: an absolute or
    /// compact IRI, an alias the document defines, or a keyword used directly (`@type`, `@nest`...).
    /// Credentials must use the pinned terms, so that what a JSON reader sees is what was signed.
    #[error(
        "the key {key:?} stands for {expands_to}, which the pinned contexts name by its own term"
    )]
    AliasedTerm {
        /// The key as written.
        key: String,
        /// The IRI or keyword it expands to.
        expands_to: String,
    },
    /// A protected term is redefined differently outside a property-scoped context.
    #[error("protected term {term:?} redefined")]
    ProtectedTermRedefinition {
        /// The term.
        term: String,
    },
    /// A context with protected terms is nullified outside a property-scoped context.
    #[error("a context with protected terms cannot be set to null here")]
    InvalidContextNullification,
    /// A keyword is redefined as a term.
    #[error("keyword {term:?} cannot be redefined")]
    KeywordRedefinition {
        /// The keyword.
        term: String,
    },
    /// A term definition is malformed.
    #[error("invalid term definition for {term:?}")]
    InvalidTermDefinition {
        /// The term.
        term: String,
    },
    /// A term's IRI mapping is missing, relative or inconsistent.
    #[error("invalid IRI mapping for term {term:?}")]
    InvalidIriMapping {
        /// The term.
        term: String,
    },
    /// Term definitions depend on each other in a cycle.
    #[error("cyclic IRI mapping involving term {term:?}")]
    CyclicIriMapping {
        /// The term.
        term: String,
    },
    /// A term's `@type` mapping is invalid.
    #[error("invalid type mapping for term {term:?}")]
    InvalidTypeMapping {
        /// The term.
        term: String,
    },
    /// A term's `@container` mapping is invalid.
    #[error("invalid container mapping for term {term:?}")]
    InvalidContainerMapping {
        /// The term.
        term: String,
    },
    /// A term's `@language` mapping is invalid.
    #[error("invalid language mapping for term {term:?}")]
    InvalidLanguageMapping {
        /// The term.
        term: String,
    },
    /// A term maps to `@context` or `@preserve`.
    #[error("invalid keyword alias {term:?}")]
    InvalidKeywordAlias {
        /// The term.
        term: String,
    },
    /// A term has the form of a keyword (`@` and letters) without being one.
    #[error("reserved term {term:?}")]
    ReservedTerm {
        /// The term.
        term: String,
    },
    /// A context entry (`@version`, `@propagate`, `@protected`, `@import`, `@prefix`, `@nest`, `@index`) has an invalid value.
    #[error("invalid value for context entry {entry}")]
    InvalidContextEntry {
        /// The keyword whose value is invalid.
        entry: &'static str,
    },
    /// `@base` is not an IRI, or is relative while the document has no base IRI.
    #[error("invalid @base {value:?}")]
    InvalidBaseIri {
        /// The value given.
        value: String,
    },
    /// `@vocab` is not a string or does not expand to an absolute IRI.
    #[error("invalid @vocab {value:?}")]
    InvalidVocabMapping {
        /// The value given.
        value: String,
    },
    /// A default `@language` is not a string.
    #[error("invalid default language")]
    InvalidDefaultLanguage,
    /// A language tag is not well-formed BCP 47.
    #[error("invalid language tag {value:?}")]
    InvalidLanguageTag {
        /// The tag.
        value: String,
    },
    /// `@direction` is not `ltr` or `rtl`.
    #[error("invalid base direction")]
    InvalidBaseDirection,
    /// A key does not expand to an absolute IRI or keyword (undefined term, relative IRI): it would be dropped.
    #[error("property {key:?} does not expand to an absolute IRI")]
    InvalidProperty {
        /// The key as written in the document.
        key: String,
    },
    /// A keyword that has no meaning in a node or value object is used as a key.
    #[error("keyword {key:?} is not allowed here")]
    UnexpectedKeyword {
        /// The key as written in the document.
        key: String,
    },
    /// A scalar at top level or directly in `@graph`: it would be dropped.
    #[error("free-floating scalar value")]
    FreeFloatingScalar,
    /// An object would be dropped (empty, or only `@value`, `@list`, `@id` or `@language` at top level).
    #[error("object would be dropped: {kind}")]
    DroppedObject {
        /// Which kind of object.
        kind: DroppedKind,
    },
    /// A value object has `@value: null`.
    #[error("null @value")]
    NullValue,
    /// An `@id` is not a string.
    #[error("invalid @id value")]
    InvalidIdValue,
    /// An `@id` (or `@type: @id` value) expands to a relative IRI.
    #[error("relative @id reference {id:?}")]
    RelativeId {
        /// The value as written.
        id: String,
    },
    /// An `@id` value has the form of a keyword.
    #[error("reserved @id value {id:?}")]
    ReservedId {
        /// The value as written.
        id: String,
    },
    /// A `@type` is not a string or array of strings.
    #[error("invalid @type value")]
    InvalidTypeValue,
    /// A `@type` expands to a relative IRI.
    #[error("relative @type reference {value:?}")]
    RelativeType {
        /// The value as written.
        value: String,
    },
    /// A value object is malformed.
    #[error("invalid value object")]
    InvalidValueObject,
    /// A typed value's datatype is not an absolute IRI.
    #[error("invalid typed value")]
    InvalidTypedValue,
    /// A language-tagged value is not a string.
    #[error("only strings may be language-tagged")]
    InvalidLanguageTaggedValue,
    /// A set or list object has other keys.
    #[error("invalid @set or @list object")]
    InvalidSetOrList,
    /// Two keys expand to the same keyword.
    #[error("colliding keywords {keyword}")]
    CollidingKeywords {
        /// The keyword.
        keyword: String,
    },
    /// `@graph` is not an object or array.
    #[error("invalid @graph value")]
    InvalidGraphValue,
    /// `@index` is not a string.
    #[error("invalid @index value")]
    InvalidIndexValue,
    /// `@reverse` is malformed or holds values or lists.
    #[error("invalid @reverse value")]
    InvalidReverseValue,
    /// `@nest` holds something other than node objects.
    #[error("invalid @nest value")]
    InvalidNestValue,
    /// `@included` holds something other than node objects.
    #[error("invalid @included value")]
    InvalidIncludedValue,
    /// A language map holds a non-string.
    #[error("invalid language map value")]
    InvalidLanguageMapValue,
    /// An IRI in the RDF output would be relative.
    #[error("relative IRI {iri:?} as RDF {position}")]
    RelativeIri {
        /// Where it would appear.
        position: IriPosition,
        /// The IRI.
        iri: String,
    },
    /// An IRI in the RDF output holds a character N-Quads cannot write in an IRI.
    #[error("IRI {iri:?} as RDF {position} holds a character an RDF IRI may not contain")]
    UnwritableIri {
        /// Where it would appear.
        position: IriPosition,
        /// The IRI.
        iri: String,
    },
    /// A property is a blank node (generalized RDF is not produced).
    #[error("blank node predicate {predicate:?}")]
    BlankNodePredicate {
        /// The blank node.
        predicate: String,
    },
    /// A value has `@direction`, which RDF without `rdfDirection` cannot express (jsonld.js safe mode rejects it).
    #[error("@direction cannot be expressed in RDF without rdfDirection")]
    DirectionNotSupported,
    /// A JSON integer a double cannot hold exactly (beyond 2^53): its RDF literal would be
    /// another number's, so two different documents would sign the same.
    #[error(
        "the number {number} cannot be represented exactly (integers beyond 2^53 lose digits)"
    )]
    InexactNumber {
        /// The number as written.
        number: String,
    },
    /// A reverse property's term definition also has `@id` or `@nest`, or a container other
    /// than `@set` or `@index`.
    #[error("invalid reverse property {term:?}")]
    InvalidReverseProperty {
        /// The term.
        term: String,
    },
    /// A keyword other than `@reverse` is a key of an `@reverse` map.
    #[error("an @reverse map holds a keyword")]
    InvalidReversePropertyMap,
    /// The value of `@reverse` is not an object.
    #[error("the value of @reverse is not an object")]
    InvalidReverseKeywordValue,
    /// The value of `@value` is an array or an object (and the type is not `@json`).
    #[error("the value of @value is an array or an object")]
    InvalidValueObjectValue,
    /// A term's scoped context (`@context` in its definition) fails context processing.
    #[error("invalid scoped context")]
    InvalidScopedContext {
        /// Why it fails.
        source: Box<JsonLdError>,
    },
    /// An `@json` literal could not be canonicalized.
    #[error("@json literal cannot be canonicalized")]
    Json(#[from] JcsError),
    /// The document needs more work than the call's [`crate::budget::Budget`] allows.
    #[error("JSON-LD document too complex: more than {limit} {bound}")]
    TooComplex {
        /// The limit that was hit.
        bound: ComplexityBound,
        /// Its value for this call.
        limit: u64,
    },
    /// The caller cancelled the call through the budget's flag.
    #[error("JSON-LD processing cancelled")]
    Cancelled,
}

impl JsonLdError {
    /// The JSON-LD 1.1 API error code (`JsonLdErrorCode`) this error is an instance of, or
    /// `None` for what the specification has no code for: safe mode's refusals, this
    /// processor's limits, cancellation.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Self::LoadingContext(ContextError::Unknown(_)) => "loading remote context failed",
            Self::LoadingContext(_) => "loading document failed",
            Self::InvalidRemoteContext { .. } => "invalid remote context",
            Self::InvalidLocalContext => "invalid local context",
            Self::ProtectedTermRedefinition { .. } => "protected term redefinition",
            Self::InvalidContextNullification => "invalid context nullification",
            Self::KeywordRedefinition { .. } => "keyword redefinition",
            Self::InvalidTermDefinition { .. } => "invalid term definition",
            Self::InvalidIriMapping { .. } => "invalid IRI mapping",
            Self::CyclicIriMapping { .. } => "cyclic IRI mapping",
            Self::InvalidTypeMapping { .. } => "invalid type mapping",
            Self::InvalidContainerMapping { .. } => "invalid container mapping",
            Self::InvalidLanguageMapping { .. } => "invalid language mapping",
            Self::InvalidKeywordAlias { .. } => "invalid keyword alias",
            Self::InvalidContextEntry { entry } => match *entry {
                "@version" => "invalid @version value",
                "@import" => "invalid @import value",
                "@protected" => "invalid @protected value",
                "@propagate" => "invalid @propagate value",
                "@prefix" => "invalid @prefix value",
                "@nest" => "invalid @nest value",
                "@import in an imported context" => "invalid context entry",
                _ => "invalid term definition",
            },
            Self::InvalidBaseIri { .. } => "invalid base IRI",
            Self::InvalidVocabMapping { .. } => "invalid vocab mapping",
            Self::InvalidDefaultLanguage => "invalid default language",
            Self::InvalidLanguageTag { .. } => "invalid language-tagged string",
            Self::InvalidBaseDirection => "invalid base direction",
            Self::InvalidIdValue => "invalid @id value",
            Self::InvalidTypeValue => "invalid type value",
            Self::InvalidValueObject => "invalid value object",
            Self::InvalidTypedValue => "invalid typed value",
            Self::InvalidLanguageTaggedValue => "invalid language-tagged value",
            Self::InvalidSetOrList => "invalid set or list object",
            Self::CollidingKeywords { .. } => "colliding keywords",
            Self::InvalidGraphValue => "invalid value object",
            Self::InvalidIndexValue => "invalid @index value",
            Self::InvalidReverseValue => "invalid reverse property value",
            Self::InvalidReverseProperty { .. } => "invalid reverse property",
            Self::InvalidReversePropertyMap => "invalid reverse property map",
            Self::InvalidReverseKeywordValue => "invalid @reverse value",
            Self::InvalidValueObjectValue => "invalid value object value",
            Self::InvalidScopedContext { .. } => "invalid scoped context",
            Self::InvalidNestValue => "invalid @nest value",
            Self::InvalidIncludedValue => "invalid @included value",
            Self::InvalidLanguageMapValue => "invalid language map value",
            Self::Json(_) => "invalid JSON literal",
            Self::TooDeep { .. } => "context overflow",
            _ => return None,
        })
    }
}

impl From<Stop> for JsonLdError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::TooComplex { bound, limit } => Self::TooComplex { bound, limit },
            Stop::Cancelled => Self::Cancelled,
        }
    }
}

/// Which kind of object safe mode refuses to drop silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DroppedKind {
    /// An empty object.
    Empty,
    /// A free-floating value object.
    OnlyValue,
    /// A free-floating list object.
    OnlyList,
    /// A free-floating node object with only `@id`.
    OnlyId,
    /// An object with only `@language`.
    OnlyLanguage,
}

impl std::fmt::Display for DroppedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty object",
            Self::OnlyValue => "object with only @value",
            Self::OnlyList => "object with only @list",
            Self::OnlyId => "object with only @id",
            Self::OnlyLanguage => "object with only @language",
        })
    }
}

/// Position of a term in an RDF quad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IriPosition {
    /// Subject.
    Subject,
    /// Predicate.
    Predicate,
    /// Object.
    Object,
    /// Graph name.
    Graph,
    /// A literal's datatype.
    Datatype,
}

impl std::fmt::Display for IriPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Subject => "subject",
            Self::Predicate => "predicate",
            Self::Object => "object",
            Self::Graph => "graph name",
            Self::Datatype => "datatype",
        })
    }
}
