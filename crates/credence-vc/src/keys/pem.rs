//! PEM encodings: PKCS#8 for secret keys and SPKI for public keys.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _,
};
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::error::KeyError;
use super::secret::{PublicKey, SecretKey};

impl SecretKey {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), LF line endings; wiped on drop.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.as_signing_key()
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(KeyError::Pkcs8)
    }

    /// Reads a PKCS#8 PEM (v1, or v2 with a public key that must match).
    pub fn from_pkcs8_pem(text: &str) -> Result<Self, KeyError> {
        let sk = SigningKey::from_pkcs8_pem(text.trim()).map_err(KeyError::Pkcs8)?;
        Ok(SecretKey::from_seed(&Zeroizing::new(sk.to_bytes())))
    }
}

impl PublicKey {
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`), LF line endings.
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        self.as_verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(KeyError::Spki)
    }

    /// Reads an SPKI PEM.
    pub fn from_spki_pem(text: &str) -> Result<Self, KeyError> {
        let vk = VerifyingKey::from_public_key_pem(text.trim()).map_err(KeyError::Spki)?;
        PublicKey::from_verifying_key(vk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn pem_round_trip() {
        let sk = SecretKey::generate(&mut StdRng::seed_from_u64(21));
        let pem = sk.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(
            SecretKey::from_pkcs8_pem(&pem).unwrap().public_key(),
            sk.public_key()
        );
        let spki = sk.public_key().to_spki_pem().unwrap();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(PublicKey::from_spki_pem(&spki).unwrap(), sk.public_key());
        assert!(matches!(
            SecretKey::from_pkcs8_pem(&spki),
            Err(KeyError::Pkcs8(_))
        ));
    }

    #[test]
    fn rfc8410_private_key() {
        // RFC 8410 section 10.3 example private key.
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                   -----END PRIVATE KEY-----\n";
        let sk = SecretKey::from_pkcs8_pem(pem).unwrap();
        assert_eq!(
            hex::encode(*sk.seed_bytes()),
            "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"
        );
        // RFC 8410 section 10.1 public key of that private key.
        let spki = "-----BEGIN PUBLIC KEY-----\n\
                    MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
                    -----END PUBLIC KEY-----\n";
        assert_eq!(PublicKey::from_spki_pem(spki).unwrap(), sk.public_key());
    }
}
