//! What a credential says, read from the RDF its proof covers, never from the JSON as received.
//!
//! A Data Integrity proof signs the canonical RDF of the document; a VC-JWT signs a payload whose
//! meaning is again its RDF. JSON keys can spell one RDF statement many ways (an IRI key, an alias
//! from an appended context, `@nest`), so the verifier reads type, issuer, validity dates, status
//! entries, recipient identifiers and the facts it shows from the dataset, by IRI: a fact is
//! reported only if the signature covers it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::Facts;
use crate::badge::document::IdentityObject;
use credence_ld::rdf::{Literal, Node, Object, Quad};
use credence_vc::status::{ListCredential, StatusEntry, StatusError, StatusList, StatusPurpose};

/// The IRIs the verifier reads.
pub(crate) mod vocab {
    /// `rdf:type`.
    pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    /// VC data model (1.1 and 2.0 share the namespace).
    pub(crate) const VERIFIABLE_CREDENTIAL: &str =
        "https://www.w3.org/2018/credentials#VerifiableCredential";
    pub(crate) const ISSUER: &str = "https://www.w3.org/2018/credentials#issuer";
    pub(crate) const VALID_FROM: &str = "https://www.w3.org/2018/credentials#validFrom";
    pub(crate) const VALID_UNTIL: &str = "https://www.w3.org/2018/credentials#validUntil";
    pub(crate) const ISSUANCE_DATE: &str = "https://www.w3.org/2018/credentials#issuanceDate";
    pub(crate) const EXPIRATION_DATE: &str = "https://www.w3.org/2018/credentials#expirationDate";
    pub(crate) const CREDENTIAL_STATUS: &str =
        "https://www.w3.org/2018/credentials#credentialStatus";
    pub(crate) const CREDENTIAL_SUBJECT: &str =
        "https://www.w3.org/2018/credentials#credentialSubject";
    pub(crate) const EVIDENCE: &str = "https://www.w3.org/2018/credentials#evidence";
    /// Bitstring Status List.
    pub(crate) const BITSTRING_ENTRY: &str =
        "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry";
    pub(crate) const BITSTRING_LIST_CREDENTIAL: &str =
        "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential";
    pub(crate) const BITSTRING_LIST: &str =
        "https://www.w3.org/ns/credentials/status#BitstringStatusList";
    pub(crate) const STATUS_PURPOSE: &str =
        "https://www.w3.org/ns/credentials/status#statusPurpose";
    pub(crate) const STATUS_LIST_INDEX: &str =
        "https://www.w3.org/ns/credentials/status#statusListIndex";
    pub(crate) const STATUS_LIST_CREDENTIAL: &str =
        "https://www.w3.org/ns/credentials/status#statusListCredential";
    pub(crate) const ENCODED_LIST: &str = "https://www.w3.org/ns/credentials/status#encodedList";
    /// Open Badges 3.0.
    pub(crate) const OPEN_BADGE_CREDENTIAL: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential";
    pub(crate) const ACHIEVEMENT: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement";
    pub(crate) const SOURCE: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#source";
    pub(crate) const IDENTIFIER: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#identifier";
    pub(crate) const IDENTITY_OBJECT: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#IdentityObject";
    pub(crate) const IDENTITY_HASH: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityHash";
    pub(crate) const IDENTITY_TYPE: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityType";
    pub(crate) const HASHED: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#hashed";
    pub(crate) const SALT: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#salt";
    pub(crate) const HUMAN_CODE: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#humanCode";
    pub(crate) const VERSION: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#version";
    pub(crate) const AWARDED_DATE: &str =
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#awardedDate";
    pub(crate) const NARRATIVE: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative";
    /// schema.org.
    pub(crate) const NAME: &str = "https://schema.org/name";
    pub(crate) const GENRE: &str = "https://schema.org/genre";
}

