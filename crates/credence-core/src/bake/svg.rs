//! SVG baking: adding, replacing and reading the `<openbadges:credential>` element of an SVG document.
//!
//! A small, bounded XML scanner (no XML library): it skips the prolog, reads the root start tag,
//! then walks tags, comments, CDATA sections and processing instructions, checking that end tags
//! match. Everything outside the credential element and the root's `xmlns:openbadges` attribute is
//! copied unchanged.

use std::ops::Range;

use super::error::{BakeError, SvgProblem};
use super::{check_credential, check_credential_size, check_image_size, Baked};

/// The namespace OB 3.0 binds to the `openbadges` prefix in baked SVGs.
pub const NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// A namespace some OB 3.0 implementations write by mistake; accepted when extracting.
const NAMESPACE_VARIANT: &str = "https://purl.imsglobal.org/spec/ob/v3p0";
/// The prefix this module writes.
const PREFIX: &str = "openbadges";
/// The local name of the credential element.
const LOCAL_NAME: &str = "credential";

/// Whether `ns` names the OB 3.0 baking namespace (the specified one, or the known variant).
fn is_ob3_namespace(ns: &str) -> bool {
    ns == NAMESPACE || ns == NAMESPACE_VARIANT
}

/// Builds the error for a problem at `offset`.
fn bad(offset: usize, problem: SvgProblem) -> BakeError {
    BakeError::SvgMalformed { offset, problem }
}

/// XML whitespace.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// One attribute of a start tag, as byte ranges into the document.
#[derive(Debug, Clone)]
struct Attr {
    name: Range<usize>,
    /// The raw value, between the quotes, not yet unescaped.
    value: Range<usize>,
}

/// A parsed start tag.
#[derive(Debug, Clone)]
struct StartTag {
    /// Where `<` is.
    start: usize,
    /// The qualified name.
    name: Range<usize>,
    attrs: Vec<Attr>,
    /// Where the closing `>` (or the `/` of `/>`) is.
    close: usize,
    /// Just after the closing `>`.
    end: usize,
    self_closing: bool,
}

/// A `<openbadges:credential>` element found in the document.
#[derive(Debug, Clone)]
struct CredentialElement {
    tag: StartTag,
    /// The element's content (between start and end tags); `None` when self-closing.
    content: Option<Range<usize>>,
    /// Just after the end tag (or the self-closing start tag).
    end: usize,
}

/// What a scan of the document found.
#[derive(Debug)]
struct Scan {
    root: StartTag,
    credentials: Vec<CredentialElement>,
}

/// Returns the part of `s` in `r`, or a malformed-SVG error at its start.
fn slice(s: &str, r: Range<usize>) -> Result<&str, BakeError> {
    let at = r.start;
    s.get(r).ok_or(bad(at, SvgProblem::Unterminated))
}

/// Finds `needle` at or after `from`, returning its start.
fn find_from(s: &str, from: usize, needle: &str) -> Option<usize> {
    s.get(from..)?.find(needle).map(|i| i + from)
}

/// Skips `<!DOCTYPE …>`, with quoted strings and an internal subset in brackets; returns the end.
fn skip_doctype(s: &str, start: usize) -> Result<usize, BakeError> {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let rest = s.get(start..).ok_or(bad(start, SvgProblem::Unterminated))?;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '>') if depth == 0 => return Ok(start + i + 1),
            _ => {}
        }
    }
    Err(bad(start, SvgProblem::Unterminated))
}

