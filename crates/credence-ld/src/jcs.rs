//! RFC 8785 JSON Canonicalization Scheme (JCS): sorted keys, ES6 number and string serialization.

use serde_json::Value;

/// Deepest nesting [`canonicalize`] accepts.
pub const MAX_DEPTH: usize = 256;

/// Largest integer magnitude an IEEE 754 double holds exactly (2^53).
const MAX_SAFE: u64 = 1 << 53;

/// Why a JSON value has no JCS form.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// An integer too large to be an IEEE 754 double without rounding (RFC 8785 requires I-JSON).
    #[error("integer {0} is outside the IEEE 754 safe range")]
    UnsafeInteger(String),
    /// A number is NaN or infinite.
    #[error("number is not finite")]
    NonFinite,
    /// The value nests deeper than [`MAX_DEPTH`].
    #[error("JSON nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Serializes `value` in RFC 8785 canonical form.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::with_capacity(64);
    write_value(&mut out, value, 0)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), JcsError> {
    if depth > MAX_DEPTH {
        return Err(JcsError::TooDeep);
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_to_string(n)?),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, v, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// The JSON number as an IEEE 754 double, refusing integers that would be rounded.
pub(crate) fn number_to_f64(n: &serde_json::Number) -> Result<f64, JcsError> {
    if let Some(u) = n.as_u64() {
        if u > MAX_SAFE {
            return Err(JcsError::UnsafeInteger(u.to_string()));
        }
        return Ok(u as f64);
    }
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_SAFE {
            return Err(JcsError::UnsafeInteger(i.to_string()));
        }
        return Ok(i as f64);
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(JcsError::NonFinite),
    }
}

fn number_to_string(n: &serde_json::Number) -> Result<String, JcsError> {
    let f = number_to_f64(n)?;
    if !f.is_finite() {
        return Err(JcsError::NonFinite);
    }
    Ok(es6_number(f))
}

/// ECMAScript `Number.prototype.toString()` of a finite double (ES2015 7.1.12.1).
pub(crate) fn es6_number(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".to_owned()
        } else if v > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        };
    }
    let (digits, e) = shortest_digits(v.abs());
    let k = digits.len() as i32;
    let n = e + 1;
    let mut out = String::with_capacity(24);
    if v < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at_checked(n as usize).unwrap_or((&digits, ""));
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let (a, b) = digits.split_at_checked(1).unwrap_or((&digits, ""));
        out.push_str(a);
        if !b.is_empty() {
            out.push('.');
            out.push_str(b);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

/// Shortest round-tripping decimal digits of a positive finite double and the exponent of the
/// first digit; on an exact tie between two shortest candidates the even one wins (ES2015).
fn shortest_digits(v: f64) -> (String, i32) {
    let split = |s: &str| -> (String, i32) {
        let (m, e) = s.split_once('e').unwrap_or((s, "0"));
        (
            m.chars().filter(char::is_ascii_digit).collect(),
            e.parse().unwrap_or(0),
        )
    };
    // Rust's `{:e}` yields the shortest round-tripping digits.
    let (mut digits, e) = split(&format!("{v:e}"));
    let k = digits.len();
    // Ties are only possible when 16 or 17 digits are needed.
    if k >= 16 {
        let (exact, ee) = split(&format!("{v:.800e}"));
        let exact = exact.trim_end_matches('0');
        if ee == e && exact.len() == k + 1 && exact.ends_with('5') {
            let down = exact.get(..k).unwrap_or_default().to_owned();
            let up = increment(&down);
            let even = |d: &str| {
                d.bytes()
                    .last()
                    .is_some_and(|b| (b - b'0').is_multiple_of(2))
            };
            let pick = if even(&down) {
                Some(down)
            } else {
                up.filter(|u| even(u))
            };
            if let Some(p) = pick {
                let (first, rest) = p.split_at_checked(1).unwrap_or(("0", ""));
                let candidate = format!("{first}.{rest}e{e}");
                if p != digits && candidate.parse::<f64>().ok() == Some(v) {
                    digits = p.trim_end_matches('0').to_owned();
                    if digits.is_empty() {
                        digits.push('0');
                    }
                }
            }
        }
    }
    (digits, e)
}

/// Adds one in the last decimal place, `None` if that carries into a new digit.
fn increment(d: &str) -> Option<String> {
    let mut bytes = d.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(text: &str) -> String {
        let v: Value = serde_json::from_str(text).unwrap();
        canonicalize(&v).unwrap()
    }

    #[test]
    fn numbers_follow_es6() {
        assert_eq!(num("1e21"), "1e+21");
        assert_eq!(num("1e20"), "100000000000000000000");
        assert_eq!(num("1e-7"), "1e-7");
        assert_eq!(num("1e-6"), "0.000001");
        assert_eq!(num("0.1"), "0.1");
        assert_eq!(num("-0"), "0");
        assert_eq!(num("-0.0"), "0");
        assert_eq!(num("1.0"), "1");
        assert_eq!(num("333333333.33333329"), "333333333.3333333");
        assert_eq!(num("1E30"), "1e+30");
        assert_eq!(num("4.50"), "4.5");
        assert_eq!(num("2e-3"), "0.002");
        assert_eq!(num("0.000000000000000000000000012"), "1.2e-26");
        assert_eq!(num("-1.5e-9"), "-1.5e-9");
        assert_eq!(num("9007199254740991"), "9007199254740991");
        assert_eq!(num("1.7976931348623157e308"), "1.7976931348623157e+308");
        assert_eq!(num("5e-324"), "5e-324");
    }

    #[test]
    fn rfc8785_number_table() {
        // RFC 8785 appendix B (IEEE 754 hex -> expected).
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, expected) in cases {
            assert_eq!(es6_number(f64::from_bits(*bits)), *expected, "{bits:x}");
        }
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // RFC 8785 section 3.2.3 example.
        let v = json!({
            "\u{20ac}": "Euro Sign",
            "\r": "Carriage Return",
            "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\u{1f600}": "Emoji: Grinning Face",
            "\u{80}": "Control",
            "\u{f6}": "Latin Small Letter O With Diaeresis"
        });
        let out = canonicalize(&v).unwrap();
        let order: Vec<&str> = vec![
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ];
        let mut last = 0;
        for name in order {
            let at = out.find(name).unwrap();
            assert!(at > last, "{name} out of order in {out}");
            last = at;
        }
    }

    #[test]
    fn strings_are_escaped_like_es6() {
        let v = json!({"b": "\u{1}\u{1f}\n\"\\/\u{7f}é", "a": [true, null, 1.5]});
        assert_eq!(
            canonicalize(&v).unwrap(),
            "{\"a\":[true,null,1.5],\"b\":\"\\u0001\\u001f\\n\\\"\\\\/\u{7f}é\"}"
        );
    }

    #[test]
    fn rfc8785_structure_example() {
        let v: Value = serde_json::from_str(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals": [null, true, false]}"#,
        )
        .unwrap();
        assert_eq!(
            canonicalize(&v).unwrap(),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn unsafe_integers_are_refused() {
        let v: Value = serde_json::from_str("9007199254740993").unwrap();
        assert!(matches!(canonicalize(&v), Err(JcsError::UnsafeInteger(_))));
    }
}
