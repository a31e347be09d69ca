//! Canonical N-Quads serialization (RDFC-1.0 / RDF 1.1 N-Quads canonical form).

use std::fmt::Write as _;

use super::{Literal, Node, Object, Quad, RDF_LANG_STRING, XSD_STRING};

/// Appends `quad` to `out` as one canonical N-Quads line, ending with `\n`.
pub fn write_quad(out: &mut String, quad: &Quad) {
    write_node(out, &quad.subject);
    out.push(' ');
    write_iri(out, &quad.predicate);
    out.push(' ');
    match &quad.object {
        Object::Node(n) => write_node(out, n),
        Object::Literal(l) => write_literal(out, l),
    }
    if let Some(g) = &quad.graph {
        out.push(' ');
        write_node(out, g);
    }
    out.push_str(" .\n");
}

/// Serializes quads, one line each, in the order given.
pub fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::with_capacity(quads.len() * 128);
    for q in quads {
        write_quad(&mut out, q);
    }
    out
}

fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    out.push_str(iri);
    out.push('>');
}

/// Appends a node as `<iri>` or `_:label`.
pub fn write_node(out: &mut String, node: &Node) {
    match node {
        Node::Iri(i) => write_iri(out, i),
        Node::Blank(b) => {
            out.push_str("_:");
            out.push_str(b);
        }
    }
}

fn write_literal(out: &mut String, lit: &Literal) {
    out.push('"');
    for c in lit.value.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    if let Some(lang) = &lit.language {
        if lit.datatype == RDF_LANG_STRING {
            out.push('@');
            out.push_str(lang);
            return;
        }
    }
    if lit.datatype != XSD_STRING {
        out.push_str("^^");
        write_iri(out, &lit.datatype);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_literals_with_escapes_and_datatypes() {
        let q = Quad {
            subject: Node::Blank("b0".into()),
            predicate: "https://schema.org/name".into(),
            object: Object::Literal(Literal {
                value: "a \"b\"\n\\".into(),
                datatype: XSD_STRING.into(),
                language: None,
            }),
            graph: Some(Node::Iri("urn:g".into())),
        };
        assert_eq!(
            to_nquads(&[q]),
            "_:b0 <https://schema.org/name> \"a \\\"b\\\"\\n\\\\\" <urn:g> .\n"
        );
    }
}
