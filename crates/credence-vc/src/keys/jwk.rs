//! JSON Web Key (RFC 8037 OKP/Ed25519) encoding of public and secret keys, and JWK sets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::did::VerificationMethodId;
use super::error::KeyError;
use super::secret::{PublicKey, SecretKey};

/// A public Ed25519 JWK: `{"kty":"OKP","crv":"Ed25519","x":…,"kid"?}`.
///
/// This type has no `d` member, so it can never carry a private key; reading a private JWK into
/// it silently keeps only the public part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type; `OKP` for Ed25519.
    pub kty: String,
    /// Curve; `Ed25519`.
    pub crv: String,
    /// The public key, base64url without padding.
    pub x: String,
    /// Key id (for us: the verification method id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Algorithm hint, e.g. `EdDSA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Public key use, e.g. `sig`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

/// A private JWK as read or written; `d` is wiped on drop.
#[derive(Serialize, Deserialize)]
struct PrivateJwk {
    kty: String,
    crv: String,
    x: Option<String>,
    d: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

impl Drop for PrivateJwk {
    fn drop(&mut self) {
        self.d.zeroize();
    }
}

fn check_okp(kty: &str, crv: &str) -> Result<(), KeyError> {
    if kty != "OKP" {
        return Err(KeyError::JwkKeyType {
            kty: kty.to_owned(),
        });
    }
    if crv != "Ed25519" {
        return Err(KeyError::JwkCurve {
            crv: crv.to_owned(),
        });
    }
    Ok(())
}

fn b64(member: &'static str, text: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if text.len() > 64 {
        return Err(KeyError::Length {
            expected: 32,
            found: text.len() * 3 / 4,
        });
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .map(Zeroizing::new)
        .map_err(|source| KeyError::Base64 { member, source })
}

impl PublicKey {
    /// The public JWK, with an optional `kid`.
    pub fn to_jwk(&self, kid: Option<&str>) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            x: URL_SAFE_NO_PAD.encode(self.to_bytes()),
            kid: kid.map(str::to_owned),
            alg: None,
            key_use: None,
        }
    }

    /// Reads a public JWK.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        check_okp(&jwk.kty, &jwk.crv)?;
        PublicKey::from_bytes(&b64("x", &jwk.x)?)
    }
}

impl SecretKey {
    /// The private JWK as JSON text (`kty`, `crv`, `x`, `d`, optional `kid`); wiped on drop.
    pub fn to_jwk_json(&self, kid: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
        let jwk = PrivateJwk {
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            x: Some(URL_SAFE_NO_PAD.encode(self.public_key().to_bytes())),
            d: Some(URL_SAFE_NO_PAD.encode(*self.seed_bytes())),
            kid: kid.map(str::to_owned),
        };
        serde_json::to_string_pretty(&jwk)
            .map(Zeroizing::new)
            .map_err(KeyError::Json)
    }

    /// Reads a private JWK from JSON text; if `x` is present it must match `d`.
    pub fn from_jwk_json(text: &str) -> Result<Self, KeyError> {
        let jwk: PrivateJwk = serde_json::from_str(text).map_err(KeyError::Json)?;
        check_okp(&jwk.kty, &jwk.crv)?;
        let d = jwk.d.as_deref().ok_or(KeyError::JwkMissingPrivate)?;
        let key = SecretKey::from_seed_slice(&b64("d", d)?)?;
        if let Some(x) = jwk.x.as_deref() {
            if b64("x", x)?.as_slice() != key.public_key().to_bytes() {
                return Err(KeyError::KeyMismatch);
            }
        }
        Ok(key)
    }
}