/// Why a dataset does not describe one readable credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// No node of the default graph is a `VerifiableCredential` that nothing else refers to.
    #[error("the document does not describe a verifiable credential")]
    NoCredential,
    /// More than one top-level `VerifiableCredential`.
    #[error("the document describes {0} verifiable credentials, not one")]
    SeveralCredentials(usize),
    /// A property that may appear once appears several times.
    #[error("the credential has more than one {0}")]
    Repeated(&'static str),
    /// The credential names no issuer, or an issuer without an IRI.
    #[error("the credential's issuer {0}")]
    Issuer(&'static str),
    /// A date-time that is not an RFC 3339 / XML Schema date-time with a time zone.
    #[error("{term} {value:?} is not a date-time with a time zone")]
    Date {
        /// The term (`validFrom`, ...).
        term: &'static str,
        /// The value as signed.
        value: String,
    },
}

/// A date-time as signed, and its instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The lexical form.
    pub(crate) text: String,
    /// The instant.
    pub(crate) at: DateTime<Utc>,
}

/// The default graph of a dataset, indexed by subject.
pub(crate) struct Graph<'q> {
    by_subject: HashMap<&'q Node, Vec<&'q Quad>>,
    objects: HashSet<&'q Node>,
}

impl<'q> Graph<'q> {
    /// Indexes the default-graph quads of `quads` (proof graphs are named graphs and left out).
    pub(crate) fn new(quads: &'q [Quad]) -> Self {
        let mut by_subject: HashMap<&Node, Vec<&Quad>> = HashMap::new();
        let mut objects = HashSet::new();
        for q in quads.iter().filter(|q| q.graph.is_none()) {
            by_subject.entry(&q.subject).or_default().push(q);
            if let Object::Node(n) = &q.object {
                objects.insert(n);
            }
        }
        Graph {
            by_subject,
            objects,
        }
    }

    fn values<'a>(
        &'a self,
        subject: &Node,
        predicate: &'a str,
    ) -> impl Iterator<Item = &'q Object> + 'a {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter(move |q| q.predicate == predicate)
            .map(|q| &q.object)
    }

    fn nodes<'a>(
        &'a self,
        subject: &Node,
        predicate: &'a str,
    ) -> impl Iterator<Item = &'q Node> + 'a {
        self.values(subject, predicate).filter_map(|o| match o {
            Object::Node(n) => Some(n),
            Object::Literal(_) => None,
        })
    }

    fn literals<'a>(
        &'a self,
        subject: &Node,
        predicate: &'a str,
    ) -> impl Iterator<Item = &'q Literal> + 'a {
        self.values(subject, predicate).filter_map(|o| match o {
            Object::Literal(l) => Some(l),
            Object::Node(_) => None,
        })
    }

    /// The first literal value of `predicate` (in the dataset's order).
    fn text(&self, subject: &Node, predicate: &str) -> Option<String> {
        self.literals(subject, predicate)
            .next()
            .map(|l| l.value.clone())
    }

    /// The only literal value of `predicate`, if any; several are an error.
    fn single_text(
        &self,
        subject: &Node,
        predicate: &str,
        term: &'static str,
    ) -> Result<Option<&'q Literal>, ClaimsError> {
        let mut all = self.literals(subject, predicate);
        let first = all.next();
        if all.next().is_some() {
            return Err(ClaimsError::Repeated(term));
        }
        Ok(first)
    }

    fn types<'a>(&'a self, subject: &Node) -> impl Iterator<Item = &'q str> + 'a {
        self.nodes(subject, vocab::RDF_TYPE)
            .filter_map(|n| match n {
                Node::Iri(i) => Some(i.as_str()),
                Node::Blank(_) => None,
            })
    }

    fn has_type(&self, subject: &Node, iri: &str) -> bool {
        self.types(subject).any(|t| t == iri)
    }

    /// The one top-level verifiable credential: typed `VerifiableCredential` and not the object
    /// of any statement (a credential embedded in another, an endorsement say, is an object).
    fn credential(&self) -> Result<&'q Node, ClaimsError> {
        let mut roots: Vec<&Node> = self
            .by_subject
            .keys()
            .copied()
            .filter(|s| !self.objects.contains(s) && self.has_type(s, vocab::VERIFIABLE_CREDENTIAL))
            .collect();
        match roots.len() {
            0 => Err(ClaimsError::NoCredential),
            1 => roots.pop().ok_or(ClaimsError::NoCredential),
            n => Err(ClaimsError::SeveralCredentials(n)),
        }
    }

    fn stamp(
        &self,
        subject: &Node,
        predicate: &str,
        term: &'static str,
    ) -> Result<Option<Stamp>, ClaimsError> {
        let Some(lit) = self.single_text(subject, predicate, term)? else {
            return Ok(None);
        };
        DateTime::parse_from_rfc3339(&lit.value)
            .map(|d| {
                Some(Stamp {
                    text: lit.value.clone(),
                    at: d.with_timezone(&Utc),
                })
            })
            .map_err(|_| ClaimsError::Date {
                term,
                value: lit.value.clone(),
            })
    }
}

