//! W3C Multikey encodings (`publicKeyMultibase`, `secretKeyMultibase`) and the key-pair JSON file.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::error::KeyError;
use super::secret::{PublicKey, SecretKey, PUBLIC_KEY_LEN, SEED_LEN};

/// Multicodec header of an Ed25519 public key (`ed25519-pub`, varint 0xed).
pub const ED25519_PUB_HEADER: [u8; 2] = [0xed, 0x01];
/// Multicodec header of an Ed25519 secret seed (`ed25519-priv`, varint 0x1300).
pub const ED25519_PRIV_HEADER: [u8; 2] = [0x80, 0x26];

fn decode_multibase(
    text: &str,
    header: [u8; 2],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let body = text.strip_prefix('z').ok_or(KeyError::MultibasePrefix)?;
    // A 34-byte value is at most 47 base58 characters; refuse absurd input before decoding.
    if body.len() > 64 {
        return Err(KeyError::Length {
            expected: len + 2,
            found: body.len(),
        });
    }
    let raw = Zeroizing::new(bs58::decode(body).into_vec().map_err(KeyError::Base58)?);
    let rest = raw
        .strip_prefix(&header[..])
        .ok_or(KeyError::Multicodec { expected: header })?;
    if rest.len() != len {
        return Err(KeyError::Length {
            expected: len,
            found: rest.len(),
        });
    }
    Ok(Zeroizing::new(rest.to_vec()))
}

fn encode_multibase(header: [u8; 2], bytes: &[u8]) -> Zeroizing<String> {
    let mut buf = Zeroizing::new(Vec::with_capacity(2 + bytes.len()));
    buf.extend_from_slice(&header);
    buf.extend_from_slice(bytes);
    let mut out = Zeroizing::new(String::with_capacity(50));
    out.push('z');
    out.push_str(&Zeroizing::new(bs58::encode(&*buf).into_string()));
    out
}

impl PublicKey {
    /// `publicKeyMultibase`: `z` + base58btc(0xed 0x01 ‖ key).
    pub fn to_multibase(&self) -> String {
        encode_multibase(ED25519_PUB_HEADER, &self.to_bytes()).to_string()
    }

    /// Reads a `publicKeyMultibase` value.
    pub fn from_multibase(text: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(text, ED25519_PUB_HEADER, PUBLIC_KEY_LEN)?;
        PublicKey::from_bytes(&bytes)
    }
}

impl SecretKey {
    /// `secretKeyMultibase`: `z` + base58btc(0x80 0x26 ‖ 32-byte seed).
    pub fn to_multibase(&self) -> Zeroizing<String> {
        encode_multibase(ED25519_PRIV_HEADER, &*self.seed_bytes())
    }

    /// Reads a `secretKeyMultibase` (or `privateKeyMultibase`) value.
    pub fn from_multibase(text: &str) -> Result<Self, KeyError> {
        let seed = decode_multibase(text, ED25519_PRIV_HEADER, SEED_LEN)?;
        SecretKey::from_seed_slice(&seed)
    }

    /// A Multikey key-pair file for this key.
    pub fn to_keypair_file(&self, id: Option<String>, controller: Option<String>) -> KeyPairFile {
        KeyPairFile {
            key_type: "Multikey".to_owned(),
            id,
            controller,
            public_key_multibase: self.public_key().to_multibase(),
            secret_key_multibase: Some(self.to_multibase().to_string()),
            private_key_multibase: None,
        }
    }
}

/// A Multikey key pair as JSON:
/// `{"type":"Multikey","id"?,"controller"?,"publicKeyMultibase","secretKeyMultibase"}`.
///
/// Reading also accepts the older `privateKeyMultibase` name used by the W3C test vectors. The
/// secret strings are wiped on drop and `Debug` redacts them.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPairFile {
    /// Always `Multikey` when written; tolerated as absent when read.
    #[serde(rename = "type", default = "multikey_type")]
    pub key_type: String,
    /// The verification method id, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The controller (DID or URL), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The public key, multibase-encoded.
    pub public_key_multibase: String,
    /// The secret seed, multibase-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_multibase: Option<String>,
    /// Older name for the secret seed (read only in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_multibase: Option<String>,
}

fn multikey_type() -> String {
    "Multikey".to_owned()
}

impl Drop for KeyPairFile {
    fn drop(&mut self) {
        self.secret_key_multibase.zeroize();
        self.private_key_multibase.zeroize();
    }
}

