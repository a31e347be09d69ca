//! Open Badges 3.0 baking: embedding a signed credential in a PNG or SVG image, and extracting it.
//!
//! Follows OB 3.0 §5.3 "Baked Badge":
//! - PNG: one `iTXt` chunk with keyword `openbadgecredential`, uncompressed, empty language tag and
//!   translated keyword, whose text is the credential JSON or the compact JWS of a VC-JWT.
//! - SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root `<svg>` and, directly
//!   after its start tag, `<openbadges:credential>` holding the JSON in a CDATA section, or (VC-JWT)
//!   an empty element with the compact JWS in its `verify` attribute.
//!
//! Baking an image that already carries a credential replaces it; extraction requires exactly one.
//! The credential text is carried byte-for-byte: nothing is parsed, re-serialized or trimmed.

mod error;
pub mod png;
pub mod svg;

pub use error::{BakeError, ChunkType, CredentialProblem, ItxtProblem, Subject, SvgProblem};
pub use png::{bake_png, inspect_png, unbake_png, PngBadge};
pub use svg::{bake_svg, unbake_svg};

/// Largest image (PNG bytes or SVG text) accepted, in bytes: 16 MiB.
pub const MAX_IMAGE_BYTES: usize = 16 * 1024 * 1024;
/// Largest credential (given for baking, or found in an image) accepted, in bytes: 1 MiB.
pub const MAX_CREDENTIAL_BYTES: usize = 1024 * 1024;

/// A credential found in a baked image. Exhaustive on purpose: every text is one or the other
/// ([`Baked::classify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baked {
    /// The JSON text of a credential with an embedded proof (the text starts with `{` after trimming).
    Json(String),
    /// Anything else: the compact JWS of a VC-JWT credential.
    Jwt(String),
}

impl Baked {
    /// Classifies a credential text: JSON if it starts with `{` after trimming whitespace, else JWT.
    pub fn classify(text: String) -> Baked {
        if text.trim_start().starts_with('{') {
            Baked::Json(text)
        } else {
            Baked::Jwt(text)
        }
    }

    /// The credential text, exactly as found.
    pub fn as_str(&self) -> &str {
        match self {
            Baked::Json(s) | Baked::Jwt(s) => s,
        }
    }

    /// The credential text, exactly as found.
    pub fn into_string(self) -> String {
        match self {
            Baked::Json(s) | Baked::Jwt(s) => s,
        }
    }

    /// Whether this is the JSON form.
    pub fn is_json(&self) -> bool {
        matches!(self, Baked::Json(_))
    }
}

/// The image formats that can carry a baked credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageKind {
    /// A PNG image.
    Png,
    /// An SVG image (UTF-8 XML whose root element is `svg`).
    Svg,
}

impl ImageKind {
    /// Recognises a PNG by its signature, an SVG by a root element named `svg` (after an optional
    /// BOM, XML declaration, comments, processing instructions and DOCTYPE); `None` otherwise.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&png::SIGNATURE) {
            return Some(ImageKind::Png);
        }
        // Only the prolog and the root start tag matter; look at a bounded prefix.
        let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
        let text = match std::str::from_utf8(head) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(head.get(..e.valid_up_to())?).ok()?,
        };
        if svg::root_is_svg(text) {
            Some(ImageKind::Svg)
        } else {
            None
        }
    }

    /// The media type of this kind of image.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Svg => "image/svg+xml",
        }
    }
}

/// Bakes `credential` into a PNG or SVG `image`, chosen by [`ImageKind::sniff`].
pub fn bake(image: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    check_image_size(image.len())?;
    match ImageKind::sniff(image) {
        Some(ImageKind::Png) => bake_png(image, credential),
        Some(ImageKind::Svg) => {
            let text =
                std::str::from_utf8(image).map_err(|source| BakeError::NotUtf8 { source })?;
            bake_svg(text, credential).map(String::into_bytes)
        }
        None => Err(BakeError::UnknownFormat),
    }
}

