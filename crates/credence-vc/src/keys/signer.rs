//! The `Signer` abstraction (local key or external backend) and strict signature verification.

use super::did::VerificationMethodId;
use super::error::{KeyError, SignError};
use super::secret::{PublicKey, SecretKey, Signature, SIGNATURE_LEN};

/// Something that signs bytes with Ed25519 on behalf of a verification method.
pub trait Signer: Send + Sync {
    /// The verification method whose key produces the signatures.
    fn verification_method(&self) -> &VerificationMethodId;
    /// Signs `msg`.
    fn sign(&self, msg: &[u8]) -> Result<Signature, SignError>;
}

/// A [`Signer`] holding the secret key in memory.
#[derive(Debug, Clone)]
pub struct LocalSigner {
    key: SecretKey,
    vm: VerificationMethodId,
}

impl LocalSigner {
    /// A signer for `key` that names `vm` as its verification method.
    pub fn new(key: SecretKey, vm: VerificationMethodId) -> Self {
        LocalSigner { key, vm }
    }

    /// A signer whose verification method is the key's own `did:key` method.
    pub fn did_key(key: SecretKey) -> Self {
        let vm = key.public_key().did_key_vm();
        LocalSigner { key, vm }
    }

    /// The public key matching this signer.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
}

impl Signer for LocalSigner {
    fn verification_method(&self) -> &VerificationMethodId {
        &self.vm
    }

    fn sign(&self, msg: &[u8]) -> Result<Signature, SignError> {
        Ok(self.key.sign(msg))
    }
}

/// Reads a 64-byte signature.
pub fn signature_from_slice(bytes: &[u8]) -> Result<Signature, KeyError> {
    let arr: [u8; SIGNATURE_LEN] = bytes
        .try_into()
        .map_err(|_| KeyError::SignatureLength { found: bytes.len() })?;
    Ok(Signature::from_bytes(&arr))
}

/// Verifies `sig` over `msg` with `key` using strict RFC 8032 rules (canonical `S`, no
/// small-order `R` or key).
pub fn verify_signature(key: &PublicKey, msg: &[u8], sig: &Signature) -> Result<(), KeyError> {
    key.as_verifying_key()
        .verify_strict(msg, sig.as_dalek())
        .map_err(KeyError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn sign_and_verify() {
        let signer = LocalSigner::did_key(SecretKey::generate(&mut StdRng::seed_from_u64(50)));
        let sig = signer.sign(b"hello").unwrap();
        verify_signature(&signer.public_key(), b"hello", &sig).unwrap();
        assert!(matches!(
            verify_signature(&signer.public_key(), b"hellp", &sig),
            Err(KeyError::BadSignature(_))
        ));
        let other = SecretKey::generate(&mut StdRng::seed_from_u64(51)).public_key();
        assert!(verify_signature(&other, b"hello", &sig).is_err());
        assert!(signer
            .verification_method()
            .as_str()
            .starts_with("did:key:z6Mk"));
        let dynamic: &dyn Signer = &signer;
        assert_eq!(dynamic.sign(b"x").unwrap(), signer.sign(b"x").unwrap());
    }

    #[test]
    fn ob_vector_signature_verifies() {
        let v: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json"
        ))
        .unwrap();
        let sk = SecretKey::from_keypair_bytes(
            &hex::decode(v["secretKeyHex"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        let data = hex::decode(v["dataToSignHex"].as_str().unwrap()).unwrap();
        let expected = hex::decode(v["signatureHex"].as_str().unwrap()).unwrap();
        let sig = sk.sign(&data);
        assert_eq!(sig.to_bytes().to_vec(), expected);
        verify_signature(
            &sk.public_key(),
            &data,
            &signature_from_slice(&expected).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            signature_from_slice(&expected[..63]),
            Err(KeyError::SignatureLength { found: 63 })
        ));
    }

    #[test]
    fn non_canonical_s_refused() {
        // Adding the group order L to S gives a signature lax verifiers accept; strict must not.
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(52));
        let sig = sk.sign(b"m").to_bytes();
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut s = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let t = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
            s[i] = (t & 0xff) as u8;
            carry = t >> 8;
        }
        let mut bad = sig;
        bad[32..].copy_from_slice(&s);
        let bad = Signature::from_bytes(&bad);
        assert!(verify_signature(&sk.public_key(), b"m", &bad).is_err());
    }
}
