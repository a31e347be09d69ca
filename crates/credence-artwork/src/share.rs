//! Sharing links for a practitioner's badge: LinkedIn's "add certification to profile" URL.
//!
//! LinkedIn's add-to-profile form is opened with its fields in the query string
//! (`https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…`); the practitioner
//! reviews and saves it on LinkedIn. Every value is percent-encoded here: only RFC 3986 unreserved
//! characters (`A-Z a-z 0-9 - . _ ~`) are left as they are, everything else is sent as `%XX` of its
//! UTF-8 bytes (a space as `%20`), so names with `&`, `+`, `#` or accents arrive intact.
//!
//! ```
//! use chrono::NaiveDate;
//! use credence_artwork::share::{linkedin_add_to_profile_url, LinkedInCertification};
//!
//! let url = linkedin_add_to_profile_url(&LinkedInCertification {
//!     name: "Advanced Practice: Older People and Frailty",
//!     organization_name: "Centre for Advancing Practice",
//!     issued: NaiveDate::from_ymd_opt(2024, 7, 12).unwrap(),
//!     expires: None,
//!     cert_url: "https://badges.example.org/badges/1",
//!     cert_id: "urn:uuid:1",
//! });
//! assert!(url.contains("&issueYear=2024&issueMonth=7&"));
//! ```

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

/// LinkedIn's add-to-profile endpoint.
pub const LINKEDIN_ADD_TO_PROFILE: &str = "https://www.linkedin.com/profile/add";

/// A certification to add to a LinkedIn profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedInCertification<'a> {
    /// The certification's name (the achievement or specification title).
    pub name: &'a str,
    /// The issuing organization's name.
    pub organization_name: &'a str,
    /// When it was issued; LinkedIn keeps the year and month.
    pub issued: NaiveDate,
    /// When it expires, if it does; LinkedIn keeps the year and month.
    pub expires: Option<NaiveDate>,
    /// A public URL where the credential can be seen or verified.
    pub cert_url: &'a str,
    /// The credential's id.
    pub cert_id: &'a str,
}

/// The URL that opens LinkedIn's "add certification" form filled in with `cert`.
///
/// The parameters come in a fixed order: `startTask`, `name`, `organizationName`, `issueYear`,
/// `issueMonth`, `expirationYear` and `expirationMonth` (only with an expiry date), `certUrl`,
/// `certId`.
pub fn linkedin_add_to_profile_url(cert: &LinkedInCertification<'_>) -> String {
    let mut url = format!("{LINKEDIN_ADD_TO_PROFILE}?startTask=CERTIFICATION_NAME");
    let mut param = |key: &str, value: &str| {
        url.push('&');
        url.push_str(key);
        url.push('=');
        percent_encode_into(&mut url, value);
    };
    param("name", cert.name);
    param("organizationName", cert.organization_name);
    param("issueYear", &cert.issued.year().to_string());
    param("issueMonth", &cert.issued.month().to_string());
    if let Some(expires) = cert.expires {
        param("expirationYear", &expires.year().to_string());
        param("expirationMonth", &expires.month().to_string());
    }
    param("certUrl", cert.cert_url);
    param("certId", cert.cert_id);
    url
}

/// Appends `value` to `out`, keeping RFC 3986 unreserved characters and writing every other UTF-8
/// byte as `%XX` (upper-case hex).
fn percent_encode_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            // `write!` to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn encode(value: &str) -> String {
        let mut out = String::new();
        percent_encode_into(&mut out, value);
        out
    }

    /// Decodes `%XX` escapes (the test's own, independent decoder).
    fn decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// The query's (key, decoded value) pairs.
    fn query(url: &str) -> Vec<(String, String)> {
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, LINKEDIN_ADD_TO_PROFILE);
        query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (k.to_owned(), decode(v))
            })
            .collect()
    }

    #[test]
    fn encodes_reserved_and_non_ascii_characters() {
        assert_eq!(
            encode("Older People & Frailty"),
            "Older%20People%20%26%20Frailty"
        );
        assert_eq!(encode("a+b=c#d?e/f:g%h"), "a%2Bb%3Dc%23d%3Fe%2Ff%3Ag%25h");
        assert_eq!(encode("Zoë ✓"), "Zo%C3%AB%20%E2%9C%93");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode("\"<'>\n"), "%22%3C%27%3E%0A");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn builds_the_add_certification_url() {
        let url = linkedin_add_to_profile_url(&LinkedInCertification {
            name: "Advanced Practice: Older People and Frailty",
            organization_name: "Centre for Advancing Practice",
            issued: date(2024, 7, 12),
            expires: None,
            cert_url: "https://badges.example.org/badges/urn:uuid:1?x=1",
            cert_id: "urn:uuid:1",
        });
        assert_eq!(
            url,
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME\
             &name=Advanced%20Practice%3A%20Older%20People%20and%20Frailty\
             &organizationName=Centre%20for%20Advancing%20Practice\
             &issueYear=2024&issueMonth=7\
             &certUrl=https%3A%2F%2Fbadges.example.org%2Fbadges%2Furn%3Auuid%3A1%3Fx%3D1\
             &certId=urn%3Auuid%3A1"
        );
    }

    #[test]
    fn values_round_trip_through_the_query() {
        let cert = LinkedInCertification {
            name: "Care & Support: \"Adults\" + Children #1 — Zoë's 100%",
            organization_name: "Centre <for> Practice/Research?",
            issued: date(2023, 12, 31),
            expires: Some(date(2026, 1, 1)),
            cert_url: "https://badges.example.org/v?id=a&b=c#frag",
            cert_id: "urn:uuid:0d0c9a3e-5b0a-4e57-9a43-8f7f1e0f4c1b",
        };
        let url = linkedin_add_to_profile_url(&cert);
        // Exactly one `?`, and `&`/`=`/`#` only as separators.
        assert_eq!(url.matches('?').count(), 1);
        assert!(!url.contains('#') && !url.contains(' ') && !url.contains('+'));
        let pairs = query(&url);
        let want = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", cert.name),
            ("organizationName", cert.organization_name),
            ("issueYear", "2023"),
            ("issueMonth", "12"),
            ("expirationYear", "2026"),
            ("expirationMonth", "1"),
            ("certUrl", cert.cert_url),
            ("certId", cert.cert_id),
        ];
        assert_eq!(pairs.len(), want.len());
        for ((k, v), (wk, wv)) in pairs.iter().zip(want) {
            assert_eq!((k.as_str(), v.as_str()), (wk, wv));
        }
        // Without an expiry date the expiration fields are left out.
        let url = linkedin_add_to_profile_url(&LinkedInCertification {
            expires: None,
            ..cert
        });
        assert!(query(&url)
            .iter()
            .all(|(k, _)| !k.starts_with("expiration")));
    }
}