/// Skips an optional BOM, the XML declaration, comments, processing instructions, DOCTYPE and
/// whitespace; returns the position of the root element's `<`.
fn skip_prolog(s: &str) -> Result<usize, BakeError> {
    let mut pos = if s.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    loop {
        let rest = s.get(pos..).unwrap_or_default();
        let trimmed = rest.trim_start_matches(is_ws);
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with("<?") {
            pos = find_from(s, pos, "?>").ok_or(bad(pos, SvgProblem::Unterminated))? + 2;
        } else if trimmed.starts_with("<!--") {
            pos = find_from(s, pos + 4, "-->").ok_or(bad(pos, SvgProblem::Unterminated))? + 3;
        } else if trimmed.starts_with("<!DOCTYPE") {
            pos = skip_doctype(s, pos)?;
        } else if trimmed.starts_with('<') {
            return Ok(pos);
        } else {
            return Err(bad(pos, SvgProblem::NoRootElement));
        }
    }
}

/// Reads a name starting at `pos`; returns its range (never empty).
fn read_name(s: &str, pos: usize) -> Result<Range<usize>, BakeError> {
    let rest = s.get(pos..).unwrap_or_default();
    let len = rest
        .find(|c: char| is_ws(c) || matches!(c, '/' | '>' | '=' | '<' | '"' | '\''))
        .unwrap_or(rest.len());
    if len == 0 {
        return Err(bad(pos, SvgProblem::BadTag));
    }
    Ok(pos..pos + len)
}

/// Skips whitespace from `pos`.
fn skip_ws(s: &str, pos: usize) -> usize {
    let rest = s.get(pos..).unwrap_or_default();
    pos + (rest.len() - rest.trim_start_matches(is_ws).len())
}

/// Parses the start tag whose `<` is at `start`.
fn parse_start_tag(s: &str, start: usize) -> Result<StartTag, BakeError> {
    let name = read_name(s, start + 1)?;
    let mut pos = name.end;
    let mut attrs = Vec::new();
    loop {
        let after_ws = skip_ws(s, pos);
        let rest = s.get(after_ws..).unwrap_or_default();
        if rest.starts_with('>') {
            return Ok(StartTag {
                start,
                name,
                attrs,
                close: after_ws,
                end: after_ws + 1,
                self_closing: false,
            });
        }
        if rest.starts_with("/>") {
            return Ok(StartTag {
                start,
                name,
                attrs,
                close: after_ws,
                end: after_ws + 2,
                self_closing: true,
            });
        }
        if rest.is_empty() {
            return Err(bad(start, SvgProblem::Unterminated));
        }
        if after_ws == pos {
            // Attributes must be separated by whitespace.
            return Err(bad(pos, SvgProblem::BadTag));
        }
        let attr_name = read_name(s, after_ws)?;
        pos = skip_ws(s, attr_name.end);
        if !s.get(pos..).unwrap_or_default().starts_with('=') {
            return Err(bad(pos, SvgProblem::BadTag));
        }
        pos = skip_ws(s, pos + 1);
        let quote = match s.get(pos..).and_then(|r| r.chars().next()) {
            Some(q @ ('"' | '\'')) => q,
            Some(_) => return Err(bad(pos, SvgProblem::BadTag)),
            None => return Err(bad(start, SvgProblem::Unterminated)),
        };
        let value_start = pos + 1;
        let value_end = s
            .get(value_start..)
            .and_then(|r| r.find(quote))
            .map(|i| i + value_start)
            .ok_or(bad(start, SvgProblem::Unterminated))?;
        if slice(s, value_start..value_end)?.contains('<') {
            return Err(bad(value_start, SvgProblem::BadTag));
        }
        attrs.push(Attr {
            name: attr_name,
            value: value_start..value_end,
        });
        pos = value_end + 1;
    }
}

/// The local part of a qualified name.
fn local_name(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, local)| local)
}

/// Finds the root start tag and checks that it is `svg`.
fn root_tag(s: &str) -> Result<StartTag, BakeError> {
    let at = skip_prolog(s)?;
    let tag = parse_start_tag(s, at)?;
    if local_name(slice(s, tag.name.clone())?) != "svg" {
        return Err(bad(at, SvgProblem::RootNotSvg));
    }
    Ok(tag)
}