/// What the signed dataset says about its credential.
#[derive(Debug)]
pub(crate) struct Claims {
    /// The credential's type IRIs.
    pub(crate) types: Vec<String>,
    /// The issuer's IRI.
    pub(crate) issuer: String,
    /// `validFrom` (or VC 1.1 `issuanceDate`).
    pub(crate) valid_from: Option<Stamp>,
    /// `validUntil` (or VC 1.1 `expirationDate`).
    pub(crate) valid_until: Option<Stamp>,
    /// Each `credentialStatus` entry, read or why not.
    pub(crate) statuses: Vec<Result<StatusEntry, StatusError>>,
    /// The identity objects of the credential subjects (`identifier`).
    pub(crate) identities: Vec<IdentityObject>,
    /// What an employer reads.
    pub(crate) facts: Facts,
}

impl Claims {
    /// Reads the credential of `quads` (the document without its proof).
    pub(crate) fn read(quads: &[Quad]) -> Result<Self, ClaimsError> {
        let g = Graph::new(quads);
        Self::of(&g, g.credential()?)
    }

    fn of(g: &Graph<'_>, cred: &Node) -> Result<Self, ClaimsError> {
        let mut issuers = g.values(cred, vocab::ISSUER);
        let issuer_node = match (issuers.next(), issuers.next()) {
            (Some(_), Some(_)) => return Err(ClaimsError::Repeated("issuer")),
            (None, _) => return Err(ClaimsError::Issuer("is missing")),
            (Some(Object::Node(n @ Node::Iri(_))), None) => n,
            (Some(Object::Node(Node::Blank(_))), None) => {
                return Err(ClaimsError::Issuer("has no id"))
            }
            (Some(Object::Literal(_)), None) => return Err(ClaimsError::Issuer("is not an IRI")),
        };
        let issuer = iri(issuer_node).unwrap_or_default();
        let valid_from = match g.stamp(cred, vocab::VALID_FROM, "validFrom")? {
            Some(s) => Some(s),
            None => g.stamp(cred, vocab::ISSUANCE_DATE, "issuanceDate")?,
        };
        let valid_until = match g.stamp(cred, vocab::VALID_UNTIL, "validUntil")? {
            Some(s) => Some(s),
            None => g.stamp(cred, vocab::EXPIRATION_DATE, "expirationDate")?,
        };
        let statuses = g
            .values(cred, vocab::CREDENTIAL_STATUS)
            .map(|o| match o {
                Object::Node(n) => status_entry(g, n),
                Object::Literal(_) => Err(StatusError::MalformedEntry("credentialStatus")),
            })
            .collect();
        let subjects: Vec<&Node> = g.nodes(cred, vocab::CREDENTIAL_SUBJECT).collect();
        let identities = subjects
            .iter()
            .flat_map(|s| g.nodes(s, vocab::IDENTIFIER))
            .map(|n| identity_object(g, n))
            .collect();

        let subject = subjects.first().copied();
        let achievement = subject.and_then(|s| g.nodes(s, vocab::ACHIEVEMENT).next());
        let source = subject.and_then(|s| g.nodes(s, vocab::SOURCE).next());
        let route = g
            .nodes(cred, vocab::EVIDENCE)
            .find(|e| g.literals(e, vocab::GENRE).any(|l| l.value == "Route"))
            .and_then(|e| {
                g.text(e, vocab::NARRATIVE)
                    .or_else(|| g.text(e, vocab::NAME))
            });
        let facts = Facts {
            id: iri(cred),
            issuer: Some(issuer.clone()),
            issuer_name: g.text(issuer_node, vocab::NAME),
            achievement: achievement.and_then(|a| g.text(a, vocab::NAME)),
            human_code: achievement.and_then(|a| g.text(a, vocab::HUMAN_CODE)),
            version: achievement.and_then(|a| g.text(a, vocab::VERSION)),
            provider: source.and_then(|p| g.text(p, vocab::NAME)),
            route,
            awarded_date: g
                .single_text(cred, vocab::AWARDED_DATE, "awardedDate")?
                .map(|l| l.value.clone()),
            valid_from: valid_from.as_ref().map(|s| s.text.clone()),
            valid_until: valid_until.as_ref().map(|s| s.text.clone()),
        };
        Ok(Claims {
            types: g.types(cred).map(str::to_owned).collect(),
            issuer,
            valid_from,
            valid_until,
            statuses,
            identities,
            facts,
        })
    }

