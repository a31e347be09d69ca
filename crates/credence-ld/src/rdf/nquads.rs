//! N-Quads: canonical serialization (RDFC-1.0 / RDF 1.1 N-Quads canonical form) and parsing.

use std::fmt::Write as _;

use super::{Literal, Node, Object, Quad, RDF_LANG_STRING, XSD_STRING};
use crate::budget::{check_cancel, check_count, Budget, ComplexityBound, Stop, CHECK_EVERY};

/// Appends `quad` to `out` as one canonical N-Quads line, ending with `\n`.
pub fn write_quad(out: &mut String, quad: &Quad) {
    write_quad_with(out, quad, |out, _, label| out.push_str(label));
}

/// Where a blank node sits in a quad (RDFC-1.0 position letters `s`, `o`, `g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TermPosition {
    /// The subject.
    Subject,
    /// The object.
    Object,
    /// The graph name.
    Graph,
}

/// Like [`write_quad`], but each blank node label is written by `blank(out, position, label)`
/// after the `_:` prefix, so callers can relabel blank nodes without building a new quad.
pub fn write_quad_with<F>(out: &mut String, quad: &Quad, mut blank: F)
where
    F: FnMut(&mut String, TermPosition, &str),
{
    write_node_with(out, &quad.subject, TermPosition::Subject, &mut blank);
    out.push(' ');
    write_iri(out, &quad.predicate);
    out.push(' ');
    match &quad.object {
        Object::Node(n) => write_node_with(out, n, TermPosition::Object, &mut blank),
        Object::Literal(l) => write_literal(out, l),
    }
    if let Some(g) = &quad.graph {
        out.push(' ');
        write_node_with(out, g, TermPosition::Graph, &mut blank);
    }
    out.push_str(" .\n");
}

fn write_node_with<F>(out: &mut String, node: &Node, pos: TermPosition, blank: &mut F)
where
    F: FnMut(&mut String, TermPosition, &str),
{
    match node {
        Node::Iri(i) => write_iri(out, i),
        Node::Blank(b) => {
            out.push_str("_:");
            blank(out, pos, b);
        }
    }
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
    // Every character that needs escaping is ASCII, so copy the runs between them whole.
    let value = lit.value.as_str();
    let mut run_start = 0;
    for (i, b) in value.bytes().enumerate() {
        let escape = match b {
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1f | 0x7f => "",
            _ => continue,
        };
        out.push_str(value.get(run_start..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04X}", b);
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(value.get(run_start..).unwrap_or_default());
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

/// What the N-Quads parser expected where it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// A subject: `<iri>` or `_:label`.
    Subject,
    /// A predicate: `<iri>`.
    Predicate,
    /// An object: `<iri>`, `_:label` or a literal.
    Object,
    /// A graph name or the final `.`.
    GraphOrDot,
    /// The end of the line (after `.`, only whitespace or a comment).
    EndOfLine,
    /// The closing `>` of an IRI, with only allowed characters before it.
    IriEnd,
    /// The closing `"` of a string literal.
    LiteralEnd,
    /// A valid blank node label after `_:`.
    BlankLabel,
    /// A language tag after `@`.
    LanguageTag,
    /// A datatype IRI after `^^`.
    Datatype,
    /// A valid `\\` escape sequence.
    Escape,
    /// Whitespace between terms.
    Whitespace,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Expected::Subject => "a subject (<iri> or _:label)",
            Expected::Predicate => "a predicate <iri>",
            Expected::Object => "an object (<iri>, _:label or literal)",
            Expected::GraphOrDot => "a graph name or '.'",
            Expected::EndOfLine => "end of line",
            Expected::IriEnd => "a valid IRI ending in '>'",
            Expected::LiteralEnd => "a string literal ending in '\"'",
            Expected::BlankLabel => "a blank node label",
            Expected::LanguageTag => "a language tag",
            Expected::Datatype => "a datatype <iri>",
            Expected::Escape => "a valid escape sequence",
            Expected::Whitespace => "whitespace",
        })
    }
}

