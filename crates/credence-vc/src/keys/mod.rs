//! Ed25519 keys and their formats (JWK, PKCS#8/SPKI PEM, Multikey), DIDs (`did:key`, `did:web`,
//! DID documents, JWKS) and the [`Signer`] abstraction.

mod did;
mod error;
mod jwk;
mod multikey;
mod pem;
mod secret;
mod signer;
mod text;

pub use did::{
    did_web_from_base_url, did_web_to_url, public_key_from_did_key, resolve_did_key, DidDocument,
    VerificationMethod, VerificationMethodId, VerificationRelationship, DID_V1_CONTEXT,
    MULTIKEY_V1_CONTEXT,
};
pub use error::{KeyError, KeyTextFormat, SignError};
pub use jwk::{Jwk, Jwks};
pub use multikey::{KeyPairFile, ED25519_PRIV_HEADER, ED25519_PUB_HEADER};
pub use secret::{PublicKey, SecretKey, Signature, PUBLIC_KEY_LEN, SEED_LEN, SIGNATURE_LEN};
pub use signer::{signature_from_slice, verify_signature, LocalSigner, Signer};
pub use text::{detect_key_text_format, MAX_KEY_TEXT_LEN};