    /// Whether the credential is an Open Badges 3.0 `OpenBadgeCredential` (`AchievementCredential`
    /// is the same IRI).
    pub(crate) fn is_open_badge(&self) -> bool {
        self.types.iter().any(|t| t == vocab::OPEN_BADGE_CREDENTIAL)
    }
}

fn iri(node: &Node) -> Option<String> {
    match node {
        Node::Iri(i) => Some(i.clone()),
        Node::Blank(_) => None,
    }
}

/// A `BitstringStatusListEntry` as signed.
fn status_entry(g: &Graph<'_>, node: &Node) -> Result<StatusEntry, StatusError> {
    if !g.has_type(node, vocab::BITSTRING_ENTRY) {
        let types: Vec<&str> = g.types(node).collect();
        return Err(if types.is_empty() {
            StatusError::MalformedEntry("type")
        } else {
            StatusError::UnsupportedType(types.join(", "))
        });
    }
    let one = |predicate: &str, term: &'static str| {
        g.single_text(node, predicate, term)
            .ok()
            .flatten()
            .map(|l| l.value.as_str())
            .ok_or(StatusError::MalformedEntry(term))
    };
    let index = one(vocab::STATUS_LIST_INDEX, "statusListIndex")?
        .parse::<u64>()
        .map_err(|_| StatusError::MalformedEntry("statusListIndex"))?;
    let purpose = StatusPurpose::parse(one(vocab::STATUS_PURPOSE, "statusPurpose")?)?;
    let mut lists = g.nodes(node, vocab::STATUS_LIST_CREDENTIAL).filter_map(iri);
    let list_url = match (lists.next(), lists.next()) {
        (Some(url), None) => url,
        _ => return Err(StatusError::MalformedEntry("statusListCredential")),
    };
    Ok(StatusEntry {
        id: iri(node).unwrap_or_default(),
        purpose,
        index,
        list_url,
    })
}

/// An `IdentityObject` as signed (a node without the type or a hash never matches anything).
fn identity_object(g: &Graph<'_>, node: &Node) -> IdentityObject {
    let kind = if g.has_type(node, vocab::IDENTITY_OBJECT) {
        "IdentityObject"
    } else {
        ""
    };
    IdentityObject {
        kind: kind.to_owned(),
        hashed: g
            .literals(node, vocab::HASHED)
            .any(|l| matches!(l.value.as_str(), "true" | "1")),
        identity_hash: g.text(node, vocab::IDENTITY_HASH).unwrap_or_default(),
        identity_type: g.text(node, vocab::IDENTITY_TYPE).unwrap_or_default(),
        salt: g.text(node, vocab::SALT),
    }
}

/// A verified status list credential, read from its signed dataset.
#[derive(Debug)]
pub(crate) struct SignedList {
    /// Issuer, purpose and bits.
    pub(crate) list: ListCredential,
    /// The list's own `validFrom`.
    pub(crate) valid_from: Option<Stamp>,
    /// The list's own `validUntil`.
    pub(crate) valid_until: Option<Stamp>,
}

