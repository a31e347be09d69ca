//! The VC data model's conformance rules (VCDM 2.0 §4, and VCDM 1.1 for 1.1 credentials), checked
//! on the RDF a proof covers.
//!
//! [`check`] expands a credential with the pinned contexts and checks it; [`check_rdf`] checks the
//! quads a caller has already computed (the verifier's, the signer's). Every rule but the first
//! reads the expanded terms, by IRI, through [`Graph`]: a JSON key is never trusted to mean a VC
//! term. Only the `@context` rule reads the JSON, because it is a rule about the JSON's shape.
//! A violation is a [`ModelError`] naming the rule, in words for a person.
//!
//! The signer ([`DataIntegrity::prove_rdfc`](crate::proof::DataIntegrity::prove_rdfc), and the
//! CLI before a JWT) refuses a credential that breaks a rule; the verifier reports it as a failed
//! `data_model` check and the verdict `malformed`.

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use credence_ld::jsonld::JsonLd;
use credence_ld::rdf::{Literal, Node, Object, Quad};
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

use crate::contexts::{CREDENTIALS_V1, CREDENTIALS_V2};
use crate::proof::ProofError;
use crate::verify::{vocab, ClaimsError, Graph};

/// IRIs the rules read beyond [`vocab`].
mod iri {
    /// `credentialSchema`.
    pub const CREDENTIAL_SCHEMA: &str = "https://www.w3.org/2018/credentials#credentialSchema";
    /// `refreshService`.
    pub const REFRESH_SERVICE: &str = "https://www.w3.org/2018/credentials#refreshService";
    /// `termsOfUse`.
    pub const TERMS_OF_USE: &str = "https://www.w3.org/2018/credentials#termsOfUse";
    /// `relatedResource`.
    pub const RELATED_RESOURCE: &str = "https://www.w3.org/2018/credentials#relatedResource";
    /// `digestSRI`.
    pub const DIGEST_SRI: &str = "https://www.w3.org/2018/credentials#digestSRI";
    /// `digestMultibase`.
    pub const DIGEST_MULTIBASE: &str = "https://w3id.org/security#digestMultibase";
    /// schema.org `description`.
    pub const DESCRIPTION: &str = "https://schema.org/description";
    /// `xsd:string`.
    pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
    /// `rdf:langString`.
    pub const LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
    /// The datatypes `rdfDirection: i18n-datatype` writes for a directed string.
    pub const I18N: &str = "https://www.w3.org/ns/i18n#";
}

/// Which data model a credential follows, by the first item of its `@context`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Version {
    /// VC Data Model 2.0 (`https://www.w3.org/ns/credentials/v2`).
    V2,
    /// VC Data Model 1.1 (`https://www.w3.org/2018/credentials/v1`).
    V1_1,
}

impl Version {
    /// The data model `credential` follows, by the first item of its `@context`.
    pub fn of(credential: &Value) -> Result<Self, ModelError> {
        version(credential)
    }
}

