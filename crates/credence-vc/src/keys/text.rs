//! Reading a secret key from whichever text format it arrives in (PEM, JWK, Multikey).

use super::error::{KeyError, KeyTextFormat};
use super::multikey::KeyPairFile;
use super::secret::SecretKey;

/// Refuse key text longer than this before parsing (a key file is a few hundred bytes).
pub const MAX_KEY_TEXT_LEN: usize = 64 * 1024;

/// Guesses the format of key text without decoding it.
pub fn detect_key_text_format(text: &str) -> Option<KeyTextFormat> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with("-----BEGIN") {
        return Some(KeyTextFormat::Pkcs8Pem);
    }
    if t.starts_with('z') && !t.contains(char::is_whitespace) {
        return Some(KeyTextFormat::Multikey);
    }
    if !t.starts_with('{') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(t).ok()?;
    let obj = value.as_object()?;
    if obj.contains_key("kty") {
        Some(KeyTextFormat::Jwk)
    } else if obj.contains_key("publicKeyMultibase")
        || obj.contains_key("secretKeyMultibase")
        || obj.contains_key("privateKeyMultibase")
        || obj.get("type").and_then(|t| t.as_str()) == Some("Multikey")
    {
        Some(KeyTextFormat::Multikey)
    } else {
        None
    }
}

impl SecretKey {
    /// Reads a PKCS#8 PEM, a private JWK, a Multikey key-pair JSON or a bare `secretKeyMultibase`.
    ///
    /// On failure the error names the format that was detected ([`KeyError::KeyText`]) or says
    /// no format matched ([`KeyError::UnrecognisedKeyText`]).
    pub fn from_any_text(text: &str) -> Result<Self, KeyError> {
        if text.len() > MAX_KEY_TEXT_LEN {
            return Err(KeyError::UnrecognisedKeyText);
        }
        let format = detect_key_text_format(text).ok_or(KeyError::UnrecognisedKeyText)?;
        let t = text.trim_start_matches('\u{feff}').trim();
        let result = match format {
            KeyTextFormat::Pkcs8Pem => SecretKey::from_pkcs8_pem(t),
            KeyTextFormat::Jwk => SecretKey::from_jwk_json(t),
            KeyTextFormat::Multikey if t.starts_with('z') => SecretKey::from_multibase(t),
            KeyTextFormat::Multikey => KeyPairFile::from_json(t).and_then(|f| f.secret_key()),
        };
        result.map_err(|source| KeyError::KeyText {
            format,
            source: Box::new(source),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn reads_every_format() {
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(31));
        let pk = sk.public_key();
        let pem = sk.to_pkcs8_pem().unwrap();
        let jwk = sk.to_jwk_json(None).unwrap();
        let mk = sk.to_keypair_file(None, None).to_json().unwrap();
        let bare = sk.to_multibase();
        for text in [pem.as_str(), jwk.as_str(), mk.as_str(), bare.as_str()] {
            assert_eq!(SecretKey::from_any_text(text).unwrap().public_key(), pk);
        }
        let w3c = include_str!("../../../../tests/vectors/w3c-vc-di-eddsa/keyPair.json");
        assert_eq!(
            SecretKey::from_any_text(w3c)
                .unwrap()
                .public_key()
                .to_multibase(),
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );
    }

    #[test]
    fn failures_name_the_format() {
        let spki = SecretKey::generate(&mut StdRng::seed_from_u64(32))
            .public_key()
            .to_spki_pem()
            .unwrap();
        assert!(matches!(
            SecretKey::from_any_text(&spki),
            Err(KeyError::KeyText {
                format: KeyTextFormat::Pkcs8Pem,
                ..
            })
        ));
        assert!(matches!(
            SecretKey::from_any_text(r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#),
            Err(KeyError::KeyText {
                format: KeyTextFormat::Jwk,
                ..
            })
        ));
        assert!(matches!(
            SecretKey::from_any_text(r#"{"type":"Multikey","publicKeyMultibase":"z6Mk"}"#),
            Err(KeyError::KeyText {
                format: KeyTextFormat::Multikey,
                ..
            })
        ));
        assert!(matches!(
            SecretKey::from_any_text("hello"),
            Err(KeyError::UnrecognisedKeyText)
        ));
        assert!(matches!(
            SecretKey::from_any_text(r#"{"foo":1}"#),
            Err(KeyError::UnrecognisedKeyText)
        ));
    }

    proptest! {
        #[test]
        fn from_any_text_never_panics(s in ".{0,400}") {
            let _ = SecretKey::from_any_text(&s);
        }

        #[test]
        fn from_any_text_never_panics_on_near_formats(
            prefix in prop::sample::select(vec![
                "-----BEGIN PRIVATE KEY-----\n", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"",
                "{\"publicKeyMultibase\":\"z", "z", "z3u2",
            ]),
            body in "[A-Za-z0-9+/=_\\-\"{}:,\n]{0,200}",
        ) {
            let _ = SecretKey::from_any_text(&format!("{prefix}{body}"));
        }
    }
}