/// Extracts the credential baked into a PNG or SVG image, chosen by [`ImageKind::sniff`].
pub fn unbake(image: &[u8]) -> Result<Baked, BakeError> {
    check_image_size(image.len())?;
    match ImageKind::sniff(image) {
        Some(ImageKind::Png) => unbake_png(image),
        Some(ImageKind::Svg) => {
            let text =
                std::str::from_utf8(image).map_err(|source| BakeError::NotUtf8 { source })?;
            unbake_svg(text)
        }
        None => Err(BakeError::UnknownFormat),
    }
}

/// Refuses images over [`MAX_IMAGE_BYTES`].
fn check_image_size(len: usize) -> Result<(), BakeError> {
    if len > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge {
            what: Subject::Image,
            limit: MAX_IMAGE_BYTES,
            actual: len,
        });
    }
    Ok(())
}

/// Refuses credentials over [`MAX_CREDENTIAL_BYTES`].
fn check_credential_size(len: usize) -> Result<(), BakeError> {
    if len > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::TooLarge {
            what: Subject::Credential,
            limit: MAX_CREDENTIAL_BYTES,
            actual: len,
        });
    }
    Ok(())
}

/// Checks a credential given for baking: size, not blank, and only characters XML 1.0 allows.
fn check_credential(credential: &str) -> Result<(), BakeError> {
    check_credential_size(credential.len())?;
    if credential.trim().is_empty() {
        return Err(BakeError::InvalidCredential(CredentialProblem::Empty));
    }
    if let Some((offset, ch)) = credential.char_indices().find(|&(_, c)| !is_xml_char(c)) {
        return Err(BakeError::InvalidCredential(
            CredentialProblem::ForbiddenChar { ch, offset },
        ));
    }
    Ok(())
}