impl std::fmt::Debug for KeyPairFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPairFile")
            .field("id", &self.id)
            .field("controller", &self.controller)
            .field("public_key_multibase", &self.public_key_multibase)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl KeyPairFile {
    /// Parses key-pair JSON text.
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        serde_json::from_str(text).map_err(KeyError::Json)
    }

    /// Serialises to pretty JSON (contains the secret; the buffer zeroizes on drop).
    pub fn to_json(&self) -> Result<Zeroizing<String>, KeyError> {
        serde_json::to_string_pretty(self)
            .map(Zeroizing::new)
            .map_err(KeyError::Json)
    }

    /// The public key.
    pub fn public_key(&self) -> Result<PublicKey, KeyError> {
        PublicKey::from_multibase(&self.public_key_multibase)
    }

    /// The secret key, checked against `publicKeyMultibase`.
    pub fn secret_key(&self) -> Result<SecretKey, KeyError> {
        let text = self
            .secret_key_multibase
            .as_deref()
            .or(self.private_key_multibase.as_deref())
            .ok_or(KeyError::MultikeyMissingSecret)?;
        let key = SecretKey::from_multibase(text)?;
        if key.public_key() != self.public_key()? {
            return Err(KeyError::KeyMismatch);
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    const W3C_KEYPAIR: &str =
        include_str!("../../../../tests/vectors/w3c-vc-di-eddsa/keyPair.json");
    const OB_VECTOR: &str =
        include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json");

    #[test]
    fn w3c_keypair_is_a_matching_pair() {
        let file = KeyPairFile::from_json(W3C_KEYPAIR).unwrap();
        assert!(file.secret_key_multibase.is_none());
        let sk = file.secret_key().unwrap();
        assert_eq!(
            sk.public_key().to_multibase(),
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );
        assert_eq!(
            sk.to_multibase().as_str(),
            "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
        );
    }

    #[test]
    fn ob_vector_key_encodes_as_in_vector() {
        let v: serde_json::Value = serde_json::from_str(OB_VECTOR).unwrap();
        let sk_bytes = hex::decode(v["secretKeyHex"].as_str().unwrap()).unwrap();
        assert_eq!(sk_bytes.len(), 64);
        let sk = SecretKey::from_keypair_bytes(&sk_bytes).unwrap();
        assert_eq!(
            hex::encode(sk.public_key().to_bytes()),
            v["publicKeyHex"].as_str().unwrap()
        );
        assert_eq!(
            sk.public_key().to_multibase(),
            v["publicKeyMultibase"].as_str().unwrap()
        );
    }

    #[test]
    fn mismatched_pair_refused() {
        let a = SecretKey::generate(&mut StdRng::seed_from_u64(3));
        let b = SecretKey::generate(&mut StdRng::seed_from_u64(4));
        let mut file = a.to_keypair_file(None, None);
        file.public_key_multibase = b.public_key().to_multibase();
        assert!(matches!(file.secret_key(), Err(KeyError::KeyMismatch)));
    }

    #[test]
    fn multibase_round_trip_and_errors() {
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(5));
        let pk = sk.public_key();
        assert_eq!(PublicKey::from_multibase(&pk.to_multibase()).unwrap(), pk);
        let sk2 = SecretKey::from_multibase(&sk.to_multibase()).unwrap();
        assert_eq!(sk2.public_key(), pk);
        let file = sk.to_keypair_file(Some("did:example:1#k".into()), None);
        let json = file.to_json().unwrap();
        assert!(json.contains("\"type\": \"Multikey\""));
        assert!(json.contains("secretKeyMultibase"));
        assert_eq!(
            KeyPairFile::from_json(&json)
                .unwrap()
                .secret_key()
                .unwrap()
                .public_key(),
            pk
        );
        // A public key where a secret is expected, and vice versa.
        assert!(matches!(
            SecretKey::from_multibase(&pk.to_multibase()),
            Err(KeyError::Multicodec { .. })
        ));
        assert!(matches!(
            PublicKey::from_multibase(&sk.to_multibase()),
            Err(KeyError::Multicodec { .. })
        ));
        assert!(matches!(
            PublicKey::from_multibase("u7QE"),
            Err(KeyError::MultibasePrefix)
        ));
        assert!(matches!(
            PublicKey::from_multibase("z0OIl"),
            Err(KeyError::Base58(_))
        ));
        assert!(!format!("{file:?}").contains(sk.to_multibase().as_str()));
    }
}
