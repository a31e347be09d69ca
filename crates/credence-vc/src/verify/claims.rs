//! What a credential says, read from the RDF its proof covers, never from the JSON as received.
//!
//! A Data Integrity proof signs the canonical RDF of the document; a VC-JWT signs a payload whose
//! meaning is again its RDF. JSON keys can spell one RDF statement many ways (an IRI key, an alias
//! from an appended context, `@nest`), so the verifier reads type, issuer, validity dates, status
//! entries and the facts it shows from the dataset, by IRI: a fact is reported only if the
//! signature covers it. A profile above (Open Badges) reads its own terms through the same
//! [`Graph`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use credence_ld::rdf::{Literal, Node, Object, Quad};

use super::report::Facts;
use crate::status::{ListCredential, StatusEntry, StatusError, StatusList, StatusPurpose};

/// The IRIs the verifier reads (VC data model, Bitstring Status List, schema.org `name`).
pub mod vocab {
    /// `rdf:type`.
    pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    /// VC data model (1.1 and 2.0 share the namespace).
    pub const VERIFIABLE_CREDENTIAL: &str =
        "https://www.w3.org/2018/credentials#VerifiableCredential";
    /// `issuer`.
    pub const ISSUER: &str = "https://www.w3.org/2018/credentials#issuer";
    /// `validFrom`.
    pub const VALID_FROM: &str = "https://www.w3.org/2018/credentials#validFrom";
    /// `validUntil`.
    pub const VALID_UNTIL: &str = "https://www.w3.org/2018/credentials#validUntil";
    /// `issuanceDate`.
    pub const ISSUANCE_DATE: &str = "https://www.w3.org/2018/credentials#issuanceDate";
    /// `expirationDate`.
    pub const EXPIRATION_DATE: &str = "https://www.w3.org/2018/credentials#expirationDate";
    /// `credentialStatus`.
    pub const CREDENTIAL_STATUS: &str = "https://www.w3.org/2018/credentials#credentialStatus";
    /// `credentialSubject`.
    pub const CREDENTIAL_SUBJECT: &str = "https://www.w3.org/2018/credentials#credentialSubject";
    /// `evidence`.
    pub const EVIDENCE: &str = "https://www.w3.org/2018/credentials#evidence";
    /// Bitstring Status List.
    pub const BITSTRING_ENTRY: &str =
        "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry";
    /// `BitstringStatusListCredential`.
    pub const BITSTRING_LIST_CREDENTIAL: &str =
        "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential";
    /// `BitstringStatusList`.
    pub const BITSTRING_LIST: &str = "https://www.w3.org/ns/credentials/status#BitstringStatusList";
    /// `statusPurpose`.
    pub const STATUS_PURPOSE: &str = "https://www.w3.org/ns/credentials/status#statusPurpose";
    /// `statusListIndex`.
    pub const STATUS_LIST_INDEX: &str = "https://www.w3.org/ns/credentials/status#statusListIndex";
    /// `statusListCredential`.
    pub const STATUS_LIST_CREDENTIAL: &str =
        "https://www.w3.org/ns/credentials/status#statusListCredential";
    /// `encodedList`.
    pub const ENCODED_LIST: &str = "https://www.w3.org/ns/credentials/status#encodedList";
    /// schema.org.
    pub const NAME: &str = "https://schema.org/name";
    /// `StatusList2021Entry` (the VC 1.1 status lists; its terms have IRIs of their own).
    pub const SL2021_ENTRY: &str = "https://w3id.org/vc/status-list#StatusList2021Entry";
    /// `StatusList2021Credential`.
    pub const SL2021_LIST_CREDENTIAL: &str =
        "https://w3id.org/vc/status-list#StatusList2021Credential";
    /// `StatusList2021`.
    pub const SL2021_LIST: &str = "https://w3id.org/vc/status-list#StatusList2021";
    /// StatusList2021's `statusPurpose`.
    pub const SL2021_STATUS_PURPOSE: &str = "https://w3id.org/vc/status-list#statusPurpose";
    /// StatusList2021's `statusListIndex`.
    pub const SL2021_STATUS_LIST_INDEX: &str = "https://w3id.org/vc/status-list#statusListIndex";
    /// StatusList2021's `statusListCredential`.
    pub const SL2021_STATUS_LIST_CREDENTIAL: &str =
        "https://w3id.org/vc/status-list#statusListCredential";
    /// StatusList2021's `encodedList`.
    pub const SL2021_ENCODED_LIST: &str = "https://w3id.org/vc/status-list#encodedList";
}