/// The rule of the VC data model a credential breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The first item of `@context` is not the VC 2.0 (or 1.1) context.
    #[error("the first @context item must be {CREDENTIALS_V2} (or {CREDENTIALS_V1} for a VC 1.1 credential)")]
    Context,
    /// The credential's `id` is not a URL.
    #[error("the credential's id must be a URL")]
    Id,
    /// The credential is not typed `VerifiableCredential`.
    #[error("the credential's type must include VerifiableCredential")]
    Type,
    /// The document describes more than one top-level credential.
    #[error("the document must describe one credential, not {0}")]
    SeveralCredentials(usize),
    /// A `name` or `description` is neither a string nor a language value object.
    #[error("the {0} of {1} must be a string or a language value object")]
    NotText(&'static str, &'static str),
    /// No issuer.
    #[error("the credential must name its issuer")]
    IssuerMissing,
    /// More than one issuer.
    #[error("the credential must name one issuer, not several")]
    IssuerRepeated,
    /// The issuer is neither a URL nor an object with an `id` URL.
    #[error("the issuer must be a URL or an object whose id is a URL")]
    IssuerNotUrl,
    /// No `credentialSubject`.
    #[error("the credential must have a credentialSubject")]
    SubjectMissing,
    /// A `credentialSubject` without a property.
    #[error("each credentialSubject must have at least one property")]
    SubjectEmpty,
    /// A date that is not an XML Schema `dateTimeStamp`.
    #[error(
        "{term} must be a date-time with a time zone (such as 2024-01-01T00:00:00Z), not {value:?}"
    )]
    Date {
        /// The term (`validFrom`, ...).
        term: &'static str,
        /// The value as written.
        value: String,
    },
    /// A date given more than once.
    #[error("the credential must have at most one {0}")]
    DateRepeated(&'static str),
    /// A VC 1.1 credential without `issuanceDate`.
    #[error("a VC 1.1 credential must have an issuanceDate")]
    IssuanceDateMissing,
    /// An item of `credentialStatus`, `credentialSchema`, ... that is not an object with a `type`.
    #[error("each {0} must be an object with a type")]
    ItemType(&'static str),
    /// An item of `credentialSchema` (or a VC 1.1 `credentialStatus`, ...) without an `id` URL.
    #[error("each {0} must have an id that is a URL")]
    ItemId(&'static str),
    /// A `relatedResource` without a digest.
    #[error("each relatedResource must have a digestSRI or a digestMultibase")]
    RelatedDigestMissing,
    /// A digest that cannot be read.
    #[error(
        "the {term} of the related resource {id} is not a digest this verifier reads: {value:?}"
    )]
    RelatedDigestUnreadable {
        /// `digestSRI` or `digestMultibase`.
        term: &'static str,
        /// The resource.
        id: String,
        /// The value as written.
        value: String,
    },
    /// A digest that does not match the bytes the caller gave for the resource.
    #[error("the {term} of the related resource {id} does not match the resource")]
    RelatedDigestMismatch {
        /// `digestSRI` or `digestMultibase`.
        term: &'static str,
        /// The resource.
        id: String,
    },
}

/// Why [`check`] could not tell, or what it found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The credential's JSON-LD could not be turned into RDF.
    #[error("not a readable JSON-LD credential")]
    Unreadable(#[source] ProofError),
    /// The credential breaks a rule.
    #[error(transparent)]
    Model(ModelError),
}

/// The bytes of related resources the caller has, by URL, for checking `relatedResource`
/// digests. Without them, digests are checked for shape only.
#[derive(Debug, Clone, Default)]
pub struct RelatedResources {
    by_id: HashMap<String, Vec<u8>>,
}

impl RelatedResources {
    /// None: digests are checked for shape only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the bytes of the resource `id`.
    pub fn add(&mut self, id: impl Into<String>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.by_id.insert(id.into(), bytes.into());
        self
    }

    fn get(&self, id: &str) -> Option<&[u8]> {
        self.by_id.get(id).map(Vec::as_slice)
    }
}

/// Expands `credential` (without any `proof`) with `jsonld`'s pinned contexts and checks it.
pub fn check(
    jsonld: &JsonLd,
    credential: &Value,
    resources: &RelatedResources,
) -> Result<Version, CheckError> {
    let quads = jsonld
        .credential_rdf(credential, Some("proof"))
        .map_err(|e| CheckError::Unreadable(e.into()))?;
    check_rdf(credential, &quads, resources).map_err(CheckError::Model)
}

