//! RDF terms and quads, N-Quads serialization and RDFC-1.0 canonicalization.

/// A subject, or a graph name: an IRI or a blank node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// An absolute IRI, stored without angle brackets.
    Iri(String),
    /// A blank node, stored by its label without the `_:` prefix.
    Blank(String),
}

/// A literal: lexical value, datatype IRI and, for `rdf:langString`, a language tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form.
    pub value: String,
    /// The datatype IRI (`xsd:string` for plain strings, `rdf:langString` with a language).
    pub datatype: String,
    /// The language tag, only for `rdf:langString` literals.
    pub language: Option<String>,
}

/// The object of a quad.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Object {
    /// An IRI or a blank node.
    Node(Node),
    /// A literal.
    Literal(Literal),
}

/// One RDF quad; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// The subject.
    pub subject: Node,
    /// The predicate IRI.
    pub predicate: String,
    /// The object.
    pub object: Object,
    /// The graph name, `None` for the default graph.
    pub graph: Option<Node>,
}

/// `http://www.w3.org/2001/XMLSchema#string`.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `http://www.w3.org/1999/02/22-rdf-syntax-ns#langString`.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// Whether N-Quads can hold `c` in an IRI (`IRIREF`, written or escaped): not space, a control, or
/// one of `<>"{}|^` backtick and backslash.
pub(crate) fn is_iri_char(c: char) -> bool {
    !(c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\'))
}

pub mod canon;
pub mod nquads;
