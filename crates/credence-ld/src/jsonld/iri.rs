//! IRI and keyword predicates used by the JSON-LD algorithms, and RFC 3986 reference resolution.

/// True if `s` is a JSON-LD keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "@base"
            | "@container"
            | "@context"
            | "@default"
            | "@direction"
            | "@embed"
            | "@explicit"
            | "@graph"
            | "@id"
            | "@import"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@omitDefault"
            | "@prefix"
            | "@preserve"
            | "@protected"
            | "@propagate"
            | "@requireAll"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

/// True if `s` has the form of a keyword (`@` followed by ASCII letters), reserved by JSON-LD 1.1.
pub(crate) fn is_keyword_like(s: &str) -> bool {
    let mut chars = s.bytes();
    chars.next() == Some(b'@') && s.len() > 1 && chars.all(|b| b.is_ascii_alphabetic())
}

/// True if `s` is an absolute IRI or a blank node identifier, as jsonld.js decides it:
/// `^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$`.
/// Whether an IRI can be written in N-Quads as it is: none of the characters `IRIREF` excludes
/// (`<>"{}|^` backtick and backslash, space and controls). Writing any of them would let two
/// different datasets have one canonical form (an IRI holding `><` reads back as two terms).
pub(crate) fn is_writable_iri(s: &str) -> bool {
    // Byte by byte, without early exit (so it vectorizes): every byte of a multi-byte UTF-8
    // character is at least 0x80 and encodes a character above U+0020, which N-Quads allows.
    !s.bytes().fold(false, |bad, b| {
        bad | (b < 0x80 && !crate::rdf::is_iri_char(char::from(b)))
    })
}

pub(crate) fn is_absolute(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(colon) = s.find(':') else {
        return false;
    };
    let (scheme, rest) = bytes.split_at(colon);
    let scheme_ok = scheme == b"_"
        || (scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b',' | b'-' | b'.')));
    scheme_ok && !has_js_whitespace(rest)
}

/// True if `bytes` (UTF-8) contains a character JavaScript's `\s` matches.
fn has_js_whitespace(bytes: &[u8]) -> bool {
    // Fast path without early exit (so it vectorizes): no control, space or non-ASCII byte at all.
    let suspicious = bytes
        .iter()
        .fold(false, |acc, &b| acc | (b <= b' ') | (b >= 0x80));
    if !suspicious {
        return false;
    }
    let mut non_ascii = false;
    for &b in bytes {
        if matches!(b, b' ' | b'\t'..=b'\r') {
            return true;
        }
        non_ascii |= b >= 0x80;
    }
    non_ascii
        && std::str::from_utf8(bytes)
            .is_ok_and(|s| s.chars().any(|c| c.is_whitespace() || c == '\u{feff}'))
}

/// True if `s` is a blank node identifier (`_:` prefix).
pub(crate) fn is_blank(s: &str) -> bool {
    s.starts_with("_:")
}

/// True if `s` is a well-formed BCP 47 language tag in the loose sense jsonld.js checks:
/// `^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`.
pub(crate) fn is_bcp47(s: &str) -> bool {
    let mut parts = s.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let ok_len = |p: &str| (1..=8).contains(&p.len());
    ok_len(first)
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| ok_len(p) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Resolves `reference` against the absolute IRI `base` (RFC 3986 section 5.2).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    if is_absolute(reference) {
        return reference.to_owned();
    }
    let (b_scheme, b_rest) = match base.find(':') {
        Some(i) => (&base[..i], &base[i + 1..]),
        None => return reference.to_owned(),
    };
    let (b_auth, b_path, b_query) = split_hier(b_rest);
    let (r_body, r_frag) = split_once_keep(reference, '#');
    let (r_body, r_query) = split_once_keep(r_body, '?');
    let mut out = String::with_capacity(base.len() + reference.len());
    out.push_str(b_scheme);
    out.push(':');
    if let Some(rest) = r_body.strip_prefix("//") {
        out.push_str("//");
        let end = rest.find('/').unwrap_or(rest.len());
        out.push_str(&rest[..end]);
        out.push_str(&remove_dot_segments(&rest[end..]));
        push_opt(&mut out, '?', r_query);
    } else {
        if let Some(a) = b_auth {
            out.push_str("//");
            out.push_str(a);
        }
        if r_body.is_empty() {
            out.push_str(b_path);
            push_opt(&mut out, '?', r_query.or(b_query));
        } else {
            let merged = if r_body.starts_with('/') {
                r_body.to_owned()
            } else if b_auth.is_some() && b_path.is_empty() {
                format!("/{r_body}")
            } else {
                let dir = b_path.rfind('/').map_or("", |i| &b_path[..=i]);
                format!("{dir}{r_body}")
            };
            out.push_str(&remove_dot_segments(&merged));
            push_opt(&mut out, '?', r_query);
        }
    }
    push_opt(&mut out, '#', r_frag);
    out
}

fn push_opt(out: &mut String, sep: char, part: Option<&str>) {
    if let Some(p) = part {
        out.push(sep);
        out.push_str(p);
    }
}

fn split_once_keep(s: &str, sep: char) -> (&str, Option<&str>) {
    match s.find(sep) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// Splits the part after `scheme:` into authority, path and query (fragment dropped).
fn split_hier(rest: &str) -> (Option<&str>, &str, Option<&str>) {
    let rest = rest.split('#').next().unwrap_or("");
    let (rest, query) = split_once_keep(rest, '?');
    match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (Some(&r[..end]), &r[end..], query)
        }
        None => (None, rest, query),
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_iris_follow_jsonld_js() {
        assert!(is_absolute("https://example.com/a"));
        assert!(is_absolute("did:example:123"));
        assert!(is_absolute("_:b0"));
        assert!(is_absolute("xsd:dateTime"));
        assert!(!is_absolute("foo"));
        assert!(!is_absolute("1a:b"));
        assert!(!is_absolute("a b:c"));
        assert!(!is_absolute("urn:a b"));
        assert!(!is_absolute("urn:a\u{3000}b"));
        assert!(is_absolute("urn:é"));
        assert!(!is_absolute("urn:a\tb"));
        assert!(
            is_absolute("urn:a\u{1}b"),
            "a control byte is not whitespace"
        );
    }

    #[test]
    fn keywords_and_language_tags() {
        assert!(is_keyword("@id"));
        assert!(!is_keyword("@foo"));
        assert!(is_keyword_like("@foo"));
        assert!(!is_keyword_like("@"));
        assert!(!is_keyword_like("@foo1"));
        assert!(is_bcp47("en-US"));
        assert!(!is_bcp47("en_US"));
        assert!(!is_bcp47(""));
    }

    #[test]
    fn resolves_references() {
        let base = "http://a/b/c/d;p?q";
        assert_eq!(resolve(base, "g"), "http://a/b/c/g");
        assert_eq!(resolve(base, "./g"), "http://a/b/c/g");
        assert_eq!(resolve(base, "../g"), "http://a/b/g");
        assert_eq!(resolve(base, "/g"), "http://a/g");
        assert_eq!(resolve(base, "//g"), "http://g");
        assert_eq!(resolve(base, "?y"), "http://a/b/c/d;p?y");
        assert_eq!(resolve(base, "#s"), "http://a/b/c/d;p?q#s");
        assert_eq!(resolve(base, ""), "http://a/b/c/d;p?q");
        assert_eq!(resolve(base, "../.."), "http://a/");
    }
}