/// An N-Quads parse failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NQuadsError {
    /// The input does not follow the N-Quads grammar at `line` (1-based), byte `column` (1-based).
    #[error("N-Quads syntax error at line {line}, column {column}: expected {expected}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// 1-based byte column within the line.
        column: usize,
        /// What was expected there.
        expected: Expected,
    },
    /// The input has more quads than the [`Budget`] allows.
    #[error("N-Quads document too large: more than {limit} {bound}")]
    TooComplex {
        /// The limit that was hit ([`ComplexityBound::Quads`]).
        bound: ComplexityBound,
        /// Its value.
        limit: u64,
    },
    /// The caller cancelled the parse through the [`Budget`]'s flag.
    #[error("N-Quads parsing cancelled")]
    Cancelled,
}

impl From<Stop> for NQuadsError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::TooComplex { bound, limit } => Self::TooComplex { bound, limit },
            Stop::Cancelled => Self::Cancelled,
        }
    }
}

/// Parses N-Quads (RDF 1.1, with `#` comments and blank lines) into quads, in input order.
///
/// Language tags are kept as written; literals with a language get `rdf:langString`, literals
/// without a datatype `xsd:string`. Duplicate quads are kept (canonicalization removes them).
/// Uses [`Budget::default`] (at most [`crate::budget::Limits::max_quads`] quads).
pub fn parse_nquads(input: &str) -> Result<Vec<Quad>, NQuadsError> {
    parse_nquads_with(input, &Budget::default())
}

/// [`parse_nquads`] under `budget`: at most `max_quads` quads, stopping when cancelled. The
/// parser is linear in the input and does not recurse.
pub fn parse_nquads_with(input: &str, budget: &Budget) -> Result<Vec<Quad>, NQuadsError> {
    check_cancel(&budget.cancel)?;
    let mut quads = Vec::new();
    for (i, line) in input.split('\n').enumerate() {
        if (i as u64) % CHECK_EVERY == CHECK_EVERY - 1 {
            check_cancel(&budget.cancel)?;
        }
        // N-Quads ends lines with any run of CR/LF; a lone CR also ends a statement.
        for part in line.split('\r') {
            let mut p = LineParser {
                s: part,
                pos: 0,
                line: i + 1,
            };
            if let Some(q) = p.statement()? {
                check_count(
                    quads.len() as u64 + 1,
                    budget.limits.max_quads,
                    ComplexityBound::Quads,
                )?;
                quads.push(q);
            }
        }
    }
    Ok(quads)
}

struct LineParser<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
}