/// Whether the document's root element is named `svg` (used to sniff the image kind).
pub(crate) fn root_is_svg(s: &str) -> bool {
    skip_prolog(s)
        .and_then(|at| read_name(s, at + 1))
        .ok()
        .and_then(|r| s.get(r))
        .is_some_and(|name| local_name(name) == "svg")
}

/// The value of the root's `xmlns:openbadges` attribute, if any, with its range.
fn openbadges_binding(s: &str, root: &StartTag) -> Option<(Range<usize>, String)> {
    root.attrs.iter().find_map(|a| {
        let name = s.get(a.name.clone())?;
        (name == "xmlns:openbadges").then(|| {
            let value = attribute_value(s, a.value.clone()).unwrap_or_default();
            (a.value.clone(), value)
        })
    })
}

/// The qualified names that denote the credential element: `P:credential` for every prefix `P` the
/// root binds to the OB 3.0 namespace, and `openbadges:credential` when the root does not bind
/// `openbadges` at all (tolerating a missing declaration).
fn credential_qnames(s: &str, root: &StartTag) -> Vec<String> {
    let mut names: Vec<String> = root
        .attrs
        .iter()
        .filter_map(|a| {
            let prefix = s.get(a.name.clone())?.strip_prefix("xmlns:")?;
            let value = attribute_value(s, a.value.clone()).ok()?;
            is_ob3_namespace(&value).then(|| format!("{prefix}:{LOCAL_NAME}"))
        })
        .collect();
    if openbadges_binding(s, root).is_none() {
        names.push(format!("{PREFIX}:{LOCAL_NAME}"));
    }
    names
}

/// Walks the document from the root start tag to its end tag, collecting credential elements
/// (at any depth, but not nested inside another credential element).
fn scan(s: &str) -> Result<Scan, BakeError> {
    let root = root_tag(s)?;
    let qnames = credential_qnames(s, &root);
    let is_credential = |name: &str| qnames.iter().any(|q| q == name);
    let mut credentials = Vec::new();
    if root.self_closing {
        return Ok(Scan { root, credentials });
    }
    // Open elements below the root: (name range, index in `credentials` if it is one).
    let mut stack: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    let mut open_credential: Option<usize> = None;
    let mut pos = root.end;
    loop {
        let lt = find_from(s, pos, "<").ok_or(bad(pos, SvgProblem::Unterminated))?;
        let rest = s.get(lt..).unwrap_or_default();
        if rest.starts_with("<!--") {
            pos = find_from(s, lt + 4, "-->").ok_or(bad(lt, SvgProblem::Unterminated))? + 3;
        } else if rest.starts_with("<![CDATA[") {
            pos = find_from(s, lt + 9, "]]>").ok_or(bad(lt, SvgProblem::Unterminated))? + 3;
        } else if rest.starts_with("<?") {
            pos = find_from(s, lt + 2, "?>").ok_or(bad(lt, SvgProblem::Unterminated))? + 2;
        } else if rest.starts_with("</") {
            let name = read_name(s, lt + 2)?;
            let close = skip_ws(s, name.end);
            if !s.get(close..).unwrap_or_default().starts_with('>') {
                return Err(bad(lt, SvgProblem::BadTag));
            }
            let end_name = slice(s, name)?;
            match stack.pop() {
                None => {
                    if end_name != slice(s, root.name.clone())? {
                        return Err(bad(lt, SvgProblem::MismatchedEndTag));
                    }
                    return Ok(Scan { root, credentials });
                }
                Some((open, index)) => {
                    if slice(s, open)? != end_name {
                        return Err(bad(lt, SvgProblem::MismatchedEndTag));
                    }
                    if let Some(i) = index {
                        if let Some(el) = credentials.get_mut(i) {
                            el.content = Some(el.tag.end..lt);
                            el.end = close + 1;
                        }
                        open_credential = None;
                    }
                }
            }
            pos = close + 1;
        } else if rest.starts_with("<!") {
            return Err(bad(lt, SvgProblem::BadTag));
        } else {
            let tag = parse_start_tag(s, lt)?;
            pos = tag.end;
            let name = slice(s, tag.name.clone())?;
            let counts = open_credential.is_none() && is_credential(name);
            if tag.self_closing {
                if counts {
                    let end = tag.end;
                    credentials.push(CredentialElement {
                        tag,
                        content: None,
                        end,
                    });
                }
            } else {
                let index = if counts {
                    let end = tag.end;
                    credentials.push(CredentialElement {
                        tag: tag.clone(),
                        content: None,
                        end,
                    });
                    open_credential = Some(credentials.len() - 1);
                    open_credential
                } else {
                    None
                };
                stack.push((tag.name, index));
            }
        }
    }
}