/// Checks the credential whose JSON is `credential` and whose RDF (what the proof covers) is
/// `quads`: the `@context` rule on the JSON, every other rule on the RDF.
pub fn check_rdf(
    credential: &Value,
    quads: &[Quad],
    resources: &RelatedResources,
) -> Result<Version, ModelError> {
    let version = version(credential)?;
    let g = Graph::new(quads);
    let cred = g.credential().map_err(|e| match e {
        ClaimsError::SeveralCredentials(n) => ModelError::SeveralCredentials(n),
        _ => ModelError::Type,
    })?;
    // The credential's `id`: a blank node when it has none, or an id that is no IRI.
    if matches!(cred, Node::Blank(_)) && credential.get("id").is_some() {
        return Err(ModelError::Id);
    }
    if let Node::Iri(id) = cred {
        if !is_url(id) {
            return Err(ModelError::Id);
        }
    }
    let v1 = version == Version::V1_1;
    // VCDM 2.0 §4.6 defines `name` and `description`; VCDM 1.1 does not (OB 3.0.0 and 3.0.1
    // contexts type them `https://www.w3.org/2001/XMLSchema#string`, a datatype of their own).
    if !v1 {
        text(&g, cred, "credential")?;
    }
    let issuer = issuer(&g, cred)?;
    if !v1 {
        text(&g, issuer, "issuer")?;
    }
    subjects(&g, cred)?;
    dates(&g, cred, version)?;
    for (predicate, term, id_required) in [
        (vocab::CREDENTIAL_STATUS, "credentialStatus", v1),
        (iri::CREDENTIAL_SCHEMA, "credentialSchema", true),
        (iri::REFRESH_SERVICE, "refreshService", v1),
        (iri::TERMS_OF_USE, "termsOfUse", false),
        (vocab::EVIDENCE, "evidence", false),
    ] {
        typed_items(&g, cred, predicate, term, id_required)?;
    }
    related(&g, cred, resources)?;
    Ok(version)
}

/// The `@context` rule: its first item names the data model.
fn version(credential: &Value) -> Result<Version, ModelError> {
    let first = match credential.get("@context") {
        Some(Value::Array(items)) => items.first(),
        Some(one @ Value::String(_)) => Some(one),
        _ => None,
    };
    match first.and_then(Value::as_str) {
        Some(CREDENTIALS_V2) => Ok(Version::V2),
        Some(CREDENTIALS_V1) => Ok(Version::V1_1),
        _ => Err(ModelError::Context),
    }
}

/// An absolute IRI: a scheme, then `:`.
fn is_url(iri: &str) -> bool {
    let Some((scheme, _)) = iri.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `name` and `description` of `node` are strings or language value objects.
fn text(g: &Graph<'_>, node: &Node, of: &'static str) -> Result<(), ModelError> {
    for (predicate, term) in [(vocab::NAME, "name"), (iri::DESCRIPTION, "description")] {
        let textual = |o: &Object| match o {
            Object::Literal(Literal { datatype, .. }) => {
                datatype == iri::XSD_STRING
                    || datatype == iri::LANG_STRING
                    || datatype.starts_with(iri::I18N)
            }
            Object::Node(_) => false,
        };
        if !g.values(node, predicate).all(textual) {
            return Err(ModelError::NotText(term, of));
        }
    }
    Ok(())
}

/// The one issuer, an IRI.
fn issuer<'q>(g: &Graph<'q>, cred: &Node) -> Result<&'q Node, ModelError> {
    let mut all = g.values(cred, vocab::ISSUER);
    match (all.next(), all.next()) {
        (None, _) => Err(ModelError::IssuerMissing),
        (Some(_), Some(_)) => Err(ModelError::IssuerRepeated),
        (Some(Object::Node(n @ Node::Iri(id))), None) if is_url(id) => Ok(n),
        (Some(_), None) => Err(ModelError::IssuerNotUrl),
    }
}

/// At least one subject, each with a property (an `id` is one).
fn subjects(g: &Graph<'_>, cred: &Node) -> Result<(), ModelError> {
    let mut any = false;
    for subject in g.values(cred, vocab::CREDENTIAL_SUBJECT) {
        any = true;
        match subject {
            Object::Node(Node::Iri(_)) => {}
            Object::Node(n @ Node::Blank(_)) if g.describes(n) => {}
            _ => return Err(ModelError::SubjectEmpty),
        }
    }
    if any {
        Ok(())
    } else {
        Err(ModelError::SubjectMissing)
    }
}

