//! Errors of baking and extracting (unbaking) credentials in PNG and SVG images.

use std::fmt;

/// What a size limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// The whole image file (PNG bytes or SVG text).
    Image,
    /// The credential text (JSON or compact JWT), given or found.
    Credential,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Subject::Image => "image",
            Subject::Credential => "credential",
        })
    }
}

/// A PNG chunk type (four ASCII letters in a well-formed file), shown as text in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkType(pub [u8; 4]);

impl fmt::Display for ChunkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            if b.is_ascii_graphic() {
                write!(f, "{}", char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// Why a credential text cannot be baked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialProblem {
    /// The credential is empty or only whitespace.
    Empty,
    /// The credential contains a character XML 1.0 forbids (NUL, most C0 controls, U+FFFE/U+FFFF),
    /// which neither an SVG nor a PNG text chunk can carry faithfully.
    ForbiddenChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the credential.
        offset: usize,
    },
}

impl fmt::Display for CredentialProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialProblem::Empty => f.write_str("it is empty"),
            CredentialProblem::ForbiddenChar { ch, offset } => {
                write!(
                    f,
                    "it contains the forbidden character U+{:04X} at byte {offset}",
                    u32::from(*ch)
                )
            }
        }
    }
}

/// Why an `iTXt` chunk with the `openbadgecredential` keyword could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItxtProblem {
    /// A NUL separator (after the keyword, language tag or translated keyword) is missing.
    MissingSeparator,
    /// The compression flag is neither 0 nor 1.
    BadCompressionFlag(u8),
    /// The text is compressed with a method other than 0 (zlib deflate).
    BadCompressionMethod(u8),
}

impl fmt::Display for ItxtProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItxtProblem::MissingSeparator => f.write_str("a NUL separator is missing"),
            ItxtProblem::BadCompressionFlag(v) => write!(f, "compression flag {v} is not 0 or 1"),
            ItxtProblem::BadCompressionMethod(v) => write!(f, "compression method {v} is not 0"),
        }
    }
}

/// What is wrong with an SVG document, as far as baking needs to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SvgProblem {
    /// No root element was found.
    NoRootElement,
    /// The root element is not `<svg>`.
    RootNotSvg,
    /// A comment, CDATA section, processing instruction, DOCTYPE or tag is not closed.
    Unterminated,
    /// A start or end tag could not be parsed (bad name, attribute or quoting).
    BadTag,
    /// An end tag does not match the open element.
    MismatchedEndTag,
    /// An entity or character reference is unknown or invalid.
    BadReference,
    /// The root element binds `xmlns:openbadges` to a namespace other than the OB 3.0 one
    /// (for example an Open Badges 2.0 baked image).
    ForeignOpenBadgesNamespace,
}

impl fmt::Display for SvgProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SvgProblem::NoRootElement => "no root element",
            SvgProblem::RootNotSvg => "the root element is not <svg>",
            SvgProblem::Unterminated => "unterminated markup",
            SvgProblem::BadTag => "malformed tag",
            SvgProblem::MismatchedEndTag => "mismatched end tag",
            SvgProblem::BadReference => "unknown or invalid entity or character reference",
            SvgProblem::ForeignOpenBadgesNamespace => {
                "xmlns:openbadges is bound to a namespace other than https://purl.imsglobal.org/ob/v3p0"
            }
        })
    }
}

/// Everything that can go wrong while baking or unbaking.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BakeError {
    /// The input is larger than the limit this module accepts.
    #[error("{what} is too large: {actual} bytes, the limit is {limit} bytes")]
    TooLarge {
        /// What was too large.
        what: Subject,
        /// The limit, in bytes.
        limit: usize,
        /// The actual size, in bytes (for decompressed text: at least this many).
        actual: usize,
    },
    /// The bytes are neither a PNG nor an SVG image.
    #[error("unknown image format: neither PNG nor SVG")]
    UnknownFormat,
    /// The credential given for baking cannot be baked.
    #[error("the credential cannot be baked: {0}")]
    InvalidCredential(CredentialProblem),
    /// The PNG does not start with the 8-byte PNG signature.
    #[error("not a PNG: bad signature")]
    PngSignature,
    /// The PNG ends in the middle of a chunk (or before its `IEND` chunk).
    #[error("truncated PNG: chunk at byte {offset} runs past the end of the data")]
    PngTruncated {
        /// Byte offset of the chunk that is cut short.
        offset: usize,
    },
    /// A chunk declares a length above 2^31 - 1, which PNG forbids.
    #[error("PNG chunk at byte {offset} declares an invalid length {length}")]
    PngChunkLength {
        /// Byte offset of the chunk.
        offset: usize,
        /// The declared data length.
        length: u32,
    },
    /// A chunk's CRC-32 does not match its type and data.
    #[error("PNG chunk {chunk} at byte {offset} has CRC {found:08x}, expected {computed:08x}")]
    PngCrcMismatch {
        /// The chunk's type.
        chunk: ChunkType,
        /// Byte offset of the chunk.
        offset: usize,
        /// CRC stored in the file.
        found: u32,
        /// CRC computed over type and data.
        computed: u32,
    },
    /// The first chunk is not `IHDR`.
    #[error("malformed PNG: the first chunk is not IHDR")]
    PngMissingIhdr,
    /// There is no `IEND` chunk.
    #[error("malformed PNG: no IEND chunk")]
    PngMissingIend,
    /// The `iTXt` chunk carrying the credential is malformed.
    #[error("malformed openbadgecredential iTXt chunk: {0}")]
    PngBadItxt(ItxtProblem),
    /// The compressed text of an `iTXt` chunk could not be inflated.
    #[error("cannot decompress the openbadgecredential iTXt text")]
    PngDecompress {
        /// The zlib error.
        #[source]
        source: std::io::Error,
    },
    /// The SVG could not be read.
    #[error("malformed SVG at byte {offset}: {problem}")]
    SvgMalformed {
        /// Byte offset where the problem was noticed.
        offset: usize,
        /// What is wrong.
        problem: SvgProblem,
    },
    /// Text that must be UTF-8 (an SVG, or the text of the credential chunk) is not.
    #[error("text is not valid UTF-8")]
    NotUtf8 {
        /// Where decoding failed.
        #[source]
        source: std::str::Utf8Error,
    },
    /// The image carries no baked credential.
    #[error("the image carries no baked Open Badges 3.0 credential")]
    NotBaked,
    /// The image carries more than one baked credential, which the specification forbids.
    #[error("the image carries {count} baked credentials; exactly one is allowed")]
    MultipleCredentials {
        /// How many were found.
        count: usize,
    },
    /// The baked credential (`openbadges:credential` element or iTXt text) is empty.
    #[error("the baked credential is empty")]
    EmptyBaked,
}
