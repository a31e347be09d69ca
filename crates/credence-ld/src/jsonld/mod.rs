//! JSON-LD 1.1 processor (context processing, expansion, toRdf), with safe mode as a layer on
//! top (the default, and what credentials use) and cached contexts. [`Options`] runs the plain
//! algorithms instead, with a base IRI, `expandContext` and `rdfDirection`: the W3C `expand` and
//! `toRdf` suites pass that way (see the crate's `tests/jsonld_suite.rs`).
//!
//! Contexts come only from a [`ContextStore`]; nothing is fetched. Each distinct application of a
//! pinned context (or a small inline one) to an active context is processed once and cached
//! (active contexts are immutable and `Arc`-shared, the cache bounded in bytes), so a second
//! document with the same `@context` does no context processing; a document's larger inline
//! contexts are processed for that call only.
//!
//! Every entry point has a `_with` form taking a [`Budget`] (work limits and a cancel flag); the
//! others use [`Budget::default`].
//!
//! Safe mode follows jsonld.js `safe: true`: a key that does not expand to an absolute IRI, a
//! relative `@id`/`@type`, a value or object that would be dropped, or a relative IRI in the RDF
//! output is an error rather than silently lost data.

mod context;
mod error;
mod expand;
mod hash;
mod iri;
mod pinned;
mod to_rdf;

pub use context::CacheStats;
pub use error::{DroppedKind, IriPosition, JsonLdError};
use to_rdf::DirectionMode;

use std::sync::OnceLock;

use crate::budget::Budget;
use crate::contexts::ContextStore;
use crate::rdf::Quad;

/// How a string with a base direction (`@direction`) becomes RDF: the JSON-LD 1.1 `rdfDirection`
/// option. Unset, safe mode refuses such a string and the plain algorithm drops its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RdfDirection {
    /// `i18n-datatype`: a literal typed `https://www.w3.org/ns/i18n#{language}_{direction}`.
    I18nDatatype,
    /// `compound-literal`: a blank node with `rdf:value`, `rdf:language` and `rdf:direction`.
    CompoundLiteral,
}

/// The options of one expansion or toRdf call (JSON-LD 1.1 API `JsonLdOptions`, the part this
/// processor implements). The default is what signing and verifying use: safe mode, no base IRI,
/// no expansion context, directions refused.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The document's base IRI (and its URL, against which relative context URLs resolve).
    pub base: Option<String>,
    /// Safe mode: a key or value the algorithm would drop, or a relative IRI where RDF needs an
    /// absolute one, is an error (jsonld.js `safe: true`). Off, the algorithms run as the
    /// specification writes them, dropping what they drop.
    pub safe: bool,
    /// A context applied before the document's own (`expandContext`): a URL from the context
    /// store, or a context (an object, with or without an `@context` entry).
    pub expand_context: Option<serde_json::Value>,
    /// How base directions become RDF.
    pub rdf_direction: Option<RdfDirection>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            base: None,
            safe: true,
            expand_context: None,
            rdf_direction: None,
        }
    }
}

impl Options {
    /// The plain JSON-LD 1.1 algorithms (safe mode off), for a document at `base` if given.
    pub fn standard(base: Option<&str>) -> Self {
        Self {
            base: base.map(str::to_owned),
            safe: false,
            ..Self::default()
        }
    }

    /// These options with `expandContext` set.
    pub fn with_expand_context(mut self, context: serde_json::Value) -> Self {
        self.expand_context = Some(context);
        self
    }

    /// These options with `rdfDirection` set.
    pub fn with_rdf_direction(mut self, direction: RdfDirection) -> Self {
        self.rdf_direction = Some(direction);
        self
    }

    fn direction_mode(&self) -> DirectionMode {
        match (self.rdf_direction, self.safe) {
            (Some(RdfDirection::I18nDatatype), _) => DirectionMode::I18nDatatype,
            (Some(RdfDirection::CompoundLiteral), _) => DirectionMode::CompoundLiteral,
            (None, true) => DirectionMode::Refuse,
            (None, false) => DirectionMode::Drop,
        }
    }
}