/// A JWK set `{"keys":[…]}` whose `kid`s are verification method ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Jwks {
    /// The public keys.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Builds a set from `(verification method, key)` pairs, e.g. the active key and retired ones.
    pub fn from_keys<'a, I>(keys: I) -> Self
    where
        I: IntoIterator<Item = (&'a VerificationMethodId, &'a PublicKey)>,
    {
        Jwks {
            keys: keys
                .into_iter()
                .map(|(vm, pk)| {
                    let mut jwk = pk.to_jwk(Some(vm.as_str()));
                    jwk.alg = Some("EdDSA".to_owned());
                    jwk.key_use = Some("sig".to_owned());
                    jwk
                })
                .collect(),
        }
    }

    /// The key whose `kid` is `kid`, if present and readable.
    pub fn find(&self, kid: &str) -> Result<PublicKey, KeyError> {
        let jwk = self
            .keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .ok_or_else(|| KeyError::MethodNotFound { vm: kid.to_owned() })?;
        PublicKey::from_jwk(jwk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn jwk_round_trip() {
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(11));
        let pk = sk.public_key();
        let json = sk.to_jwk_json(Some("did:web:a.example#k1")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["kty"], "OKP");
        assert_eq!(v["crv"], "Ed25519");
        assert_eq!(v["kid"], "did:web:a.example#k1");
        assert!(!v["d"].as_str().unwrap().contains('='));
        assert_eq!(SecretKey::from_jwk_json(&json).unwrap().public_key(), pk);
        // Public JWK has no d and reads back.
        let public = pk.to_jwk(None);
        let text = serde_json::to_string(&public).unwrap();
        assert!(!text.contains("\"d\""));
        assert!(!text.contains("kid"));
        let back: Jwk = serde_json::from_str(&text).unwrap();
        assert_eq!(PublicKey::from_jwk(&back).unwrap(), pk);
        // Reading a private JWK as public keeps only x.
        let from_private: Jwk = serde_json::from_str(&json).unwrap();
        assert_eq!(PublicKey::from_jwk(&from_private).unwrap(), pk);
    }

    #[test]
    fn rfc8037_vector() {
        // RFC 8037 Appendix A.1.
        let text = r#"{"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let sk = SecretKey::from_jwk_json(text).unwrap();
        assert_eq!(
            hex::encode(sk.public_key().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
    }

    #[test]
    fn jwk_errors() {
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(12));
        let other = SecretKey::generate(&mut StdRng::seed_from_u64(13));
        let d = URL_SAFE_NO_PAD.encode(*sk.seed_bytes());
        let x_other = URL_SAFE_NO_PAD.encode(other.public_key().to_bytes());
        let mismatch = format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{d}","x":"{x_other}"}}"#);
        assert!(matches!(
            SecretKey::from_jwk_json(&mismatch),
            Err(KeyError::KeyMismatch)
        ));
        let ec = format!(r#"{{"kty":"EC","crv":"P-256","d":"{d}"}}"#);
        assert!(matches!(
            SecretKey::from_jwk_json(&ec),
            Err(KeyError::JwkKeyType { .. })
        ));
        let x25519 = format!(r#"{{"kty":"OKP","crv":"X25519","d":"{d}"}}"#);
        assert!(matches!(
            SecretKey::from_jwk_json(&x25519),
            Err(KeyError::JwkCurve { .. })
        ));
        let public_only = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x_other}"}}"#);
        assert!(matches!(
            SecretKey::from_jwk_json(&public_only),
            Err(KeyError::JwkMissingPrivate)
        ));
        let padded = format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{d}="}}"#);
        assert!(matches!(
            SecretKey::from_jwk_json(&padded),
            Err(KeyError::Base64 { member: "d", .. })
        ));
    }

    #[test]
    fn jwks_find_by_kid() {
        let a = SecretKey::generate(&mut StdRng::seed_from_u64(14)).public_key();
        let b = SecretKey::generate(&mut StdRng::seed_from_u64(15)).public_key();
        let va = VerificationMethodId::new("did:web:x.example#key-1").unwrap();
        let vb = VerificationMethodId::new("did:web:x.example#key-2").unwrap();
        let set = Jwks::from_keys([(&va, &a), (&vb, &b)]);
        let json = serde_json::to_value(&set).unwrap();
        assert_eq!(json["keys"][1]["kid"], "did:web:x.example#key-2");
        assert_eq!(set.find("did:web:x.example#key-2").unwrap(), b);
        assert_eq!(set.find("did:web:x.example#key-1").unwrap(), a);
        assert!(matches!(
            set.find("did:web:x.example#key-3"),
            Err(KeyError::MethodNotFound { .. })
        ));
    }
}