/// Replaces entity and character references in `raw`, which starts at byte `base` of the document.
fn unescape(raw: &str, base: usize) -> Result<String, BakeError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut offset = base;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let semi = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i)
            .ok_or(bad(offset + amp, SvgProblem::BadReference))?;
        let name = after.get(..semi).unwrap_or_default();
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .filter(|&c| super::is_xml_char(c))
            }
        };
        out.push(ch.ok_or(bad(offset + amp, SvgProblem::BadReference))?);
        let consumed = amp + 1 + semi + 1;
        rest = rest.get(consumed..).unwrap_or_default();
        offset += consumed;
    }
    out.push_str(rest);
    Ok(out)
}

/// Unescapes the document text in `range`.
fn unescape_range(s: &str, range: Range<usize>) -> Result<String, BakeError> {
    let base = range.start;
    unescape(slice(s, range)?, base)
}

/// Reads an attribute value as XML does: line endings normalized, then literal tab, newline and
/// CR read as spaces (their character references stay), then references replaced.
fn attribute_value(s: &str, range: Range<usize>) -> Result<String, BakeError> {
    let base = range.start;
    let raw = slice(s, range)?;
    if !raw.contains(['\t', '\n', '\r']) {
        return unescape(raw, base);
    }
    let normalized: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    unescape(&normalized, base)
}

/// Escapes text for a double-quoted attribute value, so that it reads back unchanged
/// (whitespace other than spaces is escaped, since attribute-value normalization would change it).
fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The element OB 3.0 bakes: JSON in a CDATA section, or a JWT in the `verify` attribute.
///
/// A `]]>` inside the JSON (possible only within a JSON string) is split across two CDATA
/// sections, so the text still reads back byte-for-byte.
fn credential_element(credential: &str) -> String {
    let qname = format!("{PREFIX}:{LOCAL_NAME}");
    if Baked::classify(credential.to_owned()).is_json() {
        let body = credential.replace("]]>", "]]]]><![CDATA[>");
        format!("<{qname}><![CDATA[{body}]]></{qname}>")
    } else {
        format!("<{qname} verify=\"{}\"></{qname}>", escape_attr(credential))
    }
}

/// Bakes `credential` (signed JSON, or a compact JWS) into an SVG document.
///
/// Adds `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` to the root `<svg>` if missing,
/// removes any existing credential element and writes one directly after the root start tag.
/// A root already binding `openbadges` to another namespace (e.g. Open Badges 2.0) is refused.
pub fn bake_svg(svg: &str, credential: &str) -> Result<String, BakeError> {
    check_image_size(svg.len())?;
    check_credential(credential)?;
    let found = scan(svg)?;
    let root = &found.root;
    // Edits, as (range to replace, replacement), in document order and not overlapping.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut root_close = String::new();
    match openbadges_binding(svg, root) {
        None => root_close.push_str(&format!(" xmlns:{PREFIX}=\"{NAMESPACE}\"")),
        Some((_, value)) if value == NAMESPACE => {}
        Some((range, value)) if is_ob3_namespace(&value) => {
            edits.push((range, NAMESPACE.to_owned()))
        }
        Some((range, _)) => return Err(bad(range.start, SvgProblem::ForeignOpenBadgesNamespace)),
    }
    let element = credential_element(credential);
    if root.self_closing {
        let root_name = slice(svg, root.name.clone())?;
        root_close.push('>');
        root_close.push_str(&element);
        root_close.push_str(&format!("</{root_name}>"));
        edits.push((root.close..root.end, root_close));
    } else {
        root_close.push('>');
        root_close.push_str(&element);
        edits.push((root.close..root.end, root_close));
        for el in &found.credentials {
            edits.push((el.tag.start..el.end, String::new()));
        }
    }
    let mut out = String::with_capacity(svg.len() + element.len() + 64);
    let mut pos = 0;
    for (range, replacement) in edits {
        out.push_str(slice(svg, pos..range.start)?);
        out.push_str(&replacement);
        pos = range.end;
    }
    out.push_str(slice(svg, pos..svg.len())?);
    Ok(out)
}