/// A JSON-LD processor over a fixed set of contexts; `Send + Sync`, share it across threads.
#[derive(Debug)]
pub struct JsonLd {
    procr: context::ContextProcessor,
    /// The IRIs the store's contexts name, collected on first use by [`Self::credential_rdf`].
    pinned: OnceLock<pinned::PinnedIris>,
}

impl JsonLd {
    /// A processor loading contexts from `contexts` only.
    pub fn new(contexts: ContextStore) -> Self {
        Self {
            procr: context::ContextProcessor::new(contexts),
            pinned: OnceLock::new(),
        }
    }

    /// The contexts this processor may load.
    pub fn contexts(&self) -> &ContextStore {
        self.procr.store()
    }

    /// Expanded form (JSON-LD 1.1 expansion algorithm, safe mode), always an array.
    pub fn expand(&self, doc: &serde_json::Value) -> Result<serde_json::Value, JsonLdError> {
        self.expand_with(doc, &Budget::default())
    }

    /// [`Self::expand`] under `budget`.
    pub fn expand_with(
        &self,
        doc: &serde_json::Value,
        budget: &Budget,
    ) -> Result<serde_json::Value, JsonLdError> {
        self.expand_with_options(doc, &Options::default(), budget)
    }

    /// Expanded form under `options` and `budget`, always an array.
    pub fn expand_with_options(
        &self,
        doc: &serde_json::Value,
        options: &Options,
        budget: &Budget,
    ) -> Result<serde_json::Value, JsonLdError> {
        let session = self.session(options, budget)?;
        let items = expand_in(&session, doc, None, None, options)?;
        Ok(serde_json::Value::Array(items))
    }

    /// The RDF dataset of `doc` under `options` and `budget`.
    pub fn to_rdf_with_options(
        &self,
        doc: &serde_json::Value,
        options: &Options,
        budget: &Budget,
    ) -> Result<Vec<Quad>, JsonLdError> {
        self.to_rdf_inner(doc, None, budget, None, options)
    }

    /// Deserialize JSON-LD to an RDF dataset (quads, blank nodes labelled _:b0, _:b1 … in first-seen order).
    pub fn to_rdf(&self, doc: &serde_json::Value) -> Result<Vec<Quad>, JsonLdError> {
        self.to_rdf_with(doc, &Budget::default())
    }

    /// [`Self::to_rdf`] under `budget`.
    pub fn to_rdf_with(
        &self,
        doc: &serde_json::Value,
        budget: &Budget,
    ) -> Result<Vec<Quad>, JsonLdError> {
        self.to_rdf_inner(doc, None, budget, None, &Options::default())
    }

    /// [`Self::to_rdf`] of `doc` as if its top-level `omit` entry were absent (no copy is made).
    pub fn to_rdf_omitting(
        &self,
        doc: &serde_json::Value,
        omit: &str,
    ) -> Result<Vec<Quad>, JsonLdError> {
        self.to_rdf_omitting_with(doc, omit, &Budget::default())
    }

    /// [`Self::to_rdf_omitting`] under `budget`.
    pub fn to_rdf_omitting_with(
        &self,
        doc: &serde_json::Value,
        omit: &str,
        budget: &Budget,
    ) -> Result<Vec<Quad>, JsonLdError> {
        self.to_rdf_inner(doc, Some(omit), budget, None, &Options::default())
    }

    /// The RDF of a credential (or a presentation, or a proof configuration), with its top-level
    /// `omit` entry (`proof`) left out if given: [`Self::to_rdf`] with one more rule, that every
    /// key is the term the store's contexts define for what it stands for. A key that reaches one
    /// of their IRIs or a keyword another way (an IRI or compact IRI, an alias the document
    /// defines, `@type` or `@nest` used directly) is [`JsonLdError::AliasedTerm`], so that the
    /// JSON a reader sees says what the RDF (and so the proof) says. A string with a base
    /// direction (`@direction`) becomes a literal typed
    /// `https://www.w3.org/ns/i18n#{language}_{direction}` (`rdfDirection: i18n-datatype`), as the
    /// `eddsa-rdfc-2022` reference implementation canonicalizes it; [`Self::to_rdf`] refuses one.
    pub fn credential_rdf(
        &self,
        doc: &serde_json::Value,
        omit: Option<&str>,
    ) -> Result<Vec<Quad>, JsonLdError> {
        self.credential_rdf_with(doc, omit, &Budget::default())
    }