/// The IRIs of one status list scheme's terms: Bitstring Status List, or StatusList2021.
struct StatusTerms {
    entry: &'static str,
    list_credential: &'static str,
    list: &'static str,
    purpose: &'static str,
    index: &'static str,
    credential: &'static str,
    encoded_list: &'static str,
    /// Whether `encodedList` carries the multibase `u` prefix (Bitstring) or not (2021).
    multibase: bool,
}

const BITSTRING: StatusTerms = StatusTerms {
    entry: vocab::BITSTRING_ENTRY,
    list_credential: vocab::BITSTRING_LIST_CREDENTIAL,
    list: vocab::BITSTRING_LIST,
    purpose: vocab::STATUS_PURPOSE,
    index: vocab::STATUS_LIST_INDEX,
    credential: vocab::STATUS_LIST_CREDENTIAL,
    encoded_list: vocab::ENCODED_LIST,
    multibase: true,
};

const STATUS_LIST_2021: StatusTerms = StatusTerms {
    entry: vocab::SL2021_ENTRY,
    list_credential: vocab::SL2021_LIST_CREDENTIAL,
    list: vocab::SL2021_LIST,
    purpose: vocab::SL2021_STATUS_PURPOSE,
    index: vocab::SL2021_STATUS_LIST_INDEX,
    credential: vocab::SL2021_STATUS_LIST_CREDENTIAL,
    encoded_list: vocab::SL2021_ENCODED_LIST,
    multibase: false,
};

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
pub struct Stamp {
    /// The lexical form.
    pub text: String,
    /// The instant.
    pub at: DateTime<Utc>,
}

/// The default graph of a dataset, indexed by subject.
pub struct Graph<'q> {
    by_subject: HashMap<&'q Node, Vec<&'q Quad>>,
    objects: HashSet<&'q Node>,
}

impl<'q> Graph<'q> {
    /// Indexes the default-graph quads of `quads` (proof graphs are named graphs and left out).
    pub fn new(quads: &'q [Quad]) -> Self {
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

    /// Whether the graph says anything about `subject`.
    pub fn describes(&self, subject: &Node) -> bool {
        self.by_subject.get(subject).is_some_and(|q| !q.is_empty())
    }

    /// The objects of `predicate` on `subject`.
    pub fn values<'a>(
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

    /// The node objects of `predicate` on `subject`.
    pub fn nodes<'a>(
        &'a self,
        subject: &Node,
        predicate: &'a str,
    ) -> impl Iterator<Item = &'q Node> + 'a {
        self.values(subject, predicate).filter_map(|o| match o {
            Object::Node(n) => Some(n),
            Object::Literal(_) => None,
        })
    }

    /// The literal objects of `predicate` on `subject`.
    pub fn literals<'a>(
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
    pub fn text(&self, subject: &Node, predicate: &str) -> Option<String> {
        self.literals(subject, predicate)
            .next()
            .map(|l| l.value.clone())
    }

    /// The only literal value of `predicate`, if any; several are an error.
    pub fn single_text(
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

    /// The type IRIs of `subject`.
    pub fn types<'a>(&'a self, subject: &Node) -> impl Iterator<Item = &'q str> + 'a {
        self.nodes(subject, vocab::RDF_TYPE)
            .filter_map(|n| match n {
                Node::Iri(i) => Some(i.as_str()),
                Node::Blank(_) => None,
            })
    }

    /// Whether `subject` has the type `iri`.
    pub fn has_type(&self, subject: &Node, iri: &str) -> bool {
        self.types(subject).any(|t| t == iri)
    }

    /// The one top-level verifiable credential: typed `VerifiableCredential` and not the object
    /// of any statement (a credential embedded in another, an endorsement say, is an object).
    pub fn credential(&self) -> Result<&'q Node, ClaimsError> {
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