/// XML 1.0 `Char`: tab, newline, carriage return, and everything from U+0020 except U+FFFE/U+FFFF
/// (surrogates cannot occur in a Rust `char`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Zoë — ✓ 徽章 ]]> & <tag>"}"#;
    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuZWR1In0.c2ln";

    #[test]
    fn classify_by_leading_brace() {
        assert!(Baked::classify("  \n{\"a\":1}".into()).is_json());
        assert!(!Baked::classify(JWT.into()).is_json());
        assert_eq!(Baked::classify(" x ".into()).as_str(), " x ");
    }

    #[test]
    fn sniff_kinds() {
        let png = png::tests::tiny_png(3, 2);
        assert_eq!(ImageKind::sniff(&png), Some(ImageKind::Png));
        let svgs = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "\u{feff}<?xml version=\"1.0\"?>\n<!-- c > -->\n<!DOCTYPE svg [ <!ENTITY x \"y\"> ]>\n<svg>\n</svg>",
            "  <svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"></svg:svg>",
        ];
        for s in svgs {
            assert_eq!(ImageKind::sniff(s.as_bytes()), Some(ImageKind::Svg), "{s}");
        }
        for s in ["<html></html>", "", "GIF89a", "<svgx/>", "<!-- <svg> -->"] {
            assert_eq!(ImageKind::sniff(s.as_bytes()), None, "{s}");
        }
        assert_eq!(ImageKind::sniff(&[0xff, 0xd8, 0xff]), None);
    }

    #[test]
    fn dispatching_round_trip() {
        let png = png::tests::tiny_png(4, 4);
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
        for cred in [JSON, JWT] {
            let baked = bake(&png, cred).unwrap();
            assert_eq!(unbake(&baked).unwrap().as_str(), cred);
            let baked = bake(svg.as_bytes(), cred).unwrap();
            assert_eq!(unbake(&baked).unwrap().as_str(), cred);
        }
        assert_eq!(
            unbake(&png).unwrap_err().to_string(),
            BakeError::NotBaked.to_string()
        );
        assert!(matches!(
            bake(b"GIF89a", JWT),
            Err(BakeError::UnknownFormat)
        ));
        assert!(matches!(
            unbake(b"plain text"),
            Err(BakeError::UnknownFormat)
        ));
    }

    #[test]
    fn unbake_kind_matches_payload() {
        let png = png::tests::tiny_png(2, 2);
        assert_eq!(
            unbake(&bake(&png, JSON).unwrap()).unwrap(),
            Baked::Json(JSON.into())
        );
        assert_eq!(
            unbake(&bake(&png, JWT).unwrap()).unwrap(),
            Baked::Jwt(JWT.into())
        );
    }

    #[test]
    fn size_limits() {
        let mut big = png::tests::tiny_png(1, 1);
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        for r in [bake(&big, JWT).map(|_| ()), unbake(&big).map(|_| ())] {
            match r {
                Err(BakeError::TooLarge {
                    what: Subject::Image,
                    limit,
                    actual,
                }) => {
                    assert_eq!((limit, actual), (MAX_IMAGE_BYTES, MAX_IMAGE_BYTES + 1));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        let png = png::tests::tiny_png(1, 1);
        let cred = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_CREDENTIAL_BYTES));
        for r in [
            bake(&png, &cred).map(|_| ()),
            bake(b"<svg/>", &cred).map(|_| ()),
        ] {
            assert!(
                matches!(r, Err(BakeError::TooLarge { what: Subject::Credential, actual, .. }) if actual == cred.len()),
                "{r:?}"
            );
        }
        // SVG text over the image limit.
        let huge = format!("<svg>{}</svg>", " ".repeat(MAX_IMAGE_BYTES));
        assert!(matches!(
            unbake_svg(&huge),
            Err(BakeError::TooLarge {
                what: Subject::Image,
                ..
            })
        ));
        assert!(matches!(
            bake_svg(&huge, JWT),
            Err(BakeError::TooLarge {
                what: Subject::Image,
                ..
            })
        ));
        // A found credential over the limit (written by someone else) is refused too.
        let big = "a".repeat(MAX_CREDENTIAL_BYTES + 1);
        let svg = format!("<svg><openbadges:credential verify=\"{big}\"/></svg>");
        assert!(matches!(
            unbake_svg(&svg),
            Err(BakeError::TooLarge {
                what: Subject::Credential,
                ..
            })
        ));
        let svg =
            format!("<svg><openbadges:credential><![CDATA[{big}]]></openbadges:credential></svg>");
        assert!(matches!(
            unbake_svg(&svg),
            Err(BakeError::TooLarge {
                what: Subject::Credential,
                ..
            })
        ));
        let mut data = b"openbadgecredential\0\0\0\0\0".to_vec();
        data.extend_from_slice(big.as_bytes());
        let baked = super::png::tests::with_credential_data(&bake(&png, JWT).unwrap(), &data);
        assert!(matches!(
            unbake(&baked),
            Err(BakeError::TooLarge { what: Subject::Credential, actual, .. }) if actual == big.len()
        ));
        // Exactly at the limit is fine.
        let cred = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_CREDENTIAL_BYTES - 8));
        assert_eq!(cred.len(), MAX_CREDENTIAL_BYTES);
        assert_eq!(unbake(&bake(&png, &cred).unwrap()).unwrap().as_str(), cred);
    }

    #[test]
    fn bad_credentials_refused() {
        let png = png::tests::tiny_png(1, 1);
        for (cred, want) in [
            ("", CredentialProblem::Empty),
            (" \n\t", CredentialProblem::Empty),
            (
                "{\"a\":\"\0\"}",
                CredentialProblem::ForbiddenChar {
                    ch: '\0',
                    offset: 6,
                },
            ),
            (
                "ab\u{1b}c",
                CredentialProblem::ForbiddenChar {
                    ch: '\u{1b}',
                    offset: 2,
                },
            ),
            (
                "ab\u{ffff}",
                CredentialProblem::ForbiddenChar {
                    ch: '\u{ffff}',
                    offset: 2,
                },
            ),
        ] {
            for r in [
                bake(&png, cred).map(|_| ()),
                bake(b"<svg/>", cred).map(|_| ()),
            ] {
                match r {
                    Err(BakeError::InvalidCredential(p)) => assert_eq!(p, want),
                    other => panic!("{cred:?}: unexpected {other:?}"),
                }
            }
        }
    }

    #[test]
    fn svg_not_utf8() {
        let mut bytes = b"<svg>".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b"</svg>");
        assert!(matches!(unbake(&bytes), Err(BakeError::NotUtf8 { .. })));
        assert!(matches!(bake(&bytes, JWT), Err(BakeError::NotUtf8 { .. })));
    }
}