    /// [`Self::credential_rdf`] under `budget`.
    pub fn credential_rdf_with(
        &self,
        doc: &serde_json::Value,
        omit: Option<&str>,
        budget: &Budget,
    ) -> Result<Vec<Quad>, JsonLdError> {
        let pinned = self
            .pinned
            .get_or_init(|| pinned::PinnedIris::collect(&self.procr));
        let options = Options::default().with_rdf_direction(RdfDirection::I18nDatatype);
        self.to_rdf_inner(doc, omit, budget, Some(pinned), &options)
    }

    /// How often context applications were answered from the cache, how often processed, and
    /// what the shared cache holds.
    pub fn cache_stats(&self) -> CacheStats {
        self.procr.stats()
    }

    /// One call's session: its work meter, and the document's base IRI.
    fn session<'s>(
        &'s self,
        options: &Options,
        budget: &'s Budget,
    ) -> Result<context::Session<'s>, JsonLdError> {
        context::Session::with_base(&self.procr, budget, options.base.as_deref(), options.safe)
    }

    fn to_rdf_inner(
        &self,
        doc: &serde_json::Value,
        omit: Option<&str>,
        budget: &Budget,
        pinned: Option<&pinned::PinnedIris>,
        options: &Options,
    ) -> Result<Vec<Quad>, JsonLdError> {
        let session = self.session(options, budget)?;
        let expanded = expand_in(&session, doc, omit, pinned, options)?;
        to_rdf::to_rdf(
            &expanded,
            session.meter(),
            budget.limits.max_quads,
            options.direction_mode(),
            options.safe,
        )
    }
}