impl LineParser<'_> {
    fn err<T>(&self, expected: Expected) -> Result<T, NQuadsError> {
        Err(NQuadsError::Syntax {
            line: self.line,
            column: self.pos + 1,
            expected,
        })
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Skips spaces and tabs; returns whether any were skipped.
    fn ws(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn at_end_or_comment(&self) -> bool {
        matches!(self.peek(), None | Some('#'))
    }

    fn statement(&mut self) -> Result<Option<Quad>, NQuadsError> {
        self.ws();
        if self.at_end_or_comment() {
            return Ok(None);
        }
        let subject = match self.peek() {
            Some('<') => Node::Iri(self.iri()?),
            Some('_') => Node::Blank(self.blank()?),
            _ => return self.err(Expected::Subject),
        };
        self.ws();
        if self.peek() != Some('<') {
            return self.err(Expected::Predicate);
        }
        let predicate = self.iri()?;
        self.ws();
        let object = match self.peek() {
            Some('<') => Object::Node(Node::Iri(self.iri()?)),
            Some('_') => Object::Node(Node::Blank(self.blank()?)),
            Some('"') => Object::Literal(self.literal()?),
            _ => return self.err(Expected::Object),
        };
        self.ws();
        let graph = match self.peek() {
            Some('<') => Some(Node::Iri(self.iri()?)),
            Some('_') => Some(Node::Blank(self.blank()?)),
            Some('.') => None,
            _ => return self.err(Expected::GraphOrDot),
        };
        self.ws();
        if !self.eat('.') {
            return self.err(Expected::GraphOrDot);
        }
        self.ws();
        if !self.at_end_or_comment() {
            return self.err(Expected::EndOfLine);
        }
        Ok(Some(Quad {
            subject,
            predicate,
            object,
            graph,
        }))
    }

    fn iri(&mut self) -> Result<String, NQuadsError> {
        if !self.eat('<') {
            return self.err(Expected::IriEnd);
        }
        let mut out = String::new();
        loop {
            match self.peek() {
                Some('>') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.pos += 1;
                    let c = match self.bump() {
                        Some('u') => self.hex_char(4)?,
                        Some('U') => self.hex_char(8)?,
                        _ => return self.err(Expected::Escape),
                    };
                    // An escape may not bring in what the IRI could not hold written out.
                    if !super::is_iri_char(c) {
                        return self.err(Expected::Escape);
                    }
                    out.push(c);
                }
                Some('\u{0}'..='\u{20}' | '<' | '"' | '{' | '}' | '|' | '^' | '`') => {
                    return self.err(Expected::IriEnd);
                }
                Some(c) => {
                    self.pos += c.len_utf8();
                    out.push(c);
                }
                None => return self.err(Expected::IriEnd),
            }
        }
    }

    fn hex_char(&mut self, digits: usize) -> Result<char, NQuadsError> {
        let Some(hex) = self.s.get(self.pos..self.pos + digits) else {
            return self.err(Expected::Escape);
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return self.err(Expected::Escape);
        }
        let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) else {
            return self.err(Expected::Escape);
        };
        self.pos += digits;
        Ok(c)
    }

    fn blank(&mut self) -> Result<String, NQuadsError> {
        if !(self.eat('_') && self.eat(':')) {
            return self.err(Expected::BlankLabel);
        }
        let start = self.pos;
        match self.peek() {
            Some(c) if is_pn_chars_u(c) || c.is_ascii_digit() => self.pos += c.len_utf8(),
            _ => return self.err(Expected::BlankLabel),
        }
        while let Some(c) = self.peek() {
            if is_pn_chars(c) || c == '.' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        // A label cannot end with '.': give trailing dots back (the statement's final '.').
        while self.pos > start + 1 && self.s.as_bytes().get(self.pos - 1) == Some(&b'.') {
            self.pos -= 1;
        }
        match self.s.get(start..self.pos) {
            Some(label) => Ok(label.to_owned()),
            None => self.err(Expected::BlankLabel),
        }
    }

    fn literal(&mut self) -> Result<Literal, NQuadsError> {
        if !self.eat('"') {
            return self.err(Expected::LiteralEnd);
        }
        let mut value = String::new();
        loop {
            match self.bump() {
                Some('"') => break,
                Some('\\') => {
                    let c = match self.bump() {
                        Some('t') => '\t',
                        Some('b') => '\u{8}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('f') => '\u{c}',
                        Some('"') => '"',
                        Some('\'') => '\'',
                        Some('\\') => '\\',
                        Some('u') => self.hex_char(4)?,
                        Some('U') => self.hex_char(8)?,
                        _ => return self.err(Expected::Escape),
                    };
                    value.push(c);
                }
                Some(c) => value.push(c),
                None => return self.err(Expected::LiteralEnd),
            }
        }
        if self.eat('@') {
            let start = self.pos;
            let mut first = true;
            loop {
                let seg = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic() || (!first && c.is_ascii_digit()))
                {
                    self.pos += 1;
                }
                if self.pos == seg {
                    return self.err(Expected::LanguageTag);
                }
                first = false;
                if !self.eat('-') {
                    break;
                }
            }
            let language = self.s.get(start..self.pos).unwrap_or_default().to_owned();
            Ok(Literal {
                value,
                datatype: RDF_LANG_STRING.to_owned(),
                language: Some(language),
            })
        } else if self.eat('^') {
            if !self.eat('^') || self.peek() != Some('<') {
                return self.err(Expected::Datatype);
            }
            let datatype = self.iri()?;
            Ok(Literal {
                value,
                datatype,
                language: None,
            })
        } else {
            Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            })
        }
    }
}