/// Extracts the credential baked into an SVG document.
///
/// Exactly one credential element must be present. With a `verify` attribute its (unescaped)
/// value is returned; otherwise the element's content: CDATA sections verbatim (whitespace-only
/// text around them dropped), or, without CDATA, the unescaped text trimmed of surrounding
/// whitespace.
pub fn unbake_svg(svg: &str) -> Result<Baked, BakeError> {
    check_image_size(svg.len())?;
    let found = scan(svg)?;
    let mut elements = found.credentials.iter();
    let Some(el) = elements.next() else {
        return Err(BakeError::NotBaked);
    };
    let others = elements.count();
    if others > 0 {
        return Err(BakeError::MultipleCredentials { count: others + 1 });
    }
    let verify = el
        .tag
        .attrs
        .iter()
        .find(|a| svg.get(a.name.clone()) == Some("verify"));
    let text = match (verify, &el.content) {
        (Some(attr), _) => attribute_value(svg, attr.value.clone())?,
        (None, Some(content)) => element_text(svg, content.clone())?,
        (None, None) => String::new(),
    };
    check_credential_size(text.len())?;
    if text.trim().is_empty() {
        return Err(BakeError::EmptyBaked);
    }
    Ok(Baked::classify(text))
}

/// One piece of a credential element's content.
enum Piece<'a> {
    /// Character data, unescaped.
    Text(String),
    /// A CDATA section's content, verbatim.
    Cdata(&'a str),
}