impl SignedList {
    /// Reads a `BitstringStatusListCredential` from the quads its proof covers.
    pub(crate) fn read(quads: &[Quad]) -> Result<Self, StatusError> {
        let malformed = StatusError::MalformedListCredential;
        let g = Graph::new(quads);
        let cred = g.credential().map_err(|_| malformed("type"))?;
        let claims = Claims::of(&g, cred).map_err(|_| malformed("issuer"))?;
        if !claims
            .types
            .iter()
            .any(|t| t == vocab::BITSTRING_LIST_CREDENTIAL)
        {
            return Err(malformed("type"));
        }
        let mut subjects = g.nodes(cred, vocab::CREDENTIAL_SUBJECT);
        let subject = match (subjects.next(), subjects.next()) {
            (Some(s), None) => s,
            _ => return Err(malformed("credentialSubject")),
        };
        if !g.has_type(subject, vocab::BITSTRING_LIST) {
            return Err(malformed("credentialSubject.type"));
        }
        let one = |predicate: &str, term: &'static str| {
            g.single_text(subject, predicate, term)
                .ok()
                .flatten()
                .map(|l| l.value.as_str())
                .ok_or(malformed(term))
        };
        let purpose = StatusPurpose::parse(one(vocab::STATUS_PURPOSE, "statusPurpose")?)?;
        let list = StatusList::decode(one(vocab::ENCODED_LIST, "encodedList")?)?;
        Ok(SignedList {
            list: ListCredential::new(claims.issuer, purpose, list)?,
            valid_from: claims.valid_from,
            valid_until: claims.valid_until,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, BaseUrl};
    use credence_ld::jsonld::JsonLd;
    use serde_json::{json, Value};

    fn badge() -> Value {
        let base = BaseUrl::try_from("https://badges.example.org").unwrap();
        sample::standard_badge(&base).unwrap().into_json()
    }

    fn claims(doc: &Value) -> Result<Claims, ClaimsError> {
        let jl = JsonLd::new(crate::contexts::pinned().unwrap());
        Claims::read(&jl.to_rdf(doc).unwrap())
    }

    #[test]
    fn reads_the_standard_badge() {
        let c = claims(&badge()).unwrap();
        assert!(c.is_open_badge());
        assert_eq!(c.issuer, "did:web:badges.example.org");
        assert_eq!(
            c.facts.issuer_name.as_deref(),
            Some("Centre for Advancing Practice")
        );
        assert_eq!(c.facts.human_code.as_deref(), Some("CS-OPF"));
        assert_eq!(c.facts.version.as_deref(), Some("1.0"));
        assert_eq!(c.facts.provider.as_deref(), Some("University of Leeds"));
        assert_eq!(
            c.facts.route.as_deref(),
            Some("Completed as an integral part of an advanced practice MSc.")
        );
        assert_eq!(
            c.facts.awarded_date.as_deref(),
            Some("2024-07-12T00:00:00Z")
        );
        assert_eq!(c.valid_from.unwrap().text, "2025-06-01T10:00:00Z");
        assert_eq!(c.statuses.len(), 1);
        let entry = c.statuses[0].as_ref().unwrap();
        assert_eq!(entry.list_url, "https://badges.example.org/status/1");
        assert_eq!((entry.index, entry.purpose), (7, StatusPurpose::Revocation));
        assert!(!c.identities.is_empty());
        assert!(c
            .identities
            .iter()
            .all(|i| i.kind == "IdentityObject" && i.hashed));
    }

    #[test]
    fn a_statement_is_read_however_the_json_spells_it() {
        // The IRI key: the same RDF, so the same claims (the strict-term check refuses the
        // spelling separately; here only the reading is under test).
        let mut doc = badge();
        let status = doc
            .as_object_mut()
            .unwrap()
            .remove("credentialStatus")
            .unwrap();
        doc["https://www.w3.org/2018/credentials#credentialStatus"] = status;
        doc["https://www.w3.org/2018/credentials#validUntil"] = json!({"@value": "2025-07-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"});
        let c = claims(&doc).unwrap();
        assert_eq!(c.statuses.len(), 1);
        assert_eq!(c.valid_until.unwrap().text, "2025-07-01T00:00:00Z");
    }

    #[test]
    fn a_document_must_describe_one_credential_with_an_issuer() {
        let jl = JsonLd::new(crate::contexts::pinned().unwrap());
        let quads = jl.to_rdf(&badge()).unwrap();
        let untyped: Vec<Quad> = quads
            .iter()
            .filter(|q| !matches!(&q.object, Object::Node(Node::Iri(i)) if i == vocab::VERIFIABLE_CREDENTIAL))
            .cloned()
            .collect();
        assert_eq!(
            Claims::read(&untyped).unwrap_err(),
            ClaimsError::NoCredential
        );
        let mut doc = badge();
        doc.as_object_mut().unwrap().remove("issuer");
        assert_eq!(claims(&doc).unwrap_err(), ClaimsError::Issuer("is missing"));
        let mut doc = badge();
        doc["validFrom"] = json!("Sat 25 Feb 2023 07:16:31 PM CST");
        assert!(matches!(
            claims(&doc),
            Err(ClaimsError::Date {
                term: "validFrom",
                ..
            })
        ));
    }
}