fn is_pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_pn_chars_u(c: char) -> bool {
    is_pn_chars_base(c) || c == '_' || c == ':'
}

fn is_pn_chars(c: char) -> bool {
    is_pn_chars_u(c)
        || c.is_ascii_digit()
        || c == '-'
        || c == '\u{B7}'
        || matches!(c, '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_cannot_put_a_forbidden_character_in_an_iri() {
        // Found by the nquads fuzz target: `\u003E` read as `>` made a quad that could not be
        // written back.
        for escape in ["\\u003E", "\\u0020", "\\U0000007B", "\\u005C"] {
            let text = format!("<urn:a{escape}b> <urn:p> <urn:o> .\n");
            assert!(parse_nquads(&text).is_err(), "{text}");
        }
        assert!(parse_nquads("<urn:caf\\u00E9> <urn:p> <urn:o> .\n").is_ok());
    }

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

    #[test]
    fn escapes_every_control_character() {
        let value: String = (0u8..=0x7f).map(char::from).chain("é😀".chars()).collect();
        let q = Quad {
            subject: Node::Iri("urn:s".into()),
            predicate: "urn:p".into(),
            object: Object::Literal(Literal {
                value,
                datatype: XSD_STRING.into(),
                language: None,
            }),
            graph: None,
        };
        let line = to_nquads(&[q]);
        let expected = "<urn:s> <urn:p> \"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F !\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\u007Fé😀\" .\n";
        assert_eq!(line, expected);
    }

    #[test]
    fn parses_canonical_vector_files_back_to_the_same_text() {
        for text in [
            include_str!(
                "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"
            ),
            include_str!(
                "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"
            ),
            include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/document-canon.nq"),
            include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/proof-canon.nq"),
        ] {
            let quads = parse_nquads(text).unwrap();
            assert_eq!(quads.len(), text.lines().count());
            assert_eq!(to_nquads(&quads), text);
        }
    }

    #[test]
    fn parses_terms_escapes_comments_and_graphs() {
        let text = "# a comment\n\n  <urn:s>\t<urn:p> \"a\\u00E9\\U0001F600\\t\\\"q\\\"\"@en-GB _:g1 . # trailing\r\n\
                    _:x.y <urn:p> \"5\"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g>.\n\
                    <urn:\\u0041> <urn:p> _:b0.\n";
        let quads = parse_nquads(text).unwrap();
        assert_eq!(quads.len(), 3);
        assert_eq!(
            quads[0].object,
            Object::Literal(Literal {
                value: "a\u{e9}\u{1F600}\t\"q\"".into(),
                datatype: RDF_LANG_STRING.into(),
                language: Some("en-GB".into()),
            })
        );
        assert_eq!(quads[0].graph, Some(Node::Blank("g1".into())));
        assert_eq!(quads[1].subject, Node::Blank("x.y".into()));
        assert_eq!(quads[1].graph, Some(Node::Iri("urn:g".into())));
        assert_eq!(quads[2].subject, Node::Iri("urn:A".into()));
        assert_eq!(quads[2].object, Object::Node(Node::Blank("b0".into())));
        assert_eq!(quads[2].graph, None);
    }

    #[test]
    fn reports_line_and_column_of_errors() {
        let err =
            parse_nquads("<urn:s> <urn:p> <urn:o> .\n<urn:s> <urn:p> \"open .\n").unwrap_err();
        assert_eq!(
            err,
            NQuadsError::Syntax {
                line: 2,
                column: 24,
                expected: Expected::LiteralEnd
            }
        );
        for bad in [
            "<urn:s> <urn:p> <urn:o>\n",
            "<urn:s> <urn:p> <urn:o> . extra\n",
            "\"lit\" <urn:p> <urn:o> .\n",
            "<urn:s> _:p <urn:o> .\n",
            "<urn s> <urn:p> <urn:o> .\n",
            "<urn:s> <urn:p> \"x\\q\" .\n",
            "<urn:s> <urn:p> \"x\"@ .\n",
            "<urn:s> <urn:p> \"x\"^^urn:t .\n",
            "_:.a <urn:p> <urn:o> .\n",
            "<urn:s> <urn:p> \"\\uD800\" .\n",
        ] {
            assert!(
                matches!(parse_nquads(bad), Err(NQuadsError::Syntax { line: 1, .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn parsing_is_bounded_by_the_budget() {
        use crate::budget::{Cancel, Limits};
        let text = "<urn:s> <urn:p> \"1\" .\n".repeat(5);
        let three = Budget::with_limits(Limits {
            max_quads: 3,
            ..Limits::default()
        });
        assert_eq!(
            parse_nquads_with(&text, &three),
            Err(NQuadsError::TooComplex {
                bound: ComplexityBound::Quads,
                limit: 3
            })
        );
        assert_eq!(parse_nquads_with(&text.repeat(0), &three), Ok(Vec::new()));
        let five = Budget::with_limits(Limits {
            max_quads: 5,
            ..Limits::default()
        });
        assert_eq!(parse_nquads_with(&text, &five).map(|q| q.len()), Ok(5));
        let cancel = Cancel::new();
        cancel.cancel();
        assert_eq!(
            parse_nquads_with(&text, &Budget::with_cancel(cancel)),
            Err(NQuadsError::Cancelled)
        );
    }

    fn arb_quad() -> impl proptest::strategy::Strategy<Value = Quad> {
        use proptest::prelude::*;
        let node = prop_oneof![
            "[a-z0-9_]{1,4}".prop_map(Node::Blank),
            "[a-z]{1,3}:[a-zA-Z0-9/#é]{0,6}".prop_map(Node::Iri),
        ];
        let literal = (
            any::<String>(),
            prop::option::of("[a-z]{1,3}(-[A-Z0-9]{1,3})?"),
            "[a-z]{1,3}:[a-z]{0,4}",
        )
            .prop_map(|(value, language, dt)| match language {
                Some(l) => Literal {
                    value,
                    datatype: RDF_LANG_STRING.into(),
                    language: Some(l),
                },
                None => Literal {
                    value,
                    datatype: dt,
                    language: None,
                },
            });
        let object = prop_oneof![
            node.clone().prop_map(Object::Node),
            literal.prop_map(Object::Literal)
        ];
        (
            node.clone(),
            "[a-z]{1,3}:[a-z]{0,4}",
            object,
            prop::option::of(node),
        )
            .prop_map(|(subject, predicate, object, graph)| Quad {
                subject,
                predicate,
                object,
                graph,
            })
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(s in ".*", bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse_nquads(&s);
            let _ = parse_nquads(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn literal_escaping_matches_char_by_char_reference(value in ".*", raw in proptest::collection::vec(0u8..0x80, 0..40)) {
            // The original per-character escaping, kept as the reference for the faster version.
            fn reference(v: &str) -> String {
                let mut out = String::from("\"");
                for c in v.chars() {
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
                out
            }
            for v in [value, raw.into_iter().map(char::from).collect::<String>()] {
                let mut out = String::new();
                write_literal(&mut out, &Literal { value: v.clone(), datatype: XSD_STRING.into(), language: None });
                proptest::prop_assert_eq!(out, reference(&v));
            }
        }

        #[test]
        fn serializer_output_parses_back(quads in proptest::collection::vec(arb_quad(), 0..6)) {
            let text = to_nquads(&quads);
            proptest::prop_assert_eq!(parse_nquads(&text).unwrap(), quads);
        }
    }
}