/// The text of a credential element's content (see [`unbake_svg`]).
fn element_text(s: &str, content: Range<usize>) -> Result<String, BakeError> {
    let mut pieces = Vec::new();
    let mut pos = content.start;
    while pos < content.end {
        let next = find_from(s, pos, "<")
            .filter(|&i| i < content.end)
            .unwrap_or(content.end);
        if next > pos {
            pieces.push(Piece::Text(unescape_range(s, pos..next)?));
        }
        if next >= content.end {
            break;
        }
        let rest = s.get(next..).unwrap_or_default();
        pos = if rest.starts_with("<![CDATA[") {
            let end = find_from(s, next + 9, "]]>").ok_or(bad(next, SvgProblem::Unterminated))?;
            pieces.push(Piece::Cdata(slice(s, next + 9..end)?));
            end + 3
        } else if rest.starts_with("<!--") {
            find_from(s, next + 4, "-->").ok_or(bad(next, SvgProblem::Unterminated))? + 3
        } else if rest.starts_with("<?") {
            find_from(s, next + 2, "?>").ok_or(bad(next, SvgProblem::Unterminated))? + 2
        } else {
            // Nested markup: skip the tag itself; its text content still counts.
            find_from(s, next, ">").ok_or(bad(next, SvgProblem::Unterminated))? + 1
        };
    }
    let has_cdata = pieces.iter().any(|p| matches!(p, Piece::Cdata(_)));
    let mut out = String::new();
    for piece in &pieces {
        match piece {
            Piece::Cdata(c) => out.push_str(c),
            // Around CDATA sections, whitespace-only text is layout, not content.
            Piece::Text(t) if has_cdata && t.trim_matches(is_ws).is_empty() => {}
            Piece::Text(t) => out.push_str(t),
        }
    }
    if has_cdata {
        Ok(out)
    } else {
        Ok(out.trim_matches(is_ws).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JSON: &str = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"name\":\"Zoë — ✓ 徽章 ]]> & <b> ]]]>\"}";
    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuZWR1In0.c2lnbmF0dXJl";
    const PLAIN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a <svg> in a comment -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\">\n  <rect width=\"8\" height=\"8\" fill=\"#c00\"/>\n</svg>\n";

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn json_is_baked_in_cdata_as_first_child() {
        let baked = bake_svg(PLAIN, "{\"a\":1}").unwrap();
        let want = PLAIN.replace(
            "viewBox=\"0 0 8 8\">",
            "viewBox=\"0 0 8 8\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[{\"a\":1}]]></openbadges:credential>",
        );
        assert_eq!(baked, want);
    }

    #[test]
    fn jwt_is_baked_in_verify_attribute() {
        let baked = bake_svg("<svg><g/></svg>", JWT).unwrap();
        assert_eq!(
            baked,
            format!("<svg xmlns:openbadges=\"{NAMESPACE}\"><openbadges:credential verify=\"{JWT}\"></openbadges:credential><g/></svg>")
        );
    }

    #[test]
    fn round_trip_preserves_bytes() {
        for (cred, is_json) in [
            (JSON, true),
            (JWT, false),
            ("\n  {\"crlf\":\"a\r\nb\"}\n", true),
            ("odd & <jwt> \"with\"\tspaces\nand lines\r\n", false),
        ] {
            let baked = bake_svg(PLAIN, cred).unwrap();
            let got = unbake_svg(&baked).unwrap();
            assert_eq!(got.as_str(), cred);
            assert_eq!(got.is_json(), is_json);
            // Everything outside the root start tag is untouched.
            assert!(baked.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a <svg> in a comment -->\n<svg "
            ));
            assert!(baked.ends_with("\n  <rect width=\"8\" height=\"8\" fill=\"#c00\"/>\n</svg>\n"));
        }
    }

    #[test]
    fn cdata_terminator_is_split() {
        let baked = bake_svg("<svg></svg>", JSON).unwrap();
        assert_eq!(count(&baked, "<![CDATA["), 1 + count(JSON, "]]>"));
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), JSON);
    }

    #[test]
    fn self_closing_root() {
        let baked = bake_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", JWT).unwrap();
        assert_eq!(
            baked,
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"{NAMESPACE}\"><openbadges:credential verify=\"{JWT}\"></openbadges:credential></svg>")
        );
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), JWT);
        let baked = bake_svg("<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\" />", JWT).unwrap();
        assert!(
            baked.ends_with("</openbadges:credential></svg:svg>"),
            "{baked}"
        );
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), JWT);
    }

    #[test]
    fn second_bake_replaces_and_is_idempotent() {
        let once = bake_svg(PLAIN, JSON).unwrap();
        let twice = bake_svg(&once, JWT).unwrap();
        assert_eq!(count(&twice, "<openbadges:credential"), 1);
        assert_eq!(count(&twice, "xmlns:openbadges="), 1);
        assert_eq!(unbake_svg(&twice).unwrap(), Baked::Jwt(JWT.into()));
        assert_eq!(bake_svg(&twice, JWT).unwrap(), twice);
        assert_eq!(bake_svg(PLAIN, JWT).unwrap(), twice);
    }

    #[test]
    fn replaces_element_placed_elsewhere_with_other_prefix() {
        let svg = "<svg xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\"><g><ob:credential verify=\"old\"/></g><!-- <openbadges:credential/> --></svg>";
        assert_eq!(unbake_svg(svg).unwrap().as_str(), "old");
        let baked = bake_svg(svg, JSON).unwrap();
        assert_eq!(count(&baked, "<openbadges:credential"), 2, "{baked}"); // the new element + the comment
        assert_eq!(count(&baked, "ob:credential"), 0, "{baked}");
        assert!(baked.contains("<g></g>"));
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), JSON);
    }

    #[test]
    fn existing_namespace_declaration_is_reused_or_fixed() {
        let svg = "<svg xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0'><openbadges:credential verify='x.y.z'></openbadges:credential></svg>";
        let baked = bake_svg(svg, JWT).unwrap();
        assert_eq!(count(&baked, "xmlns:openbadges"), 1);
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), JWT);
        // The mistaken "spec/ob/v3p0" namespace is read, and corrected on baking.
        let svg = "<svg xmlns:openbadges=\"https://purl.imsglobal.org/spec/ob/v3p0\"><openbadges:credential verify=\"a.b.c\"/></svg>";
        assert_eq!(unbake_svg(svg).unwrap().as_str(), "a.b.c");
        let baked = bake_svg(svg, JWT).unwrap();
        assert!(
            baked.starts_with(&format!("<svg xmlns:openbadges=\"{NAMESPACE}\">")),
            "{baked}"
        );
        // An Open Badges 2.0 binding of the prefix is not ours to rewrite.
        let ob2 = "<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion verify=\"x\"/></svg>";
        assert!(matches!(
            bake_svg(ob2, JWT),
            Err(BakeError::SvgMalformed {
                problem: SvgProblem::ForeignOpenBadgesNamespace,
                ..
            })
        ));
        assert!(matches!(unbake_svg(ob2), Err(BakeError::NotBaked)));
    }

    #[test]
    fn spec_examples_are_read() {
        let jwt = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"\n  xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"\n  viewBox=\"0 0 512 512\">\n  <openbadges:credential verify=\"header.payload.signature\"></openbadges:credential>\n\n  <!-- rest-of-image -->\n</svg>";
        assert_eq!(
            unbake_svg(jwt).unwrap(),
            Baked::Jwt("header.payload.signature".into())
        );
        let json_body = "\n        {\n          \"id\": \"http://example.edu/credentials/3732\",\n          \"proof\": { }\n        }\n      ";
        let json = format!("<svg xmlns=\"http://www.w3.org/2000/svg\"\n  xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">\n  <openbadges:credential>\n    <![CDATA[{json_body}]]>\n  </openbadges:credential>\n</svg>");
        let got = unbake_svg(&json).unwrap();
        assert_eq!(got, Baked::Json(json_body.into()));
        let v: serde_json::Value = serde_json::from_str(got.as_str()).unwrap();
        assert_eq!(v["id"], "http://example.edu/credentials/3732");
    }

    #[test]
    fn text_content_without_cdata_is_unescaped_and_trimmed() {
        let svg = "<svg><openbadges:credential>\n {&quot;a&quot;:&#34;&lt;&#x263A;&gt;&amp;&apos;&#34;} \n</openbadges:credential></svg>";
        assert_eq!(
            unbake_svg(svg).unwrap(),
            Baked::Json("{\"a\":\"<☺>&'\"}".into())
        );
        let svg = "<svg><openbadges:credential verify=\"a&amp;b\n&#10;c\"/></svg>";
        assert_eq!(unbake_svg(svg).unwrap().as_str(), "a&b \nc");
    }

    #[test]
    fn not_baked_and_duplicates() {
        assert!(matches!(unbake_svg(PLAIN), Err(BakeError::NotBaked)));
        let two = "<svg><openbadges:credential verify=\"a\"/><g><openbadges:credential verify=\"b\"/></g></svg>";
        assert!(matches!(
            unbake_svg(two),
            Err(BakeError::MultipleCredentials { count: 2 })
        ));
        let fixed = bake_svg(two, JWT).unwrap();
        assert_eq!(count(&fixed, "<openbadges:credential"), 1);
        for empty in [
            "<svg><openbadges:credential/></svg>",
            "<svg><openbadges:credential>  </openbadges:credential></svg>",
            "<svg><openbadges:credential verify=\"\"></openbadges:credential></svg>",
        ] {
            assert!(
                matches!(unbake_svg(empty), Err(BakeError::EmptyBaked)),
                "{empty}"
            );
        }
    }

    #[test]
    fn malformed_svgs() {
        let cases = [
            ("", SvgProblem::NoRootElement),
            ("hello <svg/>", SvgProblem::NoRootElement),
            ("<!-- never closed <svg/>", SvgProblem::Unterminated),
            ("<?xml version=\"1.0\"", SvgProblem::Unterminated),
            ("<html><svg/></html>", SvgProblem::RootNotSvg),
            ("<svg><g></svg>", SvgProblem::MismatchedEndTag),
            ("<svg></g>", SvgProblem::MismatchedEndTag),
            ("<svg><g>", SvgProblem::Unterminated),
            ("<svg width=\"1>", SvgProblem::Unterminated),
            ("<svg width=1></svg>", SvgProblem::BadTag),
            ("<svg a=\"1\"b=\"2\"></svg>", SvgProblem::BadTag),
            (
                "<svg><openbadges:credential verify=\"&bogus;\"/></svg>",
                SvgProblem::BadReference,
            ),
            (
                "<svg><openbadges:credential>&#0;</openbadges:credential></svg>",
                SvgProblem::BadReference,
            ),
            (
                "<svg><openbadges:credential><![CDATA[x</openbadges:credential></svg>",
                SvgProblem::Unterminated,
            ),
            ("<svg><!DOCTYPE x></svg>", SvgProblem::BadTag),
        ];
        for (svg, want) in cases {
            match unbake_svg(svg) {
                Err(BakeError::SvgMalformed { problem, .. }) => assert_eq!(problem, want, "{svg}"),
                other => panic!("{svg}: unexpected {other:?}"),
            }
        }
        assert!(matches!(
            bake_svg("<svg><g></svg>", JWT),
            Err(BakeError::SvgMalformed {
                problem: SvgProblem::MismatchedEndTag,
                offset: 8
            })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn unbake_never_panics_on_arbitrary_text(s in "\\PC{0,200}", t in "[<>&;!\\[\\]/=\"' a-z:-]{0,120}") {
            let _ = unbake_svg(&s);
            let _ = unbake_svg(&format!("<svg>{t}"));
            let _ = bake_svg(&format!("<svg xmlns:openbadges=\"{NAMESPACE}\">{t}</svg>"), JWT);
        }

        #[test]
        fn unbake_never_panics_on_mutated_baked_svg(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec!['<', '>', '&', ']', '"', '/', 'x', ';', '!', '-'])), 0..6),
            json in any::<bool>(),
        ) {
            let baked = bake_svg(PLAIN, if json { JSON } else { JWT }).unwrap();
            let mut chars: Vec<char> = baked.chars().collect();
            for (at, c) in &edits {
                let i = at.index(chars.len());
                chars[i] = *c;
            }
            let mutated: String = chars.into_iter().collect();
            let result = unbake_svg(&mutated);
            if edits.is_empty() {
                prop_assert_eq!(result.unwrap().into_string(), if json { JSON } else { JWT });
            }
            if let Ok(rebaked) = bake_svg(&mutated, JWT) {
                prop_assert_eq!(unbake_svg(&rebaked).unwrap().into_string(), JWT);
            }
        }

        #[test]
        fn round_trip_any_text(cred in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{1,200}") {
            prop_assume!(!cred.trim().is_empty());
            let baked = bake_svg(PLAIN, &cred).unwrap();
            prop_assert_eq!(unbake_svg(&baked).unwrap().into_string(), cred.as_str());
            let json = format!("{{\"v\":{}}}", serde_json::Value::String(cred.clone()));
            let baked = bake_svg(PLAIN, &json).unwrap();
            prop_assert_eq!(unbake_svg(&baked).unwrap().into_string(), json.as_str());
        }
    }
}