/// Expands `doc` in `session`, its top-level `omit` entry left out and keys checked against
/// `pinned` when given.
fn expand_in(
    session: &context::Session<'_>,
    doc: &serde_json::Value,
    omit: Option<&str>,
    pinned: Option<&pinned::PinnedIris>,
    options: &Options,
) -> Result<Vec<serde_json::Value>, JsonLdError> {
    expand::Expander {
        procr: session,
        omit,
        pinned,
        safe: options.safe,
    }
    .expand_document(doc, options.expand_context.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdf::nquads::to_nquads;
    use crate::rdf::{Node, Object};
    use serde_json::{json, Value};

    const EXAMPLES_URL: &str = "https://www.w3.org/ns/credentials/examples/v2";
    const EXAMPLES: &str = include_str!("../../../../tests/vectors/credentials-examples-v2.jsonld");
    const W3C_UNSIGNED: &str =
        include_str!("../../../../tests/vectors/w3c-vc-di-eddsa/unsigned.json");
    const W3C_CANON: &str = include_str!(
        "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"
    );
    const W3C_PROOF_CONFIG: &str = include_str!(
        "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"
    );
    const W3C_PROOF_CANON: &str = include_str!(
        "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"
    );
    const OB_VECTOR: &str =
        include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json");
    const OB_DOC_CANON: &str =
        include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/document-canon.nq");
    const OB_PROOF_CANON: &str =
        include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/proof-canon.nq");

    fn pinned() -> JsonLd {
        JsonLd::new(crate::testing::store())
    }

    fn with_examples() -> JsonLd {
        let store = crate::testing::try_store()
            .unwrap()
            .with_extra(EXAMPLES_URL, EXAMPLES)
            .unwrap();
        JsonLd::new(store)
    }

    fn sorted_lines(text: &str) -> Vec<String> {
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    }

    /// N-Quads of `quads`, with the only blank node (if any) relabelled `c14n0`, sorted.
    fn canonical_single_bnode(quads: &[Quad]) -> Vec<String> {
        let mut blanks: Vec<String> = Vec::new();
        let mut note = |n: &Node| {
            if let Node::Blank(b) = n {
                if !blanks.contains(b) {
                    blanks.push(b.clone());
                }
            }
        };
        for q in quads {
            note(&q.subject);
            if let Object::Node(n) = &q.object {
                note(n);
            }
            if let Some(g) = &q.graph {
                note(g);
            }
        }
        assert!(blanks.len() <= 1, "more than one blank node: {blanks:?}");
        let relabel = |n: &Node| match n {
            Node::Blank(_) => Node::Blank("c14n0".into()),
            other => other.clone(),
        };
        let relabelled: Vec<Quad> = quads
            .iter()
            .map(|q| Quad {
                subject: relabel(&q.subject),
                predicate: q.predicate.clone(),
                object: match &q.object {
                    Object::Node(n) => Object::Node(relabel(n)),
                    o => o.clone(),
                },
                graph: q.graph.as_ref().map(relabel),
            })
            .collect();
        sorted_lines(&to_nquads(&relabelled))
    }

    #[test]
    fn a_credential_writes_directed_strings_as_i18n_datatypes() {
        let jl = with_examples();
        // `id` is the credentials context's alias of `@id` (credential_rdf wants the terms).
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", {"n": "urn:ex:n"}],
            "id": "urn:ex:a",
            "n": [
                {"@value": "مرحبا", "@language": "AR-EG", "@direction": "rtl"},
                {"@value": "hello", "@direction": "ltr"},
            ],
        });
        let quads = jl.credential_rdf(&doc, None).unwrap();
        let mut lines: Vec<String> = to_nquads(&quads).lines().map(str::to_owned).collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                "<urn:ex:a> <urn:ex:n> \"hello\"^^<https://www.w3.org/ns/i18n#_ltr> .",
                "<urn:ex:a> <urn:ex:n> \"مرحبا\"^^<https://www.w3.org/ns/i18n#ar-eg_rtl> .",
            ]
        );
        // Plain JSON-LD to RDF has no rdfDirection: the direction is not dropped in silence.
        assert!(matches!(
            jl.to_rdf(&doc),
            Err(JsonLdError::DirectionNotSupported)
        ));
    }

    #[test]
    fn integers_a_double_cannot_hold_exactly_are_refused() {
        let jl = with_examples();
        let doc = |n: Value| {
            serde_json::json!({
                "@context": {"n": "urn:ex:n"},
                "@id": "urn:ex:a",
                "n": [n.clone(), {"@value": n}],
            })
        };
        for exact in [
            serde_json::json!(9_007_199_254_740_992_u64),
            serde_json::json!(-9_007_199_254_740_992_i64),
            serde_json::json!(12),
            serde_json::json!(0.1),
        ] {
            assert!(jl.to_rdf(&doc(exact.clone())).is_ok(), "{exact}");
        }
        for inexact in [
            serde_json::json!(9_007_199_254_740_993_u64),
            serde_json::json!(9_007_199_254_740_994_u64),
            serde_json::json!(-9_007_199_254_740_993_i64),
            serde_json::json!(u64::MAX),
        ] {
            assert!(
                matches!(
                    jl.to_rdf(&doc(inexact.clone())),
                    Err(JsonLdError::InexactNumber { .. })
                ),
                "{inexact}"
            );
        }
    }

    #[test]
    fn w3c_vector_document_matches_canonical_nquads() {
        let jl = with_examples();
        let doc: Value = serde_json::from_str(W3C_UNSIGNED).unwrap();
        let quads = jl.to_rdf(&doc).unwrap();
        assert_eq!(sorted_lines(&to_nquads(&quads)), sorted_lines(W3C_CANON));
    }

    #[test]
    fn w3c_vector_proof_config_matches_canonical_nquads() {
        let jl = with_examples();
        let doc: Value = serde_json::from_str(W3C_PROOF_CONFIG).unwrap();
        let quads = jl.to_rdf(&doc).unwrap();
        assert_eq!(
            canonical_single_bnode(&quads),
            sorted_lines(W3C_PROOF_CANON)
        );
    }

    #[test]
    fn ob_vector_document_and_proof_match() {
        let jl = pinned();
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let unsigned = &vector["unsigned"];
        let quads = jl.to_rdf(unsigned).unwrap();
        assert_eq!(canonical_single_bnode(&quads), sorted_lines(OB_DOC_CANON));

        let mut proof = vector["proofConfig"].clone();
        proof["@context"] = unsigned["@context"].clone();
        let quads = jl.to_rdf(&proof).unwrap();
        assert_eq!(canonical_single_bnode(&quads), sorted_lines(OB_PROOF_CANON));
    }

    #[test]
    fn unknown_context_url_is_an_error() {
        let jl = pinned();
        let doc = json!({"@context": "https://example.com/unknown", "name": "x"});
        assert!(matches!(
            jl.to_rdf(&doc),
            Err(JsonLdError::LoadingContext(_))
        ));
    }

    #[test]
    fn embedded_proof_goes_into_a_blank_node_graph() {
        let jl = pinned();
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let mut doc = vector["unsigned"].clone();
        let mut proof = vector["proofConfig"].clone();
        proof["proofValue"] = json!(vector["proofValue"]);
        doc["proof"] = proof;
        let quads = jl.to_rdf(&doc).unwrap();
        let link = quads
            .iter()
            .find(|q| q.predicate == "https://w3id.org/security#proof")
            .expect("proof link quad");
        assert_eq!(
            link.subject,
            Node::Iri("http://example.com/credentials/3527".into())
        );
        assert_eq!(link.graph, None);
        let Object::Node(graph @ Node::Blank(_)) = &link.object else {
            panic!("proof object is not a blank node: {:?}", link.object);
        };
        let in_graph: Vec<&Quad> = quads
            .iter()
            .filter(|q| q.graph.as_ref() == Some(graph))
            .collect();
        assert_eq!(in_graph.len(), 6, "{in_graph:#?}");
        assert!(in_graph.iter().any(|q| q.predicate == "https://w3id.org/security#proofValue"
            && matches!(&q.object, Object::Literal(l) if l.datatype == "https://w3id.org/security#multibase")));
        // The proof node itself is a different blank node, subject of the graph's quads.
        assert!(in_graph.iter().all(|q| &q.subject != graph));
        // The document quads are unchanged by adding the proof.
        // Default graph: the 16 document quads plus the proof link.
        let default_graph = quads.iter().filter(|q| q.graph.is_none()).count();
        assert_eq!(default_graph, 17);
    }

    #[test]
    fn undefined_term_uses_vocab_when_there_is_one() {
        let jl = with_examples();
        let mut doc: Value = serde_json::from_str(W3C_UNSIGNED).unwrap();
        doc["credentialSubject"]["favouriteColour"] = json!("green");
        let quads = jl.to_rdf(&doc).unwrap();
        assert!(quads
            .iter()
            .any(|q| q.predicate == "https://www.w3.org/ns/credentials/examples#favouriteColour"));
    }

    #[test]
    fn undefined_term_without_vocab_is_an_error() {
        // The pinned VC 2.0 and OB 3.0 contexts have no @vocab: an injected term cannot expand.
        let jl = pinned();
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let mut doc = vector["unsigned"].clone();
        doc["credentialSubject"]["achievement"]["injected"] = json!("x");
        assert!(matches!(
            jl.to_rdf(&doc),
            Err(JsonLdError::InvalidProperty { key }) if key == "injected"
        ));
    }

    #[test]
    fn undefined_prefix_and_relative_type_are_errors() {
        let jl = with_examples();
        let base: Value = serde_json::from_str(W3C_UNSIGNED).unwrap();
        // "foo:bar" has an undefined prefix: an absolute IRI with scheme foo, which is accepted by
        // jsonld.js too; but a key that stays relative is refused.
        let mut doc = base.clone();
        doc["credentialSubject"]["foo:bar"] = json!("x");
        let quads = jl.to_rdf(&doc).unwrap();
        assert!(quads.iter().any(|q| q.predicate == "foo:bar"));

        let ob = pinned();
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let mut doc = vector["unsigned"].clone();
        doc["credentialSubject"]["type"] = json!(["AchievementSubject", "NotATerm"]);
        assert!(matches!(
            ob.to_rdf(&doc),
            Err(JsonLdError::RelativeType { value }) if value == "NotATerm"
        ));

        let mut doc = vector["unsigned"].clone();
        doc["id"] = json!("relative/credential");
        assert!(matches!(
            ob.to_rdf(&doc),
            Err(JsonLdError::RelativeId { .. })
        ));

        let mut doc = vector["unsigned"].clone();
        doc["issuer"] = json!("not-absolute");
        assert!(matches!(
            ob.to_rdf(&doc),
            Err(JsonLdError::RelativeIri {
                position: IriPosition::Object,
                ..
            })
        ));
    }

    #[test]
    fn second_document_with_same_context_hits_the_cache() {
        let jl = pinned();
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let doc = &vector["unsigned"];
        let first = jl.to_rdf(doc).unwrap();
        let after_first = jl.cache_stats();
        assert!(after_first.misses > 0);
        let second = jl.to_rdf(doc).unwrap();
        let after_second = jl.cache_stats();
        assert_eq!(after_second.misses, after_first.misses, "no new processing");
        assert!(after_second.hits > after_first.hits);
        assert_eq!(first, second);
    }

    #[test]
    fn lists_json_numbers_and_languages() {
        let jl = pinned();
        let doc = json!({
            "@context": {
                "@vocab": "https://ex.org/",
                "list": {"@container": "@list"},
                "data": {"@type": "@json"},
                "label": {"@language": "en"}
            },
            "@id": "https://ex.org/s",
            "list": [1, 2.5, true],
            "data": {"b": [1, 1e21], "a": "x"},
            "label": "hello",
            "big": 1e21,
            "lang": {"@value": "bonjour", "@language": "FR"}
        });
        let nq = to_nquads(&jl.to_rdf(&doc).unwrap());
        let expected = [
            "<https://ex.org/s> <https://ex.org/big> \"1.0E21\"^^<http://www.w3.org/2001/XMLSchema#double> .",
            "<https://ex.org/s> <https://ex.org/data> \"{\\\"a\\\":\\\"x\\\",\\\"b\\\":[1,1e+21]}\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .",
            "<https://ex.org/s> <https://ex.org/label> \"hello\"@en .",
            "<https://ex.org/s> <https://ex.org/lang> \"bonjour\"@fr .",
            "<https://ex.org/s> <https://ex.org/list> _:b0 .",
            "_:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
            "_:b0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:b1 .",
            "_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"2.5E0\"^^<http://www.w3.org/2001/XMLSchema#double> .",
            "_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:b2 .",
            "_:b2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean> .",
            "_:b2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .",
        ];
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(sorted_lines(&nq), want);
    }

    #[test]
    fn type_scoped_context_does_not_propagate_but_property_scoped_does() {
        let jl = pinned();
        let doc = json!({
            "@context": {
                "@vocab": "https://ex.org/",
                "T": {"@id": "https://ex.org/T", "@context": {"onlyInT": "https://ex.org/scoped"}},
                "p": {"@id": "https://ex.org/p", "@context": {"deep": "https://ex.org/deep"}}
            },
            "@type": "T",
            "onlyInT": "a",
            "child": {"onlyInT": "b"},
            "p": {"q": {"deep": "c"}}
        });
        let exp = jl.expand(&doc).unwrap();
        let node = &exp[0];
        assert!(node.get("https://ex.org/scoped").is_some());
        // In the nested node the type-scoped term is gone; @vocab applies instead.
        assert!(node["https://ex.org/child"][0]
            .get("https://ex.org/onlyInT")
            .is_some());
        // The property-scoped term reaches two levels down.
        assert!(node["https://ex.org/p"][0]["https://ex.org/q"][0]
            .get("https://ex.org/deep")
            .is_some());
    }

    #[test]
    fn an_iri_n_quads_cannot_write_is_refused() {
        // Found by the jsonld fuzz target: `did:web:b`dges` went raw into the canonical form, and
        // an IRI holding `><` would read back as two terms.
        let jl = pinned();
        for id in [
            "did:web:b`dges.example",
            "urn:s><urn:p><urn:o",
            "urn:a\\b",
            "urn:{x}",
        ] {
            let doc = json!({"@context": {"@vocab": "https://ex.org/"}, "@id": id, "p": "x"});
            assert!(
                matches!(jl.to_rdf(&doc), Err(JsonLdError::UnwritableIri { .. })),
                "{id}"
            );
        }
        let typed = json!({"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:s",
            "p": {"@value": "x", "@type": "urn:dt|x"}});
        assert!(jl.to_rdf(&typed).is_err());
    }

    #[test]
    fn safe_mode_refuses_dropped_values() {
        let jl = pinned();
        let ctx = json!({"@vocab": "https://ex.org/"});
        for doc in [
            json!({"@context": ctx, "@id": "https://ex.org/s", "p": {"@value": null}}),
            json!({"@context": ctx, "@id": "https://ex.org/s", "p": {"@value": "x", "@language": "not a tag"}}),
            json!({"@context": ctx, "@graph": ["scalar"]}),
            json!({"@context": ctx, "@id": "https://ex.org/s", "@language": "en"}),
            json!({"@context": ctx, "@id": "https://ex.org/s", "p": {"@value": "x", "@direction": "rtl"}}),
            json!({"@context": ctx, "@id": "https://ex.org/s", "@base": "https://ex.org/"}),
            json!({"@context": {"@bad": "x"}, "@id": "https://ex.org/s"}),
        ] {
            assert!(jl.to_rdf(&doc).is_err(), "accepted {doc}");
        }
    }

    #[test]
    fn the_plain_algorithms_drop_what_safe_mode_refuses() {
        let jl = pinned();
        let budget = Budget::default();
        let plain = Options::standard(Some("https://ex.org/doc"));
        let doc = json!({
            "@context": {"@vocab": "https://ex.org/", "@ignoreMe": "https://ex.org/x"},
            "@id": "s",
            "p": [{"@value": null}, "kept"],
        });
        let quads = jl.to_rdf_with_options(&doc, &plain, &budget).unwrap();
        assert_eq!(
            to_nquads(&quads),
            "<https://ex.org/s> <https://ex.org/p> \"kept\" .\n"
        );
        // The same context, now in safe mode: refused, though an unsafe call just accepted it
        // (what an unsafe call processes never reaches the shared cache).
        assert!(matches!(
            jl.to_rdf(&doc),
            Err(JsonLdError::ReservedTerm { .. })
        ));
        let directed = json!({
            "@id": "https://ex.org/s",
            "https://ex.org/p": {"@value": "x", "@language": "ar", "@direction": "rtl"},
        });
        let compound = plain.with_rdf_direction(RdfDirection::CompoundLiteral);
        let text = to_nquads(
            &jl.to_rdf_with_options(&directed, &compound, &budget)
                .unwrap(),
        );
        assert!(text.contains("<http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> \"rtl\""));
        assert!(matches!(
            jl.to_rdf(&directed),
            Err(JsonLdError::DirectionNotSupported)
        ));
    }

    #[test]
    fn processor_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<JsonLd>();
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        fn arb_json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| json!(n)),
                (-1e30f64..1e30).prop_map(|f| json!(f)),
                proptest::sample::select(vec![
                    "@id",
                    "@type",
                    "@value",
                    "@list",
                    "@set",
                    "@graph",
                    "@context",
                    "@vocab",
                    "@language",
                    "@reverse",
                    "@index",
                    "@nest",
                    "@json",
                    "id",
                    "type",
                    "name",
                    "proof",
                    "https://ex.org/p",
                    "_:b",
                    "ex:x",
                    "VerifiableCredential",
                    "https://www.w3.org/ns/credentials/v2",
                    "en",
                    "",
                ])
                .prop_map(|s| Value::String(s.to_owned())),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                let keys = proptest::sample::select(vec![
                    "@context",
                    "@id",
                    "@type",
                    "@value",
                    "@language",
                    "@list",
                    "@set",
                    "@graph",
                    "@reverse",
                    "@vocab",
                    "@nest",
                    "@index",
                    "@container",
                    "@protected",
                    "id",
                    "type",
                    "name",
                    "proof",
                    "credentialSubject",
                    "ex:p",
                    "https://ex.org/q",
                ]);
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    proptest::collection::vec((keys, inner), 0..5).prop_map(|kv| {
                        Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                    }),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn to_rdf_never_panics(doc in arb_json()) {
                let jl = pinned();
                let _ = jl.to_rdf(&doc);
                let mut with_ctx = doc.clone();
                if let Value::Object(m) = &mut with_ctx {
                    m.insert("@context".into(), json!([crate::testing::CREDENTIALS_V2, {"ex": "https://ex.org/"}]));
                }
                let _ = jl.to_rdf(&with_ctx);
            }
        }
    }
}