/// The validity dates of the data model the credential follows.
fn dates(g: &Graph<'_>, cred: &Node, version: Version) -> Result<(), ModelError> {
    let terms: &[(&str, &'static str)] = match version {
        Version::V2 => &[
            (vocab::VALID_FROM, "validFrom"),
            (vocab::VALID_UNTIL, "validUntil"),
        ],
        Version::V1_1 => &[
            (vocab::ISSUANCE_DATE, "issuanceDate"),
            (vocab::EXPIRATION_DATE, "expirationDate"),
        ],
    };
    for &(predicate, term) in terms {
        let mut values = g.values(cred, predicate);
        match (values.next(), values.next()) {
            (Some(_), Some(_)) => return Err(ModelError::DateRepeated(term)),
            (Some(Object::Literal(l)), None) if is_date_time_stamp(&l.value) => {}
            (Some(o), None) => {
                let value = match o {
                    Object::Literal(l) => l.value.clone(),
                    Object::Node(Node::Iri(i)) => i.clone(),
                    Object::Node(Node::Blank(_)) => "an object".to_owned(),
                };
                return Err(ModelError::Date { term, value });
            }
            (None, _) if predicate == vocab::ISSUANCE_DATE => {
                return Err(ModelError::IssuanceDateMissing)
            }
            (None, _) => {}
        }
    }
    Ok(())
}

/// Each item of `predicate` is a typed object, with an IRI id when `id_required`.
fn typed_items(
    g: &Graph<'_>,
    cred: &Node,
    predicate: &str,
    term: &'static str,
    id_required: bool,
) -> Result<(), ModelError> {
    for item in g.values(cred, predicate) {
        let Object::Node(node) = item else {
            return Err(ModelError::ItemType(term));
        };
        if g.types(node).next().is_none() {
            return Err(ModelError::ItemType(term));
        }
        if id_required && !matches!(node, Node::Iri(id) if is_url(id)) {
            return Err(ModelError::ItemId(term));
        }
    }
    Ok(())
}

/// Each `relatedResource` has an id and a digest; digests of resources the caller has must match.
fn related(g: &Graph<'_>, cred: &Node, resources: &RelatedResources) -> Result<(), ModelError> {
    for item in g.values(cred, iri::RELATED_RESOURCE) {
        let Object::Node(Node::Iri(id)) = item else {
            return Err(ModelError::ItemId("relatedResource"));
        };
        let node = Node::Iri(id.clone());
        let sri: Vec<&Literal> = g.literals(&node, iri::DIGEST_SRI).collect();
        let multibase: Vec<&Literal> = g.literals(&node, iri::DIGEST_MULTIBASE).collect();
        if sri.is_empty() && multibase.is_empty() {
            return Err(ModelError::RelatedDigestMissing);
        }
        let bytes = resources.get(id);
        for (term, values, read) in [
            (
                "digestSRI",
                &sri,
                sri_digest as fn(&str) -> Option<Expected>,
            ),
            ("digestMultibase", &multibase, multibase_digest),
        ] {
            for l in values {
                let unreadable = || ModelError::RelatedDigestUnreadable {
                    term,
                    id: id.clone(),
                    value: l.value.clone(),
                };
                let expected = read(&l.value).ok_or_else(unreadable)?;
                if let Some(bytes) = bytes {
                    if !expected.matches(bytes) {
                        return Err(ModelError::RelatedDigestMismatch {
                            term,
                            id: id.clone(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// A digest and its hash function.
struct Expected {
    algorithm: Algorithm,
    digest: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

impl Expected {
    fn new(algorithm: Algorithm, digest: Vec<u8>) -> Option<Self> {
        (digest.len() == algorithm.len()).then_some(Self { algorithm, digest })
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        let actual = match self.algorithm {
            Algorithm::Sha256 => Sha256::digest(bytes).to_vec(),
            Algorithm::Sha384 => Sha384::digest(bytes).to_vec(),
            Algorithm::Sha512 => Sha512::digest(bytes).to_vec(),
        };
        actual == self.digest
    }
}

/// A Subresource Integrity hash expression (`sha384-<base64>`); options after `?` are ignored.
fn sri_digest(value: &str) -> Option<Expected> {
    let (algorithm, rest) = value.trim().split_once('-')?;
    let algorithm = match algorithm {
        "sha256" => Algorithm::Sha256,
        "sha384" => Algorithm::Sha384,
        "sha512" => Algorithm::Sha512,
        _ => return None,
    };
    let b64 = rest.split('?').next()?;
    Expected::new(algorithm, STANDARD.decode(b64).ok()?)
}

/// A multibase (`u` base64url, `z` base58btc) multihash of SHA-256, SHA-384 or SHA-512.
fn multibase_digest(value: &str) -> Option<Expected> {
    let mut chars = value.chars();
    let bytes = match chars.next()? {
        'u' => URL_SAFE_NO_PAD.decode(chars.as_str()).ok()?,
        'z' => bs58::decode(chars.as_str()).into_vec().ok()?,
        _ => return None,
    };
    let (algorithm, rest) = match bytes.as_slice() {
        [0x12, len, rest @ ..] if usize::from(*len) == rest.len() => (Algorithm::Sha256, rest),
        [0x20, len, rest @ ..] if usize::from(*len) == rest.len() => (Algorithm::Sha384, rest),
        [0x13, len, rest @ ..] if usize::from(*len) == rest.len() => (Algorithm::Sha512, rest),
        _ => return None,
    };
    Expected::new(algorithm, rest.to_vec())
}

/// The lexical form of XML Schema `dateTimeStamp`: `YYYY-MM-DDThh:mm:ss(.s+)?` and a time zone
/// (`Z` or `±hh:mm`), with a real day of the month.
pub fn is_date_time_stamp(text: &str) -> bool {
    let s = text.strip_prefix('-').unwrap_or(text);
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    let mut parts = date.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if year.len() < 4
        || !year.bytes().all(|b| b.is_ascii_digit())
        || (year.len() > 4 && year.starts_with('0'))
        || !digits(month, 2)
        || !digits(day, 2)
    {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        year.parse::<i64>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if d == 0 || d > days {
        return false;
    }
    let (clock, zone) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, None)
    } else if time.len() > 6 && time.is_char_boundary(time.len() - 6) {
        let (clock, zone) = time.split_at(time.len() - 6);
        (clock, Some(zone))
    } else {
        return false;
    };
    if let Some(zone) = zone {
        let b = zone.as_bytes();
        let ok = matches!(b, [b'+' | b'-', h1, h2, b':', m1, m2]
            if [*h1, *h2, *m1, *m2].iter().all(u8::is_ascii_digit));
        if !ok {
            return false;
        }
        let h = u32::from(b[1] - b'0') * 10 + u32::from(b[2] - b'0');
        let min = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
        if min > 59 || h > 14 || (h == 14 && min != 0) {
            return false;
        }
    }
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut hms = hms.split(':');
    let (Some(h), Some(min), Some(sec), None) = (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return false;
    };
    if !digits(h, 2) || !digits(min, 2) || !digits(sec, 2) {
        return false;
    }
    let (Ok(h), Ok(min), Ok(sec)) = (h.parse::<u32>(), min.parse::<u32>(), sec.parse::<u32>())
    else {
        return false;
    };
    let midnight =
        h == 24 && min == 0 && sec == 0 && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    midnight || (h < 24 && min < 60 && sec < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_stamps() {
        for ok in [
            "2024-01-01T00:00:00Z",
            "2024-02-29T23:59:59.123+05:30",
            "-0044-03-15T12:00:00-14:00",
            "10000-01-01T24:00:00Z",
        ] {
            assert!(is_date_time_stamp(ok), "{ok}");
        }
        for bad in [
            "Sat 25 Feb 2023 07:16:31 PM CST",
            "2024-01-01T00:00:00",
            "2024-01-01",
            "2023-02-29T00:00:00Z",
            "2024-01-01 00:00:00Z",
            "2024-1-01T00:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00+15:00",
            "2024-01-01T00:00:00.Z",
            "02024-01-01T00:00:00Z",
            "",
        ] {
            assert!(!is_date_time_stamp(bad), "{bad}");
        }
    }

    #[test]
    fn digests_read_as_written() {
        let bytes = b"hello";
        let sha = Sha256::digest(bytes);
        let sri = format!("sha256-{}", STANDARD.encode(sha));
        assert!(sri_digest(&sri).is_some_and(|e| e.matches(bytes)));
        let mut mh = vec![0x12, 32];
        mh.extend_from_slice(&sha);
        let mb = format!("u{}", URL_SAFE_NO_PAD.encode(&mh));
        assert!(multibase_digest(&mb).is_some_and(|e| e.matches(bytes)));
        let z = format!("z{}", bs58::encode(&mh).into_string());
        assert!(multibase_digest(&z).is_some_and(|e| !e.matches(b"other")));
        assert!(sri_digest("md5-AAAA").is_none());
        assert!(multibase_digest("uAAAA").is_none());
    }
}
