//! Ed25519 secret and public key types (the secret zeroizes on drop and never prints).

use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::error::KeyError;

/// Length of an Ed25519 seed (secret key) in bytes.
pub const SEED_LEN: usize = 32;
/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_LEN: usize = 32;

/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// An Ed25519 signature (64 bytes). Its own type, so that the Ed25519 implementation this crate
/// uses is not part of its API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

impl Signature {
    /// A signature from its 64 bytes (`R` then `S`); whether it verifies is checked later.
    pub fn from_bytes(bytes: &[u8; SIGNATURE_LEN]) -> Self {
        Signature(ed25519_dalek::Signature::from_bytes(bytes))
    }

    /// Its 64 bytes.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        self.0.to_bytes()
    }

    pub(super) fn as_dalek(&self) -> &ed25519_dalek::Signature {
        &self.0
    }
}

/// An Ed25519 secret key.
///
/// The inner `SigningKey` zeroizes its bytes on drop. `Debug` never prints key material and the
/// type deliberately does not implement `Serialize`: use the explicit `to_*` encoders.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// Generates a fresh key from a caller-supplied cryptographic RNG.
    pub fn generate<R: rand_core::CryptoRngCore>(rng: &mut R) -> Self {
        SecretKey(SigningKey::generate(rng))
    }

    /// Builds a key from its 32-byte seed.
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        SecretKey(SigningKey::from_bytes(seed))
    }

    /// Builds a key from a seed slice, which must be exactly 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self, KeyError> {
        let arr: Zeroizing<[u8; SEED_LEN]> =
            Zeroizing::new(seed.try_into().map_err(|_| KeyError::Length {
                expected: SEED_LEN,
                found: seed.len(),
            })?);
        Ok(Self::from_seed(&arr))
    }

    /// Builds a key from 64 bytes `seed ‖ public`, checking that the public half matches.
    pub fn from_keypair_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: Zeroizing<[u8; 64]> =
            Zeroizing::new(bytes.try_into().map_err(|_| KeyError::Length {
                expected: 64,
                found: bytes.len(),
            })?);
        SigningKey::from_keypair_bytes(&arr)
            .map(SecretKey)
            .map_err(|_| KeyError::KeyMismatch)
    }

    /// The 32-byte seed, in a buffer that zeroizes on drop.
    pub fn seed_bytes(&self) -> Zeroizing<[u8; SEED_LEN]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `msg` (pure Ed25519, RFC 8032).
    pub fn sign(&self, msg: &[u8]) -> Signature {
        use ed25519_dalek::Signer as _;
        Signature(self.0.sign(msg))
    }

    /// The underlying `ed25519_dalek` signing key.
    pub fn as_signing_key(&self) -> &SigningKey {
        &self.0
    }
}

/// An Ed25519 public key (never a weak, small-order point).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(VerifyingKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_multibase())
    }
}

impl PublicKey {
    /// Reads a 32-byte compressed Edwards point, refusing invalid and weak (small-order) keys.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| KeyError::Length {
            expected: PUBLIC_KEY_LEN,
            found: bytes.len(),
        })?;
        let vk = VerifyingKey::from_bytes(&arr).map_err(|e| KeyError::InvalidPublicKey(Some(e)))?;
        Self::from_verifying_key(vk)
    }

    /// Wraps an `ed25519_dalek` verifying key, refusing weak (small-order) keys.
    pub fn from_verifying_key(vk: VerifyingKey) -> Result<Self, KeyError> {
        if vk.is_weak() {
            return Err(KeyError::InvalidPublicKey(None));
        }
        Ok(PublicKey(vk))
    }

    /// The 32 key bytes.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.0.to_bytes()
    }

    /// The underlying `ed25519_dalek` verifying key.
    pub fn as_verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn debug_is_redacted_in_every_encoding() {
        let key = SecretKey::generate(&mut StdRng::seed_from_u64(7));
        let dbg = format!("{key:?} {key:#?}");
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
        let seed = key.seed_bytes();
        let hex_lower = hex::encode(*seed);
        let b64 = {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(*seed)
        };
        let b64std = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(*seed)
        };
        let mb = key.to_multibase();
        for enc in [
            hex_lower.clone(),
            hex_lower.to_uppercase(),
            b64,
            b64std,
            mb.to_string(),
            format!("{:?}", *seed),
        ] {
            assert!(!dbg.contains(enc.as_str()), "debug leaks {enc}");
        }
        // The signer that holds the key must not leak it either.
        let signer = crate::keys::LocalSigner::did_key(key.clone());
        assert!(!format!("{signer:?}").contains(&hex_lower));
        assert!(!format!("{signer:?}").contains(mb.as_str()));
    }

    #[test]
    fn keypair_bytes_must_match() {
        let a = SecretKey::generate(&mut StdRng::seed_from_u64(1));
        let b = SecretKey::generate(&mut StdRng::seed_from_u64(2));
        let mut good = a.seed_bytes().to_vec();
        good.extend_from_slice(&a.public_key().to_bytes());
        assert_eq!(
            SecretKey::from_keypair_bytes(&good)
                .map(|k| k.public_key())
                .ok(),
            Some(a.public_key())
        );
        let mut bad = a.seed_bytes().to_vec();
        bad.extend_from_slice(&b.public_key().to_bytes());
        assert!(matches!(
            SecretKey::from_keypair_bytes(&bad),
            Err(KeyError::KeyMismatch)
        ));
        assert!(matches!(
            SecretKey::from_seed_slice(&[0u8; 31]),
            Err(KeyError::Length {
                expected: 32,
                found: 31
            })
        ));
    }

    #[test]
    fn weak_public_key_refused() {
        // The identity point (small order) encodes as 0x01 followed by zeros.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(matches!(
            PublicKey::from_bytes(&identity),
            Err(KeyError::InvalidPublicKey(_))
        ));
    }
}
