//! What a badge says in Open Badges terms, read from the RDF its proof covers (through
//! `credence_vc::verify::Graph`), never from the JSON as received: its recipient identifiers
//! and the facts an employer reads.

use credence_ld::rdf::{Node, Quad};
use credence_vc::verify::{vocab as vc, Claims, ClaimsError, Graph};

use crate::badge::document::IdentityObject;

/// The Open Badges 3.0 (and schema.org) IRIs the badge verifier reads.
pub(crate) mod vocab {
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
    /// `genre` (schema.org).
    pub(crate) const GENRE: &str = "https://schema.org/genre";
}

/// What the signed dataset says of a badge, beyond the VC data model.
#[derive(Debug, Clone)]
pub(crate) struct BadgeClaims {
    /// Whether the credential is an `OpenBadgeCredential` (`AchievementCredential` is the same IRI).
    pub(crate) is_open_badge: bool,
    /// The identity objects of the credential subjects (`identifier`).
    pub(crate) identities: Vec<IdentityObject>,
    /// The achievement's name.
    pub(crate) achievement: Option<String>,
    /// The achievement's human code.
    pub(crate) human_code: Option<String>,
    /// The achievement's version.
    pub(crate) version: Option<String>,
    /// The provider (the subject's `source`) name.
    pub(crate) provider: Option<String>,
    /// The narrative of the evidence whose genre is `Route`.
    pub(crate) route: Option<String>,
    /// `awardedDate`.
    pub(crate) awarded_date: Option<String>,
}

impl BadgeClaims {
    /// Reads the badge terms of the credential `claims` describes in `quads`.
    pub(crate) fn read(quads: &[Quad], claims: &Claims) -> Result<Self, ClaimsError> {
        let g = Graph::new(quads);
        let cred = &claims.node;
        let subjects: Vec<&Node> = g.nodes(cred, vc::CREDENTIAL_SUBJECT).collect();
        let identities = subjects
            .iter()
            .flat_map(|s| g.nodes(s, vocab::IDENTIFIER))
            .map(|n| identity_object(&g, n))
            .collect();
        let subject = subjects.first().copied();
        let achievement = subject.and_then(|s| g.nodes(s, vocab::ACHIEVEMENT).next());
        let source = subject.and_then(|s| g.nodes(s, vocab::SOURCE).next());
        let route = g
            .nodes(cred, vc::EVIDENCE)
            .find(|e| g.literals(e, vocab::GENRE).any(|l| l.value == "Route"))
            .and_then(|e| g.text(e, vocab::NARRATIVE).or_else(|| g.text(e, vc::NAME)));
        Ok(Self {
            is_open_badge: claims.has_type(vocab::OPEN_BADGE_CREDENTIAL),
            identities,
            achievement: achievement.and_then(|a| g.text(a, vc::NAME)),
            human_code: achievement.and_then(|a| g.text(a, vocab::HUMAN_CODE)),
            version: achievement.and_then(|a| g.text(a, vocab::VERSION)),
            provider: source.and_then(|p| g.text(p, vc::NAME)),
            route,
            awarded_date: g
                .single_text(cred, vocab::AWARDED_DATE, "awardedDate")?
                .map(|l| l.value.clone()),
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{sample, BaseUrl};
    use credence_ld::jsonld::JsonLd;
    use credence_ld::rdf::Object;
    use credence_vc::status::StatusPurpose;
    use serde_json::{json, Value};

    fn badge() -> Value {
        let base = BaseUrl::try_from("https://badges.example.org").unwrap();
        sample::standard_badge(&base).unwrap().into_json()
    }

    fn claims(doc: &Value) -> Result<(Claims, BadgeClaims), ClaimsError> {
        let jl = JsonLd::new(crate::contexts::pinned().unwrap());
        let quads = jl.to_rdf(doc).unwrap();
        let claims = Claims::read(&quads)?;
        let badge = BadgeClaims::read(&quads, &claims)?;
        Ok((claims, badge))
    }

    #[test]
    fn reads_the_standard_badge() {
        let (c, b) = claims(&badge()).unwrap();
        assert!(b.is_open_badge);
        assert_eq!(c.issuer, "did:web:badges.example.org");
        assert_eq!(
            c.facts.issuer_name.as_deref(),
            Some("Centre for Advancing Practice")
        );
        assert_eq!(b.human_code.as_deref(), Some("CS-OPF"));
        assert_eq!(b.version.as_deref(), Some("1.0"));
        assert_eq!(b.provider.as_deref(), Some("University of Leeds"));
        assert_eq!(
            b.route.as_deref(),
            Some("Completed as an integral part of an advanced practice MSc.")
        );
        assert_eq!(b.awarded_date.as_deref(), Some("2024-07-12T00:00:00Z"));
        assert_eq!(c.valid_from.unwrap().text, "2025-06-01T10:00:00Z");
        assert_eq!(c.statuses.len(), 1);
        let entry = c.statuses[0].as_ref().unwrap();
        assert_eq!(entry.list_url, "https://badges.example.org/status/1");
        assert_eq!((entry.index, entry.purpose), (7, StatusPurpose::Revocation));
        assert!(!b.identities.is_empty());
        assert!(b
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
        let (c, _) = claims(&doc).unwrap();
        assert_eq!(c.statuses.len(), 1);
        assert_eq!(c.valid_until.unwrap().text, "2025-07-01T00:00:00Z");
    }

    #[test]
    fn a_document_must_describe_one_credential_with_an_issuer() {
        let jl = JsonLd::new(crate::contexts::pinned().unwrap());
        let quads = jl.to_rdf(&badge()).unwrap();
        let untyped: Vec<Quad> = quads
            .iter()
            .filter(|q| !matches!(&q.object, Object::Node(Node::Iri(i)) if i == vc::VERIFIABLE_CREDENTIAL))
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