    /// The only date-time value of `predicate` (`term` names it in errors).
    pub fn stamp(
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

/// What the signed dataset says about its credential, in the VC data model's terms.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Claims {
    /// The credential's node.
    pub node: Node,
    /// The credential's type IRIs.
    pub types: Vec<String>,
    /// The issuer's IRI.
    pub issuer: String,
    /// The issuer's node.
    pub issuer_node: Node,
    /// `validFrom` (or VC 1.1 `issuanceDate`).
    pub valid_from: Option<Stamp>,
    /// `validUntil` (or VC 1.1 `expirationDate`).
    pub valid_until: Option<Stamp>,
    /// Each `credentialStatus` entry, read or why not.
    pub statuses: Vec<Result<StatusEntry, StatusError>>,
    /// What the report shows of the credential.
    pub facts: Facts,
}

impl Claims {
    /// Reads the credential of `quads` (the document without its proof).
    pub fn read(quads: &[Quad]) -> Result<Self, ClaimsError> {
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
        let facts = Facts {
            id: iri(cred),
            issuer: Some(issuer.clone()),
            issuer_name: g.text(issuer_node, vocab::NAME),
            valid_from: valid_from.as_ref().map(|s| s.text.clone()),
            valid_until: valid_until.as_ref().map(|s| s.text.clone()),
        };
        Ok(Claims {
            node: cred.clone(),
            types: g.types(cred).map(str::to_owned).collect(),
            issuer,
            issuer_node: issuer_node.clone(),
            valid_from,
            valid_until,
            statuses,
            facts,
        })
    }

    /// Whether the credential has the type `iri`.
    pub fn has_type(&self, iri: &str) -> bool {
        self.types.iter().any(|t| t == iri)
    }
}

/// The IRI of a node, if it is not blank.
pub fn iri(node: &Node) -> Option<String> {
    match node {
        Node::Iri(i) => Some(i.clone()),
        Node::Blank(_) => None,
    }
}

/// A `BitstringStatusListEntry` (or a `StatusList2021Entry`) as signed.
fn status_entry(g: &Graph<'_>, node: &Node) -> Result<StatusEntry, StatusError> {
    let Some(terms) = [BITSTRING, STATUS_LIST_2021]
        .into_iter()
        .find(|t| g.has_type(node, t.entry))
    else {
        let types: Vec<&str> = g.types(node).collect();
        return Err(if types.is_empty() {
            StatusError::MalformedEntry("type")
        } else {
            StatusError::UnsupportedType(types.join(", "))
        });
    };
    let one = |predicate: &str, term: &'static str| {
        g.single_text(node, predicate, term)
            .ok()
            .flatten()
            .map(|l| l.value.as_str())
            .ok_or(StatusError::MalformedEntry(term))
    };
    let index = one(terms.index, "statusListIndex")?
        .parse::<u64>()
        .map_err(|_| StatusError::MalformedEntry("statusListIndex"))?;
    let purpose = StatusPurpose::parse(one(terms.purpose, "statusPurpose")?)?;
    let mut lists = g.nodes(node, terms.credential).filter_map(iri);
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
    /// Reads a `BitstringStatusListCredential` (or a `StatusList2021Credential`) from the quads
    /// its proof covers.
    pub(crate) fn read(quads: &[Quad]) -> Result<Self, StatusError> {
        let malformed = StatusError::MalformedListCredential;
        let g = Graph::new(quads);
        let cred = g.credential().map_err(|_| malformed("type"))?;
        let claims = Claims::of(&g, cred).map_err(|_| malformed("issuer"))?;
        let terms = [BITSTRING, STATUS_LIST_2021]
            .into_iter()
            .find(|t| claims.types.iter().any(|c| c == t.list_credential))
            .ok_or(malformed("type"))?;
        let mut subjects = g.nodes(cred, vocab::CREDENTIAL_SUBJECT);
        let subject = match (subjects.next(), subjects.next()) {
            (Some(s), None) => s,
            _ => return Err(malformed("credentialSubject")),
        };
        if !g.has_type(subject, terms.list) {
            return Err(malformed("credentialSubject.type"));
        }
        let one = |predicate: &str, term: &'static str| {
            g.single_text(subject, predicate, term)
                .ok()
                .flatten()
                .map(|l| l.value.as_str())
                .ok_or(malformed(term))
        };
        let purpose = StatusPurpose::parse(one(terms.purpose, "statusPurpose")?)?;
        let encoded = one(terms.encoded_list, "encodedList")?;
        let list = if terms.multibase {
            StatusList::decode(encoded)?
        } else {
            StatusList::decode_status_list_2021(encoded)?
        };
        Ok(SignedList {
            list: ListCredential::new(claims.issuer, purpose, list)?,
            valid_from: claims.valid_from,
            valid_until: claims.valid_until,
        })
    }
}
